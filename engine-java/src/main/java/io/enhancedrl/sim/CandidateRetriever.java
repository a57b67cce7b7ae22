package io.enhancedrl.sim;

import java.util.SplittableRandom;

/**
 * Draws the C candidates of one request: a share by noisy interest (a category drawn by softmax of the
 * cosine between a noisy copy of the user's interest and the category centres, then the best by noisy
 * affinity of {@code retrievalTries} items drawn from it), the rest by popularity. Candidates are distinct
 * and exclude the items shown in the session's last {@code recentExclusionSteps} requests.
 *
 * <p>Cost per request O(categories * h + C * tries * h), independent of the catalogue size: the exclusion
 * uses a stamp array over the catalogue (an item is taken when its stamp equals the request's stamp), so no
 * clearing is needed between requests. One retriever per run (not thread-safe).
 */
final class CandidateRetriever {

    private static final int MAX_REJECTIONS = 64;

    private final SimConfig cfg;
    private final Catalogue cat;
    private final int[] stamp;
    private int currentStamp;
    private final float[] zRet;
    private final double[] categoryCum;

    CandidateRetriever(SimConfig cfg, Catalogue cat) {
        this.cfg = cfg;
        this.cat = cat;
        this.stamp = new int[cat.n];
        this.zRet = new float[cat.h];
        this.categoryCum = new double[cat.categories];
    }

    /** Writes the candidates' item indices into out[off .. off+count). */
    void retrieve(SessionState s, int count, int[] out, int off) {
        SplittableRandom rng = s.candidateRng;
        if (++currentStamp == 0) { // wrapped after 2^32 requests: restart the stamps
            java.util.Arrays.fill(stamp, 0);
            currentStamp = 1;
        }
        int st = currentStamp;
        for (int r = 0; r < s.recentCount; r++) {
            stamp[s.recent[r]] = st;
        }
        int h = cat.h;
        double noise = cfg.retrievalNoise();
        for (int j = 0; j < h; j++) {
            zRet[j] = (float) (s.z[j] + noise * rng.nextGaussian());
        }
        Catalogue.normalise(zRet, 0, h);
        double sharp = cfg.retrievalSharpness();
        double cum = 0;
        for (int c = 0; c < cat.categories; c++) {
            if (cat.itemsOfCategory[c].length > 0) {
                cum += StrictMath.exp(sharp * Catalogue.dot(zRet, 0, cat.centres, c * h, h));
            }
            categoryCum[c] = cum;
        }
        int nInterest = (int) Math.round(count * cfg.interestRetrievalShare());
        int tries = cfg.retrievalTries();
        for (int k = 0; k < count; k++) {
            int item = -1;
            if (k < nInterest) {
                for (int attempt = 0; attempt < MAX_REJECTIONS && item < 0; attempt++) {
                    int[] pool = cat.itemsOfCategory[pickCategory(rng.nextDouble() * cum)];
                    float best = Float.NEGATIVE_INFINITY;
                    for (int t = 0; t < tries; t++) {
                        int cand = pool[rng.nextInt(pool.length)];
                        if (stamp[cand] == st) {
                            continue;
                        }
                        float a = Catalogue.dot(zRet, 0, cat.emb, cand * h, h);
                        if (a > best) {
                            best = a;
                            item = cand;
                        }
                    }
                }
            }
            if (item < 0) {
                for (int attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
                    int cand = cat.popularity.sample(rng);
                    if (stamp[cand] != st) {
                        item = cand;
                        break;
                    }
                }
            }
            if (item < 0) {
                // Extremely skewed popularity: scan from a random start for the next free item. The config
                // guarantees at least half the catalogue is free, so this terminates quickly.
                int start = rng.nextInt(cat.n);
                for (int i = 0; i < cat.n; i++) {
                    int cand = (start + i) % cat.n;
                    if (stamp[cand] != st) {
                        item = cand;
                        break;
                    }
                }
            }
            stamp[item] = st;
            out[off + k] = item;
        }
    }

    private int pickCategory(double u) {
        int lo = 0;
        int hi = categoryCum.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (categoryCum[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
