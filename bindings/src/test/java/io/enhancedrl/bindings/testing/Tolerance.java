package io.enhancedrl.bindings.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A copy of engine-java's io.enhancedrl.testing.Tolerance (engine-java publishes no test-jar); keep the two
 * identical.
 *
 * The one tolerance rule of the parity tests: |actual - expected| <= atol + rtol * |expected|, with the
 * absolute part scaled by sqrt(reduction length) for results that are sums of that many products (float
 * rounding error of a sum grows with its length). On failure the message names the worst element, both
 * values and the bound, so a mismatch can be located without a debugger.
 */
public final class Tolerance {

    /** Default for FP32 kernels that sum in a different order than the reference. */
    public static final Tolerance FP32 = new Tolerance(1e-5, 1e-4);

    public final double atol;
    public final double rtol;

    public Tolerance(double atol, double rtol) {
        this.atol = atol;
        this.rtol = rtol;
    }

    /** The same rule for results that are reductions over {@code length} terms. */
    public Tolerance forReduction(int length) {
        return new Tolerance(atol * Math.sqrt(Math.max(1, length)), rtol);
    }

    public void assertClose(String what, float[] expected, int eOff, float[] actual, int aOff, int count) {
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < count; i++) {
            double e = expected[eOff + i];
            double a = actual[aOff + i];
            double bound = atol + rtol * Math.abs(e);
            double err = Math.abs(a - e);
            if (!(err <= bound)) { // also catches NaN
                double excess = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err - bound;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (worst >= 0) {
            double e = expected[eOff + worst];
            double a = actual[aOff + worst];
            fail(String.format("%s: worst element [%d] of %d: expected %.9g, actual %.9g, |diff| %.3g > bound %.3g"
                            + " (atol %.2g, rtol %.2g)", what, worst, count, e, a, Math.abs(a - e),
                    atol + rtol * Math.abs(e), atol, rtol));
        }
    }

    public void assertClose(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            fail(what + ": length expected " + expected.length + " but was " + actual.length);
        }
        assertClose(what, expected, 0, actual, 0, expected.length);
    }

    /** For finite-difference checks, in double. */
    public void assertClose(String what, double[] expected, double[] actual) {
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double bound = atol + rtol * Math.abs(expected[i]);
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= bound)) {
                double excess = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err - bound;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: worst element [%d] of %d: expected %.12g, actual %.12g, |diff| %.3g > bound %.3g",
                    what, worst, expected.length, expected[worst], actual[worst],
                    Math.abs(actual[worst] - expected[worst]), atol + rtol * Math.abs(expected[worst])));
        }
    }
}
