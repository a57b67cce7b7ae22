package io.enhancedrl.bindings.gpu;

import io.enhancedrl.api.ServingFixtures;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.model.Adam;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.model.MlpWorkspace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Steady-state calls of the CUDA backend allocate nothing on the Java heap (issue 5: "serving requests and
 * training steps allocate nothing per call"): every op, and a whole training step (forward, backward, Adam).
 * Device and pinned memory are covered by CudaKernelOpsStandInTest; this covers the JCuda path itself.
 */
@Tag("gpu")
class CudaAllocationGpuTest {

    private static final int CALLS = 200;

    private static float[] random(SplittableRandom r, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        return a;
    }

    /** Some window of CALLS calls allocates 0 bytes (see ServingFixtures.bytesAllocatedPerWindow for why windows). */
    static void assertNoAllocation(String what, Runnable call) {
        long[] windows = ServingFixtures.bytesAllocatedPerWindow(call, CALLS, 10);
        assertEquals(0, windows[windows.length - 1], what + ": bytes allocated per window of " + CALLS + " calls "
                + "(after 5 x as many warm-up calls): " + java.util.Arrays.toString(windows));
    }

    @Test
    void everyOpAllocatesNothingPerCall() {
        KernelOps cuda = GpuSupport.cudaOrSkip();
        SplittableRandom r = new SplittableRandom(3);
        int n = 37, in = 29, out = 13;
        float[] x = random(r, n * in), w = random(r, in * out), b = random(r, out), y = new float[n * out];
        float[] dy = random(r, n * out), dx = new float[n * in], dw = new float[in * out], db = new float[out];
        float[] packed = cuda.packWeights(in, out, w, 0);
        assertNoAllocation("linearForward", () -> cuda.linearForward(n, in, out, x, 0, w, 0, b, 0, n, Activation.RELU, y, 0));
        assertNoAllocation("linearForwardPacked", () -> cuda.linearForwardPacked(n, in, out, x, 0, w, 0, packed, b, 0, n,
                Activation.TANH, y, 0));
        assertNoAllocation("linearBackward", () -> cuda.linearBackward(n, in, out, x, 0, w, 0, y, 0, dy, 0,
                Activation.TANH, dx, 0, dw, 0, db, 0, true));
        float[] p = random(r, 1000), g = random(r, 1000), m = new float[1000], v = new float[1000];
        assertNoAllocation("adamUpdate", () -> cuda.adamUpdate(1000, p, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 3));
        float[] prob = new float[n * 5], power = new float[n * 5], bias = new float[n * 5], score = new float[n];
        Arrays.fill(prob, 0.5f);
        Arrays.fill(power, 1f);
        Arrays.fill(bias, 0.1f);
        assertNoAllocation("fusionScore", () -> cuda.fusionScore(n, 5, prob, 0, power, 0, bias, 0, score, 0));
        long[] ids = new long[n];
        int[] top = new int[10];
        assertNoAllocation("topK", () -> cuda.topK(n, score, 0, ids, 0, 10, top, 0));
    }

    @Test
    void aTrainingStepAllocatesNothing() {
        KernelOps cuda = GpuSupport.cudaOrSkip();
        MlpSpec spec = MlpSpec.of(13, new int[]{33, 17}, Activation.RELU, 3, Activation.IDENTITY);
        int n = 64;
        SplittableRandom r = new SplittableRandom(5);
        float[] x = random(r, n * 13), dOut = random(r, n * 3);
        Mlp mlp = new Mlp(spec);
        mlp.initialize(9);
        Adam adam = new Adam(spec.parameterCount(), 1e-3f);
        MlpWorkspace ws = new MlpWorkspace(spec, n);
        float[] grads = new float[spec.parameterCount()];
        assertNoAllocation("forward + backward + Adam", () -> {
            mlp.forward(cuda, n, x, 0, ws);
            mlp.backward(cuda, n, x, 0, ws, dOut, 0, grads, false, null, 0);
            adam.step(cuda, mlp.params(), grads);
        });
    }
}
