package io.enhancedrl.rl;

/**
 * Diagnostics of one gradient step: the critics' weighted mean squared TD error (averaged over members),
 * the actor loss J and its parts (mean over members of Q, ensemble std, box penalty), and the mean damping
 * factor phi of the bootstrap terms.
 */
public record UpdateStats(double tdError, double actorLoss, double meanQ, double ensembleStd, double boxPenalty,
                          double meanPhi) {
}
