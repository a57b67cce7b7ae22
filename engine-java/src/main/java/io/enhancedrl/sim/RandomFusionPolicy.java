package io.enhancedrl.sim;

import java.util.SplittableRandom;

/**
 * Independent uniform actions in [-1,1] for every coordinate of every candidate: the random baseline. Its
 * draws follow the call order, so it is reproducible for a fixed seed and batch size.
 */
public final class RandomFusionPolicy implements FusionPolicy {

    private final SplittableRandom rng;

    public RandomFusionPolicy(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public void act(Observation obs, float[] actions) {
        int len = obs.totalCandidates() * obs.actionWidth();
        for (int i = 0; i < len; i++) {
            actions[i] = (float) (2 * rng.nextDouble() - 1);
        }
    }
}
