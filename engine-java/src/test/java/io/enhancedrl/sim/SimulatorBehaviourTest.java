package io.enhancedrl.sim;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sanity of the simulated world: rates, policy ordering, done semantics, response consistency, API checks. */
class SimulatorBehaviourTest {

    private static final SimConfig CFG = SimConfig.defaults();
    private static final Simulator SIM = new Simulator(CFG, 2024L);

    @Test
    void productionFusionGivesPlausibleSessions() {
        SimulationRun run = SIM.start(64, 400, 1L);
        FusionPolicy p = FixedFusionPolicy.production(SIM.fusionSpace());
        long shown = 0;
        long valid = 0;
        while (!run.finished()) {
            StepResult s = run.step(p);
            for (int r = 0; r < s.rows(); r++) {
                for (int k = 0; k < s.listLength(); k++) {
                    shown++;
                    valid += (long) s.behaviour(r, k, Tasks.VALID_PLAY);
                }
            }
        }
        OutcomeSummary sum = OutcomeSummary.of(run.outcomes());
        double rate = valid / (double) shown;
        assertTrue(rate > 0.1 && rate < 0.9, "valid-play rate " + rate);
        assertTrue(sum.depth() > 3 && sum.depth() < CFG.stepCap(), "mean depth " + sum.depth());
        assertTrue(sum.truncatedShare() < 0.5, "most sessions should end by leaving, not at the cap: " + sum);
        // per-item reward is O(1)
        double perItem = run.outcomes().stream().mapToDouble(SessionOutcome::totalReward).sum() / shown;
        assertTrue(perItem > 0.2 && perItem < 5, "reward per shown item " + perItem);
    }

    @Test
    void oracleOnTheTrueValidPlayLogitBeatsRandomActions() {
        SimulationRun oracleRun = SIM.start(50, 300, 3L);
        List<SessionOutcome> oracle = oracleRun.runToEnd(new OraclePolicy(oracleRun));
        List<SessionOutcome> random = SIM.start(50, 300, 3L).runToEnd(new RandomFusionPolicy(1));
        List<SessionOutcome> fixed = SIM.start(50, 300, 3L).runToEnd(FixedFusionPolicy.production(SIM.fusionSpace()));
        OutcomeSummary o = OutcomeSummary.of(oracle);
        OutcomeSummary r = OutcomeSummary.of(random);
        OutcomeSummary f = OutcomeSummary.of(fixed);
        assertTrue(o.validConsumption() > r.validConsumption() + o.validConsumptionCi() + r.validConsumptionCi(),
                "oracle " + o + " vs random " + r);
        // good lists lengthen sessions: the long-term signal exists
        assertTrue(o.depth() > r.depth() + o.depthCi() + r.depthCi(), "oracle " + o + " vs random " + r);
        assertTrue(f.validConsumption() > r.validConsumption(), "production " + f + " vs random " + r);
    }

    @Test
    void doneSessionsAreReplacedAndEverySessionEndsOnce() {
        int total = 40;
        SimulationRun run = SIM.start(6, total, 5L);
        FusionPolicy p = new RandomFusionPolicy(2);
        Set<Long> seen = new HashSet<>();
        long[] slotSession = new long[6];
        int[] slotStep = new int[6];
        java.util.Arrays.fill(slotSession, -1);
        while (!run.finished()) {
            Observation o = run.observe();
            assertTrue(o.activeSessions() <= 6);
            for (int r = 0; r < o.activeSessions(); r++) {
                int slot = o.slotOf(r);
                long id = o.sessionId(r);
                if (id != slotSession[slot]) {
                    assertEquals(0, o.stepIndex(r), "a new session starts at step 0");
                    assertTrue(seen.add(id), "session " + id + " started twice");
                    slotSession[slot] = id;
                } else {
                    assertEquals(slotStep[slot] + 1, o.stepIndex(r), "step index advances by one");
                }
                slotStep[slot] = o.stepIndex(r);
            }
            int rows = o.activeSessions();
            long[] before = new long[rows];
            int[] slots = new int[rows];
            for (int r = 0; r < rows; r++) {
                before[r] = o.sessionId(r);
                slots[r] = o.slotOf(r);
            }
            StepResult s = run.step(p);
            Observation next = run.observe();
            for (int r = 0; r < rows; r++) {
                assertEquals(before[r], s.sessionId(r));
                // the slot continues the session unless it ended
                long nextId = -1;
                for (int q = 0; q < next.activeSessions(); q++) {
                    if (next.slotOf(q) == slots[r]) {
                        nextId = next.sessionId(q);
                    }
                }
                if (s.done(r)) {
                    assertNotEquals(before[r], nextId, "after done the slot must hold a new session (or none)");
                } else {
                    assertEquals(before[r], nextId, "a session that is not done continues in its slot");
                }
            }
        }
        assertEquals(total, seen.size());
        assertEquals(total, run.outcomes().size());
        Set<Long> ended = new HashSet<>();
        for (SessionOutcome out : run.outcomes()) {
            assertTrue(ended.add(out.sessionId()));
            assertTrue(out.depth() >= 1 && out.depth() <= CFG.stepCap());
        }
        assertEquals(seen, ended);
        assertEquals(total, run.sessionsStarted());
        assertThrows(IllegalStateException.class, () -> run.step(p));
    }

