package io.enhancedrl.sim;

import java.util.SplittableRandom;

/**
 * The mutable state of the session held by one slot of a run: the hidden user (interest, activity, temper),
 * the observed profile and in-session statistics, the recently shown items, the session's own random
 * streams and its metric accumulators. Reused for every session the slot holds (no per-step allocation).
 */
final class SessionState {

    /** EMA factor of the recent statistics: new = DECAY * old + (1 - DECAY) * this step. */
    static final float DECAY = 0.7f;

    final float[] z;          // hidden interest, unit [h]
    final float[] profile;    // observed static profile [USER_PROJECTION_WIDTH + USER_PROFILE_EXTRA]
    final int[] recent;       // ring of recently shown item indices
    boolean active;
    long sessionId;
    int step;
    float activity;
    float temper;
    int device;
    float hourCos;
    float hourSin;
    int recentCount;
    int recentPos;

    // in-session statistics (observed)
    int stepsSinceValidPlay;
    float emaValidPlay;
    float emaWatchFraction;
    float emaWatchSeconds;
    float emaInteractions;
    float lastValidPlayShare;
    float lastDistinctCategories;

    // metric accumulators
    int validConsumption;
    double watchSeconds;
    int interactions;
    double discountedReturn;
    double totalReward;
    double discountPow;

    SplittableRandom candidateRng;
    SplittableRandom mtlRng;
    SplittableRandom responseRng;
    SplittableRandom leaveRng;

    SessionState(int h, int recentCapacity) {
        z = new float[h];
        profile = new float[SimConfig.USER_PROJECTION_WIDTH + SimConfig.USER_PROFILE_EXTRA];
        recent = new int[Math.max(1, recentCapacity)];
    }

    void clearSessionStatistics() {
        step = 0;
        recentCount = 0;
        recentPos = 0;
        stepsSinceValidPlay = 0;
        emaValidPlay = 0f;
        emaWatchFraction = 0f;
        emaWatchSeconds = 0f;
        emaInteractions = 0f;
        lastValidPlayShare = 0f;
        lastDistinctCategories = 0f;
        validConsumption = 0;
        watchSeconds = 0;
        interactions = 0;
        discountedReturn = 0;
        totalReward = 0;
        discountPow = 1;
    }

    void remember(int item, int capacity) {
        if (capacity == 0) {
            return;
        }
        recent[recentPos] = item;
        recentPos = (recentPos + 1) % capacity;
        if (recentCount < capacity) {
            recentCount++;
        }
    }

    /** Writes the observed user features [d_u]: profile, then the session statistics. */
    void writeUserFeatures(float[] out, int off) {
        System.arraycopy(profile, 0, out, off, profile.length);
        int o = off + profile.length;
        out[o] = stepsSinceValidPlay / 10f;
        out[o + 1] = emaValidPlay;
        out[o + 2] = emaWatchFraction;
        out[o + 3] = emaWatchSeconds;
        out[o + 4] = emaInteractions;
        out[o + 5] = (float) StrictMath.log1p(validConsumption);
        out[o + 6] = (float) StrictMath.log1p(watchSeconds / 60.0);
        out[o + 7] = (float) StrictMath.log1p(interactions);
        out[o + 8] = lastValidPlayShare;
        out[o + 9] = lastDistinctCategories;
    }
}
