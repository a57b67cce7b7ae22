package io.enhancedrl.rl;

import io.enhancedrl.sim.FusionPolicy;
import io.enhancedrl.sim.Observation;

/**
 * Bounded uniform exploration around a behaviour policy (spec section 5):
 * a = clip(mu_b(s) + u, -1, 1), u ~ U(-beta, beta)^(2K), drawn per pair or once per request. The box
 * centre mu_b(s) of every candidate is kept in {@link #centres()} for logging.
 *
 * <p>The noise of a request is a function of (seed, session id, step index) only: each request draws from
 * its own SplitMix64 sequence started at a mix of the three. So a session's explored actions do not depend
 * on the batch it ran in, on the other sessions beside it, or on how a run was split into session ranges
 * (threads, Spark partitions): collection over disjoint ranges equals collection over their union.
 */
public final class BoxExploration implements FusionPolicy {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    /** Tag of the exploration stream, kept apart from the simulator's own streams. */
    private static final long EXPLORATION = 0x45585052L;

    private final FusionPolicy behaviour;
    private final float beta;
    private final boolean perPair;
    private final long seed;
    private float[] centres = new float[0];
    private float[] noise = new float[0];

    public BoxExploration(FusionPolicy behaviour, double beta, boolean perPair, long seed) {
        this.behaviour = behaviour;
        this.beta = (float) beta;
        this.perPair = perPair;
        this.seed = seed;
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
        long state = 0;
        for (int j = 0; j < n; j++) {
            if (j % c == 0) {
                int row = j / c;
                state = requestStream(seed, obs.sessionId(row), obs.stepIndex(row));
            }
            if (perPair || j % c == 0) {
                for (int k = 0; k < aw; k++) {
                    state += GOLDEN_GAMMA;
                    double u = (mix(state) >>> 11) * 0x1.0p-53;
                    noise[k] = (float) ((u * 2 - 1) * beta);
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

    /** The start state of the noise sequence of one request. */
    static long requestStream(long seed, long sessionId, int stepIndex) {
        long h = mix(seed ^ GOLDEN_GAMMA);
        h = mix(h ^ EXPLORATION);
        h = mix(h ^ sessionId);
        return mix(h ^ stepIndex);
    }

    /** SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
