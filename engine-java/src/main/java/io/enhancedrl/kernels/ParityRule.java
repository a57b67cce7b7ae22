package io.enhancedrl.kernels;

/**
 * The one rule by which two backends' results count as the same: |actual - expected| <= atol + rtol |expected|,
 * with atol scaled by sqrt(length) for results that are sums of that many products (the rounding error of a
 * float sum taken in another order grows with its length). The parity tests, the benchmarks' set-up checks
 * and the GPU check all judge with this rule, so a benchmark never times a result a test would reject.
 *
 * @param atol absolute part of the bound
 * @param rtol relative part of the bound
 */
public record ParityRule(double atol, double rtol) {

    /** FP32 kernels that sum in another order than the scalar reference. */
    public static final ParityRule FP32 = new ParityRule(1e-5, 1e-4);

    public ParityRule {
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("atol, rtol: expected finite values >= 0 but were " + atol + ", "
                    + rtol);
        }
    }

    /** The same rule for results that are reductions over {@code length} terms. */
    public ParityRule forReduction(int length) {
        return new ParityRule(atol * Math.sqrt(Math.max(1, length)), rtol);
    }

    /** The largest accepted |actual - expected| for this expected value. */
    public double bound(double expected) {
        return atol + rtol * Math.abs(expected);
    }

    /** Whether actual passes; NaN on either side never does. */
    public boolean accepts(double expected, double actual) {
        return Math.abs(actual - expected) <= bound(expected);
    }

    /** The index (from 0, relative to the offsets) of the element furthest over its bound, or -1 when all pass. */
    public int worstViolation(float[] expected, int eOff, float[] actual, int aOff, int count) {
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < count; i++) {
            double e = expected[eOff + i];
            double err = Math.abs(actual[aOff + i] - e);
            double excess = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err - bound(e);
            if (!(err <= bound(e)) && (worst < 0 || excess > worstExcess)) {
                worst = i;
                worstExcess = excess;
            }
        }
        return worst;
    }

    /** As {@link #worstViolation(float[], int, float[], int, int)} for double results (finite differences). */
    public int worstViolation(double[] expected, double[] actual) {
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            double excess = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err - bound(expected[i]);
            if (!(err <= bound(expected[i])) && (worst < 0 || excess > worstExcess)) {
                worst = i;
                worstExcess = excess;
            }
        }
        return worst;
    }
}
