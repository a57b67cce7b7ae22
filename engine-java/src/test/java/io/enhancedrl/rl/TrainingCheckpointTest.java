package io.enhancedrl.rl;

import io.enhancedrl.model.io.ModelFileException;
import io.enhancedrl.sim.Simulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checkpoint file and directory: bitwise round trip, corruption, fallback, refusal of another run. */
class TrainingCheckpointTest {

    @TempDir
    Path dir;

    private static Simulator sim;
    private static List<StepRecord> data;

    @BeforeAll
    static void collect() {
        sim = CheckpointFixtures.simulator();
        data = CheckpointFixtures.collect(sim);
    }

    private static TrainingCheckpoint trainedCheckpoint(long updates) {
        ProgressiveTrainer t = CheckpointFixtures.loggedTrainer(sim, data);
        t.train((int) updates, 3, new ProgressiveTrainer.Listener() { });
        return new TrainingCheckpoint(Map.of("seed", "11", "data", "x"), 2, updates, false, 0x8000_0000_0000_0001L,
                Map.of("td_sum", "0.1"), TrainingCheckpoint.LearnerState.capture(t.learner()));
    }

    @Test
    void roundTripIsBitwiseAndRestoresIntoALearner() throws IOException {
        TrainingCheckpoint c = trainedCheckpoint(25);
        assertTrue(c.learner().actorSteps() == 25 && c.learner().criticSteps() == 25);
        Path f = dir.resolve("c.safetensors");
        c.write(f);
        TrainingCheckpoint back = TrainingCheckpoint.read(f);
        assertTrue(c.learner().sameAs(back.learner()), "every parameter, moment and step count bitwise");
        assertEquals(c.fingerprint(), back.fingerprint());
        assertEquals(c.progress(), back.progress());
        assertEquals(c.rngState(), back.rngState());
        assertEquals(2, back.round());
        assertEquals(25, back.updates());
        assertFalse(back.roundComplete());

        ProgressiveTrainer fresh = CheckpointFixtures.loggedTrainer(sim, data);
        assertFalse(TrainingCheckpoint.LearnerState.capture(fresh.learner()).sameAs(c.learner()));
        back.learner().restoreInto(fresh.learner());
        assertTrue(TrainingCheckpoint.LearnerState.capture(fresh.learner()).sameAs(c.learner()));
    }

    @Test
    void aFlippedBitOrATruncationIsRejectedNamingTheFile() throws IOException {
        TrainingCheckpoint c = trainedCheckpoint(5);
        Path f = dir.resolve("c.safetensors");
        c.write(f);
        long size = Files.size(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, size - 100);
            b.put(0, (byte) (b.get(0) ^ 0x01)); // a low mantissa bit of a critic moment: still a finite float
            ch.write(b.flip(), size - 100);
        }
        ModelFileException e = assertThrows(ModelFileException.class, () -> TrainingCheckpoint.read(f));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains(f.toString()),
                e.getMessage());

        c.write(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(size / 2);
        }
        e = assertThrows(ModelFileException.class, () -> TrainingCheckpoint.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void directoryKeepsTheLastTwoAndFallsBackFromACorruptNewest() throws IOException {
        CheckpointDirectory d = new CheckpointDirectory(dir, 2);
        TrainingCheckpoint a = trainedCheckpoint(3);
        TrainingCheckpoint b = trainedCheckpoint(6);
        d.save(a);
        d.save(a);
        Path second = d.save(b);
        Path third = d.save(b);
        List<Path> files = d.checkpoints();
        assertEquals(List.of(second, third), files, "only the newest two are kept");

        // a leftover temporary file of a write killed half-way is removed, and not mistaken for a checkpoint
        Path tmp = dir.resolve("." + third.getFileName() + ".1234.tmp");
        Files.write(tmp, new byte[]{1, 2, 3});
        try (FileChannel ch = FileChannel.open(third, StandardOpenOption.WRITE)) {
            ch.truncate(20);
        }
        Optional<TrainingCheckpoint> got = new CheckpointDirectory(dir, 2).loadLatest(b.fingerprint());
        assertTrue(got.isPresent() && got.get().learner().sameAs(b.learner()), "fell back to the previous one");
        assertFalse(Files.exists(tmp), "temporary file removed");
        assertFalse(Files.exists(third));
        assertTrue(Files.exists(third.resolveSibling(third.getFileName() + ".corrupt")), "corrupt one set aside");

        // the next checkpoint does not reuse the set-aside name
        CheckpointDirectory again = new CheckpointDirectory(dir, 2);
        Path next = again.save(a);
        assertTrue(next.getFileName().toString().compareTo(third.getFileName().toString()) > 0, next.toString());
    }

    @Test
    void checkpointsThatAreAllUnreadableStopTheResumeWithTheirProblems() throws IOException {
        CheckpointDirectory d = new CheckpointDirectory(dir, 2);
        Path one = d.save(trainedCheckpoint(2));
        Path two = d.save(trainedCheckpoint(2));
        Files.write(one, new byte[]{0, 1, 2});
        Files.writeString(two, "not a checkpoint at all, but long enough to have a length prefix");
        IOException e = assertThrows(IOException.class, () -> d.loadLatest(Map.of()));
        assertTrue(e.getMessage().contains("no readable checkpoint") && e.getMessage().contains(one.toString())
                && e.getMessage().contains(two.toString()), e.getMessage());
    }

    @Test
    void aCheckpointOfAnotherRunIsRefusedNamingTheDifference() throws IOException {
        CheckpointDirectory d = new CheckpointDirectory(dir, 2);
        d.save(trainedCheckpoint(2));
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> d.loadLatest(Map.of("seed", "12", "data", "x")));
        assertTrue(e.getMessage().contains("seed: checkpoint '11' vs now '12'"), e.getMessage());
        assertFalse(e.getMessage().contains("data:"), e.getMessage());
    }

    @Test
    void emptyDirectoryHasNoCheckpoint() throws IOException {
        assertTrue(new CheckpointDirectory(dir.resolve("new"), 2).loadLatest(Map.of()).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new CheckpointDirectory(dir, 1));
    }
}
