package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamTest {

    private static final KernelOps OPS = ScalarKernelOps.INSTANCE;
    private static final Tolerance TIGHT = new Tolerance(1e-6, 1e-6);

    /**
     * Two steps worked out by hand (lr 0.1, beta1 0.9, beta2 0.999, eps 1e-8), params (1, -2, 0.5).
     *
     * <pre>
     * step 1, g = (0.5, -1, 0):
     *   m = 0.1 g = (0.05, -0.1, 0);  v = 0.001 g^2 = (0.00025, 0.001, 0)
     *   m^ = m / 0.1 = g;  v^ = v / 0.001 = g^2;  update = 0.1 * g / (|g| + 1e-8) = (0.1, -0.1, 0) (to 1e-8)
     *   p = (0.9, -1.9, 0.5)
     * step 2, g = (0.1, 0.2, -0.3):
     *   m = 0.9 m + 0.1 g = (0.055, -0.07, -0.03)
     *   v = 0.999 v + 0.001 g^2 = (0.00025975, 0.001039, 0.00009)
     *   m^ = m / (1 - 0.81) = (0.2894736842, -0.3684210526, -0.1578947368)
     *   v^ = v / (1 - 0.998001) = (0.1299399700, 0.5197598799, 0.0450225113)
     *   sqrt(v^) = (0.3604718713, 0.7209437426, 0.2121850873)
     *   update = 0.1 m^ / sqrt(v^) = (0.0803040978, -0.0511026077, -0.0744136824)
     *   p = (0.8196959022, -1.8488973923, 0.5744136824)
     * </pre>
     */
    @Test
    void twoStepsMatchHandComputation() {
        Adam adam = new Adam(3, 0.1f);
        float[] p = {1f, -2f, 0.5f};
        adam.step(OPS, p, new float[] {0.5f, -1f, 0f});
        assertEquals(1, adam.stepCount());
        TIGHT.assertClose("params after step 1", new float[] {0.9f, -1.9f, 0.5f}, p);
        TIGHT.assertClose("moments after step 1", new float[] {0.05f, -0.1f, 0f, 0.00025f, 0.001f, 0f}, adam.moments());
        adam.step(OPS, p, new float[] {0.1f, 0.2f, -0.3f});
        assertEquals(2, adam.stepCount());
        TIGHT.assertClose("moments after step 2",
                new float[] {0.055f, -0.07f, -0.03f, 0.00025975f, 0.001039f, 0.00009f}, adam.moments());
        TIGHT.assertClose("params after step 2", new float[] {0.8196959022f, -1.8488973923f, 0.5744136824f}, p);
    }

    @Test
    void offsetsAndRestore() {
        Adam a = new Adam(2, 0.01f, 0.8f, 0.99f, 1e-6f);
        Adam b = new Adam(2, 0.01f, 0.8f, 0.99f, 1e-6f);
        float[] pa = {9f, 0.3f, -0.7f, 9f};
        float[] pb = {0.3f, -0.7f};
        float[] ga = {0f, 0f, 0.2f, -0.4f};
        float[] gb = {0.2f, -0.4f};
        a.step(OPS, pa, 1, ga, 2);
        b.step(OPS, pb, gb);
        assertArrayEquals(pb, new float[] {pa[1], pa[2]}, "offset step equals whole-array step");
        assertEquals(9f, pa[0]);
        assertEquals(9f, pa[3]);

        // A restored optimizer continues exactly like the original.
        Adam c = new Adam(2, 0.01f, 0.8f, 0.99f, 1e-6f);
        c.restore(b.moments().clone(), b.stepCount());
        float[] pc = pb.clone();
        b.step(OPS, pb, gb);
        c.step(OPS, pc, gb);
        assertArrayEquals(pb, pc);
        assertEquals(2, c.stepCount());

        c.setLearningRate(0.5f);
        assertEquals(0.5f, c.learningRate());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.setLearningRate(0f));
        assertEquals("lr: expected finite and > 0 but was 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.restore(new float[3], 1));
        assertEquals("moments: expected length 4 but was 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.step(OPS, new float[3], new float[2]));
        assertEquals("params: expected length 2 but was 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.step(OPS, new float[4], 3, new float[4], 0));
        assertEquals("params: expected length >= 5 (offset 3 + 2 floats) but was 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(4, 0.1f, 1f, 0.999f, 1e-8f));
        assertEquals("beta1: expected in [0, 1) but was 1.0", e.getMessage());
    }

    /** Full-batch regression of a small MLP: Adam must drive the loss down by a large factor. */
    @Test
    void trainingASmallMlpLowersTheLossByALargeFactor() {
        MlpSpec spec = MlpSpec.of(3, new int[] {16}, Activation.TANH, 2, Activation.IDENTITY);
        int n = 64;
        Random r = new Random(11);
        float[] x = ReferenceMlp.uniform(r, n * 3, 1f);
        float[] y = new float[n * 2];
        for (int i = 0; i < n; i++) {
            float a = x[3 * i];
            float b = x[3 * i + 1];
            float c = x[3 * i + 2];
            y[2 * i] = (float) (Math.sin(2 * a) + b * c);
            y[2 * i + 1] = (float) (a * a - 0.5 * Math.cos(3 * c));
        }
        Mlp mlp = new Mlp(spec);
        mlp.initialize(4);
        Adam adam = new Adam(spec.parameterCount(), 1e-2f);
        MlpWorkspace ws = new MlpWorkspace(spec, n);
        float[] grads = new float[spec.parameterCount()];
        float[] dOut = new float[n * 2];
        double first = 0;
        double last = 0;
        for (int it = 0; it <= 600; it++) {
            mlp.forward(OPS, n, x, 0, ws);
            double loss = 0;
            for (int i = 0; i < n * 2; i++) {
                double d = ws.output()[i] - y[i];
                loss += d * d / n;
                dOut[i] = (float) (2 * d / n);
            }
            if (it == 0) {
                first = loss;
            }
            last = loss;
            mlp.backward(OPS, n, x, 0, ws, dOut, 0, grads, false, null, 0);
            adam.step(OPS, mlp.params(), grads);
        }
        assertTrue(first / last > 30, "loss " + first + " -> " + last + " (ratio " + first / last + ", need > 30)");
    }
}
