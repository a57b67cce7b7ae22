package io.enhancedrl.sim;

/**
 * Coefficients of one hidden response logit: {@code l = affinity * <z_u, e_i> + quality * q_i + bias}
 * (plus the user and context terms that {@link SimConfig} adds to valid play and watch).
 *
 * @param affinity weight of the user-item affinity (cosine of the unit interest and item embeddings)
 * @param quality weight of the item's hidden quality q_i ~ N(0,1)
 * @param bias the intercept, which sets the base rate
 */
public record BehaviourParams(double affinity, double quality, double bias) {

    public BehaviourParams {
        SimConfig.range("BehaviourParams", "affinity", affinity, -50, 50);
        SimConfig.range("BehaviourParams", "quality", quality, -50, 50);
        SimConfig.range("BehaviourParams", "bias", bias, -50, 50);
    }
}
