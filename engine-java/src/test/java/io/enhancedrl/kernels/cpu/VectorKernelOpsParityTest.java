package io.enhancedrl.kernels.cpu;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link VectorKernelOps} against the reference {@link ScalarKernelOps} over sizes that hit every tail:
 * batch 1, 3 (no full 4-row tile), 64, 257 (a 4-row remainder of 1 and a second 128-row block); widths 1
 * and 7 (masked only), 16 (one vector on AVX-512), 33, 255, 256 (full 2-vector tiles plus masked tails).
 * Every array sits at a non-zero offset inside guard cells, and whole arrays are compared, so a write
 * outside the output region shows up as a mismatch in a guard cell.
 */
class VectorKernelOpsParityTest {

    private static final KernelOps REF = ScalarKernelOps.INSTANCE;
    private static final KernelOps VEC = VectorKernelOps.INSTANCE;
    private static final int[] BATCHES = {1, 3, 64, 257};
    private static final int[] WIDTHS = {1, 7, 16, 33, 255, 256};
    private static final int GUARD = 5;
    private static final float GUARD_VALUE = 1234.5f;

    // ---------------------------------------------------------------------------------------------
    // forward

    /** The full cross product n x in x out x activation; the bias layout and offsets rotate with the index. */
    static Stream<Arguments> forwardCases() {
        List<Arguments> cases = new ArrayList<>();
        int idx = 0;
        for (int n : BATCHES) {
            for (int in : WIDTHS) {
                for (int out : WIDTHS) {
                    for (Activation act : Activation.values()) {
                        int rowsPerBias = switch (idx % 4) {
                            case 0 -> n;      // one shared bias vector
                            case 1 -> 1;      // a bias row per row
                            case 2 -> 3;      // per-request rows that straddle the 4-row tiles
                            default -> -1;    // no bias
                        };
                        cases.add(Arguments.of(n, in, out, act, rowsPerBias, 1 + idx % 3));
                        idx++;
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "n={0} in={1} out={2} {3} rowsPerBias={4} off={5}")
    @MethodSource("forwardCases")
    void linearForwardMatchesReference(int n, int in, int out, Activation act, int rowsPerBias, int off) {
        SplittableRandom rnd = new SplittableRandom(31L * n + 7L * in + out);
        float[] x = guarded(rnd, n * in, off, 1f);
        float[] w = guarded(rnd, in * out, off + 1, (float) (1 / Math.sqrt(in)));
        boolean hasBias = rowsPerBias > 0;
        int rpb = hasBias ? rowsPerBias : 1;
        int biasRows = (n + rpb - 1) / rpb;
        float[] bias = hasBias ? guarded(rnd, biasRows * out, off + 2, 0.5f) : null;
        float[] yRef = guarded(rnd, n * out, off, 1f);
        float[] yVec = yRef.clone();

        REF.linearForward(n, in, out, x, off, w, off + 1, bias, off + 2, rpb, act, yRef, off);
        VEC.linearForward(n, in, out, x, off, w, off + 1, bias, off + 2, rpb, act, yVec, off);

        Tolerance.FP32.forReduction(in).assertClose("y", yRef, yVec);
    }

    @Test
    void linearForwardAllBiasLayoutsOnOneShape() {
        // The same shape under every bias layout, so a bias-row bug cannot hide behind the rotation above.
        int n = 257, in = 33, out = 255;
        for (int rpb : new int[]{n, 1, 2, 3, 4, 5, 128, 200}) {
            for (Activation act : Activation.values()) {
                SplittableRandom rnd = new SplittableRandom(rpb);
                float[] x = guarded(rnd, n * in, 3, 1f);
                float[] w = guarded(rnd, in * out, 2, 0.2f);
                float[] bias = guarded(rnd, ((n + rpb - 1) / rpb) * out, 1, 1f);
                float[] yRef = guarded(rnd, n * out, 4, 1f);
                float[] yVec = yRef.clone();
                REF.linearForward(n, in, out, x, 3, w, 2, bias, 1, rpb, act, yRef, 4);
                VEC.linearForward(n, in, out, x, 3, w, 2, bias, 1, rpb, act, yVec, 4);
                Tolerance.FP32.forReduction(in).assertClose("y rowsPerBias=" + rpb + " " + act, yRef, yVec);
            }
        }
    }

    @Test
    void everyRowCountUpToTwoTilesAndABlock() {
        // n = 1..20 walks every mix of 6-row, 4-row and single-row tiles; 95..98 cross the 96-row block.
        int in = 7, out = 40; // a full 2-vector panel plus a masked one (on 256 and 512 bits)
        for (int n = 1; n <= 98; n = n == 20 ? 95 : n + 1) {
            SplittableRandom rnd = new SplittableRandom(n);
            float[] x = guarded(rnd, n * in, 1, 1f);
            float[] w = guarded(rnd, in * out, 2, 0.5f);
            float[] bias = guarded(rnd, ((n + 2) / 3) * out, 3, 1f);
            float[] yRef = guarded(rnd, n * out, 4, 1f);
            float[] yVec = yRef.clone();
            REF.linearForward(n, in, out, x, 1, w, 2, bias, 3, 3, Activation.RELU, yRef, 4);
            VEC.linearForward(n, in, out, x, 1, w, 2, bias, 3, 3, Activation.RELU, yVec, 4);
            Tolerance.FP32.forReduction(in).assertClose("y n=" + n, yRef, yVec);
            // the same row counts as rows of the weight gradient: a layer n -> 5 over a batch of 5
            float[] xt = guarded(rnd, 5 * n, 0, 1f);
            float[] wt = guarded(rnd, n * 5, 0, 1f);
            float[] yt = guarded(rnd, 5 * 5, 0, 1f);
            float[] dy = guarded(rnd, 5 * 5, 0, 1f);
            float[] dwRef = guarded(rnd, n * 5, 1, 1f);
            float[] dwVec = dwRef.clone();
            REF.linearBackward(5, n, 5, xt, 0, wt, 0, yt, 0, dy.clone(), 0, Activation.IDENTITY, null, 0, dwRef, 1, null, 0, true);
            VEC.linearBackward(5, n, 5, xt, 0, wt, 0, yt, 0, dy.clone(), 0, Activation.IDENTITY, null, 0, dwVec, 1, null, 0, true);
            Tolerance.FP32.forReduction(6).assertClose("dw in=" + n, dwRef, dwVec);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // backward

    static Stream<Arguments> backwardCases() {
        int[][] shapes = {{1, 1}, {7, 33}, {16, 16}, {33, 7}, {255, 256}, {256, 255}, {149, 10}, {5, 1}};
        List<Arguments> cases = new ArrayList<>();
        int idx = 0;
        for (int n : BATCHES) {
            for (int[] s : shapes) {
                for (Activation act : Activation.values()) {
                    cases.add(Arguments.of(n, s[0], s[1], act, idx % 2 == 0, 1 + idx % 3));
                    idx++;
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "n={0} in={1} out={2} {3} accumulate={4} off={5}")
    @MethodSource("backwardCases")
    void linearBackwardMatchesReference(int n, int in, int out, Activation act, boolean accumulate, int off) {
        SplittableRandom rnd = new SplittableRandom(97L * n + 13L * in + out + act.ordinal());
        float[] x = guarded(rnd, n * in, off, 1f);
        float[] w = guarded(rnd, in * out, off + 1, 0.3f);
        float[] y = guarded(rnd, n * out, off + 2, 1f);
        applyInPlace(act, y, off + 2, n * out); // a plausible layer output (ReLU zeros, tanh in (-1,1))
        float[] dyRef = guarded(rnd, n * out, off, 1f);
        float[] dxRef = guarded(rnd, n * in, off + 1, 1f);
        float[] dwRef = guarded(rnd, in * out, off + 2, 1f);
        float[] dbRef = guarded(rnd, out, off, 1f);
        float[] dyVec = dyRef.clone();
        float[] dxVec = dxRef.clone();
        float[] dwVec = dwRef.clone();
        float[] dbVec = dbRef.clone();

        REF.linearBackward(n, in, out, x, off, w, off + 1, y, off + 2, dyRef, off, act,
                dxRef, off + 1, dwRef, off + 2, dbRef, off, accumulate);
        VEC.linearBackward(n, in, out, x, off, w, off + 1, y, off + 2, dyVec, off, act,
                dxVec, off + 1, dwVec, off + 2, dbVec, off, accumulate);

        Tolerance.FP32.assertClose("dz (in dy)", dyRef, dyVec);
        Tolerance.FP32.forReduction(n + 1).assertClose("dw", dwRef, dwVec);
        Tolerance.FP32.forReduction(n + 1).assertClose("db", dbRef, dbVec);
        Tolerance.FP32.forReduction(out).assertClose("dx", dxRef, dxVec);
    }

    @Test
    void linearBackwardWithoutDxAndDbLeavesThemAlone() {
        int n = 64, in = 33, out = 40;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = guarded(rnd, n * in, 0, 1f);
        float[] w = guarded(rnd, in * out, 0, 0.3f);
        float[] y = guarded(rnd, n * out, 0, 1f);
        float[] dyRef = guarded(rnd, n * out, 0, 1f);
        float[] dwRef = guarded(rnd, in * out, 0, 1f);
        float[] dyVec = dyRef.clone();
        float[] dwVec = dwRef.clone();
        REF.linearBackward(n, in, out, x, 0, w, 0, y, 0, dyRef, 0, Activation.IDENTITY, null, 0, dwRef, 0, null, 0, false);
        VEC.linearBackward(n, in, out, x, 0, w, 0, y, 0, dyVec, 0, Activation.IDENTITY, null, 0, dwVec, 0, null, 0, false);
        assertArrayEquals(dyRef, dyVec, "identity: dz must equal dy unchanged");
        Tolerance.FP32.forReduction(n).assertClose("dw", dwRef, dwVec);
    }

    // ---------------------------------------------------------------------------------------------
    // Adam, fusion score, top-k

    @ParameterizedTest(name = "len={0}")
    @MethodSource("adamLengths")
    void adamMatchesReferenceOverSteps(int len) {
        SplittableRandom rnd = new SplittableRandom(len);
        float[] pRef = guarded(rnd, len, 2, 1f);
        float[] mRef = guarded(rnd, len, 1, 0.1f);
        float[] vRef = guarded(rnd, len, 3, 0f);
        for (int i = 0; i < len; i++) {
            vRef[3 + i] = (float) rnd.nextDouble(0, 0.01);
        }
        float[] pVec = pRef.clone();
        float[] mVec = mRef.clone();
        float[] vVec = vRef.clone();
        for (int step = 1; step <= 3; step++) {
            float[] g = guarded(rnd, len, 4, 2f);
            REF.adamUpdate(len, pRef, 2, g, 4, mRef, 1, vRef, 3, 1e-3f, 0.9f, 0.999f, 1e-8f, step);
            VEC.adamUpdate(len, pVec, 2, g, 4, mVec, 1, vVec, 3, 1e-3f, 0.9f, 0.999f, 1e-8f, step);
        }
        Tolerance.FP32.assertClose("params", pRef, pVec);
        Tolerance.FP32.assertClose("m", mRef, mVec);
        Tolerance.FP32.assertClose("v", vRef, vVec);
    }

    static Stream<Integer> adamLengths() {
        return Stream.of(1, 7, 16, 33, 255, 256, 1000);
    }

    static Stream<Arguments> fusionCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int n : BATCHES) {
            for (int k : new int[]{1, 2, 5, 7, 16, 17, 33}) {
                cases.add(Arguments.of(n, k));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "n={0} k={1}")
    @MethodSource("fusionCases")
    void fusionScoreMatchesReference(int n, int k) {
        SplittableRandom rnd = new SplittableRandom(1000L * n + k);
        float[] p = uniform(rnd, n * k, 1, 1e-4, 0.9999);
        float[] power = uniform(rnd, n * k, 2, 0, 3);
        float[] bias = uniform(rnd, n * k, 3, 1e-3, 2);
        float[] sRef = guarded(rnd, n, 4, 0f);
        float[] sVec = sRef.clone();
        REF.fusionScore(n, k, p, 1, power, 2, bias, 3, sRef, 4);
        VEC.fusionScore(n, k, p, 1, power, 2, bias, 3, sVec, 4);
        Tolerance.FP32.forReduction(k).assertClose("score", sRef, sVec);
    }

    static Stream<Arguments> topKCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int n : BATCHES) {
            for (int k : new int[]{0, 1, Math.max(1, n / 2), n}) {
                cases.add(Arguments.of(n, Math.min(k, n)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "n={0} k={1}")
    @MethodSource("topKCases")
    void topKMatchesReferenceWithTies(int n, int k) {
        SplittableRandom rnd = new SplittableRandom(n * 17L + k);
        float[] scores = new float[n + 2];
        long[] ids = new long[n + 3];
        for (int i = 0; i < n; i++) {
            scores[2 + i] = rnd.nextInt(4) * 0.5f;   // few distinct scores: many ties
            ids[3 + i] = rnd.nextInt(Math.max(1, n / 3)); // repeated ids: ties on the id too
        }
        int[] ref = new int[k + 1];
        int[] vec = new int[k + 1];
        Arrays.fill(ref, -7);
        Arrays.fill(vec, -7);
        REF.topK(n, scores, 2, ids, 3, k, ref, 1);
        VEC.topK(n, scores, 2, ids, 3, k, vec, 1);
        assertArrayEquals(ref, vec);
        assertEquals(-7, vec[0], "cell before the output was written");
        for (int j = 2; j <= k; j++) {
            int a = vec[j - 1], b = vec[j];
            boolean ordered = scores[2 + a] > scores[2 + b]
                    || (scores[2 + a] == scores[2 + b] && (ids[3 + a] < ids[3 + b]
                    || (ids[3 + a] == ids[3 + b] && a < b)));
            assertEquals(true, ordered, "rank " + (j - 1) + " (index " + a + ") must come before index " + b);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** len values uniform in [-scale, scale] at off, inside GUARD cells of GUARD_VALUE on each side. */
    static float[] guarded(SplittableRandom rnd, int len, int off, float scale) {
        float[] a = new float[off + len + GUARD];
        Arrays.fill(a, GUARD_VALUE);
        for (int i = 0; i < len; i++) {
            a[off + i] = (float) rnd.nextDouble(-scale, scale == 0f ? Double.MIN_VALUE : scale);
        }
        return a;
    }

    static float[] uniform(SplittableRandom rnd, int len, int off, double lo, double hi) {
        float[] a = new float[off + len + GUARD];
        Arrays.fill(a, GUARD_VALUE);
        for (int i = 0; i < len; i++) {
            a[off + i] = (float) rnd.nextDouble(lo, hi);
        }
        return a;
    }

    static void applyInPlace(Activation act, float[] a, int off, int len) {
        for (int i = 0; i < len; i++) {
            a[off + i] = act.apply(a[off + i]);
        }
    }
}
