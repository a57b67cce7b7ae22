package io.enhancedrl.sim;

/**
 * The systematic, item-dependent error of the simulated MTL model: per task, a coefficient on one
 * <em>observed</em> item feature (so a policy that sees item features can learn to undo it). The offsets
 * {@code delta_k(i)} are these coefficients times the feature, times {@link SimConfig#itemHeterogeneity()}.
 *
 * @param validPlayPopularity valid-play logit offset per unit of the popularity feature (exposure bias:
 *                            popular items are over-predicted when positive)
 * @param watchDuration watch-fraction logit offset per unit of standardised log duration (positive: long
 *                      items are over-predicted, while their true watch fraction falls with duration)
 * @param likeCategory like logit offset per unit of the category's like-bias feature (over-confidence in
 *                     some categories, under-confidence in others)
 * @param shareQuality share logit offset per unit of the quality-proxy feature
 * @param followPopularity follow logit offset per unit of the popularity feature
 */
public record Miscalibration(double validPlayPopularity, double watchDuration, double likeCategory,
                             double shareQuality, double followPopularity) {

    public Miscalibration {
        SimConfig.range("Miscalibration", "validPlayPopularity", validPlayPopularity, -10, 10);
        SimConfig.range("Miscalibration", "watchDuration", watchDuration, -10, 10);
        SimConfig.range("Miscalibration", "likeCategory", likeCategory, -10, 10);
        SimConfig.range("Miscalibration", "shareQuality", shareQuality, -10, 10);
        SimConfig.range("Miscalibration", "followPopularity", followPopularity, -10, 10);
    }
}
