package io.enhancedrl.bindings.cuda;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

/**
 * The classic cuBLAS path through JCublas (org.jcuda:jcublas, libcublas.so.12): {@code y[n][out] = x[n][in]
 * W[in][out] + bias[out]} as two SGEMMs on the engine's device buffers, one of the vendor-library paths the
 * hand-written {@code erl_linear_forward_f32} is timed against ({@code GpuBench}); cuBLASLt's fused RELU_BIAS
 * epilogue ({@link CublasLtLinear}) is the other. cuBLAS has no activation, so this is the identity-activation
 * layer.
 *
 * <p>Row-major to cuBLAS's column-major: a row-major [r][c] matrix is its column-major transpose, so
 * {@code y^T (out x n) = W^T (out x in) . x^T (in x n)} is {@code sgemm(N, N, out, n, in, W, ld out, x, ld in, y,
 * ld out)}; the bias is the rank-1 product {@code bias (out x 1) . ones (1 x n)} written first (beta 0), the
 * GEMM then adds to it (beta 1).
 *
 * <p>Needs the JCuda driver ({@link JCudaDriverApi}: JCublas takes JCuda's pointer objects) and
 * {@link JCublasProbe} ready. One cuBLAS handle per instance; like a stream, an instance belongs to one thread.
 * Steady-state calls allocate nothing on the Java heap (the ones vector only grows; the stream object is made
 * when the stream changes). {@link #close()} frees the handle and the ones vector (idempotent).
 */
public final class JCublasLinear implements AutoCloseable {

    private final CudaContext context;
    private final JCudaDriverApi jcuda;
    private final cublasHandle handle = new cublasHandle();
    private final Pointer one = Pointer.to(new float[]{1f});
    private final Pointer zero = Pointer.to(new float[]{0f});
    private DeviceBuffer ones;
    private int onesLength;
    private long boundStream;
    private boolean closed;

    /**
     * @throws IllegalStateException when JCublas cannot be used here (the probe's reason) or the context's driver is
     *                               not JCuda's
     * @throws CudaException         when cublasCreate fails
     */
    public JCublasLinear(CudaContext context) {
        if (!(context.driver() instanceof JCudaDriverApi j)) {
            throw new IllegalStateException("JCublas works on JCuda's pointers, but this context's driver is "
                    + context.driver().getClass().getName());
        }
        String status = JCublasProbe.status();
        if (!status.startsWith("JCublas: ready")) {
            throw new IllegalStateException(status);
        }
        this.context = context;
        this.jcuda = j;
        context.bindCurrentThread();
        check(JCublas2.cublasCreate(handle), "cublasCreate", "");
    }

    private void check(int status, String call, String details) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call, status, cublasStatus.stringFor(status), details);
        }
    }

    /**
     * Queues y = x W + bias (bias nullable) on {@code stream}; returns without waiting (synchronise the stream to
     * read y).
     *
     * @throws IllegalArgumentException if a size is below 1 or a buffer is smaller than its operand
     * @throws CudaException            if a cuBLAS call fails (status name from cublasStatus)
     */
    public void forward(CudaStream stream, int n, int in, int out, DeviceBuffer x, DeviceBuffer w, DeviceBuffer bias,
                        DeviceBuffer y) {
        if (closed) {
            throw new IllegalStateException("JCublasLinear is closed");
        }
        DeviceBuffer.requireLinearOperands("forward", n, in, out, x, w, bias, y);
        bindStream(stream);
        Pointer dy = jcuda.devicePointer(y.handle());
        int s;
        if (bias != null) {
            Pointer ones = ones(n, stream);
            s = JCublas2.cublasSgemm(handle, cublasOperation.CUBLAS_OP_N, cublasOperation.CUBLAS_OP_N, out, n, 1, one,
                    jcuda.devicePointer(bias.handle()), out, ones, 1, zero, dy, out);
            if (s != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                check(s, "cublasSgemm", "bias . ones, out=" + out + ", n=" + n);
            }
        }
        s = JCublas2.cublasSgemm(handle, cublasOperation.CUBLAS_OP_N, cublasOperation.CUBLAS_OP_N, out, n, in, one,
                jcuda.devicePointer(w.handle()), out, jcuda.devicePointer(x.handle()), in, bias != null ? one : zero,
                dy, out);
        if (s != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            check(s, "cublasSgemm", "W^T x^T, out=" + out + ", n=" + n + ", in=" + in);
        }
    }

    private void bindStream(CudaStream stream) {
        long h = stream.handle();
        if (h != boundStream) {
            check(JCublas2.cublasSetStream(handle, new cudaStream_t(jcuda.cuStream(h))), "cublasSetStream",
                    stream.describe());
            boundStream = h;
        }
    }

    /** A device vector of at least n ones (grown, and filled through pinned memory, only when n exceeds it). */
    private Pointer ones(int n, CudaStream stream) {
        if (n > onesLength) {
            int len = Math.max(n, 2 * onesLength);
            DeviceBuffer d = new DeviceBuffer(context, (long) len * Float.BYTES, "JCublasLinear ones");
            try (PinnedBuffer h = new PinnedBuffer(context, (long) len * Float.BYTES, "JCublasLinear ones")) {
                float[] fill = new float[len];
                java.util.Arrays.fill(fill, 1f);
                h.putFloats(fill, 0, len);
                d.copyFrom(h, (long) len * Float.BYTES, stream);
                stream.synchronize(); // the pinned buffer is freed on leaving
            } catch (RuntimeException e) {
                d.close();
                throw e;
            }
            if (ones != null) {
                ones.close(); // no queued work reads it: the stream was just synchronised
            }
            ones = d;
            onesLength = len;
        }
        return jcuda.devicePointer(ones.handle());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            check(JCublas2.cublasDestroy(handle), "cublasDestroy", "");
        } finally {
            if (ones != null) {
                ones.close();
            }
        }
    }
}
