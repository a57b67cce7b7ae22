package io.enhancedrl.bindings.cuda;

/** A CUDA stream (cuStreamCreate / cuStreamDestroy). The backend keeps one per worker thread. */
public final class CudaStream extends NativeOwner {

    private final long handle;

    public CudaStream(CudaContext context, String label) {
        super(context, label);
        long[] out = new long[1];
        context.check(context.driver().streamCreate(out, 0), "cuStreamCreate", "stream '" + label + "'");
        this.handle = out[0];
    }

    public long handle() {
        ensureOpen();
        return handle;
    }

    /** The raw CUstream, for libraries that take a cudaStream_t (cuBLASLt). */
    public long address() {
        return context.driver().streamAddress(handle());
    }

    /** Waits for all work queued on this stream; a kernel's asynchronous fault surfaces here. */
    public void synchronize() {
        int s = context.driver().streamSynchronize(handle());
        if (s != CudaDriver.SUCCESS) { // the message only on failure: a call allocates nothing
            throw context.failure(s, "cuStreamSynchronize", describe());
        }
    }

    @Override
    protected void release() {
        context.check(context.driver().streamDestroy(handle), "cuStreamDestroy", describe());
    }
}
