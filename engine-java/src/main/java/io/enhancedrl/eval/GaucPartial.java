package io.enhancedrl.eval;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The mergeable state of MTF-GAUC (see {@link GaucAccumulator}): the sum over counted users of
 * AUC_u * n_u, the counted samples, the counted users and the skipped (one-class) users.
 *
 * <p>The sum is kept exactly (a {@link BigDecimal} holds every double and every sum of doubles without
 * rounding), so merging partials in any order, on any number of machines, gives bit-identical results: a
 * distributed evaluation (Spark) equals the single-machine one exactly, not just to a tolerance. The one
 * rounding happens in {@link #gauc()}.
 */
public record GaucPartial(BigDecimal weightedAucSum, long countedSamples, long users, long skippedUsers)
        implements Serializable {

    public static final GaucPartial EMPTY = new GaucPartial(BigDecimal.ZERO, 0, 0, 0);

    public GaucPartial {
        if (weightedAucSum == null) {
            throw new IllegalArgumentException("weightedAucSum must not be null");
        }
        if (countedSamples < 0 || users < 0 || skippedUsers < 0) {
            throw new IllegalArgumentException("counts expected >= 0 but were countedSamples " + countedSamples
                    + ", users " + users + ", skippedUsers " + skippedUsers);
        }
    }

    /** The partial of one user with `samples` samples and AUC `auc` (NaN: one class only, skipped). */
    public static GaucPartial ofUser(double auc, int samples) {
        if (Double.isNaN(auc)) {
            return new GaucPartial(BigDecimal.ZERO, 0, 0, 1);
        }
        return new GaucPartial(new BigDecimal(auc).multiply(BigDecimal.valueOf(samples)), samples, 1, 0);
    }

    public GaucPartial merge(GaucPartial o) {
        return new GaucPartial(weightedAucSum.add(o.weightedAucSum), countedSamples + o.countedSamples,
                users + o.users, skippedUsers + o.skippedUsers);
    }

    /** The sample-weighted mean AUC over counted users; NaN when there are none. */
    public double gauc() {
        if (countedSamples == 0) {
            return Double.NaN;
        }
        return weightedAucSum.divide(BigDecimal.valueOf(countedSamples), MathContext.DECIMAL128).doubleValue();
    }
}
