package io.enhancedrl.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParityRuleTest {

    @Test
    void boundIsAbsolutePlusRelativeAndScalesWithReductionLength() {
        ParityRule r = new ParityRule(1e-5, 1e-4);
        assertEquals(1e-5 + 1e-4 * 2.0, r.bound(-2.0), 1e-18);
        assertEquals(1e-5 * 16, r.forReduction(256).atol(), 1e-18);
        assertEquals(1e-4, r.forReduction(256).rtol());
        assertEquals(r, r.forReduction(0)); // lengths below 1 count as 1
    }

    @Test
    void acceptsWithinTheBoundAndNeverNaN() {
        ParityRule r = ParityRule.FP32;
        assertTrue(r.accepts(1.0, 1.0 + 1e-4));
        assertFalse(r.accepts(1.0, 1.0 + 2e-4));
        assertFalse(r.accepts(1.0, Double.NaN));
        assertFalse(r.accepts(Double.NaN, 1.0));
    }

    @Test
    void worstViolationPicksTheElementFurthestOverItsBound() {
        ParityRule r = ParityRule.FP32;
        float[] e = {1f, 100f, 0f, 5f};
        float[] a = {1f, 100.05f, 0.5f, 5f};
        assertEquals(2, r.worstViolation(e, 0, a, 0, 4)); // 0.5 over a bound of 1e-5 beats 0.05 over 1e-2
        assertEquals(-1, r.worstViolation(e, 0, e.clone(), 0, 4));
        a[3] = Float.NaN;
        assertEquals(3, r.worstViolation(e, 0, a, 0, 4));
        assertEquals(0, r.worstViolation(new double[] {1, 2}, new double[] {1.5, 2}));
        assertEquals(-1, r.worstViolation(e, 0, a, 0, 1)); // offsets and count bound the comparison
    }

    @Test
    void refusesNegativeOrNaNTolerances() {
        assertThrows(IllegalArgumentException.class, () -> new ParityRule(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ParityRule(0, Double.NaN));
    }
}
