package io.enhancedrl.rl;

import io.enhancedrl.data.LoggedStep;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns logged steps (from the simulator as it runs, or streamed from logged-data files: the same code)
 * into the trainer's compact {@link StepRecord}s, and links each session's consecutive steps. Keeps every
 * shown candidate and a uniform sample of u = unshownPerShown * l unshown ones with weight (C - l) / u
 * (all of them when unshownPerShown = -1). Not thread-safe.
 */
public final class StepRecordBuilder {

    private final RlConfig cfg;
    private final SplittableRandom rng;
    private final Map<Long, StepRecord> open = new HashMap<>();
    private int[] order = new int[0];
    private boolean[] isShown = new boolean[0];

    public StepRecordBuilder(RlConfig cfg, long seed) {
        this.cfg = cfg;
        this.rng = new SplittableRandom(seed);
    }

    /**
     * Builds the record of one step and links it after the previous step of its session.
     *
     * @throws IllegalArgumentException when the session's steps arrive out of order
     */
    public StepRecord add(LoggedStep s, int itemWidth, int tasks) {
        int c = s.candidates;
        int k = tasks;
        int aw = 2 * k;
        int di = itemWidth;
        int rw = di + k;
        if (order.length < c) {
            order = new int[c];
            isShown = new boolean[c];
        }
        java.util.Arrays.fill(isShown, 0, c, false);
        int shownCount = s.shown.length;
        for (int j : s.shown) {
            isShown[j] = true;
        }
        int unshown = c - shownCount;
        int sample = cfg.unshownPerShown() < 0 ? unshown : Math.min(unshown, cfg.unshownPerShown() * shownCount);
        int kept = shownCount + sample;
        float[] prefix = new float[s.userFeatures.length + s.contextFeatures.length];
        System.arraycopy(s.userFeatures, 0, prefix, 0, s.userFeatures.length);
        System.arraycopy(s.contextFeatures, 0, prefix, s.userFeatures.length, s.contextFeatures.length);
        float[] rows = new float[kept * rw];
        float[] acts = new float[kept * aw];
        float[] cents = new float[kept * aw];
        float[] rewards = new float[kept * 2];
        boolean[] shown = new boolean[kept];
        float[] weights = new float[kept];
        long[] ids = new long[kept];
        float[] stepRewards = new float[2];
        int slot = 0;
        for (int rank = 0; rank < shownCount; rank++) {
            copyCandidate(s, s.shown[rank], rows, acts, cents, ids, slot, rw, aw, di, k);
            rewards[slot * 2] = s.rewards[rank * 2];
            rewards[slot * 2 + 1] = s.rewards[rank * 2 + 1];
            stepRewards[0] += s.rewards[rank * 2];
            stepRewards[1] += s.rewards[rank * 2 + 1];
            shown[slot] = true;
            weights[slot] = 1f;
            slot++;
        }
        int m = 0;
        for (int j = 0; j < c; j++) {
            if (!isShown[j]) {
                order[m++] = j;
            }
        }
        float w = sample == 0 ? 0f : (float) unshown / sample;
        for (int i = 0; i < sample; i++) {
            int pick = i + rng.nextInt(m - i);
            int t = order[i];
            order[i] = order[pick];
            order[pick] = t;
            copyCandidate(s, order[i], rows, acts, cents, ids, slot, rw, aw, di, k);
            weights[slot] = w;
            slot++;
        }
        float[] meanMtl = s.meanMtlScores(k);
        float[] reqAction = java.util.Arrays.copyOfRange(s.actions, 0, aw);
        float[] reqCentre = java.util.Arrays.copyOfRange(s.boxCentres, 0, aw);
        StepRecord rec = new StepRecord(s.sessionId, s.stepIndex, s.done, prefix, kept, rows, acts, cents, rewards,
                shown, weights, ids, meanMtl, reqAction, reqCentre, stepRewards);
        StepRecord prev = open.get(rec.sessionId);
        if (prev != null) {
            if (prev.stepIndex + 1 != rec.stepIndex) {
                throw new IllegalArgumentException("session " + rec.sessionId + ": expected step " + (prev.stepIndex + 1)
                        + " after step " + prev.stepIndex + " but got step " + rec.stepIndex);
            }
            prev.next = rec;
        }
        if (rec.done) {
            open.remove(rec.sessionId);
        } else {
            open.put(rec.sessionId, rec);
        }
        return rec;
    }

    private static void copyCandidate(LoggedStep s, int j, float[] rows, float[] acts, float[] cents, long[] ids,
                                      int slot, int rw, int aw, int di, int k) {
        System.arraycopy(s.itemFeatures, j * di, rows, slot * rw, di);
        System.arraycopy(s.mtlScores, j * k, rows, slot * rw + di, k);
        System.arraycopy(s.actions, j * aw, acts, slot * aw, aw);
        System.arraycopy(s.boxCentres, j * aw, cents, slot * aw, aw);
        ids[slot] = s.itemIds[j];
    }
}
