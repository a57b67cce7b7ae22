package io.enhancedrl.eval.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import io.enhancedrl.eval.MethodResult;
import io.enhancedrl.eval.MetricSummary;

/**
 * Which methods are clearly apart on one metric: the ordered pairs (a, b) whose 95% intervals do not
 * overlap with a above b ({@link MetricSummary#clearlyAbove}). Non-overlapping intervals are a
 * conservative test (two intervals can overlap while the difference is still significant), which is the
 * point: the report claims a difference only where nobody could argue with it.
 */
public final class CiComparison {

    /** a is above b, with non-overlapping 95% intervals. */
    record Pair(String above, String below) {
    }

    private CiComparison() {
    }

    /**
     * All pairs clearly apart on {@code metric}, best method first (by mean, ties in method order), so the
     * sentence reads as a ranking; methods without the metric are skipped.
     */
    static List<Pair> clearlyApart(List<MethodResult> methods, String metric) {
        List<MethodResult> ranked = methods.stream().filter(m -> summary(m, metric) != null)
                .sorted(Comparator.comparingDouble((MethodResult m) -> summary(m, metric).mean()).reversed())
                .toList();
        List<Pair> pairs = new ArrayList<>();
        for (MethodResult a : ranked) {
            MetricSummary sa = summary(a, metric);
            if (sa == null) {
                continue;
            }
            for (MethodResult b : ranked) {
                MetricSummary sb = summary(b, metric);
                // clearlyAbove is false when either half-width is NaN (one seed): no interval, no claim.
                if (a != b && sb != null && sa.clearlyAbove(sb)) {
                    pairs.add(new Pair(a.method(), b.method()));
                }
            }
        }
        return pairs;
    }

    /**
     * One sentence for the report, e.g. "Valid consumption / session: non-overlapping 95% CIs for
     * EnhancedRL > Global fusion; all other pairs of methods overlap."
     */
    public static String sentence(List<MethodResult> methods, String metric) {
        String name = capitalise(metric);
        long withMetric = methods.stream().filter(m -> summary(m, metric) != null).count();
        if (withMetric < 2) {
            return name + ": fewer than two methods report this metric, so there is nothing to compare.";
        }
        List<Pair> pairs = clearlyApart(methods, metric);
        if (pairs.isEmpty()) {
            return name + ": every pair of methods has overlapping 95% CIs; no method is clearly above another.";
        }
        List<String> parts = new ArrayList<>();
        for (Pair p : pairs) {
            parts.add(p.above() + " > " + p.below());
        }
        long allPairs = withMetric * (withMetric - 1) / 2;
        String rest = pairs.size() == allPairs ? "every pair of methods is clearly apart."
                : "all other pairs of methods overlap.";
        return name + ": non-overlapping 95% CIs for " + String.join(", ", parts) + "; " + rest;
    }

    private static MetricSummary summary(MethodResult m, String metric) {
        if (m.online() == null) {
            return null;
        }
        MetricSummary s = m.online().get(metric);
        return s != null && Double.isFinite(s.mean()) ? s : null;
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
