package io.enhancedrl.testing;

import io.enhancedrl.kernels.ParityRule;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The parity tests' assertions over {@link ParityRule}: |actual - expected| <= atol + rtol * |expected|, with the
 * absolute part scaled by sqrt(reduction length) for results that are sums of that many products (float
 * rounding error of a sum grows with its length). On failure the message names the worst element, both
 * values and the bound, so a mismatch can be located without a debugger.
 */
public final class Tolerance {

    /** Default for FP32 kernels that sum in a different order than the reference. */
    public static final Tolerance FP32 = new Tolerance(ParityRule.FP32.atol(), ParityRule.FP32.rtol());

    public final double atol;
    public final double rtol;
    private final ParityRule rule;

    public Tolerance(double atol, double rtol) {
        this.atol = atol;
        this.rtol = rtol;
        this.rule = new ParityRule(atol, rtol);
    }

    /** The same rule for results that are reductions over {@code length} terms. */
    public Tolerance forReduction(int length) {
        ParityRule r = rule.forReduction(length);
        return new Tolerance(r.atol(), r.rtol());
    }

    public void assertClose(String what, float[] expected, int eOff, float[] actual, int aOff, int count) {
        int worst = rule.worstViolation(expected, eOff, actual, aOff, count);
        if (worst >= 0) {
            double e = expected[eOff + worst];
            double a = actual[aOff + worst];
            fail(String.format("%s: worst element [%d] of %d: expected %.9g, actual %.9g, |diff| %.3g > bound %.3g"
                            + " (atol %.2g, rtol %.2g)", what, worst, count, e, a, Math.abs(a - e),
                    rule.bound(e), atol, rtol));
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
        int worst = rule.worstViolation(expected, actual);
        if (worst >= 0) {
            fail(String.format("%s: worst element [%d] of %d: expected %.12g, actual %.12g, |diff| %.3g > bound %.3g",
                    what, worst, expected.length, expected[worst], actual[worst],
                    Math.abs(actual[worst] - expected[worst]), rule.bound(expected[worst])));
        }
    }
}
