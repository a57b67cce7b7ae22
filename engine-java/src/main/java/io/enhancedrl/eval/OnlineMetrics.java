package io.enhancedrl.eval;

import java.util.List;

/** The names of the online (simulator) metrics, in report order. */
public final class OnlineMetrics {
    public static final String VALID_CONSUMPTION = "valid consumption / session";
    public static final String WATCH_TIME = "watch time (s) / session";
    public static final String DEPTH = "depth (steps)";
    public static final String INTERACTIONS = "interactions / session";
    public static final String DISCOUNTED_RETURN = "discounted return";

    public static final List<String> ALL = List.of(VALID_CONSUMPTION, WATCH_TIME, DEPTH, INTERACTIONS,
            DISCOUNTED_RETURN);

    private OnlineMetrics() {
    }
}
