package io.enhancedrl.sim;

import io.enhancedrl.model.fusion.FusionSpace;

/**
 * One constant action for every candidate: a hand-set ("production") fusion. This is the round-0 behaviour
 * policy of the progressive training and the "fixed fusion" baseline.
 *
 * <p>{@link #production(FusionSpace)} is the default: score = (p_vp + 0.05)^1.0 (p_watch + 0.05)^1.0
 * (p_like + 0.1)^0.3 (p_share + 0.1)^0.2 (p_follow + 0.1)^0.2, i.e. a list led by valid play and watch
 * fraction with a mild lift for engagement, as a production team would set it by hand. It is deliberately
 * reasonable but not tuned to this simulator: it takes the MTL scores at face value.
 */
public final class FixedFusionPolicy implements FusionPolicy {

    /** Production powers in task order (valid play, watch, like, share, follow). */
    public static final double[] PRODUCTION_POWER = {1.0, 1.0, 0.3, 0.2, 0.2};
    /** Production biases in task order. */
    public static final double[] PRODUCTION_BIAS = {0.05, 0.05, 0.1, 0.1, 0.1};

    private final float[] action;

    /** A fixed policy with the given action (length 2K, each value in [-1,1]). */
    public FixedFusionPolicy(float[] action) {
        if (action == null || action.length == 0 || action.length % 2 != 0) {
            throw new IllegalArgumentException("FixedFusionPolicy: the action must have an even length 2K > 0 but was "
                    + (action == null ? "null" : String.valueOf(action.length)));
        }
        for (int i = 0; i < action.length; i++) {
            if (!(action[i] >= -1f && action[i] <= 1f)) {
                throw new IllegalArgumentException("FixedFusionPolicy: action[" + i + "] = " + action[i] + " is outside [-1, 1]");
            }
        }
        this.action = action.clone();
    }

    /** A fixed policy with the given fusion parameters (validated against the space). */
    public static FixedFusionPolicy of(FusionSpace space, double[] power, double[] bias) {
        return new FixedFusionPolicy(space.toAction(power, bias));
    }

    /** The documented production fusion in the given space. */
    public static FixedFusionPolicy production(FusionSpace space) {
        if (space.tasks() != Tasks.K) {
            throw new IllegalArgumentException("production: expected a space of K = " + Tasks.K + " tasks but it has " + space.tasks());
        }
        return of(space, PRODUCTION_POWER, PRODUCTION_BIAS);
    }

    /** The constant action (a copy), length 2K: also the box centre of every pair it logs. */
    public float[] action() {
        return action.clone();
    }

    @Override
    public void act(Observation obs, float[] actions) {
        int w = action.length;
        if (w != obs.actionWidth()) {
            throw new IllegalArgumentException("FixedFusionPolicy: action width " + w + " does not match the observation's 2K = "
                    + obs.actionWidth());
        }
        int n = obs.totalCandidates();
        for (int i = 0; i < n; i++) {
            System.arraycopy(action, 0, actions, i * w, w);
        }
    }
}
