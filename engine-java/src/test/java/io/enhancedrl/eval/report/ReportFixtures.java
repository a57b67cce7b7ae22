package io.enhancedrl.eval.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.enhancedrl.eval.ExperimentResult;
import io.enhancedrl.eval.MethodResult;
import io.enhancedrl.eval.MetricSummary;
import io.enhancedrl.eval.OnlineMetrics;
import io.enhancedrl.eval.RoundStats;

/** Hand-built experiment results for the report tests. */
final class ReportFixtures {
    private ReportFixtures() {
    }

    /** One metric map with valid consumption from the given seeds and the other metrics fixed. */
    static Map<String, MetricSummary> online(double[] validConsumption, double watchTime) {
        Map<String, MetricSummary> m = new LinkedHashMap<>();
        m.put(OnlineMetrics.VALID_CONSUMPTION, MetricSummary.of(validConsumption));
        m.put(OnlineMetrics.WATCH_TIME, MetricSummary.of(new double[] {watchTime - 2, watchTime, watchTime + 2}));
        m.put(OnlineMetrics.DEPTH, MetricSummary.of(new double[] {19.5, 20.0, 20.5}));
        m.put(OnlineMetrics.INTERACTIONS, MetricSummary.of(new double[] {2.0, 2.1, 2.2}));
        m.put(OnlineMetrics.DISCOUNTED_RETURN, MetricSummary.of(new double[] {7.9, 8.0, 8.1}));
        return m;
    }

    /**
     * Two methods, 3 seeds. Valid consumption: UnifiedRL {10, 11, 12} -> 11.0 ± 2.5 (half-width
     * 4.303 / sqrt 3 = 2.484), EnhancedRL {20, 20.5, 21} -> 20.5 ± 1.2 (1.242): intervals [8.5, 13.5] and
     * [19.3, 21.7] do not overlap; Global fusion {9, 10, 11} -> 10.0 ± 2.5 overlaps UnifiedRL. The ablation
     * has {10, 11, 12} vs {11, 12, 13}: they overlap.
     */
    static ExperimentResult small() {
        MethodResult unified = new MethodResult("UnifiedRL", online(new double[] {10, 11, 12}, 300),
                List.of(new RoundStats(1, 9.0, 0.5, 0.25, -1.5, 1000), new RoundStats(2, 11.0, 0.4, 0.125, -2.0, 2000)),
                0.7954);
        MethodResult enhanced = new MethodResult("EnhancedRL", online(new double[] {20, 20.5, 21}, 310),
                List.of(new RoundStats(1, 18.0, 0.75, 0.5, -1.0, 1000), new RoundStats(2, 20.5, 0.6, 0.0625, -3.0, 2000)),
                0.8037);
        MethodResult global = new MethodResult("Global fusion (CEM)", online(new double[] {9, 10, 11}, 250), List.of(),
                Double.NaN);
        MethodResult ablU = new MethodResult("UnifiedRL", online(new double[] {10, 11, 12}, 300), List.of(), 0.79);
        MethodResult ablE = new MethodResult("EnhancedRL", online(new double[] {11, 12, 13}, 301), List.of(), 0.80);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("seeds", "3");
        settings.put("rounds", "2");
        settings.put("itemHeterogeneity", "1.0");
        Map<String, List<MethodResult>> ablations = new LinkedHashMap<>();
        ablations.put("itemHeterogeneity = 0", List.of(ablU, ablE));
        return new ExperimentResult("EnhancedRL vs baselines (test)", "erl experiment --seeds 3", "test machine",
                "2025-01-02", settings, List.of(unified, enhanced, global), ablations,
                List.of("fake numbers for a test"));
    }

    /** Realistic-looking numbers at the scale of a real run (5 seeds, 6 rounds) for viewing the charts. */
    static ExperimentResult realistic() {
        Random rnd = new Random(7);
        String[] names = {"Heuristic fusion", "Tuned global fusion (CEM)", "User-level RL (UnifiedRL)", "EnhancedRL"};
        double[] vc = {10.2, 10.9, 11.35, 11.72};
        double[] wt = {318, 331, 339, 342};
        List<MethodResult> methods = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            methods.add(method(rnd, names[i], vc[i], wt[i], i >= 2 ? 6 : 0, i == 0 ? Double.NaN : 0.78 + 0.008 * i));
        }
        Map<String, List<MethodResult>> ablations = new LinkedHashMap<>();
        ablations.put("itemHeterogeneity = 0 (no per-item effect)", List.of(
                method(rnd, names[1], 10.8, 330, 0, 0.79),
                method(rnd, names[2], 11.30, 338, 6, 0.80),
                method(rnd, names[3], 11.33, 338.5, 6, 0.80)));
        ablations.put("no sparse-reward term", List.of(
                method(rnd, names[2], 11.1, 335, 6, 0.795),
                method(rnd, names[3], 11.4, 337, 6, 0.80)));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("seeds", "5");
        settings.put("rounds", "6");
        settings.put("users", "20000");
        settings.put("batch", "256");
        settings.put("critics (q x M)", "2 x 10");
        settings.put("beta", "0.15");
        return new ExperimentResult("EnhancedRL vs baselines in the simulator", "erl experiment --preset paper --seeds 5",
                "2 cores, no GPU (CPU backend: vector)", "2025-01-02", settings, methods, ablations,
                List.of("numbers are fake: chart check only"));
    }

    private static MethodResult method(Random rnd, String name, double vc, double wt, int rounds, double gauc) {
        Map<String, MetricSummary> m = new LinkedHashMap<>();
        m.put(OnlineMetrics.VALID_CONSUMPTION, MetricSummary.of(noisy(rnd, vc, 0.18)));
        m.put(OnlineMetrics.WATCH_TIME, MetricSummary.of(noisy(rnd, wt, 4)));
        m.put(OnlineMetrics.DEPTH, MetricSummary.of(noisy(rnd, vc * 1.9, 0.3)));
        m.put(OnlineMetrics.INTERACTIONS, MetricSummary.of(noisy(rnd, vc * 0.2, 0.05)));
        m.put(OnlineMetrics.DISCOUNTED_RETURN, MetricSummary.of(noisy(rnd, vc * 0.7, 0.2)));
        List<RoundStats> rs = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            double v = vc - (vc - 10.0) * Math.exp(-0.7 * (r - 1)) * 0.9 + rnd.nextGaussian() * 0.05;
            rs.add(new RoundStats(r, v, 0.15 + rnd.nextDouble() * 0.1, 0.4 * Math.exp(-0.4 * r), -2 - r * 0.3, 51200L * r));
        }
        return new MethodResult(name, m, rs, gauc);
    }

    private static double[] noisy(Random rnd, double mean, double sd) {
        double[] v = new double[5];
        for (int i = 0; i < v.length; i++) {
            v[i] = mean + rnd.nextGaussian() * sd;
        }
        return v;
    }
}
