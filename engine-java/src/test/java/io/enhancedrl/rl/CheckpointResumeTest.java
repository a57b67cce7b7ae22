package io.enhancedrl.rl;

import io.enhancedrl.eval.OnlineEvaluator;
import io.enhancedrl.eval.RoundStats;
import io.enhancedrl.sim.Simulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resuming in process after a simulated crash (an exception thrown by the listener) reaches the same final
 * state, bit for bit, as an uninterrupted run: on logged data, and over progressive rounds on the simulator,
 * where the rounds' data is reloaded from the checkpoint directory. The real-kill test is CheckpointKillTest.
 */
class CheckpointResumeTest {

    @TempDir
    Path dir;

    private static Simulator sim;
    private static List<StepRecord> data;

    @BeforeAll
    static void collect() {
        sim = CheckpointFixtures.simulator();
        data = CheckpointFixtures.collect(sim);
    }

    private static String listing(Path d) {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A listener that crashes after the n-th update of this process (never when n < 0). */
    private static ProgressiveTrainer.Listener crashAfter(int n) {
        return new ProgressiveTrainer.Listener() {
            int seen;

            @Override
            public void trained(int updates, UpdateStats last) {
                seen += updates;
                if (seen == n) {
                    throw new CheckpointFixtures.Crash("after update " + n);
                }
            }
        };
    }

    @Test
    void loggedTrainingResumedAfterCrashesEndsBitIdentical() throws IOException {
        ProgressiveTrainer reference = CheckpointFixtures.loggedTrainer(sim, data);
        reference.train(120, 3, crashAfter(-1));
        TrainingCheckpoint.LearnerState expected = TrainingCheckpoint.LearnerState.capture(reference.learner());

        Checkpointing ckpt = new Checkpointing(new CheckpointDirectory(dir, 2), 10);
        // crash points relative to each process: between checkpoints, right on one, and just after one
        int[] crashes = {17, 30, 1, 45};
        for (int c : crashes) {
            ProgressiveTrainer t = CheckpointFixtures.loggedTrainer(sim, data);
            assertThrows(CheckpointFixtures.Crash.class, () -> t.train(120, 3, crashAfter(c), ckpt));
        }
        ProgressiveTrainer last = CheckpointFixtures.loggedTrainer(sim, data);
        last.train(120, 3, crashAfter(-1), ckpt);
        assertTrue(TrainingCheckpoint.LearnerState.capture(last.learner()).sameAs(expected),
                "resumed run ends with the uninterrupted run's parameters and optimizer state");

        // a finished checkpoint leaves nothing to do, and asking for fewer updates than it has taken is refused
        ProgressiveTrainer done = CheckpointFixtures.loggedTrainer(sim, data);
        assertEquals(null, done.train(120, 3, crashAfter(-1), ckpt));
        assertTrue(TrainingCheckpoint.LearnerState.capture(done.learner()).sameAs(expected));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointFixtures.loggedTrainer(sim, data).train(100, 3, crashAfter(-1), ckpt));
        assertTrue(e.getMessage().contains("already taken 120 updates"), e.getMessage());

        // other data or another sampling seed: refused
        ProgressiveTrainer other = CheckpointFixtures.loggedTrainer(sim, data.subList(0, data.size() - 1));
        CheckpointMismatchException m = assertThrows(CheckpointMismatchException.class,
                () -> other.train(120, 3, crashAfter(-1), ckpt));
        assertTrue(m.getMessage().contains("data: checkpoint"), m.getMessage());
        m = assertThrows(CheckpointMismatchException.class,
                () -> CheckpointFixtures.loggedTrainer(sim, data).train(120, 4, crashAfter(-1), ckpt));
        assertTrue(m.getMessage().contains("sampling_seed: checkpoint '3' vs now '4'"), m.getMessage());
    }

    @Test
    void progressiveRoundsResumedAfterCrashesEndBitIdentical() throws IOException {
        OnlineEvaluator eval = new OnlineEvaluator(2, 8, 8);
        ProgressiveTrainer reference = CheckpointFixtures.progressiveTrainer(sim);
        List<RoundStats> expectedRounds = reference.run(eval, crashAfter(-1));
        TrainingCheckpoint.LearnerState expected = TrainingCheckpoint.LearnerState.capture(reference.learner());

        Checkpointing ckpt = new Checkpointing(new CheckpointDirectory(dir, 2), 15);
        // 3 rounds of 40 updates, checkpoints after each collection, at 15 and 30 and after each evaluation;
        // a crash comes before the checkpoint of its update. Process 1 dies in round 1 at update 20; process 2
        // resumes there, finishes round 1 and dies in round 2 at update 15; process 3 resumes from round 2's
        // post-collection checkpoint (its data reloaded from the file) and dies in round 3 at update 20
        int[] crashes = {20, 40, 60};
        for (int c : crashes) {
            ProgressiveTrainer t = CheckpointFixtures.progressiveTrainer(sim);
            assertThrows(CheckpointFixtures.Crash.class, () -> t.run(eval, crashAfter(c), ckpt));
        }
        assertTrue(Files.exists(ProgressiveTrainer.roundFile(dir, 1)) && Files.exists(ProgressiveTrainer.roundFile(dir, 3)),
                () -> "each round's data is in the checkpoint directory: " + listing(dir));
        ProgressiveTrainer last = CheckpointFixtures.progressiveTrainer(sim);
        int[] resumedAt = {-1};
        List<RoundStats> rounds = last.run(eval, new ProgressiveTrainer.Listener() {
            @Override
            public void resumed(Path d, int round, long updates, boolean complete) {
                resumedAt[0] = round;
            }
        }, ckpt);
        assertEquals(3, resumedAt[0], "the last process resumed inside round 3");
        assertEquals(expectedRounds, rounds, "round results, restored and computed, equal the uninterrupted run's");
        assertTrue(TrainingCheckpoint.LearnerState.capture(last.learner()).sameAs(expected),
                "resumed run ends with the uninterrupted run's parameters and optimizer state");
        assertEquals(reference.data().size(), last.data().size());
        assertEquals(ProgressiveTrainer.dataFingerprint(reference.data()), ProgressiveTrainer.dataFingerprint(last.data()),
                "reloaded round data equals the collected data");
    }
}
