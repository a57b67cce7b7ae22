package io.enhancedrl.api;

/**
 * The feature layout a policy was trained on: the widths of the user features d_u, the context features d_c,
 * the item features d_i and the number K of MTL tasks. The actor's input (the enhanced state of one
 * user-item pair, spec section 3) is {@code [x_u; x_c; x_j; p_j]}, of width {@code d_u + d_c + d_i + K};
 * its output is one action of width 2K.
 *
 * <p>The user and context columns come first so that their part of the first layer is computed once per
 * request ({@link #prefixWidth()}), the item and MTL columns are per candidate ({@link #rowWidth()}).
 *
 * @param userWidth d_u, &gt;= 0
 * @param contextWidth d_c, &gt;= 0 (d_u + d_c must be &gt;= 1: the split first layer needs a shared prefix)
 * @param itemWidth d_i, &gt;= 0
 * @param tasks K, &gt;= 1
 */
public record FeatureLayout(int userWidth, int contextWidth, int itemWidth, int tasks) {

    public FeatureLayout {
        nonNegative("userWidth", userWidth);
        nonNegative("contextWidth", contextWidth);
        nonNegative("itemWidth", itemWidth);
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks: expected >= 1 but was " + tasks);
        }
        if (userWidth + contextWidth < 1) {
            throw new IllegalArgumentException("userWidth + contextWidth: expected >= 1 (the per-request prefix of the"
                    + " state) but was " + (userWidth + contextWidth));
        }
    }

    private static void nonNegative(String name, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(name + ": expected >= 0 but was " + v);
        }
    }

    /** d = d_u + d_c + d_i + K, the actor's input width. */
    public int stateWidth() {
        return userWidth + contextWidth + itemWidth + tasks;
    }

    /** d_u + d_c: the columns shared by every candidate of a request. */
    public int prefixWidth() {
        return userWidth + contextWidth;
    }

    /** d_i + K: the columns that differ per candidate. */
    public int rowWidth() {
        return itemWidth + tasks;
    }

    /** 2K, the actor's output width. */
    public int actionWidth() {
        return 2 * tasks;
    }

    @Override
    public String toString() {
        return "FeatureLayout{d_u=" + userWidth + ", d_c=" + contextWidth + ", d_i=" + itemWidth + ", K=" + tasks
                + ", state=" + stateWidth() + "}";
    }
}
