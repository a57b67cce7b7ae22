package io.enhancedrl.sim;

import java.util.List;

/**
 * Index constants shared by the MTL scores, the fusion action and the logged behaviours.
 *
 * <p>The simulator has K = 5 MTL tasks, in this order: valid play, watch (a squashed predicted watch time
 * m D / (m D + D_median), a probability-like value in (0,1) that grows with expected seconds), like, share,
 * follow. The like/share/follow tasks predict the rate
 * <em>given</em> a valid play (the cascade), so a fusion that multiplies them with the valid-play term scores
 * the joint event. The fusion action of one candidate is {@code [power_0..power_4, bias_0..bias_4]}.
 *
 * <p>Behaviours logged per shown item, B = 5, same order: valid play (0/1), watch time in seconds, like,
 * share, follow (0/1 each).
 */
public final class Tasks {

    private Tasks() {
    }

    /** Number of MTL tasks K (also the number of fusion powers and of fusion biases). */
    public static final int K = 5;
    /** Number of logged behaviours per shown item. */
    public static final int BEHAVIOURS = 5;
    /** Number of reward groups: 0 = watch-time reward, 1 = the other behaviours. */
    public static final int REWARD_GROUPS = 2;

    public static final int VALID_PLAY = 0;
    /** MTL task: squashed predicted watch time. Behaviour: watch time in seconds. */
    public static final int WATCH = 1;
    public static final int LIKE = 2;
    public static final int SHARE = 3;
    public static final int FOLLOW = 4;

    public static final int GROUP_WATCH = 0;
    public static final int GROUP_OTHER = 1;

    /** Task names in index order, for reports. */
    public static final List<String> NAMES = List.of("validPlay", "watch", "like", "share", "follow");
}
