package io.enhancedrl.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitMix64Test {

    @Test
    void savedStateContinuesTheSameSequence() {
        SplitMix64 a = new SplitMix64(42);
        for (int i = 0; i < 17; i++) {
            a.nextInt(1000);
        }
        SplitMix64 b = SplitMix64.fromState(a.state());
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextLong(), b.nextLong(), "output " + i + " after restoring the state");
            assertEquals(a.nextInt(7), b.nextInt(7));
        }
    }

    @Test
    void nextIntIsInRangeAndRoughlyUniform() {
        SplitMix64 r = new SplitMix64(7);
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++) {
            int v = r.nextInt(10);
            assertTrue(v >= 0 && v < 10, "value " + v);
            counts[v]++;
        }
        for (int c : counts) {
            // expected 10 000 each, standard deviation about 95: 6 sigma
            assertTrue(Math.abs(c - 10_000) < 600, "count " + c);
        }
        assertEquals(0, r.nextInt(1));
        int big = Integer.MAX_VALUE;
        for (int i = 0; i < 1000; i++) {
            int v = r.nextInt(big);
            assertTrue(v >= 0 && v < big);
        }
        assertThrows(IllegalArgumentException.class, () -> r.nextInt(0));
    }
}
