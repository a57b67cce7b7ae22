package io.enhancedrl.sim;

import java.util.SplittableRandom;

/**
 * The items of one simulated world, built once from the catalogue stream of a seed and immutable afterwards
 * (shared read-only by every run of a {@link Simulator}).
 *
 * <p>Hidden per item: unit embedding e_i (h), category, quality q_i ~ N(0,1). Known to everyone: duration D_i
 * (LogNormal), the observed feature row x_i and the popularity statistic. Also precomputed here, because
 * they depend only on the item: the MTL miscalibration offsets delta_k(i) (a function of observed
 * features only) and the popularity sampler. See docs/simulator.md for the equations.
 */
final class Catalogue {

    final int n;
    final int h;
    final int categories;
    final int itemWidth;

    /** Unit item embeddings [n][h] (hidden). */
    final float[] emb;
    /** Category of each item [n]. */
    final int[] category;
    /** Hidden quality [n]. */
    final float[] quality;
    /** Duration in seconds [n]. */
    final float[] duration;
    /** Standardised log duration (ln D - ln median) / sigma [n] (observed). */
    final float[] logDurationStd;
    /** ln(D / D_median) [n] (the scale of the squashed watch-seconds MTL task). */
    final float[] logDurationRatio;
    /** Observed item features [n][itemWidth]. */
    final float[] features;
    /** MTL miscalibration offsets [n][K], already scaled by itemHeterogeneity. */
    final float[] delta;
    /** Unit category centres [categories][h] (hidden). */
    final float[] centres;
    /** Items of each category. */
    final int[][] itemsOfCategory;
    /** Popularity retrieval sampler, weight exp(skew * pop_i). */
    final AliasTable popularity;

