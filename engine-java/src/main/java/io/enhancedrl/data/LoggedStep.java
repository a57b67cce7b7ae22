package io.enhancedrl.data;

import java.util.Arrays;

/**
 * One logged request (spec section 5): a mutable, reusable holder. A reader fills the same instance row
 * after row, so a consumer that keeps a step must take a {@link #copy()}.
 *
 * <p>The fields are public on purpose: this is a plain record of arrays that the trainer reads in bulk,
 * and accessors would only hide the arrays it needs. All matrices are row-major in one flat array.
 * The writer validates every field against the file's {@link DataLayout} ({@link LoggedDataWriter}).
 * With C = {@link #candidates}, s = {@link DataLayout#shownLength(int) shownLength(C)} = min(l, C):
 *
 * <table>
 * <caption>Fields, shapes and Parquet columns</caption>
 * <tr><th>field</th><th>shape</th><th>column</th><th>meaning</th></tr>
 * <tr><td>sessionId</td><td>-</td><td>session_id</td><td>the user session (episode)</td></tr>
 * <tr><td>stepIndex</td><td>-</td><td>step_index</td><td>request number in the session, from 0</td></tr>
 * <tr><td>userFeatures</td><td>[d_u]</td><td>user_features</td><td>x_u(t), finite</td></tr>
 * <tr><td>contextFeatures</td><td>[d_c]</td><td>context_features</td><td>x_c(t), finite</td></tr>
 * <tr><td>candidates</td><td>-</td><td>candidates</td><td>C &gt;= 1; may differ from step to step</td></tr>
 * <tr><td>itemIds</td><td>[C]</td><td>item_ids</td><td>candidate item ids</td></tr>
 * <tr><td>itemFeatures</td><td>[C][d_i]</td><td>item_features</td><td>x_j, finite</td></tr>
 * <tr><td>mtlScores</td><td>[C][K]</td><td>mtl_scores</td><td>p_j, in [0, 1]</td></tr>
 * <tr><td>actions</td><td>[C][2K]</td><td>actions</td><td>action taken a_j, in [-1, 1]</td></tr>
 * <tr><td>boxCentres</td><td>[C][2K]</td><td>box_centres</td><td>c_j = mu_b(s), in [-1, 1]</td></tr>
 * <tr><td>shown</td><td>[s]</td><td>shown</td><td>candidate indices in display order, distinct, in [0, C)</td></tr>
 * <tr><td>behaviours</td><td>[s][nb]</td><td>behaviours</td><td>observed behaviours y per shown item, finite</td></tr>
 * <tr><td>rewards</td><td>[s][2]</td><td>rewards</td><td>reward per shown item per group (watch time, other), finite</td></tr>
 * <tr><td>done</td><td>-</td><td>done</td><td>the session ended after this step</td></tr>
 * </table>
 */
public final class LoggedStep {

    public long sessionId;
    public int stepIndex;
    public float[] userFeatures = new float[0];
    public float[] contextFeatures = new float[0];
    public int candidates;
    public long[] itemIds = new long[0];
    public float[] itemFeatures = new float[0];
    public float[] mtlScores = new float[0];
    public float[] actions = new float[0];
    public float[] boxCentres = new float[0];
    public int[] shown = new int[0];
    public float[] behaviours = new float[0];
    public float[] rewards = new float[0];
    public boolean done;

    /** An empty holder (all arrays of length 0), e.g. for a reader to fill. */
    public LoggedStep() {
    }

    /**
     * A zero-filled step with every array sized for {@code layout} and {@code candidates} candidates, and
     * shown = 0, 1, ..., s-1 (a valid placeholder to overwrite).
     */
    public static LoggedStep allocate(DataLayout layout, int candidates) {
        if (candidates < 1 || candidates > DataLayout.MAX_WIDTH) {
            throw new IllegalArgumentException("candidates: expected in [1, " + DataLayout.MAX_WIDTH + "] but was " + candidates);
        }
        long largest = (long) candidates * Math.max(layout.itemWidth(), layout.actionWidth());
        if (largest > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("candidates: " + candidates + " candidates of " + layout
                    + " need an array of " + largest + " floats, more than a Java array holds");
        }
        LoggedStep s = new LoggedStep();
        s.userFeatures = new float[layout.userWidth()];
        s.contextFeatures = new float[layout.contextWidth()];
        s.candidates = candidates;
        s.itemIds = new long[candidates];
        s.itemFeatures = new float[candidates * layout.itemWidth()];
        s.mtlScores = new float[candidates * layout.tasks()];
        s.actions = new float[candidates * layout.actionWidth()];
        s.boxCentres = new float[candidates * layout.actionWidth()];
        int shownLength = layout.shownLength(candidates);
        s.shown = new int[shownLength];
        for (int i = 0; i < shownLength; i++) {
            s.shown[i] = i;
        }
        s.behaviours = new float[shownLength * layout.behaviours()];
        s.rewards = new float[shownLength * DataLayout.REWARD_GROUPS];
        return s;
    }

