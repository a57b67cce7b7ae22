package io.enhancedrl.eval;

import io.enhancedrl.data.LoggedStep;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.model.fusion.FusionSpace;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Offline MTF-GAUC (spec section 10) of any fusion policy on held-out logged data: for every shown item of
 * every logged step, the policy's action for that item gives fusion parameters, the fused score is computed
 * from the item's MTL scores, and {@link GaucAccumulator} takes the score, the valid-play label and the
 * item's instant reward, grouped per user (session).
 *
 * <p>Only what the metric needs is kept per step (the request part of the state, the mean MTL scores of all
 * candidates for per-request policies, and the shown items), so held-out sets of thousands of sessions fit
 * in memory.
 */
public final class OfflineGauc {

    /** Computes the actions of a policy for the shown items of one held-out step. */
    public interface ActionSource {
        /**
         * @param step the held-out step
         * @param actionsOut [shown][2K] actions for the shown items, in display order
         */
        void actions(HeldOutStep step, float[] actionsOut);
    }

    /** One logged step as the metric needs it. */
    public record HeldOutStep(long sessionId, float[] prefix, float[] meanMtl, int shown, float[] rows,
                              float[] mtl, boolean[] validPlay, float[] instantReward) {
    }

    private final List<HeldOutStep> steps = new ArrayList<>();
    private final int itemWidth;
    private final int tasks;
    private final int validPlayBehaviour;

    /**
     * @param validPlayBehaviour index of the valid-play behaviour in the logged behaviours (0 in the simulator)
     */
    public OfflineGauc(int itemWidth, int tasks, int validPlayBehaviour) {
        this.itemWidth = itemWidth;
        this.tasks = tasks;
        this.validPlayBehaviour = validPlayBehaviour;
    }

    /** Keeps what the metric needs of a logged step (the holder may be reused by the caller afterwards). */
    public void add(LoggedStep s, int behaviours) {
        int k = tasks;
        int di = itemWidth;
        int l = s.shown.length;
        float[] prefix = new float[s.userFeatures.length + s.contextFeatures.length];
        System.arraycopy(s.userFeatures, 0, prefix, 0, s.userFeatures.length);
        System.arraycopy(s.contextFeatures, 0, prefix, s.userFeatures.length, s.contextFeatures.length);
        float[] mean = s.meanMtlScores(k);
        float[] rows = new float[l * (di + k)];
        float[] mtl = new float[l * k];
        boolean[] label = new boolean[l];
        float[] reward = new float[l];
        for (int r = 0; r < l; r++) {
            int j = s.shown[r];
            System.arraycopy(s.itemFeatures, j * di, rows, r * (di + k), di);
            System.arraycopy(s.mtlScores, j * k, rows, r * (di + k) + di, k);
            System.arraycopy(s.mtlScores, j * k, mtl, r * k, k);
            label[r] = s.behaviours[r * behaviours + validPlayBehaviour] > 0.5f;
            reward[r] = s.rewards[r * 2] + s.rewards[r * 2 + 1];
        }
        steps.add(new HeldOutStep(s.sessionId, prefix, mean, l, rows, mtl, label, reward));
    }

    public int size() {
        return steps.size();
    }

    /**
     * Diagnostic: the mean over held-out shown items of (policy action - reference action), per action
     * dimension, and the mean over steps of the within-step standard deviation of each dimension.
     * Returns [2][2K]: row 0 the mean shift, row 1 the within-step spread.
     */
    public double[][] actionShift(ActionSource policy, float[] reference) {
        int aw = 2 * tasks;
        double[][] out = new double[2][aw];
        float[] actions = new float[0];
        long items = 0;
        for (HeldOutStep st : steps) {
            int l = st.shown();
            if (actions.length < l * aw) {
                actions = new float[l * aw];
            }
            policy.actions(st, actions);
            for (int k = 0; k < aw; k++) {
                double mean = 0;
                for (int r = 0; r < l; r++) {
                    out[0][k] += actions[r * aw + k] - reference[k];
                    mean += actions[r * aw + k];
                }
                mean /= l;
                double var = 0;
                for (int r = 0; r < l; r++) {
                    var += (actions[r * aw + k] - mean) * (actions[r * aw + k] - mean);
                }
                out[1][k] += Math.sqrt(var / l);
            }
            items += l;
        }
        for (int k = 0; k < aw; k++) {
            out[0][k] /= Math.max(1, items);
            out[1][k] /= Math.max(1, steps.size());
        }
        return out;
    }

    /** MTF-GAUC of a policy over the held-out steps (a session's steps must be added in step order). */
    public double evaluate(ActionSource policy, FusionSpace space, KernelOps ops) {
        return metrics(policy, space, ops).gauc();
    }

    /**
     * MTF-GAUC and the data counts of {@link OfflineMetrics} over the held-out steps, user (session) by user
     * in session-id order; a session's steps must be added in step order. The result does not depend on the
     * order of the sessions (exact sums), only on each session's own steps.
     */
    public OfflineMetrics metrics(ActionSource policy, FusionSpace space, KernelOps ops) {
        GaucAccumulator acc = new GaucAccumulator();
        int aw = 2 * tasks;
        float[] actions = new float[0];
        float[] power = new float[0];
        float[] bias = new float[0];
        float[] score = new float[0];
        long session = Long.MIN_VALUE;
        long shown = 0;
        long valid = 0;
        BigDecimal reward = BigDecimal.ZERO;
        List<HeldOutStep> bySession = new ArrayList<>(steps);
        bySession.sort(java.util.Comparator.comparingLong(HeldOutStep::sessionId)); // stable: keeps step order
        for (HeldOutStep st : bySession) {
            if (st.sessionId() != session) {
                acc.endUser();
                session = st.sessionId();
            }
            int l = st.shown();
            if (actions.length < l * aw) {
                actions = new float[l * aw];
                power = new float[l * tasks];
                bias = new float[l * tasks];
                score = new float[l];
            }
            policy.actions(st, actions);
            space.map(l, actions, 0, power, 0, bias, 0);
            ops.fusionScore(l, tasks, st.mtl(), 0, power, 0, bias, 0, score, 0);
            for (int r = 0; r < l; r++) {
                acc.add(score[r], st.validPlay()[r], st.instantReward()[r]);
                valid += st.validPlay()[r] ? 1 : 0;
                reward = reward.add(new BigDecimal(st.instantReward()[r]));
            }
            shown += l;
        }
        acc.endUser();
        return new OfflineMetrics(acc.partial(), bySession.size(), shown, valid, reward);
    }
}
