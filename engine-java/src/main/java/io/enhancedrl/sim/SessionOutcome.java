package io.enhancedrl.sim;

/**
 * The ground-truth metrics of one finished session.
 *
 * @param sessionId the session (= user index in the run's user order)
 * @param validConsumption number of valid plays (UVC)
 * @param watchTime seconds watched (UDT)
 * @param depth steps (requests) in the session
 * @param interactions likes + shares + follows
 * @param discountedReturn sum_t gamma^t r_t with gamma = SimConfig.discount
 * @param totalReward undiscounted sum of step rewards
 * @param truncated true when the session ended at the step cap rather than by leaving
 */
public record SessionOutcome(long sessionId, double validConsumption, double watchTime, int depth, int interactions,
                             double discountedReturn, double totalReward, boolean truncated) {
}
