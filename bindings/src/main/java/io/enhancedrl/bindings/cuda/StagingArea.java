package io.enhancedrl.bindings.cuda;

/**
 * One worker thread's device state: its stream and, per operand slot, a device buffer with a pinned host
 * twin. Buffers only grow (to at least double), so once the largest shapes have been seen a kernel call
 * allocates no device or pinned memory. Not thread-safe: {@link CudaKernelOps} keeps one per thread.
 */
final class StagingArea implements AutoCloseable {

    /** Minimum allocation, so that empty operands still have a valid (unused) pointer. */
    static final long MIN_BYTES = 256;

    final CudaStream stream;
    private final CudaContext context;
    private final DeviceBuffer[] device;
    private final PinnedBuffer[] host;
    private final String thread;

    StagingArea(CudaContext context, int slots) {
        this.context = context;
        this.thread = Thread.currentThread().getName();
        this.stream = new CudaStream(context, "stream of " + thread);
        this.device = new DeviceBuffer[slots];
        this.host = new PinnedBuffer[slots];
    }

    /** Ensures slot {@code s} holds at least {@code bytes}; returns its device buffer. */
    DeviceBuffer ensure(int s, long bytes, String operand) {
        return ensure(s, bytes, operand, true);
    }

    /** {@link #ensure} for a slot that only lives on the device (activations between layers): no pinned twin. */
    DeviceBuffer ensureDeviceOnly(int s, long bytes, String operand) {
        return ensure(s, bytes, operand, false);
    }

    private DeviceBuffer ensure(int s, long bytes, String operand, boolean withHost) {
        DeviceBuffer d = device[s];
        if (d != null && d.bytes() >= bytes) {
            return d;
        }
        long capacity = Math.max(MIN_BYTES, Math.max(bytes, d == null ? 0 : 2 * d.bytes()));
        capacity = (capacity + 255) & ~255L;
        // Work still queued on the stream may read the old buffers: drain it before freeing them.
        if (d != null) {
            stream.synchronize();
            d.close();
            if (host[s] != null) {
                host[s].close();
            }
        }
        device[s] = null;
        host[s] = null;
        String label = operand + " of " + thread;
        // Publish the pair only when both allocations succeeded: a device fault (e.g. out of memory) on the
        // pinned twin must not leave a device buffer without host memory for the next call to trip over.
        DeviceBuffer d2 = new DeviceBuffer(context, capacity, label);
        PinnedBuffer h2 = null;
        try {
            if (withHost) {
                h2 = new PinnedBuffer(context, capacity, label);
            }
        } catch (RuntimeException e) {
            try {
                d2.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        device[s] = d2;
        host[s] = h2;
        return d2;
    }

    DeviceBuffer device(int s) {
        return device[s];
    }

    PinnedBuffer host(int s) {
        return host[s];
    }

    /** Current allocation of slot s in bytes (0 when none), for tests of the reuse rule. */
    long capacity(int s) {
        return device[s] == null ? 0 : device[s].bytes();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (int s = 0; s < device.length; s++) {
            for (AutoCloseable c : new AutoCloseable[]{device[s], host[s]}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (Exception e) {
                    if (first == null) {
                        first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                    }
                }
            }
        }
        try {
            stream.close();
        } catch (RuntimeException e) {
            if (first == null) {
                first = e;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
