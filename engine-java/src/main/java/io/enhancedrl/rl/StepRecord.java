package io.enhancedrl.rl;

/**
 * One logged step as the trainer keeps it in memory: the request part of the state, the candidates kept
 * for training (every shown one plus a weighted uniform sample of the unshown ones, or all), and the
 * request-level view used by the user-level baseline. {@link #next} links the session's following step
 * (null at the end of the session).
 *
 * <p>Per kept candidate: row = [x_j; p_j], the action taken, its box centre, its rewards per group
 * (0 if unshown), whether it was shown, and its sampling weight (1 for shown, (C - l) / u for the u sampled
 * unshown, so that weighted sums estimate sums over all C candidates).
 */
public final class StepRecord {
    public final long sessionId;
    public final int stepIndex;
    public final boolean done;
    public final float[] prefix;        // [du + dc]
    public final int kept;
    public final float[] rows;          // [kept][di + K]
    public final float[] actions;       // [kept][2K]
    public final float[] centres;       // [kept][2K]
    public final float[] rewards;       // [kept][2]
    public final boolean[] shown;       // [kept]
    public final float[] weights;       // [kept]
    public final long[] ids;            // [kept]
    public final float[] meanMtl;       // [K] mean over all C candidates
    public final float[] requestAction; // [2K] (candidate 0's action: user-level logs act per request)
    public final float[] requestCentre; // [2K]
    public final float[] stepRewards;   // [2] sum over the shown list
    public StepRecord next;

    public StepRecord(long sessionId, int stepIndex, boolean done, float[] prefix, int kept, float[] rows,
                      float[] actions, float[] centres, float[] rewards, boolean[] shown, float[] weights, long[] ids,
                      float[] meanMtl, float[] requestAction, float[] requestCentre, float[] stepRewards) {
        this.sessionId = sessionId;
        this.stepIndex = stepIndex;
        this.done = done;
        this.prefix = prefix;
        this.kept = kept;
        this.rows = rows;
        this.actions = actions;
        this.centres = centres;
        this.rewards = rewards;
        this.shown = shown;
        this.weights = weights;
        this.ids = ids;
        this.meanMtl = meanMtl;
        this.requestAction = requestAction;
        this.requestCentre = requestCentre;
        this.stepRewards = stepRewards;
    }

    public int shownCount() {
        int s = 0;
        for (boolean b : shown) {
            s += b ? 1 : 0;
        }
        return s;
    }
}
