package io.enhancedrl.model.fusion;

import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FusionRankerTest {

    @Test
    void scoresFollowTheFormulaAndTopLIsPerRequest() {
        int k = 3;
        int requests = 3;
        int per = 7;
        int n = requests * per;
        FusionSpace space = FusionSpace.defaults(k);
        FusionRanker ranker = new FusionRanker(space, ScalarKernelOps.INSTANCE, 64);
        SplittableRandom rng = new SplittableRandom(3);
        float[] mtl = new float[n * k];
        float[] actions = new float[n * 2 * k];
        long[] ids = new long[n];
        for (int i = 0; i < mtl.length; i++) {
            mtl[i] = (float) (0.01 + 0.98 * rng.nextDouble());
        }
        for (int i = 0; i < actions.length; i++) {
            actions[i] = (float) (2 * rng.nextDouble() - 1);
        }
        for (int i = 0; i < n; i++) {
            ids[i] = 1000 - i;
        }
        int[] shown = new int[requests * 2];
        ranker.rank(requests, per, mtl, actions, ids, 2, shown);

        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int t = 0; t < k; t++) {
                double power = (actions[i * 2 * k + t] + 1) / 2 * 2.0;
                double bias = 0.01 + (actions[i * 2 * k + k + t] + 1) / 2 * 0.49;
                s += power * Math.log(mtl[i * k + t] + bias);
            }
            expected[i] = (float) s;
        }
        Tolerance.FP32.forReduction(k).assertClose("fused score", expected, 0, ranker.scores(), 0, n);
        for (int r = 0; r < requests; r++) {
            int best = -1;
            int second = -1;
            for (int j = 0; j < per; j++) {
                float v = expected[r * per + j];
                if (best < 0 || v > expected[r * per + best]) {
                    second = best;
                    best = j;
                } else if (second < 0 || v > expected[r * per + second]) {
                    second = j;
                }
            }
            assertArrayEquals(new int[]{best, second}, new int[]{shown[2 * r], shown[2 * r + 1]}, "request " + r);
        }
    }

    @Test
    void tiesAreBrokenBySmallerItemId() {
        FusionRanker ranker = new FusionRanker(FusionSpace.defaults(1), ScalarKernelOps.INSTANCE, 4);
        float[] mtl = {0.5f, 0.5f, 0.5f, 0.5f};
        float[] actions = new float[8]; // identical actions: identical scores
        long[] ids = {40, 10, 30, 20};
        int[] shown = new int[3];
        ranker.rank(1, 4, mtl, actions, ids, 3, shown);
        assertArrayEquals(new int[]{1, 3, 2}, shown);
    }

    @Test
    void rejectsOverCapacityAndShortArrays() {
        FusionRanker ranker = new FusionRanker(FusionSpace.defaults(1), ScalarKernelOps.INSTANCE, 4);
        assertThrows(IllegalArgumentException.class,
                () -> ranker.rank(1, 5, new float[5], new float[10], new long[5], 1, new int[1]));
        assertThrows(IllegalArgumentException.class,
                () -> ranker.rank(1, 4, new float[4], new float[7], new long[4], 1, new int[1]));
        assertThrows(IllegalArgumentException.class,
                () -> ranker.rank(1, 4, new float[4], new float[8], new long[4], 5, new int[5]));
    }
}
