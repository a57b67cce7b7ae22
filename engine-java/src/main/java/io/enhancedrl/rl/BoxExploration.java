package io.enhancedrl.rl;

import io.enhancedrl.sim.FusionPolicy;
import io.enhancedrl.sim.Observation;

import java.util.SplittableRandom;

/**
 * Bounded uniform exploration around a behaviour policy (spec section 5):
 * a = clip(mu_b(s) + u, -1, 1), u ~ U(-beta, beta)^(2K), drawn per pair or once per request. The box
 * centre mu_b(s) of every candidate is kept in {@link #centres()} for logging.
 */
public final class BoxExploration implements FusionPolicy {

    private final FusionPolicy behaviour;
    private final float beta;
    private final boolean perPair;
    private final SplittableRandom rng;
    private float[] centres = new float[0];
    private float[] noise = new float[0];

    public BoxExploration(FusionPolicy behaviour, double beta, boolean perPair, long seed) {
        this.behaviour = behaviour;
        this.beta = (float) beta;
        this.perPair = perPair;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public void act(Observation obs, float[] actions) {
        behaviour.act(obs, actions);
        int aw = 2 * obs.tasks();
        int n = obs.totalCandidates();
        int c = obs.candidatesPerRequest();
        if (centres.length < n * aw) {
            centres = new float[n * aw];
            noise = new float[aw];
        }
        System.arraycopy(actions, 0, centres, 0, n * aw);
        for (int j = 0; j < n; j++) {
            if (perPair || j % c == 0) {
                for (int k = 0; k < aw; k++) {
                    noise[k] = (float) ((rng.nextDouble() * 2 - 1) * beta);
                }
            }
            for (int k = 0; k < aw; k++) {
                float a = actions[j * aw + k] + noise[k];
                actions[j * aw + k] = Math.max(-1f, Math.min(1f, a));
            }
        }
    }

    /** Box centres of the last step's candidates [totalCandidates][2K]. */
    public float[] centres() {
        return centres;
    }
}
