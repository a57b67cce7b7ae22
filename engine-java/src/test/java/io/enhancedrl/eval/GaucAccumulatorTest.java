package io.enhancedrl.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GaucAccumulatorTest {

    @Test
    void perfectAndReversedRankings() {
        GaucAccumulator g = new GaucAccumulator();
        g.add(0.9f, true, 2f);
        g.add(0.1f, false, 0f);
        g.endUser();
        assertEquals(1.0, g.gauc(), 1e-12);
        GaucAccumulator r = new GaucAccumulator();
        r.add(0.1f, true, 2f);
        r.add(0.9f, false, 0f);
        r.endUser();
        assertEquals(0.0, r.gauc(), 1e-12);
    }

    @Test
    void handComputedWeightedAucWithTiesAndUserWeighting() {
        GaucAccumulator g = new GaucAccumulator();
        // user 1: positives (0.8, w=3), (0.5, w=1); negatives 0.6, 0.5
        // pos 0.8 beats both negatives: 3 * 2 = 6; pos 0.5 loses to 0.6, ties 0.5: 1 * 0.5 = 0.5
        // AUC = 6.5 / ((3 + 1) * 2) = 0.8125, 4 samples
        g.add(0.8f, true, 3f);
        g.add(0.5f, true, 1f);
        g.add(0.6f, false, 0f);
        g.add(0.5f, false, 0f);
        g.endUser();
        // user 2: one positive below one negative: AUC 0, 2 samples
        g.add(0.2f, true, 1f);
        g.add(0.3f, false, 0f);
        g.endUser();
        // user 3: only negatives: skipped
        g.add(0.2f, false, 0f);
        g.endUser();
        assertEquals((0.8125 * 4 + 0.0 * 2) / 6, g.gauc(), 1e-12);
        assertEquals(2, g.users());
        assertEquals(1, g.skippedUsers());
    }

    @Test
    void rejectsNonFiniteScores() {
        GaucAccumulator g = new GaucAccumulator();
        var e = assertThrows(IllegalArgumentException.class, () -> g.add(Float.NaN, true, 1f));
        assertTrue(e.getMessage().contains("score NaN"), e.getMessage());
    }
}