    Catalogue(SimConfig cfg, long seed) {
        this.n = cfg.numItems();
        this.h = cfg.embeddingDim();
        this.categories = cfg.numCategories();
        this.itemWidth = cfg.itemWidth();
        SplittableRandom rng = Streams.of(seed, Streams.CATALOGUE, 0);

        centres = new float[categories * h];
        float[] codes = new float[categories * SimConfig.CATEGORY_CODE_WIDTH];
        float[] likeBias = new float[categories];
        for (int c = 0; c < categories; c++) {
            randomUnit(rng, centres, c * h, h);
            for (int j = 0; j < SimConfig.CATEGORY_CODE_WIDTH; j++) {
                codes[c * SimConfig.CATEGORY_CODE_WIDTH + j] = (float) rng.nextGaussian();
            }
            // the like miscalibration of a category is a fixed linear function of its observed code
            likeBias[c] = (float) ((codes[c * SimConfig.CATEGORY_CODE_WIDTH] + codes[c * SimConfig.CATEGORY_CODE_WIDTH + 1])
                    / Math.sqrt(2));
        }
        // observed projection of the embedding: entries N(0,1), so a unit embedding projects to O(1) values
        float[] proj = new float[h * h];
        for (int i = 0; i < proj.length; i++) {
            proj[i] = (float) rng.nextGaussian();
        }

        emb = new float[n * h];
        category = new int[n];
        quality = new float[n];
        duration = new float[n];
        logDurationStd = new float[n];
        logDurationRatio = new float[n];
        features = new float[n * itemWidth];
        delta = new float[n * Tasks.K];
        double[] popWeight = new double[n];
        int[] catCount = new int[categories];

        double coh = cfg.categoryCohesion();
        double rest = Math.sqrt(Math.max(0, 1 - coh * coh));
        double lnMedian = StrictMath.log(cfg.durationMedianSeconds());
        double sigmaD = cfg.durationLogSigma();
        double rho = cfg.popularityQualityCorrelation();
        double rhoRest = Math.sqrt(Math.max(0, 1 - rho * rho));
        double hetero = cfg.itemHeterogeneity();
        Miscalibration mis = cfg.miscalibration();
        float[] u = new float[h];
        for (int i = 0; i < n; i++) {
            int c = rng.nextInt(categories);
            category[i] = c;
            catCount[c]++;
            randomUnit(rng, u, 0, h);
            int eo = i * h;
            for (int j = 0; j < h; j++) {
                emb[eo + j] = (float) (coh * centres[c * h + j] + rest * u[j]);
            }
            normalise(emb, eo, h);

            double lnD = lnMedian + sigmaD * rng.nextGaussian();
            double d = Math.min(3600.0, Math.max(1.0, StrictMath.exp(lnD)));
            duration[i] = (float) d;
            logDurationRatio[i] = (float) (StrictMath.log(d) - lnMedian);
            logDurationStd[i] = sigmaD > 0 ? (float) ((StrictMath.log(d) - lnMedian) / sigmaD) : 0f;

            double q = rng.nextGaussian();
            quality[i] = (float) q;
            double pop = rho * q + rhoRest * rng.nextGaussian();
            popWeight[i] = StrictMath.exp(cfg.popularitySkew() * pop);
            double qualityProxy = q + rng.nextGaussian(); // a weak observed signal of quality (noise std 1)

            int fo = i * itemWidth;
            for (int r = 0; r < h; r++) {
                double s = 0;
                for (int j = 0; j < h; j++) {
                    s += proj[r * h + j] * emb[eo + j];
                }
                features[fo + r] = (float) (s + cfg.itemFeatureNoise() * rng.nextGaussian());
            }
            System.arraycopy(codes, c * SimConfig.CATEGORY_CODE_WIDTH, features, fo + h, SimConfig.CATEGORY_CODE_WIDTH);
            int so = fo + h + SimConfig.CATEGORY_CODE_WIDTH;
            features[so] = logDurationStd[i];
            features[so + 1] = (float) pop;
            features[so + 2] = (float) qualityProxy;

            // delta_k(i): functions of observed item features only, scaled by itemHeterogeneity
            int dO = i * Tasks.K;
            delta[dO + Tasks.VALID_PLAY] = (float) (hetero * mis.validPlayPopularity() * features[so + 1]);
            delta[dO + Tasks.WATCH] = (float) (hetero * mis.watchDuration() * features[so]);
            delta[dO + Tasks.LIKE] = (float) (hetero * mis.likeCategory() * likeBias[c]);
            delta[dO + Tasks.SHARE] = (float) (hetero * mis.shareQuality() * features[so + 2]);
            delta[dO + Tasks.FOLLOW] = (float) (hetero * mis.followPopularity() * features[so + 1]);
        }
        itemsOfCategory = new int[categories][];
        for (int c = 0; c < categories; c++) {
            itemsOfCategory[c] = new int[catCount[c]];
        }
        int[] fill = new int[categories];
        for (int i = 0; i < n; i++) {
            int c = category[i];
            itemsOfCategory[c][fill[c]++] = i;
        }
        popularity = new AliasTable(popWeight);
    }

    /** Writes a uniformly random unit vector of length len at off. */
    static void randomUnit(SplittableRandom rng, float[] v, int off, int len) {
        double s;
        do {
            s = 0;
            for (int j = 0; j < len; j++) {
                double g = rng.nextGaussian();
                v[off + j] = (float) g;
                s += g * g;
            }
        } while (s < 1e-12);
        normalise(v, off, len);
    }

    static void normalise(float[] v, int off, int len) {
        double s = 0;
        for (int j = 0; j < len; j++) {
            s += (double) v[off + j] * v[off + j];
        }
        if (s > 0) {
            float inv = (float) (1.0 / Math.sqrt(s));
            for (int j = 0; j < len; j++) {
                v[off + j] *= inv;
            }
        }
    }

    /**
     * Dot product with four independent accumulators (a fixed summation order, so results are reproducible,
     * and about three times faster than one serial chain: float addition is not reassociated by the JIT).
     */
    static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int j = 0;
        for (; j + 3 < len; j += 4) {
            s0 += a[aOff + j] * b[bOff + j];
            s1 += a[aOff + j + 1] * b[bOff + j + 1];
            s2 += a[aOff + j + 2] * b[bOff + j + 2];
            s3 += a[aOff + j + 3] * b[bOff + j + 3];
        }
        for (; j < len; j++) {
            s0 += a[aOff + j] * b[bOff + j];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
