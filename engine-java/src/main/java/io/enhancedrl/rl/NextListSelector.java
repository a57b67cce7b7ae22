package io.enhancedrl.rl;

/**
 * Chooses, for list-sum targets with {@link ListSumNext#TARGET_TOP_L}, which next units form the target
 * actor's own top-l list at t+1: writes weight 1 for chosen units and 0 otherwise.
 */
@FunctionalInterface
public interface NextListSelector {
    /**
     * @param batch the batch (next-unit states hold the MTL scores, next-unit item ids break ties)
     * @param targetActions mu'(s') per next unit, [nextUnits][actionWidth]
     * @param weightsOut [nextUnits] output weights
     */
    void select(UnitBatch batch, float[] targetActions, float[] weightsOut);
}
