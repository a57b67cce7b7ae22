package io.enhancedrl.bindings.cuda;

/**
 * The common life cycle of the CUDA owners: {@link #close()} releases once (later calls do nothing), and
 * using the object after that is an {@link IllegalStateException} naming it, instead of a driver error or
 * a crash on a freed handle.
 */
abstract class NativeOwner implements AutoCloseable {

    protected final CudaContext context;
    private final String label;
    private boolean closed;

    NativeOwner(CudaContext context, String label) {
        if (context == null) {
            throw new NullPointerException("context: expected a CudaContext but was null");
        }
        this.context = context;
        this.label = label == null ? "unnamed" : label;
    }

    /** What this object is, for messages: e.g. "DeviceBuffer 'x' (4096 bytes)". */
    public String describe() {
        return getClass().getSimpleName() + " '" + label + "'" + details();
    }

    /** Extra description (sizes) appended to {@link #describe()}. */
    protected String details() {
        return "";
    }

    public final synchronized boolean isClosed() {
        return closed;
    }

    protected final synchronized void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
        }
    }

    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        release();
    }

    /** Frees the native resource; called at most once. */
    protected abstract void release();

    @Override
    public String toString() {
        return describe() + (isClosed() ? " (closed)" : "");
    }
}
