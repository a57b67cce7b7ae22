package io.enhancedrl.bindings.gpu;

import io.enhancedrl.rl.UnitBatch;

import java.util.SplittableRandom;

/** Random learner batches for the training tests on the device (values in the ranges the simulator produces). */
public final class RandomUnitBatches {

    private RandomUnitBatches() {
    }

    /**
     * {@code transitions} transitions (the last one done) of {@code unitsPer} units each, every unit with index 1
     * mod 3 unshown, and {@code nextPer} next units per transition (the first of them shown).
     */
    public static UnitBatch batch(long seed, int state, int action, int transitions, int unitsPer, int nextPer) {
        SplittableRandom r = new SplittableRandom(seed);
        UnitBatch b = new UnitBatch(state, action, transitions, transitions * unitsPer, transitions * nextPer);
        for (int t = 0; t < transitions; t++) {
            b.beginTransition(t == transitions - 1);
            for (int u = 0; u < unitsPer; u++) {
                int i = b.addUnit((float) r.nextDouble(), (float) r.nextDouble(), 1f, 0.5f, u % 3 != 1);
                fill(r, b.states, i * state, state, 1);
                fill(r, b.actions, i * action, action, 0.8);
                fill(r, b.centres, i * action, action, 0.8);
            }
            for (int n = 0; n < nextPer; n++) {
                int i = b.addNext(1f, n == 0, 100 + n);
                fill(r, b.nextStates, i * state, state, 1);
                fill(r, b.nextCentres, i * action, action, 0.8);
            }
        }
        return b;
    }

    private static void fill(SplittableRandom r, float[] a, int off, int len, double scale) {
        for (int i = 0; i < len; i++) {
            a[off + i] = (float) r.nextDouble(-scale, scale);
        }
    }
}