    /**
     * The mean over this step's candidates of each MTL score: out[t] = (1/C) sum_j mtlScores[j][t]
     * (the request-level summary the user-level state and offline metrics use).
     */
    public float[] meanMtlScores(int tasks) {
        float[] mean = new float[tasks];
        meanOverCandidates(mtlScores, 0, candidates, tasks, mean, 0);
        return mean;
    }

    /**
     * The mean over a request's candidates of each MTL score: out[outOffset + t] = (1/C) sum_j
     * mtl[offset + j K + t], summed in candidate order (the user-level state of a live request and the logged
     * steps' summary both use this one definition, so they agree bit for bit).
     */
    public static void meanOverCandidates(float[] mtl, int offset, int candidates, int tasks, float[] out,
                                          int outOffset) {
        for (int t = 0; t < tasks; t++) {
            float s = 0f;
            for (int j = 0; j < candidates; j++) {
                s += mtl[offset + j * tasks + t];
            }
            out[outOffset + t] = s / candidates;
        }
    }

    /** A deep copy (no array is shared). */
    public LoggedStep copy() {
        LoggedStep c = new LoggedStep();
        c.copyFrom(this);
        return c;
    }

    /** Makes this a deep copy of {@code other}, reusing this step's arrays where the lengths match. */
    public void copyFrom(LoggedStep other) {
        sessionId = other.sessionId;
        stepIndex = other.stepIndex;
        userFeatures = copyInto(userFeatures, other.userFeatures);
        contextFeatures = copyInto(contextFeatures, other.contextFeatures);
        candidates = other.candidates;
        itemIds = other.itemIds.length == itemIds.length ? itemIds : new long[other.itemIds.length];
        System.arraycopy(other.itemIds, 0, itemIds, 0, itemIds.length);
        itemFeatures = copyInto(itemFeatures, other.itemFeatures);
        mtlScores = copyInto(mtlScores, other.mtlScores);
        actions = copyInto(actions, other.actions);
        boxCentres = copyInto(boxCentres, other.boxCentres);
        shown = other.shown.length == shown.length ? shown : new int[other.shown.length];
        System.arraycopy(other.shown, 0, shown, 0, shown.length);
        behaviours = copyInto(behaviours, other.behaviours);
        rewards = copyInto(rewards, other.rewards);
        done = other.done;
    }

    private static float[] copyInto(float[] target, float[] source) {
        float[] t = target.length == source.length ? target : new float[source.length];
        System.arraycopy(source, 0, t, 0, t.length);
        return t;
    }

    /**
     * True when every field of {@code other} equals this one's, floats compared bit for bit
     * ({@link Float#floatToRawIntBits}: -0.0 differs from 0.0). Not {@code equals}: the holder is mutable.
     */
    public boolean contentEquals(LoggedStep other) {
        return other != null
                && sessionId == other.sessionId && stepIndex == other.stepIndex
                && candidates == other.candidates && done == other.done
                && bitsEqual(userFeatures, other.userFeatures)
                && bitsEqual(contextFeatures, other.contextFeatures)
                && Arrays.equals(itemIds, other.itemIds)
                && bitsEqual(itemFeatures, other.itemFeatures)
                && bitsEqual(mtlScores, other.mtlScores)
                && bitsEqual(actions, other.actions)
                && bitsEqual(boxCentres, other.boxCentres)
                && Arrays.equals(shown, other.shown)
                && bitsEqual(behaviours, other.behaviours)
                && bitsEqual(rewards, other.rewards);
    }

    private static boolean bitsEqual(float[] a, float[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "LoggedStep[session=" + sessionId + ", step=" + stepIndex + ", candidates=" + candidates
                + ", shown=" + Arrays.toString(shown) + ", done=" + done + "]";
    }
}
