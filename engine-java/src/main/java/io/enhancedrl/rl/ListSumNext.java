package io.enhancedrl.rl;

/** In {@link CriticMode#LIST_SUM}, which list of step t+1 the bootstrap sums over. */
public enum ListSumNext {
    /** The list the behaviour policy actually showed at t+1. */
    LOGGED,
    /** The target actor's own top-l over the candidates of t+1 that the batch holds. */
    TARGET_TOP_L
}
