package io.enhancedrl.kernels;

import io.enhancedrl.kernels.cpu.ScalarBackend;
import io.enhancedrl.kernels.cpu.VectorBackend;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses the kernel backend, once and loudly (the pattern of Lucene's VectorizationProvider).
 *
 * <p>{@link #select()} reads the system property {@value #PROPERTY} ({@code auto}, the default, or a backend
 * name: {@code scalar}, {@code vector}, {@code cuda}). "auto" probes every backend from the highest
 * priority down and takes the first that is available; each backend it passes over logs one line with the
 * fix, and the choice logs one line with the backend's features. Forcing a backend that is not available
 * is an {@link IllegalStateException} naming the backend, the reason and the fix; there is no silent
 * fallback. The result of each selection is cached, so the lines appear once per JVM.
 *
 * <p>Backends are the built-in "scalar" and "vector" plus every {@link BackendProvider} on the class path
 * (java.util.ServiceLoader). "cuda" is always known by name so that asking for it without the bindings jar
 * says what is missing.
 */
public final class Backends {

    /** The system property that forces a backend. */
    public static final String PROPERTY = "erl.backend";
    /** The value that picks the best available backend. */
    public static final String AUTO = "auto";
    /** The name of the GPU backend the bindings module provides. */
    public static final String CUDA = "cuda";

    /** Cache key of {@link #bestCpu()}; not a backend name, so no user can ask for it. */
    private static final String CPU_KEY = " cpu";
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    /** Successful selections by requested name ("auto" included); failures are not cached. */
    private static final Map<String, KernelOps> SELECTED = new LinkedHashMap<>();

    private Backends() {
    }

    /** The backend named by {@value #PROPERTY} (default "auto"); the same instance on every call. */
    public static KernelOps select() {
        return select(System.getProperty(PROPERTY, AUTO));
    }

    /**
     * The backend with this name, or the best available for "auto"; cached per name.
     *
     * @throws IllegalArgumentException for a name no backend has
     * @throws IllegalStateException for a backend that is not available here (the message says why and
     *                               what to do)
     */
    public static synchronized KernelOps select(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(PROPERTY + ": expected auto or a backend name but was '" + name + "'");
        }
        String key = name.trim().toLowerCase(Locale.ROOT);
        KernelOps cached = SELECTED.get(key);
        if (cached != null) {
            return cached;
        }
        List<BackendProvider> providers = providers();
        KernelOps ops = key.equals(AUTO) ? selectAuto(providers) : selectForced(key, providers);
        SELECTED.put(key, ops);
        return ops;
    }

    /**
     * The best CPU backend: "vector" when its probe passes, else "scalar"; the same instance on every call.
     * This is what a device backend falls back to (the {@link io.enhancedrl.api.Ranker} answers on it when
     * the device fails). It ignores {@value #PROPERTY}, which names the primary backend.
     */
    public static synchronized KernelOps bestCpu() {
        KernelOps cached = SELECTED.get(CPU_KEY);
        if (cached != null) {
            return cached;
        }
        VectorBackend vector = new VectorBackend();
        BackendProvider.Availability a = probe(vector);
        KernelOps ops;
        if (a.available()) {
            ops = vector.create();
        } else {
            LOG.log(Level.INFO, "CPU fallback backend vector skipped: {0}", a.describe());
            ops = new ScalarBackend().create();
        }
        LOG.log(Level.INFO, "CPU fallback backend: {0}", ops.name());
        SELECTED.put(CPU_KEY, ops);
        return ops;
    }

    /**
     * Every known backend, highest priority first: the built-ins, the ServiceLoader providers, and a
     * stand-in for "cuda" when no provider of that name is on the class path.
     */
    public static List<BackendProvider> providers() {
        Map<String, BackendProvider> byName = new LinkedHashMap<>();
        byName.put(ScalarBackend.NAME, new ScalarBackend());
        byName.put(VectorBackend.NAME, new VectorBackend());
        try {
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
                BackendProvider previous = byName.putIfAbsent(p.name(), p);
                if (previous != null) {
                    LOG.log(Level.WARNING, "kernel backend provider {0} ignored: the name \"{1}\" is taken by {2}",
                            p.getClass().getName(), p.name(), previous.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            LOG.log(Level.WARNING, "kernel backend providers: a broken entry in META-INF/services was skipped: {0}",
                    e.getMessage());
        }
        byName.putIfAbsent(CUDA, new MissingBackend(CUDA, 200,
                "no CUDA backend on the class path",
                "put the enhancedrl bindings jar on the class path (it also needs a CUDA driver, libcuda.so.1)"));
        List<BackendProvider> list = new ArrayList<>(byName.values());
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed().thenComparing(BackendProvider::name));
        return list;
    }

    private static KernelOps selectAuto(List<BackendProvider> providers) {
        for (BackendProvider p : providers) {
            BackendProvider.Availability a = probe(p);
            if (!a.available()) {
                LOG.log(Level.INFO, "kernel backend {0} skipped: {1}", p.name(), a.describe());
                continue;
            }
            KernelOps ops;
            try {
                ops = p.create();
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "kernel backend {0} skipped: probe passed but creation failed ({1}); fix: "
                        + "report this, or force another backend with -D{2}=NAME", p.name(), e.toString(), PROPERTY);
                continue;
            }
            // The scalar backend is 20x or more slower than the vector one: make the fallback visible.
            Level level = p.priority() <= 0 ? Level.WARNING : Level.INFO;
            LOG.log(level, "kernel backend: {0} ({1}; chosen by {2}=auto)", ops.name(), a.detail(), PROPERTY);
            return ops;
        }
        throw new IllegalStateException("no kernel backend is available (even scalar failed its probe)");
    }

    private static KernelOps selectForced(String key, List<BackendProvider> providers) {
        BackendProvider chosen = null;
        List<String> names = new ArrayList<>();
        names.add(AUTO);
        for (BackendProvider p : providers) {
            names.add(p.name());
            if (p.name().equals(key)) {
                chosen = p;
            }
        }
        if (chosen == null) {
            throw new IllegalArgumentException(PROPERTY + ": expected one of " + String.join(", ", names)
                    + " but was '" + key + "'");
        }
        BackendProvider.Availability a = probe(chosen);
        if (!a.available()) {
            throw new IllegalStateException("kernel backend '" + key + "' was forced (" + PROPERTY + "=" + key
                    + ") but is not available: " + a.describe());
        }
        KernelOps ops;
        try {
            ops = chosen.create();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("kernel backend '" + key + "' was forced (" + PROPERTY + "=" + key
                    + ") and its probe passed, but creating it failed: " + e, e);
        }
        LOG.log(Level.INFO, "kernel backend: {0} ({1}; forced by {2}={3})", ops.name(), a.detail(), PROPERTY, key);
        return ops;
    }

    /** A probe that throws is a bug in the provider; treat it as "unavailable" with the exception. */
    private static BackendProvider.Availability probe(BackendProvider p) {
        try {
            BackendProvider.Availability a = p.probe();
            if (a == null) {
                return BackendProvider.Availability.unavailable("its probe returned null",
                        "fix the provider " + p.getClass().getName());
            }
            return a;
        } catch (RuntimeException | LinkageError e) {
            return BackendProvider.Availability.unavailable("its probe threw " + e,
                    "fix the provider " + p.getClass().getName() + " or force another backend");
        }
    }

    /** Stands for a backend known by name whose provider is not on the class path. */
    private record MissingBackend(String name, int priority, String reason, String fix) implements BackendProvider {

        @Override
        public Availability probe() {
            return Availability.unavailable(reason, fix);
        }

        @Override
        public KernelOps create() {
            throw new IllegalStateException("backend '" + name + "': " + reason + "; fix: " + fix);
        }
    }
}
