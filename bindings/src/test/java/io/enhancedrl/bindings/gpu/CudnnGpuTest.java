package io.enhancedrl.bindings.gpu;

import io.enhancedrl.bindings.cuda.CudaContext;
import io.enhancedrl.bindings.cuda.CudaKernelOps;
import io.enhancedrl.bindings.cuda.CudaStream;
import io.enhancedrl.bindings.cuda.DeviceBuffer;
import io.enhancedrl.bindings.ffm.Cudnn;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * The cuDNN binding (FFM) on the engine's device buffers against the CPU: activation forward and backward (ReLU,
 * tanh), the bias add (a [1][c] tensor broadcast over [n][c]) and op tensor (add, multiply), at odd sizes, for the
 * layer shapes the engine uses ([n][c] as n x c x 1 x 1); skipped with the reason when libcudnn (.9, .8) is missing.
 */
@Tag("gpu")
class CudnnGpuTest {

    private static final int[][] SHAPES = {{1, 1}, {3, 7}, {64, 33}, {257, 256}};

    private static Cudnn cudnnOrSkip() {
        try {
            return Cudnn.load();
        } catch (RuntimeException | LinkageError e) {
            String reason = "cuDNN skipped: " + e.getMessage();
            System.out.println(reason);
            Assumptions.assumeTrue(false, reason);
            return null;
        }
    }

    private static MemorySegment at(DeviceBuffer b) {
        return MemorySegment.ofAddress(b.address());
    }

    @Test
    void activationsBiasAddAndOpTensorMatchTheCpu() {
        CudaKernelOps ops = GpuSupport.cudaOrSkip();
        Cudnn dnn = cudnnOrSkip();
        CudaContext c = ops.context();
        c.bindCurrentThread();
        SplittableRandom rnd = new SplittableRandom(17);
        MemorySegment handle = dnn.create();
        try (CudaStream stream = new CudaStream(c, "cudnn test")) {
            dnn.setStream(handle, MemorySegment.ofAddress(stream.address()));
            for (int[] shape : SHAPES) {
                int n = shape[0], ch = shape[1], len = n * ch;
                String what = n + "x" + ch;
                float[] x = DeviceData.random(rnd, len), dy = DeviceData.random(rnd, len), b = DeviceData.random(rnd, ch);
                MemorySegment full = dnn.tensor4d(n, ch, 1, 1), row = dnn.tensor4d(1, ch, 1, 1);
                try (DeviceBuffer dx = DeviceData.upload(c, stream, x, "x");
                     DeviceBuffer ddy = DeviceData.upload(c, stream, dy, "dy");
                     DeviceBuffer db = DeviceData.upload(c, stream, b, "bias");
                     DeviceBuffer dout = new DeviceBuffer(c, 4L * len, "out");
                     DeviceBuffer dgrad = new DeviceBuffer(c, 4L * len, "grad")) {
                    for (Activation act : new Activation[]{Activation.RELU, Activation.TANH}) {
                        MemorySegment desc = dnn.activation(act == Activation.RELU ? Cudnn.ACTIVATION_RELU
                                : Cudnn.ACTIVATION_TANH, 0);
                        try {
                            dnn.activationForward(handle, desc, 1f, full, at(dx), 0f, full, at(dout));
                            float[] y = DeviceData.download(c, stream, dout, len);
                            float[] yr = new float[len];
                            // the reference: the engine's own activation (a 1 x 1 identity layer per element)
                            float[] identity = {1f};
                            for (int e = 0; e < len; e++) {
                                ScalarKernelOps.INSTANCE.linearForward(1, 1, 1, x, e, identity, 0, null, 0, 1, act, yr, e);
                            }
                            Tolerance.FP32.assertClose("cuDNN " + act + " forward " + what, yr, y);
                            dnn.activationBackward(handle, desc, 1f, full, at(dout), full, at(ddy), full, at(dx), 0f,
                                    full, at(dgrad));
                            float[] g = DeviceData.download(c, stream, dgrad, len);
                            float[] gr = dy.clone();
                            for (int e = 0; e < len; e++) {
                                gr[e] *= act == Activation.RELU ? (yr[e] > 0 ? 1f : 0f) : 1f - yr[e] * yr[e];
                            }
                            Tolerance.FP32.assertClose("cuDNN " + act + " backward " + what, gr, g);
                        } finally {
                            dnn.destroyActivation(desc);
                        }
                    }
                    // out = x + 2 dy (op tensor add), then out += the bias row broadcast over the rows (add tensor),
                    // and grad = x * bias row (op tensor mul with B broadcast)
                    MemorySegment add = dnn.opTensor(Cudnn.OP_TENSOR_ADD), mul = dnn.opTensor(Cudnn.OP_TENSOR_MUL);
                    try {
                        dnn.opTensor(handle, add, 1f, full, at(dx), 2f, full, at(ddy), 0f, full, at(dout));
                        float[] sum = DeviceData.download(c, stream, dout, len);
                        dnn.addTensor(handle, 1f, row, at(db), 1f, full, at(dout));
                        float[] biased = DeviceData.download(c, stream, dout, len);
                        dnn.opTensor(handle, mul, 1f, full, at(dx), 1f, row, at(db), 0f, full, at(dgrad));
                        float[] scaled = DeviceData.download(c, stream, dgrad, len);
                        float[] sumR = new float[len], biasedR = new float[len], scaledR = new float[len];
                        for (int i = 0; i < n; i++) {
                            for (int j = 0; j < ch; j++) {
                                int e = i * ch + j;
                                sumR[e] = x[e] + 2f * dy[e];
                                biasedR[e] = sumR[e] + b[j];
                                scaledR[e] = x[e] * b[j];
                            }
                        }
                        Tolerance.FP32.assertClose("cuDNN op tensor add " + what, sumR, sum);
                        Tolerance.FP32.assertClose("cuDNN add tensor (bias row) " + what, biasedR, biased);
                        Tolerance.FP32.assertClose("cuDNN op tensor mul (broadcast row) " + what, scaledR, scaled);
                    } finally {
                        dnn.destroyOpTensor(add);
                        dnn.destroyOpTensor(mul);
                    }
                } finally {
                    dnn.destroyTensor(full);
                    dnn.destroyTensor(row);
                }
            }
        } finally {
            dnn.destroy(handle);
        }
    }
}
