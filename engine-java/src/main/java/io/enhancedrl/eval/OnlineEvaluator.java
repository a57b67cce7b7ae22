package io.enhancedrl.eval;

import io.enhancedrl.sim.FusionPolicy;
import io.enhancedrl.sim.SessionOutcome;
import io.enhancedrl.sim.Simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Online evaluation in the simulator (the ground truth): the policy runs without exploration on fresh
 * users, one independent user population per evaluation seed; each metric is averaged over a seed's
 * sessions, then summarised over seeds with a t-based 95% CI.
 */
public final class OnlineEvaluator {

    /** User-stream seeds used for evaluation start here, far from the training streams. */
    public static final long EVAL_USER_SEED_BASE = 1_000_000_007L;

    private final int seeds;
    private final int sessionsPerSeed;
    private final int batchSize;

    public OnlineEvaluator(int seeds, int sessionsPerSeed, int batchSize) {
        if (seeds < 1 || sessionsPerSeed < 1 || batchSize < 1) {
            throw new IllegalArgumentException("OnlineEvaluator: expected seeds, sessionsPerSeed, batchSize >= 1 but was "
                    + seeds + ", " + sessionsPerSeed + ", " + batchSize);
        }
        this.seeds = seeds;
        this.sessionsPerSeed = sessionsPerSeed;
        this.batchSize = batchSize;
    }

    public int seeds() {
        return seeds;
    }

    public int sessionsPerSeed() {
        return sessionsPerSeed;
    }

    /** Evaluates a policy (a fresh instance per seed from the supplier); keys are {@link OnlineMetrics} names. */
    public Map<String, MetricSummary> evaluate(Simulator sim, Supplier<FusionPolicy> policy) {
        double[][] perSeed = new double[OnlineMetrics.ALL.size()][seeds];
        for (int s = 0; s < seeds; s++) {
            List<SessionOutcome> out = sim.start(Math.min(batchSize, sessionsPerSeed), sessionsPerSeed,
                    EVAL_USER_SEED_BASE + s).runToEnd(policy.get());
            double vc = 0, wt = 0, dp = 0, in = 0, dr = 0;
            for (SessionOutcome o : out) {
                vc += o.validConsumption();
                wt += o.watchTime();
                dp += o.depth();
                in += o.interactions();
                dr += o.discountedReturn();
            }
            int n = out.size();
            perSeed[0][s] = vc / n;
            perSeed[1][s] = wt / n;
            perSeed[2][s] = dp / n;
            perSeed[3][s] = in / n;
            perSeed[4][s] = dr / n;
        }
        Map<String, MetricSummary> result = new LinkedHashMap<>();
        for (int i = 0; i < OnlineMetrics.ALL.size(); i++) {
            result.put(OnlineMetrics.ALL.get(i), MetricSummary.of(perSeed[i]));
        }
        return result;
    }
}
