package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlpTest {

    private static final KernelOps OPS = ScalarKernelOps.INSTANCE;

    static float[] random(int len, long seed) {
        Random r = new Random(seed);
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) (r.nextGaussian() * 0.7);
        }
        return a;
    }

    /** Double-precision forward of one row, the independent definition. */
    static double[] forwardDouble(MlpSpec s, double[] p, int pOff, double[] x) {
        double[] in = x;
        for (int l = 0; l < s.layerCount(); l++) {
            int ni = s.layerInput(l);
            int no = s.layerOutput(l);
            double[] out = new double[no];
            for (int o = 0; o < no; o++) {
                double acc = p[pOff + s.biasOffset(l) + o];
                for (int k = 0; k < ni; k++) {
                    acc += in[k] * p[pOff + s.weightOffset(l) + k * no + o];
                }
                out[o] = switch (s.layerActivation(l)) {
                    case IDENTITY -> acc;
                    case RELU -> Math.max(0, acc);
                    case TANH -> Math.tanh(acc);
                };
            }
            in = out;
        }
        return in;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** loss = sum_i sum_o c[i][o] * out[i][o], in double. */
    static double loss(MlpSpec s, double[] p, int pOff, double[] x, int n, double[] c) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] row = new double[s.inputWidth()];
            System.arraycopy(x, i * s.inputWidth(), row, 0, s.inputWidth());
            double[] out = forwardDouble(s, p, pOff, row);
            for (int o = 0; o < out.length; o++) {
                total += c[i * out.length + o] * out[o];
            }
        }
        return total;
    }

    @ParameterizedTest
    @CsvSource({"1,5,13,3,RELU,TANH", "3,13,5,1,TANH,IDENTITY", "7,1,5,13,RELU,IDENTITY", "3,5,1,5,IDENTITY,TANH"})
    void forwardMatchesDoubleAndBackwardMatchesFiniteDifferences(int n, int in, int hidden, int out,
                                                                  Activation hAct, Activation oAct) {
        MlpSpec s = MlpSpec.of(in, new int[]{hidden, hidden + 2}, hAct, out, oAct);
        Mlp mlp = new Mlp(s);
        mlp.initialize(42);
        // non-zero biases so that every parameter matters
        float[] p = mlp.params();
        for (int l = 0; l < s.layerCount(); l++) {
            for (int o = 0; o < s.layerOutput(l); o++) {
                p[s.biasOffset(l) + o] = 0.05f * (o + 1) * (l % 2 == 0 ? 1 : -1);
            }
        }
        float[] x = random(n * in + 3, 7);
        MlpWorkspace ws = new MlpWorkspace(s, n + 2);
        mlp.forward(OPS, n, x, 3, ws);
        double[] xd = new double[n * in];
        for (int i = 0; i < n * in; i++) {
            xd[i] = x[3 + i];
        }
        double[] pd = toDouble(p);
        float[] expected = new float[n * out];
        for (int i = 0; i < n; i++) {
            double[] row = new double[in];
            System.arraycopy(xd, i * in, row, 0, in);
            double[] o = forwardDouble(s, pd, 0, row);
            for (int j = 0; j < out; j++) {
                expected[i * out + j] = (float) o[j];
            }
        }
        Tolerance.FP32.forReduction(Math.max(in, hidden + 2)).assertClose("forward", expected, 0, ws.output(), 0, n * out);

        double[] c = toDouble(random(n * out, 11));
        float[] dOut = new float[n * out];
        for (int i = 0; i < dOut.length; i++) {
            dOut[i] = (float) c[i];
        }
        float[] grads = new float[s.parameterCount()];
        float[] dx = new float[n * in];
        mlp.backward(OPS, n, x, 3, ws, dOut, 0, grads, false, dx, 0);

        double h = 1e-6;
        double[] numeric = new double[pd.length];
        for (int i = 0; i < pd.length; i++) {
            double keep = pd[i];
            pd[i] = keep + h;
            double up = loss(s, pd, 0, xd, n, c);
            pd[i] = keep - h;
            double down = loss(s, pd, 0, xd, n, c);
            pd[i] = keep;
            numeric[i] = (up - down) / (2 * h);
        }
        new Tolerance(2e-3, 2e-3).assertClose("d loss / d params", numeric, toDouble(grads));
        double[] numericX = new double[n * in];
        for (int i = 0; i < xd.length; i++) {
            double keep = xd[i];
            xd[i] = keep + h;
            double up = loss(s, pd, 0, xd, n, c);
            xd[i] = keep - h;
            double down = loss(s, pd, 0, xd, n, c);
            xd[i] = keep;
            numericX[i] = (up - down) / (2 * h);
        }
        new Tolerance(2e-3, 2e-3).assertClose("d loss / d x", numericX, toDouble(dx));

        // accumulate adds to what is there
        float[] twice = grads.clone();
        float[] dOut2 = new float[n * out];
        for (int i = 0; i < dOut2.length; i++) {
            dOut2[i] = (float) c[i];
        }
        mlp.backward(OPS, n, x, 3, ws, dOut2, 0, twice, true, null, 0);
        for (int i = 0; i < grads.length; i++) {
            assertEquals(2 * grads[i], twice[i], 1e-5 + 1e-5 * Math.abs(grads[i]), "accumulated grad " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1", "7,3", "12,12", "10,4"})
    void splitFirstLayerEqualsForwardOnConcatenatedRows(int n, int rowsPerPrefix) {
        int prefixW = 6;
        int restW = 9;
        MlpSpec s = MlpSpec.of(prefixW + restW, new int[]{11, 7}, Activation.RELU, 4, Activation.TANH);
        Mlp mlp = new Mlp(s);
        mlp.initialize(3);
        int prefixRows = (n + rowsPerPrefix - 1) / rowsPerPrefix;
        float[] prefix = random(prefixRows * prefixW, 5);
        float[] rows = random(n * restW, 6);
        float[] full = new float[n * (prefixW + restW)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(prefix, (i / rowsPerPrefix) * prefixW, full, i * (prefixW + restW), prefixW);
            System.arraycopy(rows, i * restW, full, i * (prefixW + restW) + prefixW, restW);
        }
        MlpWorkspace a = new MlpWorkspace(s, n);
        MlpWorkspace b = new MlpWorkspace(s, n);
        mlp.forward(OPS, n, full, 0, a);
        mlp.forwardSplit(OPS, n, prefixW, prefix, 0, rowsPerPrefix, rows, 0, b);
        Tolerance.FP32.forReduction(15).assertClose("split vs full", a.output(), 0, b.output(), 0, n * 4);
    }

    @Test
    void ensembleEqualsSeparateNetworks() {
        int n = 5;
        int members = 3;
        MlpSpec s = MlpSpec.of(7, new int[]{9, 4}, Activation.RELU, 2, Activation.IDENTITY);
        MlpEnsemble ens = new MlpEnsemble(s, members);
        ens.initialize(9);
        float[] x = random(n * 7, 1);
        EnsembleWorkspace ews = new EnsembleWorkspace(s, members, n);
        ens.forward(OPS, n, x, 0, ews);
        float[] dOut = random(members * n * 2, 2);
        float[] grads = new float[members * s.parameterCount()];
        float[] dx = new float[n * 7];
        ens.backward(OPS, n, x, 0, ews, dOut.clone(), grads, false, dx, 0);

        float[] dxSum = new float[n * 7];
        int p = s.parameterCount();
        for (int m = 0; m < members; m++) {
            float[] slab = new float[p];
            System.arraycopy(ens.params(), m * p, slab, 0, p);
            Mlp one = new Mlp(s, slab);
            MlpWorkspace ws = new MlpWorkspace(s, n);
            one.forward(OPS, n, x, 0, ws);
            Tolerance.FP32.assertClose("member " + m + " output", ws.output(), 0, ews.output(), m * n * 2, n * 2);
            float[] d = new float[n * 2];
            System.arraycopy(dOut, m * n * 2, d, 0, n * 2);
            float[] g = new float[p];
            float[] dxm = new float[n * 7];
            one.backward(OPS, n, x, 0, ws, d, 0, g, false, dxm, 0);
            Tolerance.FP32.forReduction(n).assertClose("member " + m + " grads", g, 0, grads, m * p, p);
            for (int i = 0; i < dxm.length; i++) {
                dxSum[i] += dxm[i];
            }
        }
        Tolerance.FP32.forReduction(members * 9).assertClose("dx summed over members", dxSum, dx);
    }

    @Test
    void polyakCopyAndValidation() {
        MlpSpec s = MlpSpec.of(3, new int[]{4}, Activation.RELU, 2, Activation.TANH);
        Mlp a = new Mlp(s);
        Mlp b = new Mlp(s);
        a.initialize(1);
        b.initialize(2);
        float[] before = b.params().clone();
        b.polyakUpdate(a, 0.25f);
        for (int i = 0; i < before.length; i++) {
            assertEquals(0.75f * before[i] + 0.25f * a.params()[i], b.params()[i], 1e-6f);
        }
        b.copyFrom(a);
        assertArrayEquals(a.params(), b.params());
        Mlp other = new Mlp(MlpSpec.of(3, new int[]{5}, Activation.RELU, 2, Activation.TANH));
        var e = assertThrows(IllegalArgumentException.class, () -> b.copyFrom(other));
        assertTrue(e.getMessage().contains("expected architecture"), e.getMessage());
        MlpWorkspace ws = new MlpWorkspace(s, 2);
        var e2 = assertThrows(IllegalArgumentException.class, () -> a.forward(OPS, 3, new float[9], 0, ws));
        assertTrue(e2.getMessage().contains("n: expected 0..2"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> a.forward(OPS, 2, new float[5], 0, ws));
        assertTrue(e3.getMessage().contains("x: expected at least 6 floats"), e3.getMessage());
    }

    @Test
    void adamMatchesAHandComputedStepAndTrainingLowersTheLoss() {
        // one parameter, gradient 0.5 then -0.25, lr 0.1, default betas/eps
        // step 1: m = 0.05, v = 0.00025; mHat = 0.5, vHat = 0.25 -> p -= 0.1 * 0.5 / (0.5 + 1e-8) = 0.1
        // step 2: m = 0.045 - 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225
        //         mHat = 0.02 / 0.19 = 0.105263, vHat = 0.00031225 / 0.001999 = 0.156203 -> sqrt 0.395225
        //         p -= 0.1 * 0.105263 / 0.395225 = 0.0266337
        Adam adam = new Adam(1, 0.1f);
        float[] p = {1f};
        adam.step(OPS, p, new float[]{0.5f});
        assertEquals(0.9f, p[0], 1e-6f);
        adam.step(OPS, p, new float[]{-0.25f});
        assertEquals(0.9f - 0.0266337f, p[0], 2e-6f);
        assertEquals(2, adam.stepCount());

        double[] curve = ToyRegression.train(ScalarKernelOps.INSTANCE, 300, 1);
        assertTrue(curve[curve.length - 1] < curve[0] / 10, "loss " + curve[0] + " -> " + curve[curve.length - 1]);
    }
}
