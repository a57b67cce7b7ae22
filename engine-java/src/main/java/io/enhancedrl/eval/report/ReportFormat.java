package io.enhancedrl.eval.report;

import java.util.Locale;

import io.enhancedrl.eval.MetricSummary;

/**
 * Number formatting for reports. Locale.ROOT everywhere: a report written on a German machine must still
 * say 12.35, not 12,35. A mean is shown to the precision its interval supports: the half-width gets two
 * significant digits and the mean the same number of decimals ("12.35 ± 0.21", "1234.6 ± 2.5",
 * "0.8037 ± 0.0034"), so a reader never sees digits that the seeds cannot back.
 */
final class ReportFormat {
    /** What a missing or undefined value prints as. */
    static final String NA = "n/a";

    /** Decimals used when there is no interval to size them by (one seed, zero spread). */
    static final int DEFAULT_DECIMALS = 3;
    private static final int MAX_DECIMALS = 6;

    private ReportFormat() {
    }

    /** "mean ± ci" with precision from the interval; "mean ± n/a" for a single seed; n/a for null. */
    static String meanCi(MetricSummary s) {
        if (s == null || !Double.isFinite(s.mean())) {
            return NA;
        }
        double ci = s.ci95HalfWidth();
        if (!Double.isFinite(ci)) {
            return fixed(s.mean(), DEFAULT_DECIMALS) + " ± " + NA;
        }
        int d = decimalsFor(ci);
        return fixed(s.mean(), d) + " ± " + fixed(ci, d);
    }

    /** Same rule as {@link #meanCi} for a mean and half-width given as numbers (learning curves). */
    static String meanCi(double mean, double ci) {
        if (!Double.isFinite(mean)) {
            return NA;
        }
        if (!Double.isFinite(ci)) {
            return fixed(mean, DEFAULT_DECIMALS) + " ± " + NA;
        }
        int d = decimalsFor(ci);
        return fixed(mean, d) + " ± " + fixed(ci, d);
    }

    /** Decimals that give the half-width two significant digits, within 0..6; 3 for a zero width. */
    static int decimalsFor(double ci) {
        if (!(ci > 0) || !Double.isFinite(ci)) {
            return DEFAULT_DECIMALS;
        }
        int d = 1 - (int) Math.floor(Math.log10(ci));
        return Math.max(0, Math.min(MAX_DECIMALS, d));
    }

    /** A number with the given decimals, or n/a when it is NaN or infinite. */
    static String fixed(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return NA;
        }
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        // "-0.000" reads like a measured negative; it is a rounded zero.
        return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }

    /** Escapes text for a Markdown table cell: pipes would split the cell, newlines end the row. */
    static String cell(String text) {
        if (text == null) {
            return NA;
        }
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
