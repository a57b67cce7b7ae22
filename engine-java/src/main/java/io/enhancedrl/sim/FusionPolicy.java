package io.enhancedrl.sim;

/**
 * A fusion policy as the simulator calls it: once per step, for every candidate of every active session.
 */
@FunctionalInterface
public interface FusionPolicy {

    /**
     * Writes one action per candidate.
     *
     * @param obs the step's observation (views valid until the next step)
     * @param actions output [obs.totalCandidates()][2K], row-major, in [-1,1], row order = the observation's
     *                candidate order; layout of a row: {@code [power_0..power_{K-1}, bias_0..bias_{K-1}]}.
     *                The array may be longer than needed; only the first totalCandidates*2K values are read.
     */
    void act(Observation obs, float[] actions);
}
