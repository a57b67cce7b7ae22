package io.enhancedrl.bindings.gpu;

import io.enhancedrl.testing.Tolerance;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Every CUDA op against ScalarKernelOps at odd sizes, on a real GPU. */
@Tag("gpu")
class CudaParityGpuTest {

    static final int[] BATCHES = {1, 3, 64, 257};
    static final int[] WIDTHS = {1, 7, 33, 255, 256};
    private final KernelOps ref = ScalarKernelOps.INSTANCE;
    private final SplittableRandom rnd = new SplittableRandom(7);

    private float[] random(int len, float lo, float hi) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return a;
    }

    @Test
    void linearForwardAndBackward() {
        KernelOps gpu = GpuSupport.cudaOrSkip();
        for (int n : BATCHES) {
            for (int in : WIDTHS) {
                for (int out : WIDTHS) {
                    Activation act = Activation.values()[(n + in + out) % 3];
                    int rpb = Math.max(1, n / 3);
                    int biasRows = (n + rpb - 1) / rpb;
                    float[] x = random(n * in, -1, 1), w = random(in * out, -0.5f, 0.5f), b = random(biasRows * out, -1, 1);
                    float[] y = new float[n * out], yr = new float[n * out];
                    gpu.linearForward(n, in, out, x, 0, w, 0, b, 0, rpb, act, y, 0);
                    ref.linearForward(n, in, out, x, 0, w, 0, b, 0, rpb, act, yr, 0);
                    String what = act + " n=" + n + " in=" + in + " out=" + out;
                    Tolerance.FP32.forReduction(in).assertClose("forward " + what, yr, y);
                    boolean acc = (n & 1) == 1;
                    float[] dy = random(n * out, -1, 1), dyr = dy.clone();
                    float[] dw = random(in * out, -1, 1), dwr = dw.clone(), db = random(out, -1, 1), dbr = db.clone();
                    float[] dx = new float[n * in], dxr = new float[n * in];
                    gpu.linearBackward(n, in, out, x, 0, w, 0, yr, 0, dy, 0, act, dx, 0, dw, 0, db, 0, acc);
                    ref.linearBackward(n, in, out, x, 0, w, 0, yr, 0, dyr, 0, act, dxr, 0, dwr, 0, dbr, 0, acc);
                    Tolerance.FP32.assertClose("dz " + what, dyr, dy);
                    Tolerance.FP32.forReduction(n).assertClose("dw " + what, dwr, dw);
                    Tolerance.FP32.forReduction(n).assertClose("db " + what, dbr, db);
                    Tolerance.FP32.forReduction(out).assertClose("dx " + what, dxr, dx);
                }
            }
        }
    }

    @Test
    void adamFusionScoreAndTopK() {
        KernelOps gpu = GpuSupport.cudaOrSkip();
        for (int len : new int[]{1, 7, 257, 100_003}) {
            float[] p = random(len, -1, 1), g = random(len, -1, 1), m = random(len, -0.1f, 0.1f), v = random(len, 0, 0.1f);
            float[] pr = p.clone(), mr = m.clone(), vr = v.clone();
            gpu.adamUpdate(len, p, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 5);
            ref.adamUpdate(len, pr, 0, g, 0, mr, 0, vr, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 5);
            Tolerance.FP32.assertClose("adam params len=" + len, pr, p);
            Tolerance.FP32.assertClose("adam m len=" + len, mr, m);
            Tolerance.FP32.assertClose("adam v len=" + len, vr, v);
        }
        for (int n : BATCHES) {
            for (int k : new int[]{1, 7, 33}) {
                float[] pp = random(n * k, 0.01f, 0.99f), pow = random(n * k, 0, 2), bias = random(n * k, 0.01f, 1);
                float[] s = new float[n], sr = new float[n];
                gpu.fusionScore(n, k, pp, 0, pow, 0, bias, 0, s, 0);
                ref.fusionScore(n, k, pp, 0, pow, 0, bias, 0, sr, 0);
                Tolerance.FP32.forReduction(k).assertClose("fusion n=" + n + " k=" + k, sr, s);
            }
            float[] scores = random(n, 0, 1);
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = rnd.nextInt(5); // many ties
                if (i % 4 == 0) {
                    scores[i] = 0.5f;
                }
            }
            for (int k : new int[]{1, Math.min(n, 7), n}) {
                int[] out = new int[k], outr = new int[k];
                gpu.topK(n, scores, 0, ids, 0, k, out, 0);
                ref.topK(n, scores, 0, ids, 0, k, outr, 0);
                assertArrayEquals(outr, out, "topK n=" + n + " k=" + k);
            }
        }
    }
}
