package io.enhancedrl.rl;

import io.enhancedrl.data.LoggedStep;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every logged step is a function of (world seed, user seed, exploration seed, session id): collecting
 * disjoint session ranges with any batch size gives exactly the steps of one collection over their union
 * (what the Spark collection relies on).
 */
class CollectorRangeTest {

    private static List<LoggedStep> log(Simulator sim, int batch, long first, int sessions, long explorationSeed) {
        List<LoggedStep> out = new ArrayList<>();
        new Collector(RlConfig.defaults(), batch).log(sim, FixedFusionPolicy.production(sim.fusionSpace()), first,
                sessions, 5, explorationSeed, s -> out.add(s.copy()));
        return out;
    }

    private static List<LoggedStep> sorted(List<LoggedStep> steps) {
        List<LoggedStep> s = new ArrayList<>(steps);
        s.sort(Comparator.<LoggedStep>comparingLong(x -> x.sessionId).thenComparingInt(x -> x.stepIndex));
        return s;
    }

    @Test
    void rangesWithAnyBatchSizeEqualOneRunOverTheUnion() {
        Simulator sim = new Simulator(SimConfig.defaults(), 3);
        List<LoggedStep> whole = sorted(log(sim, 8, 0, 12, 99));
        List<LoggedStep> parts = new ArrayList<>(log(sim, 3, 0, 5, 99));
        parts.addAll(log(sim, 1, 5, 4, 99));
        parts.addAll(log(sim, 16, 9, 3, 99));
        parts = sorted(parts);
        assertEquals(whole.size(), parts.size());
        for (int i = 0; i < whole.size(); i++) {
            assertTrue(whole.get(i).contentEquals(parts.get(i)), "step " + i + ": " + whole.get(i) + " vs " + parts.get(i));
        }
        assertEquals(12, whole.stream().mapToLong(s -> s.sessionId).distinct().count());
        assertEquals(0, whole.getFirst().sessionId);
        assertEquals(11, whole.getLast().sessionId);
    }

    @Test
    void theLegacyCollectLogsTheSameStepsAsTheRangeApi() {
        Simulator sim = new Simulator(SimConfig.defaults(), 3);
        List<LoggedStep> viaCollect = new ArrayList<>();
        new Collector(RlConfig.defaults(), 4).collect(sim, FixedFusionPolicy.production(sim.fusionSpace()), 6, 5, 7,
                s -> viaCollect.add(s.copy()), null);
        List<LoggedStep> viaLog = sorted(log(sim, 6, 0, 6, 7));
        List<LoggedStep> a = sorted(viaCollect);
        assertEquals(a.size(), viaLog.size());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(a.get(i).contentEquals(viaLog.get(i)), "step " + i);
        }
    }

    @Test
    void theExplorationSeedChangesTheActionsButNotTheSessionsStart() {
        Simulator sim = new Simulator(SimConfig.defaults(), 3);
        LoggedStep a = sorted(log(sim, 4, 2, 1, 1)).getFirst();
        LoggedStep b = sorted(log(sim, 4, 2, 1, 2)).getFirst();
        assertEquals(2, a.sessionId);
        assertEquals(a.sessionId, b.sessionId);
        assertEquals(0, a.stepIndex);
        assertEquals(java.util.Arrays.toString(a.userFeatures), java.util.Arrays.toString(b.userFeatures));
        assertFalse(java.util.Arrays.equals(a.actions, b.actions), "different exploration noise");
        assertTrue(java.util.Arrays.equals(a.boxCentres, b.boxCentres), "same behaviour policy centres");
    }
}
