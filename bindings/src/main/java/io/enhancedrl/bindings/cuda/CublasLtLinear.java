package io.enhancedrl.bindings.cuda;

import io.enhancedrl.bindings.ffm.CublasLt;

import java.lang.foreign.MemorySegment;

/**
 * cuBLASLt's FP32 GEMM with the RELU_BIAS epilogue on the engine's own device buffers: {@code y[n][out] =
 * relu(x[n][in] W[in][out] + bias[out])}, the vendor-library path that the hand-written
 * {@code erl_linear_forward_f32} is compared with. The buffers come from the JCuda layer ({@link DeviceBuffer});
 * cuBLASLt is reached through the FFM bindings ({@link CublasLt}), so the JCuda handles are turned into the raw
 * device addresses and the raw CUstream that cuBLASLt expects ({@link DeviceBuffer#address()},
 * {@link CudaStream#address()}).
 *
 * <p>One cuBLASLt handle and one workspace per instance, and the descriptors and algorithm of the last shape
 * ({@link CublasLt.ReluBiasPlan}: a repeated shape costs one cublasLtMatmul, not the set-up and the heuristic);
 * like a stream, an instance belongs to one thread. {@link #close()} frees all of them (idempotent).
 */
public final class CublasLtLinear implements AutoCloseable {

    private final CublasLt lt;
    private final MemorySegment handle;
    /** The last shape's descriptors and algorithm (a served layer or a benchmark runs one shape many times). */
    private CublasLt.ReluBiasPlan plan;
    private final DeviceBuffer workspace;
    private final long workspaceBytes;
    private boolean closed;

    /**
     * @param workspaceBytes device workspace for cuBLASLt's algorithms (0 for none; 1-32 MiB is usual)
     */
    public CublasLtLinear(CudaContext context, CublasLt lt, long workspaceBytes) {
        if (workspaceBytes < 0) {
            throw new IllegalArgumentException("workspaceBytes: expected >= 0 but was " + workspaceBytes);
        }
        this.lt = lt;
        this.workspaceBytes = workspaceBytes;
        this.workspace = workspaceBytes == 0 ? null : new DeviceBuffer(context, workspaceBytes, "cuBLASLt workspace");
        MemorySegment h;
        try {
            h = lt.create();
        } catch (RuntimeException e) {
            if (workspace != null) {
                workspace.close();
            }
            throw e;
        }
        this.handle = h;
    }

    /**
     * Queues y = relu(x W + bias) on {@code stream}; returns without waiting (synchronise the stream to read y).
     *
     * @throws IllegalArgumentException if a buffer is smaller than its operand (named with both sizes)
     */
    public void reluBiasForward(CudaStream stream, int n, int in, int out, DeviceBuffer x, DeviceBuffer w,
                                DeviceBuffer bias, DeviceBuffer y) {
        if (closed) {
            throw new IllegalStateException("CublasLtLinear is closed");
        }
        if (bias == null) {
            throw new NullPointerException("bias: expected a device buffer (the RELU_BIAS epilogue reads it) but was null");
        }
        DeviceBuffer.requireLinearOperands("reluBiasForward", n, in, out, x, w, bias, y);
        if (plan == null || !plan.fits(n, in, out, workspaceBytes)) {
            if (plan != null) {
                plan.close();
                plan = null;
            }
            plan = lt.planReluBias(handle, n, in, out, at(bias), workspaceBytes);
        }
        lt.run(handle, plan, MemorySegment.ofAddress(stream.address()), at(x), at(w), at(bias), at(y),
                workspace == null ? MemorySegment.NULL : at(workspace));
    }

    private static MemorySegment at(DeviceBuffer b) {
        return MemorySegment.ofAddress(b.address());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (plan != null) {
                plan.close();
            }
            lt.destroy(handle);
        } finally {
            if (workspace != null) {
                workspace.close();
            }
        }
    }
}
