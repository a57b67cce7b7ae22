package io.enhancedrl.eval;

import java.util.Arrays;

/**
 * Mean and 95% confidence interval of a metric over independent repetitions (seeds), with the
 * per-repetition values kept so that reports can show them. The interval uses Student's t with n-1
 * degrees of freedom: for 5 seeds the half-width is 2.776 * s / sqrt(5).
 */
public record MetricSummary(double mean, double ci95HalfWidth, double[] values) {

    public static MetricSummary of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("values: expected at least 1 repetition but was 0");
        }
        double mean = Arrays.stream(values).average().orElseThrow();
        if (values.length == 1) {
            return new MetricSummary(mean, Double.NaN, values.clone());
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / (values.length - 1));
        double half = studentT975(values.length - 1) * sd / Math.sqrt(values.length);
        return new MetricSummary(mean, half, values.clone());
    }

    public double lower() {
        return mean - ci95HalfWidth;
    }

    public double upper() {
        return mean + ci95HalfWidth;
    }

    /** true when the two 95% intervals do not overlap and this one is above the other. */
    public boolean clearlyAbove(MetricSummary other) {
        return lower() > other.upper();
    }

    /** Two-sided 97.5% quantile of Student's t; exact table for small dof, normal beyond. */
    static double studentT975(int dof) {
        double[] table = {Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086};
        if (dof < table.length) {
            return table[dof];
        }
        return dof <= 30 ? 2.042 : 1.960;
    }

    @Override
    public String toString() {
        // one repetition has no interval: say so instead of printing "± NaN"
        return Double.isNaN(ci95HalfWidth) ? String.format("%.3f (1 seed, no interval)", mean)
                : String.format("%.3f ± %.3f", mean, ci95HalfWidth);
    }
}
