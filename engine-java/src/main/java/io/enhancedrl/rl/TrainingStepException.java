package io.enhancedrl.rl;

import io.enhancedrl.kernels.BackendFailureException;

/**
 * A kernel backend failed during one {@link ActorCriticLearner#update} (a device fault, see
 * {@link BackendFailureException}, which is the {@link #getCause() cause}).
 *
 * <p>The update is atomic with respect to the failure: before throwing, the learner put back everything the
 * update had changed (actor and critic parameters, both optimisers' moments and step counters; the target
 * networks are only written after the last op), so the learner is exactly as before the call and the update
 * can be retried, on the same backend once the device is fixed or on a learner built on a CPU backend from the
 * same state. The message names the update, the phase (targets, critic step, actor step), the op and shapes,
 * the driver call and status; a caller that knows the round adds it when it reports the failure.
 */
public final class TrainingStepException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long update;
    private final String phase;

    TrainingStepException(long update, String phase, BackendFailureException cause) {
        super("training update " + update + " failed in the " + phase + " on the " + cause.backend() + " backend: "
                + cause.getMessage() + "; the learner was restored to its state before this update (parameters,"
                + " targets and optimiser state unchanged), so the update can be retried", cause);
        this.update = update;
        this.phase = phase;
    }

    /** The 1-based number of the failed update (the critic optimiser's step count it would have reached). */
    public long update() {
        return update;
    }

    /** Where it failed: "critic targets", "critic step" or "actor step". */
    public String phase() {
        return phase;
    }

    /** The backend failure (also {@link #getCause()}). */
    public BackendFailureException failure() {
        return (BackendFailureException) getCause();
    }
}
