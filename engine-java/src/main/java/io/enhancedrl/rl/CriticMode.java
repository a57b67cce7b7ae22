package io.enhancedrl.rl;

/** How the critics' TD targets are formed (spec section 6). */
public enum CriticMode {
    /**
     * [ours, default] Q(s_tj, a_tj) is pair j's contribution to the session: its own reward plus a 1/l share
     * of the next step's value if shown, zero if not shown; trained on every candidate (unshown subsampled).
     */
    PAIR_DECOMPOSED,
    /** The paper's description: TD on the sum of Q over the shown list against the list's reward. */
    LIST_SUM
}
