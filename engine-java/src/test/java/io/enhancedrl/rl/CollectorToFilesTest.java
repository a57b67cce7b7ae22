package io.enhancedrl.rl;

import io.enhancedrl.data.LoggedDataWriter;
import io.enhancedrl.data.LoggedDataset;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sessions logged to Parquet while collecting train on exactly the records that live collection keeps. */
class CollectorToFilesTest {

    @TempDir
    Path dir;

    @Test
    void recordsFromFilesEqualRecordsFromLiveCollection() throws Exception {
        SimConfig sc = SimConfig.defaults();
        Simulator sim = new Simulator(sc, 3);
        RlConfig cfg = RlConfig.defaults();
        Collector collector = new Collector(cfg, 8);
        Path file = LoggedDataset.partFile(dir, 0);
        List<StepRecord> live;
        long explorationSeed = 99;
        try (LoggedDataWriter w = new LoggedDataWriter(file, Collector.layoutOf(sc))) {
            live = collector.collect(sim, FixedFusionPolicy.production(sim.fusionSpace()), 12, 5, explorationSeed,
                    w::write, null);
        }
        List<StepRecord> fromFile = LoggedData.load(LoggedDataset.open(dir), cfg, explorationSeed ^ 0x2545F4914F6CDD1DL);
        assertEquals(live.size(), fromFile.size());
        assertTrue(live.size() > 12, "every session has at least one step");
        int sessionsEnded = 0;
        for (int i = 0; i < live.size(); i++) {
            StepRecord a = live.get(i);
            StepRecord b = fromFile.get(i);
            assertEquals(a.sessionId, b.sessionId);
            assertEquals(a.stepIndex, b.stepIndex);
            assertEquals(a.done, b.done);
            assertArrayEquals(a.rows, b.rows, "rows of step " + i);
            assertArrayEquals(a.actions, b.actions);
            assertArrayEquals(a.centres, b.centres);
            assertArrayEquals(a.rewards, b.rewards);
            assertArrayEquals(a.weights, b.weights);
            assertArrayEquals(a.ids, b.ids);
            assertArrayEquals(a.meanMtl, b.meanMtl);
            assertEquals(a.next == null, b.next == null);
            if (a.done) {
                assertNull(b.next);
                sessionsEnded++;
            } else {
                assertNotNull(a.next, "a session that did not end has a next step");
                assertEquals(a.stepIndex + 1, a.next.stepIndex);
            }
            // box exploration stays inside the box
            for (int j = 0; j < a.actions.length; j++) {
                assertTrue(Math.abs(a.actions[j] - a.centres[j]) <= cfg.beta() + 1e-6);
            }
        }
        assertEquals(12, sessionsEnded);
    }
}
