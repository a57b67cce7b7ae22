package io.enhancedrl.rl;

import io.enhancedrl.baselines.CrossEntropyMethod;
import io.enhancedrl.eval.MetricSummary;
import io.enhancedrl.eval.OnlineEvaluator;
import io.enhancedrl.eval.OnlineMetrics;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.FusionPolicy;
import io.enhancedrl.sim.Observation;
import io.enhancedrl.sim.SessionOutcome;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Diagnostic probe for issue 3 (not a test, not a product baseline): how much can ANY per-request fusion gain in
 * the simulator, measured by direct search instead of RL? User-level RL chooses one fusion vector per request from
 * the user and context features; if even a direct search over per-segment fusion vectors cannot beat the
 * production fusion by more than the evaluation's confidence interval, user-level RL cannot either, whatever its
 * critic does.
 *
 * <p>Three policies are searched with the cross-entropy method, each candidate scored on the same training users
 * (common random numbers: one fixed user population for the whole search, never the evaluation users), then
 * evaluated online on the demo's evaluation users (5 seeds x 1000 sessions, world seed 17):
 * <ol>
 *   <li>one global fusion vector (what the demo's CEM baseline searches, here with common random numbers);</li>
 *   <li>a fusion vector per request segment: session stage (step &lt; 5 or later) x the user's activity proxy x
 *       patience proxy (above or below their median at the first step), 8 segments, searched one segment at a
 *       time starting from the global optimum (more passes with the third argument).</li>
 * </ol>
 * The objective is valid consumption per session (the acceptance metric) or, with {@code return}, the discounted
 * return that the RL methods optimise.
 *
 * <p>Usage (test class path): {@code RequestLevelHeadroomProbe [trainSessions=400] [objective=valid|return] [passes=1]}.
 */
public final class RequestLevelHeadroomProbe {

    private static final int STAGE_SPLIT = 5;

    public static void main(String[] args) {
        int trainSessions = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        boolean onReturn = args.length > 1 && args[1].equals("return");
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        long seed = 17;
        KernelOps ops = Backends.select();
        SimConfig cfg = SimConfig.defaults();
        Simulator sim = new Simulator(cfg, seed, ops);
        float[] production = FixedFusionPolicy.production(sim.fusionSpace()).action();
        int profile = cfg.userWidth() - 12; // [projection (profile), activity proxy, patience proxy, 10 session stats]
        float[] medians = firstStepMedians(sim, production, profile);
        System.out.printf("segments: step < %d or later x activity proxy (median %.4f) x patience proxy (median %.4f)%n",
                STAGE_SPLIT, medians[0], medians[1]);

        long trainUsers = 9_100_000L;
        ToDoubleFunction<FusionPolicy> score = p -> {
            List<SessionOutcome> out = sim.start(128, trainSessions, trainUsers).runToEnd(p);
            return out.stream().mapToDouble(o -> onReturn ? o.discountedReturn() : o.validConsumption()).average()
                    .orElseThrow();
        };
        var settings = new CrossEntropyMethod.Settings(8, 16, 4, 0.3, 0.03);
        long t0 = System.nanoTime();
        var global = CrossEntropyMethod.maximize(production, settings, seed, a -> score.applyAsDouble(new FixedFusionPolicy(a)));
        System.out.printf("global CEM: training objective %.3f (production %.3f) [%.0f s]%n", global.bestValue(),
                score.applyAsDouble(new FixedFusionPolicy(production)), (System.nanoTime() - t0) / 1e9);

        float[][] table = new float[8][];
        for (int s = 0; s < 8; s++) {
            table[s] = global.best().clone();
        }
        double best = Double.NaN;
        var segmentSettings = new CrossEntropyMethod.Settings(6, 12, 3, 0.2, 0.03);
        for (int pass = 0; pass < passes; pass++) {
            for (int s = 0; s < 8; s++) {
                int seg = s;
                var r = CrossEntropyMethod.maximize(table[s], segmentSettings, seed + 100 * pass + s, a -> {
                    float[][] t = table.clone();
                    t[seg] = a;
                    return score.applyAsDouble(new SegmentPolicy(t, profile, medians));
                });
                table[s] = r.best();
                best = r.bestValue();
                System.out.printf("pass %d segment %d: training objective %.3f [%.0f s]%n", pass, s, best,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        for (int s = 0; s < 8; s++) {
            System.out.printf("segment %d fusion action %s%n", s, Arrays.toString(table[s]));
        }

        OnlineEvaluator eval = new OnlineEvaluator(5, 1000, 128);
        Map<String, MetricSummary> fixed = eval.evaluate(sim, () -> new FixedFusionPolicy(production));
        Map<String, MetricSummary> globalEval = eval.evaluate(sim, () -> new FixedFusionPolicy(global.best()));
        Map<String, MetricSummary> segEval = eval.evaluate(sim, () -> new SegmentPolicy(table, profile, medians));
        for (String metric : OnlineMetrics.ALL) {
            System.out.printf("%-28s fixed %s | global CEM %s | 8-segment CEM %s%n", metric, fixed.get(metric),
                    globalEval.get(metric), segEval.get(metric));
        }
        for (String metric : List.of(OnlineMetrics.VALID_CONSUMPTION, OnlineMetrics.DISCOUNTED_RETURN)) {
            System.out.printf("paired %s: global - fixed %s; segments - fixed %s; segments - global %s%n", metric,
                    paired(globalEval, fixed, metric), paired(segEval, fixed, metric), paired(segEval, globalEval, metric));
        }
        System.out.printf("total %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static MetricSummary paired(Map<String, MetricSummary> a, Map<String, MetricSummary> b, String metric) {
        double[] x = a.get(metric).values();
        double[] y = b.get(metric).values();
        double[] d = new double[x.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = x[i] - y[i];
        }
        return MetricSummary.of(d);
    }

    /** Medians of the activity and patience proxies over the users' first requests (production fusion). */
    private static float[] firstStepMedians(Simulator sim, float[] production, int profile) {
        float[] act = new float[2000];
        float[] pat = new float[2000];
        int[] n = {0};
        var run = sim.start(128, 2000, 9_000_000L);
        FixedFusionPolicy fixed = new FixedFusionPolicy(production);
        while (!run.finished()) {
            var r = run.step(fixed);
            Observation o = r.observation();
            int du = o.userWidth();
            for (int row = 0; row < r.rows(); row++) {
                if (o.stepIndex(row) == 0) {
                    act[n[0]] = o.userFeatures()[row * du + profile];
                    pat[n[0]] = o.userFeatures()[row * du + profile + 1];
                    n[0]++;
                }
            }
        }
        float[] a = Arrays.copyOf(act, n[0]);
        float[] p = Arrays.copyOf(pat, n[0]);
        Arrays.sort(a);
        Arrays.sort(p);
        return new float[]{a[a.length / 2], p[p.length / 2]};
    }

    /** One fusion vector per segment (stage x activity x patience); every candidate of a request gets it. */
    static final class SegmentPolicy implements FusionPolicy {
        private final float[][] table;
        private final int profile;
        private final float[] medians;

        SegmentPolicy(float[][] table, int profile, float[] medians) {
            this.table = table;
            this.profile = profile;
            this.medians = medians;
        }

        @Override
        public void act(Observation obs, float[] actions) {
            int du = obs.userWidth();
            int c = obs.candidatesPerRequest();
            int w = obs.actionWidth();
            float[] u = obs.userFeatures();
            for (int row = 0; row < obs.activeSessions(); row++) {
                int seg = (obs.stepIndex(row) < STAGE_SPLIT ? 0 : 4)
                        + (u[row * du + profile] >= medians[0] ? 2 : 0)
                        + (u[row * du + profile + 1] >= medians[1] ? 1 : 0);
                int off = obs.candidateOffset(row);
                for (int j = 0; j < c; j++) {
                    System.arraycopy(table[seg], 0, actions, (off + j) * w, w);
                }
            }
        }
    }
}
