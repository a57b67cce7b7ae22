package io.enhancedrl.bindings.gpu;

import io.enhancedrl.bindings.cuda.CublasLtLinear;
import io.enhancedrl.bindings.cuda.CudaContext;
import io.enhancedrl.bindings.cuda.CudaKernelOps;
import io.enhancedrl.bindings.cuda.CudaStream;
import io.enhancedrl.bindings.cuda.DeviceBuffer;
import io.enhancedrl.bindings.ffm.CublasLt;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/**
 * The vendor path on a real device: cuBLASLt's RELU_BIAS GEMM on the JCuda layer's buffers ({@link CublasLtLinear})
 * against the CPU reference and the hand-written kernel, at the actor's first-layer shape and an odd one. Skipped
 * with the reason when there is no device or no libcublasLt (.13 or .12) on the library path.
 */
@Tag("gpu")
class CublasLtGpuTest {

    @Test
    void cublasLtReluBiasGemmMatchesTheReferenceAndTheHandKernel() {
        CudaKernelOps ops = GpuSupport.cudaOrSkip();
        CublasLt lt;
        try {
            lt = CublasLt.load();
        } catch (RuntimeException | LinkageError e) {
            String reason = "cuBLASLt skipped: " + e.getMessage();
            System.out.println(reason);
            Assumptions.assumeTrue(false, reason);
            return;
        }
        CudaContext context = ops.context();
        context.bindCurrentThread();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int[] shape : new int[][] {{512, 149, 256}, {37, 33, 7}}) {
            int n = shape[0], in = shape[1], out = shape[2];
            float[] x = DeviceData.random(rnd, n * in), w = DeviceData.random(rnd, in * out), b = DeviceData.random(rnd, out);
            float[] ref = new float[n * out], hand = new float[n * out], vendor;
            ScalarKernelOps.INSTANCE.linearForward(n, in, out, x, 0, w, 0, b, 0, n, Activation.RELU, ref, 0);
            ops.linearForward(n, in, out, x, 0, w, 0, b, 0, n, Activation.RELU, hand, 0);
            try (CudaStream stream = new CudaStream(context, "cublasLt test");
                 DeviceBuffer dx = DeviceData.upload(context, stream, x, "x");
                 DeviceBuffer dw = DeviceData.upload(context, stream, w, "w");
                 DeviceBuffer db = DeviceData.upload(context, stream, b, "bias");
                 DeviceBuffer dy = new DeviceBuffer(context, 4L * n * out, "y");
                 CublasLtLinear linear = new CublasLtLinear(context, lt, 4 << 20)) {
                linear.reluBiasForward(stream, n, in, out, dx, dw, db, dy);
                vendor = DeviceData.download(context, stream, dy, n * out);
            }
            Tolerance.FP32.forReduction(in).assertClose("cuBLASLt vs CPU " + n + "x" + in + "x" + out, ref, vendor);
            Tolerance.FP32.forReduction(in).assertClose("cuBLASLt vs hand kernel " + n + "x" + in + "x" + out, hand, vendor);
        }
    }
}
