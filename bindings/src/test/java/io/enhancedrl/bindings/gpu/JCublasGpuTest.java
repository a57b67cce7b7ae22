package io.enhancedrl.bindings.gpu;

import io.enhancedrl.bindings.cuda.CudaContext;
import io.enhancedrl.bindings.cuda.CudaKernelOps;
import io.enhancedrl.bindings.cuda.CudaStream;
import io.enhancedrl.bindings.cuda.DeviceBuffer;
import io.enhancedrl.bindings.cuda.JCublasLinear;
import io.enhancedrl.bindings.cuda.JCublasProbe;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JCublas's SGEMM path ({@link JCublasLinear}) against the CPU reference and the hand kernel at odd sizes, with and
 * without bias; skipped with the reason when libcublas.so.12 cannot be loaded.
 */
@Tag("gpu")
class JCublasGpuTest {

    private static CudaKernelOps cudaWithJCublas() {
        CudaKernelOps ops = GpuSupport.cudaOrSkip();
        String status = JCublasProbe.status();
        if (!status.startsWith("JCublas: ready")) {
            System.out.println("JCublas skipped: " + status);
        }
        Assumptions.assumeTrue(status.startsWith("JCublas: ready"), "JCublas skipped: " + status);
        return ops;
    }

    @Test
    void sgemmWithRankOneBiasMatchesTheReferenceAndTheHandKernel() {
        CudaKernelOps ops = cudaWithJCublas();
        CudaContext context = ops.context();
        context.bindCurrentThread();
        SplittableRandom rnd = new SplittableRandom(13);
        try (CudaStream stream = new CudaStream(context, "jcublas test");
             JCublasLinear blas = new JCublasLinear(context)) {
            for (int[] shape : new int[][]{{1, 1, 1}, {3, 7, 33}, {64, 33, 7}, {257, 149, 256}, {512, 256, 10}}) {
                int n = shape[0], in = shape[1], out = shape[2];
                for (boolean withBias : new boolean[]{true, false}) {
                    float[] x = DeviceData.random(rnd, n * in), w = DeviceData.random(rnd, in * out), b = DeviceData.random(rnd, out);
                    float[] ref = new float[n * out], hand = new float[n * out], vendor;
                    float[] bias = withBias ? b : null;
                    ScalarKernelOps.INSTANCE.linearForward(n, in, out, x, 0, w, 0, bias, 0, n, Activation.IDENTITY, ref, 0);
                    ops.linearForward(n, in, out, x, 0, w, 0, bias, 0, n, Activation.IDENTITY, hand, 0);
                    try (DeviceBuffer dx = DeviceData.upload(context, stream, x, "x");
                         DeviceBuffer dw = DeviceData.upload(context, stream, w, "w");
                         DeviceBuffer db = DeviceData.upload(context, stream, b, "bias");
                         DeviceBuffer dy = new DeviceBuffer(context, 4L * n * out, "y")) {
                        blas.forward(stream, n, in, out, dx, dw, withBias ? db : null, dy);
                        vendor = DeviceData.download(context, stream, dy, n * out);
                    }
                    String what = n + "x" + in + "x" + out + (withBias ? " with bias" : " without bias");
                    Tolerance.FP32.forReduction(in + 1).assertClose("JCublas vs CPU " + what, ref, vendor);
                    Tolerance.FP32.forReduction(in + 1).assertClose("JCublas vs hand kernel " + what, hand, vendor);
                }
            }
        }
    }

    @Test
    void aBufferTooSmallIsRefusedBeforeCuBlasSeesIt() {
        CudaKernelOps ops = cudaWithJCublas();
        CudaContext context = ops.context();
        context.bindCurrentThread();
        try (CudaStream stream = new CudaStream(context, "jcublas test");
             JCublasLinear blas = new JCublasLinear(context);
             DeviceBuffer small = new DeviceBuffer(context, 16, "small");
             DeviceBuffer big = new DeviceBuffer(context, 4096, "big")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> blas.forward(stream, 8, 4, 4, small, big, null, big));
            assertTrue(e.getMessage().startsWith("x: expected a device buffer of at least 128 bytes (32 floats)"),
                    e.getMessage());
        }
    }
}
