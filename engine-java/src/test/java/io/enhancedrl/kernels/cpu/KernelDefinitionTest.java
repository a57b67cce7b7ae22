package io.enhancedrl.kernels.cpu;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The kernels against their mathematical definitions rather than against each other: the backward pass
 * against central finite differences of a double-precision forward written here, and Adam against two
 * steps worked out by hand. Both implementations are checked (the vector one is also covered by the parity
 * test; here it costs nothing).
 */
class KernelDefinitionTest {

    static Stream<Arguments> opsAndActivations() {
        List<Arguments> cases = new ArrayList<>();
        for (KernelOps ops : new KernelOps[]{ScalarKernelOps.INSTANCE, VectorKernelOps.INSTANCE}) {
            for (Activation act : Activation.values()) {
                cases.add(Arguments.of(ops.name(), ops, act));
            }
        }
        return cases.stream();
    }

    /**
     * Loss = sum_{i,o} g[i][o] * act(x W + b)[i][o], so dL/dy = g. The kernel's dx, dW, db (fed dy = g and
     * the float forward output y) must equal the central differences of the double forward in x, W and b.
     */
    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("opsAndActivations")
    void linearBackwardMatchesFiniteDifferences(String name, KernelOps ops, Activation act) {
        int n = 3, in = 5, out = 4;
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x, w, b;
        // Keep every pre-activation away from ReLU's kink, where the derivative is undefined.
        do {
            x = random(rnd, n * in);
            w = random(rnd, in * out);
            b = random(rnd, out);
        } while (minAbsPreActivation(n, in, out, x, w, b) < 0.05);
        float[] g = random(rnd, n * out);

        float[] y = new float[n * out];
        ops.linearForward(n, in, out, x, 0, w, 0, b, 0, n, act, y, 0);
        float[] dy = g.clone();
        float[] dx = new float[n * in];
        float[] dw = new float[in * out];
        float[] db = new float[out];
        ops.linearBackward(n, in, out, x, 0, w, 0, y, 0, dy, 0, act, dx, 0, dw, 0, db, 0, false);

        double h = 1e-6;
        double[] xd = toDouble(x), wd = toDouble(w), bd = toDouble(b), gd = toDouble(g);
        double[] fdX = new double[xd.length];
        for (int j = 0; j < xd.length; j++) {
            fdX[j] = centralDifference(xd, j, h, () -> loss(n, in, out, xd, wd, bd, gd, act));
        }
        double[] fdW = new double[wd.length];
        for (int j = 0; j < wd.length; j++) {
            fdW[j] = centralDifference(wd, j, h, () -> loss(n, in, out, xd, wd, bd, gd, act));
        }
        double[] fdB = new double[bd.length];
        for (int j = 0; j < bd.length; j++) {
            fdB[j] = centralDifference(bd, j, h, () -> loss(n, in, out, xd, wd, bd, gd, act));
        }
        Tolerance tol = Tolerance.FP32.forReduction(Math.max(n, out));
        tol.assertClose(name + " " + act + " dx", fdX, toDouble(dx));
        tol.assertClose(name + " " + act + " dW", fdW, toDouble(dw));
        tol.assertClose(name + " " + act + " db", fdB, toDouble(db));
    }

    static Stream<Arguments> ops() {
        return Stream.of(Arguments.of("scalar", ScalarKernelOps.INSTANCE), Arguments.of("vector", VectorKernelOps.INSTANCE));
    }

