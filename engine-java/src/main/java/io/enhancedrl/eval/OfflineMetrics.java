package io.enhancedrl.eval;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The offline metrics of a policy on held-out logged data, as a mergeable partial: MTF-GAUC (its exact
 * partial, {@link GaucPartial}) and what describes the data it was computed on: logged steps, shown items
 * (the GAUC samples), valid plays among them, and the summed instant reward of the shown items.
 *
 * <p>All sums are exact (integers, or {@link BigDecimal} for the reward), so partials merged in any order give
 * the same result bit for bit: the Spark evaluation (one partial per user, merged by a reduce) equals the
 * single-machine {@link OfflineGauc#metrics}.
 */
public record OfflineMetrics(GaucPartial gaucPartial, long steps, long shownItems, long validPlays,
                             BigDecimal rewardSum) implements Serializable {

    public static final OfflineMetrics EMPTY = new OfflineMetrics(GaucPartial.EMPTY, 0, 0, 0, BigDecimal.ZERO);

    public OfflineMetrics {
        if (gaucPartial == null || rewardSum == null) {
            throw new IllegalArgumentException("gaucPartial and rewardSum must not be null");
        }
    }

    public OfflineMetrics merge(OfflineMetrics o) {
        return new OfflineMetrics(gaucPartial.merge(o.gaucPartial), steps + o.steps, shownItems + o.shownItems,
                validPlays + o.validPlays, rewardSum.add(o.rewardSum));
    }

    /** MTF-GAUC (NaN when no user has both classes). */
    public double gauc() {
        return gaucPartial.gauc();
    }

    public long users() {
        return gaucPartial.users();
    }

    public long skippedUsers() {
        return gaucPartial.skippedUsers();
    }

    /** Share of shown items with a valid play (NaN with no items). */
    public double validPlayRate() {
        return shownItems == 0 ? Double.NaN : (double) validPlays / shownItems;
    }

    /** Mean instant reward (both groups) per shown item (NaN with no items). */
    public double meanInstantReward() {
        return shownItems == 0 ? Double.NaN
                : rewardSum.divide(BigDecimal.valueOf(shownItems), MathContext.DECIMAL128).doubleValue();
    }

    @Override
    public String toString() {
        return String.format("MTF-GAUC %.6f over %d users (%d one-class users skipped), %d steps, %d shown items,"
                        + " valid-play rate %.4f, mean instant reward %.4f", gauc(), users(), skippedUsers(), steps,
                shownItems, validPlayRate(), meanInstantReward());
    }
}
