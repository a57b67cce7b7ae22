package io.enhancedrl.kernels;

/**
 * A kernel backend that {@link Backends} can choose: the built-in CPU backends, and others found through
 * {@link java.util.ServiceLoader} (the bindings module registers "cuda" in
 * {@code META-INF/services/io.enhancedrl.kernels.BackendProvider}).
 *
 * <p>{@link #probe()} must be cheap and must not throw: it answers whether {@link #create()} can work here
 * and, when not, why and what the user can do about it. A provider that needs optional classes (the
 * incubating Vector API, a native library) must not load them before its probe has checked they exist.
 */
public interface BackendProvider {

    /** The name users pass as {@code -Derl.backend=NAME}; lower case, unique. */
    String name();

    /** Higher wins under "auto" among the available backends (cuda 200 &gt; vector 100 &gt; scalar 0). */
    int priority();

    /** Whether this backend works in this JVM on this machine; never throws. */
    Availability probe();

    /** Creates (or returns the shared) kernels; called only after a successful probe. */
    KernelOps create();

    /**
     * The answer of a probe.
     *
     * @param available whether {@link #create()} can be called
     * @param detail when available, the features worth a log line ("FloatVector 512 bits"); otherwise why not
     * @param fix when unavailable, what the user can do ("pass --add-modules jdk.incubator.vector"); null
     *            when available
     */
    record Availability(boolean available, String detail, String fix) {

        public Availability {
            if (detail == null || detail.isBlank()) {
                throw new IllegalArgumentException("detail: expected a description but was '" + detail + "'");
            }
            if (!available && (fix == null || fix.isBlank())) {
                throw new IllegalArgumentException("fix: an unavailable backend must name a fix, was '" + fix + "'");
            }
        }

        public static Availability available(String features) {
            return new Availability(true, features, null);
        }

        public static Availability unavailable(String reason, String fix) {
            return new Availability(false, reason, fix);
        }

        /** "reason; fix: ..." for messages about an unavailable backend, the features otherwise. */
        public String describe() {
            return available ? detail : detail + "; fix: " + fix;
        }
    }
}
