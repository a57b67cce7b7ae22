package io.enhancedrl.eval;

import java.util.Arrays;

/**
 * MTF-GAUC (spec section 10): per user, the AUC of the fused score against valid consumption, with the
 * item's instant reward as the positive sample's weight; averaged over users weighted by their sample
 * count. Users whose samples are all positive or all negative have no AUC and are skipped (counted in
 * {@link #skippedUsers()}).
 *
 * <p>Weighted AUC of one user: sum over (positive i, negative j) of w_i * ([s_i > s_j] + 0.5 [s_i = s_j]),
 * divided by sum over the same pairs of w_i. Negatives have weight 1 (they have no reward to weigh by);
 * positives with zero reward fall back to weight 1 so that they still count.
 *
 * <p>Feed samples user by user: {@link #add} for each sample of the current user, {@link #endUser()} when
 * the user's samples are complete. Not thread-safe.
 */
public final class GaucAccumulator {

    private float[] scores = new float[64];
    private boolean[] labels = new boolean[64];
    private float[] weights = new float[64];
    private Integer[] order = new Integer[64];
    private int size;

    private GaucPartial total = GaucPartial.EMPTY;

    public void add(float score, boolean validConsumption, float instantReward) {
        if (!Float.isFinite(score) || !Float.isFinite(instantReward)) {
            throw new IllegalArgumentException("GAUC sample: expected finite score and reward but was score "
                    + score + ", reward " + instantReward);
        }
        if (size == scores.length) {
            scores = Arrays.copyOf(scores, size * 2);
            labels = Arrays.copyOf(labels, size * 2);
            weights = Arrays.copyOf(weights, size * 2);
            order = Arrays.copyOf(order, size * 2);
        }
        scores[size] = score;
        labels[size] = validConsumption;
        weights[size] = validConsumption && instantReward > 0 ? instantReward : 1f;
        size++;
    }

    public void endUser() {
        if (size == 0) {
            return;
        }
        total = total.merge(GaucPartial.ofUser(userAuc(), size));
        size = 0;
    }

    /** AUC of the current user, NaN when it has only one class. Sorts by score, handles ties. */
    private double userAuc() {
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, 0, size, (a, b) -> Float.compare(scores[a], scores[b]));
        double negBelow = 0;   // negatives with a strictly lower score
        double num = 0;
        double posWeight = 0;
        long negTotal = 0;
        for (int i = 0; i < size; i++) {
            if (!labels[i]) {
                negTotal++;
            }
        }
        int i = 0;
        while (i < size) {
            int j = i;
            float s = scores[order[i]];
            double tiePos = 0;
            long tieNeg = 0;
            while (j < size && scores[order[j]] == s) {
                int idx = order[j];
                if (labels[idx]) {
                    tiePos += weights[idx];
                } else {
                    tieNeg++;
                }
                j++;
            }
            num += tiePos * (negBelow + 0.5 * tieNeg);
            posWeight += tiePos;
            negBelow += tieNeg;
            i = j;
        }
        if (posWeight == 0 || negTotal == 0) {
            return Double.NaN;
        }
        return num / (posWeight * negTotal);
    }

    /** The sample-weighted mean AUC over users with both classes; NaN when there are none. */
    public double gauc() {
        return total.gauc();
    }

    public long users() {
        return total.users();
    }

    public long skippedUsers() {
        return total.skippedUsers();
    }

    /** The users ended so far as a mergeable partial (exact sums: see {@link GaucPartial}). */
    public GaucPartial partial() {
        return total;
    }
}
