package io.enhancedrl.sim;

/**
 * Test helper: a 64-bit FNV-1a fingerprint of everything a run shows and returns (observations, shown
 * lists, behaviours, rewards, done flags, outcomes), so that two trajectories can be compared bit for bit.
 */
final class Trajectory {

    private long h = 0xcbf29ce484222325L;

    void add(long v) {
        for (int i = 0; i < 8; i++) {
            h ^= (v >>> (8 * i)) & 0xff;
            h *= 0x100000001b3L;
        }
    }

    void add(float v) {
        add(Float.floatToRawIntBits(v));
    }

    void add(double v) {
        add(Double.doubleToRawLongBits(v));
    }

    void addObservation(Observation o) {
        int rows = o.activeSessions();
        int n = o.totalCandidates();
        add(rows);
        for (int r = 0; r < rows; r++) {
            add(o.sessionId(r));
            add(o.stepIndex(r));
        }
        addAll(o.userFeatures(), rows * o.userWidth());
        addAll(o.contextFeatures(), rows * o.contextWidth());
        addAll(o.itemFeatures(), n * o.itemWidth());
        addAll(o.mtlScores(), n * o.tasks());
        for (int j = 0; j < n; j++) {
            add(o.itemIds()[j]);
        }
    }

    void addStep(StepResult s) {
        add(s.rows());
        for (int r = 0; r < s.rows(); r++) {
            add(s.sessionId(r));
            add(s.stepIndex(r));
            add(s.stepReward(r));
            add(s.done(r) ? 1 : 0);
            add(s.truncated(r) ? 1 : 0);
            for (int k = 0; k < s.listLength(); k++) {
                add(s.shown(r, k));
                add(s.shownItemId(r, k));
                for (int b = 0; b < Tasks.BEHAVIOURS; b++) {
                    add(s.behaviour(r, k, b));
                }
                add(s.reward(r, k, 0));
                add(s.reward(r, k, 1));
            }
        }
    }

    void addOutcome(SessionOutcome o) {
        add(o.sessionId());
        add(o.validConsumption());
        add(o.watchTime());
        add(o.depth());
        add(o.interactions());
        add(o.discountedReturn());
        add(o.totalReward());
    }

    private void addAll(float[] a, int len) {
        for (int i = 0; i < len; i++) {
            add(a[i]);
        }
    }

    long value() {
        return h;
    }

    /** Runs a simulator to the end with a policy and returns the fingerprint of the whole trajectory. */
    static long of(Simulator sim, int batch, int sessions, long userSeed, FusionPolicy policy) {
        SimulationRun run = sim.start(batch, sessions, userSeed);
        Trajectory t = new Trajectory();
        while (!run.finished()) {
            t.addObservation(run.observe());
            t.addStep(run.step(policy));
        }
        for (SessionOutcome o : run.outcomes()) {
            t.addOutcome(o);
        }
        return t.value();
    }
}
