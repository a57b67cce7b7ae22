package io.enhancedrl.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.enhancedrl.eval.MethodResult;
import io.enhancedrl.eval.MetricSummary;
import io.enhancedrl.eval.OnlineMetrics;

/** Formatting, CI pairing and chart names, without drawing anything. */
class ReportPartsTest {

    @Test
    void meanIsShownToThePrecisionOfItsInterval() {
        assertEquals("12.35 ± 0.21", ReportFormat.meanCi(12.3456, 0.2104));
        assertEquals("1234.6 ± 2.5", ReportFormat.meanCi(1234.56, 2.49));
        assertEquals("0.8037 ± 0.0034", ReportFormat.meanCi(0.80371, 0.00341));
        assertEquals("1235 ± 25", ReportFormat.meanCi(1234.56, 24.9));
        assertEquals("5.000 ± 0.000", ReportFormat.meanCi(5, 0)); // all seeds equal
        assertEquals("5.000 ± n/a", ReportFormat.meanCi(MetricSummary.of(new double[] {5}))); // one seed
        assertEquals("n/a", ReportFormat.meanCi(null));
        assertEquals("n/a", ReportFormat.fixed(Double.NaN, 4));
        assertEquals("0.000", ReportFormat.fixed(-0.0001, 3));
        assertEquals("-0.100", ReportFormat.fixed(-0.1, 3));
        assertEquals("a\\|b c", ReportFormat.cell("a|b\nc"));
    }

    @Test
    void sentenceSaysWhenEveryPairIsApartAndWhenThereIsNothingToCompare() {
        MethodResult hi = method("high", 20, 21, 22);
        MethodResult mid = method("mid", 10, 11, 12);
        MethodResult lo = method("low", 0, 1, 2);
        assertEquals("Valid consumption / session: non-overlapping 95% CIs for high > mid, high > low, mid > low; "
                + "every pair of methods is clearly apart.",
                CiComparison.sentence(List.of(lo, hi, mid), OnlineMetrics.VALID_CONSUMPTION));
        assertEquals("Valid consumption / session: fewer than two methods report this metric, so there is nothing to compare.",
                CiComparison.sentence(List.of(hi), OnlineMetrics.VALID_CONSUMPTION));
        // One seed has no interval: it is never called clearly apart, however far the means are.
        MethodResult single = method("single", 100);
        assertEquals(List.of(new CiComparison.Pair("high", "low")),
                CiComparison.clearlyApart(List.of(single, hi, lo), OnlineMetrics.VALID_CONSUMPTION));
    }

    @Test
    void ablationChartNamesAreSlugsMadeUnique() {
        Map<String, String> names = ChartFiles.forAblations(List.of("itemHeterogeneity = 0", "itemHeterogeneity=0", "!!!"));
        assertEquals(List.of("ablation-itemheterogeneity-0.png", "ablation-itemheterogeneity-0-2.png", "ablation-3.png"),
                List.copyOf(names.values()));
        for (String n : names.values()) {
            assertTrue(ChartFiles.OURS.matcher(n).matches(), n);
        }
    }

    private static MethodResult method(String name, double... vc) {
        return new MethodResult(name, Map.of(OnlineMetrics.VALID_CONSUMPTION, MetricSummary.of(vc)), List.of(),
                Double.NaN);
    }
}