    @Test
    void responsesAreConsistentAndFinite() {
        SimConfig cfg = CFG;
        SimulationRun run = SIM.start(16, 60, 8L);
        FusionPolicy p = new RandomFusionPolicy(4);
        double perMinute = cfg.rewardWatchPerMinute() / 60;
        Catalogue cat = new Catalogue(cfg, 2024L);
        while (!run.finished()) {
            Observation o = run.observe();
            assertFinite("user", o.userFeatures(), o.activeSessions() * o.userWidth());
            assertFinite("context", o.contextFeatures(), o.activeSessions() * o.contextWidth());
            assertFinite("item", o.itemFeatures(), o.totalCandidates() * o.itemWidth());
            for (int i = 0; i < o.totalCandidates() * o.tasks(); i++) {
                float v = o.mtlScores()[i];
                assertTrue(v > 0 && v < 1, "MTL score " + v + " at " + i);
            }
            // candidates of a request are distinct
            for (int r = 0; r < o.activeSessions(); r++) {
                Set<Long> ids = new HashSet<>();
                for (int j = 0; j < o.candidatesPerRequest(); j++) {
                    assertTrue(ids.add(o.itemIds()[r * o.candidatesPerRequest() + j]), "duplicate candidate");
                }
            }
            StepResult s = run.step(p);
            assertSame(o, s.observation(), "the result refers to the observation it acted on");
            assertNotSame(o, run.observe(), "observations are double-buffered");
            for (int r = 0; r < s.rows(); r++) {
                double sum = 0;
                Set<Integer> shownIdx = new HashSet<>();
                for (int k = 0; k < s.listLength(); k++) {
                    assertTrue(shownIdx.add(s.shown(r, k)), "an item is shown twice in one list");
                    int item = (int) s.shownItemId(r, k);
                    assertEquals(o.itemIds()[s.shownCandidate(r, k)], s.shownItemId(r, k));
                    float vp = s.behaviour(r, k, Tasks.VALID_PLAY);
                    float w = s.behaviour(r, k, Tasks.WATCH);
                    float like = s.behaviour(r, k, Tasks.LIKE);
                    float share = s.behaviour(r, k, Tasks.SHARE);
                    float follow = s.behaviour(r, k, Tasks.FOLLOW);
                    double d = cat.duration[item];
                    double w0 = Math.min(d, cfg.validPlayThresholdSeconds());
                    assertTrue(w >= 0 && w <= d * (1 + 1e-6), "watch " + w + " of duration " + d);
                    assertEquals(vp > 0, w >= w0 * (1 - 1e-6), "valid play <=> W >= min(D, threshold); W=" + w + " D=" + d);
                    if (vp == 0) {
                        assertEquals(0f, like + share + follow, "cascade: no engagement without a valid play");
                    }
                    float g0 = s.reward(r, k, Tasks.GROUP_WATCH);
                    float g1 = s.reward(r, k, Tasks.GROUP_OTHER);
                    assertEquals(perMinute * w, g0, 1e-5);
                    assertEquals(cfg.rewardValidPlay() * vp + cfg.rewardLike() * like + cfg.rewardShare() * share
                            + cfg.rewardFollow() * follow, g1, 1e-5);
                    sum += g0 + g1;
                }
                assertEquals(sum, s.stepReward(r), 1e-4);
                assertTrue(Float.isFinite(s.stepReward(r)));
            }
            for (int j = 0; j < s.rows() * CFG.candidatesPerRequest(); j++) {
                assertTrue(Float.isFinite(s.fusedScores()[j]), "fused score " + j);
            }
        }
        for (SessionOutcome out : run.outcomes()) {
            assertTrue(Double.isFinite(out.discountedReturn()) && Double.isFinite(out.watchTime()));
            assertTrue(out.discountedReturn() <= out.totalReward() + 1e-9);
        }
    }

