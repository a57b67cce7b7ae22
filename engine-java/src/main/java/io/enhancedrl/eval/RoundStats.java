package io.enhancedrl.eval;

/**
 * One progressive-training round of one method: the online valid consumption per session of the policy
 * deployed after the round (mean and 95% CI half-width over the evaluation seeds of that round), and the
 * training diagnostics at the end of the round (mean critic TD error, mean actor loss; NaN for methods that
 * do not train critics).
 */
public record RoundStats(int round, double validConsumption, double validConsumptionCi, double criticTdError,
                         double actorLoss, long loggedSteps) {
}
