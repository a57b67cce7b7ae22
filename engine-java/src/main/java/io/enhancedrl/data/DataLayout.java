package io.enhancedrl.data;

/**
 * The widths that every step of a logged data set shares. They are stored once per file (Parquet
 * key-value metadata, see docs/data-format.md), not per row; a reader checks every row against them.
 *
 * @param userWidth    d_u, user features per step (profile and in-session statistics), >= 0
 * @param contextWidth d_c, context features per step (step index, time, device ...), >= 0
 * @param itemWidth    d_i, features per candidate item, >= 0
 * @param tasks        K, MTL predictions per candidate, >= 1; an action has {@link #actionWidth()} = 2K
 *                     entries (K powers, then K biases)
 * @param listLength   l, the length of the shown list; a step with fewer candidates shows all of them
 *                     ({@link #shownLength(int)})
 * @param behaviours   nb, observed behaviours per shown item (valid play, watch time, like ...), >= 0
 */
public record DataLayout(int userWidth, int contextWidth, int itemWidth, int tasks, int listLength, int behaviours)
        implements java.io.Serializable {

    /** Reward groups per shown item (spec section 3: g = 1 watch time, g = 2 the other behaviours). */
    public static final int REWARD_GROUPS = 2;

    /** Upper bound on every width: keeps products such as candidates * itemWidth far from overflow. */
    public static final int MAX_WIDTH = 1 << 20;

    public DataLayout {
        checkWidth("userWidth", userWidth, 0);
        checkWidth("contextWidth", contextWidth, 0);
        checkWidth("itemWidth", itemWidth, 0);
        checkWidth("tasks", tasks, 1);
        checkWidth("listLength", listLength, 1);
        checkWidth("behaviours", behaviours, 0);
    }

    private static void checkWidth(String name, int value, int min) {
        if (value < min || value > MAX_WIDTH) {
            throw new IllegalArgumentException(name + ": expected in [" + min + ", " + MAX_WIDTH + "] but was " + value);
        }
    }

    /** 2K: an action and a box centre hold K powers then K biases, each in [-1, 1]. */
    public int actionWidth() {
        return 2 * tasks;
    }

    /** Items shown at a step with {@code candidates} candidates: min(l, candidates). */
    public int shownLength(int candidates) {
        return Math.min(listLength, candidates);
    }

    /**
     * The layout a file declares in its Parquet key-value metadata (format name, version and widths checked), for
     * readers that open the footer themselves (the Spark module reads footers through Hadoop's file systems).
     *
     * @param file named in the error
     * @throws DataFormatException not an EnhancedRL logged-step file, an unsupported version or a bad width
     */
    public static DataLayout fromMetadata(java.util.Map<String, String> footerMetadata, java.nio.file.Path file)
            throws DataFormatException {
        return StepSchema.layoutFrom(LoggedDataReader.withoutNullValues(footerMetadata), file);
    }

    /**
     * What is wrong with a step read by another reader (Spark rows, say) under exactly the rules
     * {@link LoggedDataReader} applies to its rows, or null when it is valid. The caller names the record: only a bad
     * row needs its location, so a valid one costs no string or path.
     *
     * @return one sentence naming the column, the expected and the actual value, or null
     */
    public String problem(LoggedStep step) {
        return StepValidator.problem(step, this, true);
    }

    @Override
    public String toString() {
        return "DataLayout[d_u=" + userWidth + ", d_c=" + contextWidth + ", d_i=" + itemWidth + ", K=" + tasks
                + ", l=" + listLength + ", nb=" + behaviours + "]";
    }
}