    @Test
    void recentlyShownItemsAreNotCandidatesAgain() {
        SimulationRun run = SIM.start(1, 1, 6L);
        FusionPolicy p = FixedFusionPolicy.production(SIM.fusionSpace());
        java.util.ArrayDeque<Set<Long>> lastLists = new java.util.ArrayDeque<>();
        while (!run.finished()) {
            Observation o = run.observe();
            for (Set<Long> list : lastLists) {
                for (int j = 0; j < o.totalCandidates(); j++) {
                    assertFalse(list.contains(o.itemIds()[j]), "item " + o.itemIds()[j] + " was shown recently");
                }
            }
            StepResult s = run.step(p);
            Set<Long> shown = new HashSet<>();
            for (int k = 0; k < s.listLength(); k++) {
                shown.add(s.shownItemId(0, k));
            }
            lastLists.addLast(shown);
            if (lastLists.size() > CFG.recentExclusionSteps()) {
                lastLists.removeFirst();
            }
        }
        assertEquals(1, run.outcomes().size());
    }

    @Test
    void theStepCapTruncatesSessions() {
        Simulator sim = new Simulator(CFG.with("stepCap", 3).with("temperInitial", 1000.0), 1L);
        List<SessionOutcome> out = sim.start(4, 10, 1L).runToEnd(new RandomFusionPolicy(0));
        for (SessionOutcome o : out) {
            assertEquals(3, o.depth());
            assertTrue(o.truncated());
        }
    }

    @Test
    void theSlateEffectChangesResponsesOnlyWhenOn() {
        SimConfig off = CFG.with("slateEffect", false);
        Simulator a = new Simulator(off, 1L);
        Simulator b = new Simulator(off.with("slateStrength", 5.0), 1L);
        Simulator c = new Simulator(CFG.with("slateStrength", 5.0), 1L);
        FusionPolicy p = FixedFusionPolicy.production(a.fusionSpace());
        long fa = Trajectory.of(a, 4, 8, 1L, p);
        long fb = Trajectory.of(b, 4, 8, 1L, p);
        long fc = Trajectory.of(c, 4, 8, 1L, p);
        assertEquals(fa, fb, "slateStrength must not matter when the slate effect is off");
        assertNotEquals(fa, fc);
    }

    @Test
    void stepRejectsBadActions() {
        SimulationRun run = SIM.start(2, 2, 1L);
        int n = run.observe().totalCandidates() * run.observe().actionWidth();
        float[] a = new float[n];
        a[37] = 1.5f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.step(a));
        assertTrue(e.getMessage().contains("actions[3][7]"), e.getMessage());
        a[37] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> run.step(a));
        assertThrows(IllegalArgumentException.class, () -> run.step(new float[n - 1]));
        a[37] = 1f;
        run.step(a); // valid actions are accepted
        assertEquals(1, run.stepsTaken());
    }

    @Test
    void observationShapesMatchTheConfig() {
        SimulationRun run = SIM.start(3, 5, 1L);
        Observation o = run.observe();
        assertEquals(3, o.activeSessions());
        assertEquals(CFG.candidatesPerRequest(), o.candidatesPerRequest());
        assertEquals(300, o.totalCandidates());
        assertEquals(CFG.userWidth(), o.userWidth());
        assertEquals(CFG.contextWidth(), o.contextWidth());
        assertEquals(CFG.itemWidth(), o.itemWidth());
        assertEquals(Tasks.K, o.tasks());
        assertEquals(CFG.stateWidth(), o.stateWidth());
        float[] state = new float[o.stateWidth()];
        o.writeState(150, state, 0);
        assertEquals(o.userFeatures()[o.userWidth()], state[0], "candidate 150 belongs to row 1");
        assertEquals(o.mtlScores()[150 * Tasks.K + 4], state[o.stateWidth() - 1]);
        assertThrows(IndexOutOfBoundsException.class, () -> o.sessionId(3));
    }

    private static void assertFinite(String what, float[] a, int len) {
        for (int i = 0; i < len; i++) {
            assertTrue(Float.isFinite(a[i]), what + "[" + i + "] = " + a[i]);
        }
    }
}