    /**
     * Two Adam steps, lr 0.1, beta1 0.9, beta2 0.999, eps 1e-8, on three parameters (1, -2, 0) with
     * gradients (0.5, 2, 0) then (-0.25, 2, 0). By hand:
     * <pre>
     * step 1: m = 0.1 g = (0.05, 0.2, 0); v = 0.001 g^2 = (0.00025, 0.004, 0)
     *         m^ = m / 0.1 = (0.5, 2, 0); v^ = v / 0.001 = (0.25, 4, 0); sqrt(v^) = (0.5, 2, 0)
     *         p -= 0.1 m^ / (sqrt(v^) + eps)  ->  (0.9, -2.1, 0)      (0 / (0 + eps) = 0)
     * step 2: m = 0.9 m + 0.1 g = (0.045 - 0.025, 0.18 + 0.2, 0) = (0.02, 0.38, 0)
     *         v = 0.999 v + 0.001 g^2 = (0.00024975 + 0.0000625, 0.003996 + 0.004, 0) = (0.00031225, 0.007996, 0)
     *         1 - 0.9^2 = 0.19; 1 - 0.999^2 = 0.001999
     *         m^ = (0.105263158, 2, 0); v^ = (0.156203102, 4, 0); sqrt(v^) = (0.395225381, 2, 0)
     *         p -= 0.1 m^ / sqrt(v^)  ->  (0.9 - 0.0266337033, -2.1 - 0.1, 0) = (0.873366297, -2.2, 0)
     * </pre>
     * The three parameters are repeated 12 times (36 values) so the vector implementation runs both its
     * vector body and its scalar tail.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void adamMatchesTwoStepsByHand(String name, KernelOps ops) {
        int reps = 12;
        float[] p = repeat(reps, 1f, -2f, 0f);
        float[] m = new float[p.length];
        float[] v = new float[p.length];
        ops.adamUpdate(p.length, p, 0, repeat(reps, 0.5f, 2f, 0f), 0, m, 0, v, 0, 0.1f, 0.9f, 0.999f, 1e-8f, 1);
        Tolerance.FP32.assertClose(name + " step 1 params", repeat(reps, 0.9f, -2.1f, 0f), p);
        Tolerance.FP32.assertClose(name + " step 1 m", repeat(reps, 0.05f, 0.2f, 0f), m);
        Tolerance.FP32.assertClose(name + " step 1 v", repeat(reps, 0.00025f, 0.004f, 0f), v);
        ops.adamUpdate(p.length, p, 0, repeat(reps, -0.25f, 2f, 0f), 0, m, 0, v, 0, 0.1f, 0.9f, 0.999f, 1e-8f, 2);
        Tolerance.FP32.assertClose(name + " step 2 params", repeat(reps, 0.873366297f, -2.2f, 0f), p);
        Tolerance.FP32.assertClose(name + " step 2 m", repeat(reps, 0.02f, 0.38f, 0f), m);
        Tolerance.FP32.assertClose(name + " step 2 v", repeat(reps, 0.00031225f, 0.007996f, 0f), v);
    }

    // ---------------------------------------------------------------------------------------------

    private static double loss(int n, int in, int out, double[] x, double[] w, double[] b, double[] g, Activation act) {
        double l = 0;
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double z = b[o];
                for (int k = 0; k < in; k++) {
                    z += x[i * in + k] * w[k * out + o];
                }
                double y = switch (act) {
                    case IDENTITY -> z;
                    case RELU -> Math.max(0, z);
                    case TANH -> Math.tanh(z);
                };
                l += g[i * out + o] * y;
            }
        }
        return l;
    }

    private static double minAbsPreActivation(int n, int in, int out, float[] x, float[] w, float[] b) {
        double min = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double z = b[o];
                for (int k = 0; k < in; k++) {
                    z += (double) x[i * in + k] * w[k * out + o];
                }
                min = Math.min(min, Math.abs(z));
            }
        }
        return min;
    }

    private static double centralDifference(double[] a, int j, double h, java.util.function.DoubleSupplier f) {
        double saved = a[j];
        a[j] = saved + h;
        double plus = f.getAsDouble();
        a[j] = saved - h;
        double minus = f.getAsDouble();
        a[j] = saved;
        return (plus - minus) / (2 * h);
    }

    private static float[] random(SplittableRandom rnd, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        return a;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static float[] repeat(int times, float... pattern) {
        float[] a = new float[times * pattern.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = pattern[i % pattern.length];
        }
        return a;
    }
}
