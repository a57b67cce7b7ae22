package io.enhancedrl.bindings.cuda;

/** One device allocation (cuMemAlloc / cuMemFree). */
public final class DeviceBuffer extends NativeOwner {

    private final long bytes;
    private final long handle;

    public DeviceBuffer(CudaContext context, long bytes, String label) {
        super(context, label);
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes: expected > 0 for device buffer '" + label + "' but was " + bytes);
        }
        this.bytes = bytes;
        long[] out = new long[1];
        context.check(context.driver().memAlloc(out, bytes), "cuMemAlloc", "bytes=" + bytes + ", buffer '" + label + "'");
        this.handle = out[0];
    }

    /** The allocation handle for {@link CudaDriver} calls and kernel arguments. */
    public long handle() {
        ensureOpen();
        return handle;
    }

    public long bytes() {
        return bytes;
    }

    private long address;

    /** Throws an IllegalArgumentException naming {@code operand} when this buffer holds fewer than {@code floats} floats. */
    public void requireFloats(String operand, long floats) {
        if (bytes < floats * Float.BYTES) {
            throw new IllegalArgumentException(operand + ": expected a device buffer of at least " + floats * Float.BYTES
                    + " bytes (" + floats + " floats) but " + describe() + " has " + bytes);
        }
    }

    /**
     * Checks the operands of a linear layer on device buffers, y[n][out] = x[n][in] W[in][out] + bias[out] (bias
     * nullable): sizes at least 1 and every buffer large enough, each failure naming {@code op} or the operand.
     */
    static void requireLinearOperands(String op, int n, int in, int out, DeviceBuffer x, DeviceBuffer w,
                                      DeviceBuffer bias, DeviceBuffer y) {
        if (n < 1 || in < 1 || out < 1) {
            throw new IllegalArgumentException(op + ": expected n, in, out >= 1 but was n=" + n + ", in=" + in
                    + ", out=" + out);
        }
        x.requireFloats("x", (long) n * in);
        w.requireFloats("w", (long) in * out);
        if (bias != null) {
            bias.requireFloats("bias", out);
        }
        y.requireFloats("y", (long) n * out);
    }

    /** The raw device address (for libraries that take device pointers, e.g. cuBLASLt); asked once. */
    public long address() {
        ensureOpen();
        if (address == 0) {
            long[] out = new long[1];
            context.check(context.driver().pointerAddress(out, handle), "cuPointerGetAttribute", describe());
            address = out[0];
        }
        return address;
    }

    @Override
    protected String details() {
        return " (" + bytes + " bytes)";
    }

    @Override
    protected void release() {
        context.check(context.driver().memFree(handle), "cuMemFree", describe());
    }

    /** Asynchronous copy of {@code bytes} from the pinned buffer (from its start) to the start of this one. */
    public void copyFrom(PinnedBuffer src, long bytes, CudaStream stream) {
        ensureOpen();
        checkBytes(bytes, src);
        int s = context.driver().memcpyHtoDAsync(handle, 0, src.buffer(), 0, bytes, stream.handle());
        if (s != CudaDriver.SUCCESS) { // the message only on failure: a copy allocates nothing
            throw context.failure(s, "cuMemcpyHtoDAsync", "bytes=" + bytes + ", to " + describe() + ", from "
                    + src.describe());
        }
    }

    /** Asynchronous copy of {@code bytes} from the start of this buffer into the pinned buffer. */
    public void copyTo(PinnedBuffer dst, long bytes, CudaStream stream) {
        ensureOpen();
        checkBytes(bytes, dst);
        int s = context.driver().memcpyDtoHAsync(dst.buffer(), 0, handle, 0, bytes, stream.handle());
        if (s != CudaDriver.SUCCESS) {
            throw context.failure(s, "cuMemcpyDtoHAsync", "bytes=" + bytes + ", from " + describe() + ", to "
                    + dst.describe());
        }
    }

    private void checkBytes(long n, PinnedBuffer host) {
        if (n < 0 || n > this.bytes || n > host.bytes()) {
            throw new IllegalArgumentException("bytes: expected 0.." + Math.min(this.bytes, host.bytes())
                    + " (" + describe() + ", " + host.describe() + ") but was " + n);
        }
    }
}
