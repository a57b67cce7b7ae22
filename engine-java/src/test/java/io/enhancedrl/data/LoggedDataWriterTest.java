package io.enhancedrl.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer refuses bad steps before writing them and never leaves a partial target file. */
class LoggedDataWriterTest {

    static final DataLayout LAYOUT = LoggedDataRoundTripTest.LAYOUT; // d_u=3 d_c=2 d_i=5 K=3 l=4 nb=3

    @TempDir
    Path dir;

    private static LoggedStep valid(int candidates) {
        return TestSteps.random(LAYOUT, candidates, new SplittableRandom(candidates), 9, 0);
    }

    /** Writes one good step, then a step edited by {@code edit}; returns the exception of the bad write. */
    private IllegalArgumentException rejectStep(Consumer<LoggedStep> edit) throws IOException {
        Path file = dir.resolve("bad-" + System.nanoTime() + ".parquet");
        IllegalArgumentException e;
        try (LoggedDataWriter w = new LoggedDataWriter(file, LAYOUT)) {
            w.write(valid(6));
            LoggedStep bad = valid(6);
            edit.accept(bad);
            e = assertThrows(IllegalArgumentException.class, () -> w.write(bad));
            assertEquals(1, w.stepsWritten(), "the bad step was not counted");
            w.abort();
        }
        assertFalse(Files.exists(file));
        assertTrue(e.getMessage().startsWith("step 1 (session 9, step index "), e.getMessage());
        assertMentions(e, ") does not fit DataLayout[d_u=3, d_c=2, d_i=5, K=3, l=4, nb=3]: ");
        return e;
    }

    private static void assertMentions(Exception e, String... parts) {
        LoggedDataRejectionTest.assertMentions(e, parts);
    }

    @Test
    void rejectsWrongLengthsNamingFieldExpectedAndActual() throws IOException {
        assertMentions(rejectStep(s -> s.itemFeatures = new float[6 * 5 - 1]),
                "itemFeatures: expected candidates * item_width = 6 * 5 = 30 values but got 29");
        assertMentions(rejectStep(s -> s.userFeatures = new float[4]), "userFeatures: expected user_width = 3 values but got 4");
        assertMentions(rejectStep(s -> s.itemIds = new long[5]), "itemIds: expected candidates = 6 values but got 5");
        assertMentions(rejectStep(s -> s.mtlScores = new float[6 * 3 + 1]), "mtlScores: expected candidates * tasks = 6 * 3 = 18", "got 19");
        assertMentions(rejectStep(s -> s.actions = new float[6 * 3]), "actions: expected candidates * 2*tasks = 6 * 6 = 36", "got 18");
        assertMentions(rejectStep(s -> s.boxCentres = null), "boxCentres: expected", "missing (null)");
        assertMentions(rejectStep(s -> s.shown = new int[]{0, 1, 2}), "shown: expected min(list_length, candidates) = min(4, 6) = 4 indices but got 3");
        assertMentions(rejectStep(s -> s.behaviours = new float[4 * 3 - 2]), "behaviours: expected shown length min(list_length, candidates=6) * behaviours = 4 * 3 = 12 values but got 10");
        assertMentions(rejectStep(s -> s.rewards = new float[4]), "rewards: expected", "4 * 2 = 8 values but got 4");
    }

    @Test
    void rejectsBadValues() throws IOException {
        assertMentions(rejectStep(s -> s.itemFeatures[7] = Float.NaN), "itemFeatures[7] = NaN (candidate 1, entry 2): values must be finite");
        assertMentions(rejectStep(s -> s.contextFeatures[1] = Float.NEGATIVE_INFINITY), "contextFeatures[1] = -Infinity", "finite");
        assertMentions(rejectStep(s -> s.mtlScores[4] = 1.01f), "mtlScores[4] = 1.01", "must be in [0.0, 1.0]");
        assertMentions(rejectStep(s -> s.boxCentres[0] = -1.0001f), "boxCentres[0]", "must be in [-1.0, 1.0]");
        assertMentions(rejectStep(s -> s.shown[2] = 6), "shown[2] = 6 is out of range [0, candidates=6)");
        assertMentions(rejectStep(s -> s.shown[3] = -1), "shown[3] = -1 is out of range");
        assertMentions(rejectStep(s -> s.shown[3] = s.shown[1]), "shown[3] =", "duplicates shown[1]");
        assertMentions(rejectStep(s -> s.stepIndex = -1), "stepIndex: expected >= 0 but was -1");
        assertMentions(rejectStep(s -> s.candidates = 0), "candidates: expected in [1, ", "but was 0");
    }

    @Test
    void aFailedWriteLeavesNoTargetAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("steps.parquet");
        LoggedStep bad = valid(6);
        bad.rewards[0] = Float.NaN;
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> {
            try (LoggedDataWriter w = new LoggedDataWriter(file, LAYOUT)) {
                for (int i = 0; i < 50; i++) {
                    w.write(valid(1 + i % 8));
                }
                w.write(bad);
            }
        });
        // close() in try-with-resources discarded the output and said so.
        assertEquals(1, thrown.getSuppressed().length);
        assertMentions((Exception) thrown.getSuppressed()[0], "not written because an earlier write failed");
        assertFalse(Files.exists(file), "no partial target");
        assertEquals(List.of(), listDir(), "no temporary file left");
    }

    @Test
    void afterAFailedWriteTheWriterRefusesMore() throws IOException {
        Path file = dir.resolve("steps.parquet");
        LoggedDataWriter w = new LoggedDataWriter(file, LAYOUT);
        LoggedStep bad = valid(3);
        bad.itemIds = new long[2];
        assertThrows(IllegalArgumentException.class, () -> w.write(bad));
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> w.write(valid(3)));
        assertMentions(again, "failed earlier", "itemIds");
        IOException close = assertThrows(IOException.class, w::close);
        assertMentions(close, file.toAbsolutePath().toString(), "not written");
        w.close(); // idempotent
        assertFalse(Files.exists(file));
        assertEquals(List.of(), listDir());
    }

    @Test
    void theTargetAppearsOnlyOnCloseAndAbortDiscards() throws IOException {
        Path file = dir.resolve("atomic.parquet");
        try (LoggedDataWriter w = new LoggedDataWriter(file, LAYOUT)) {
            w.write(valid(5));
            assertFalse(Files.exists(file), "nothing at the target before close");
            assertEquals(1, listDir().size(), "one hidden temporary file");
            assertTrue(listDir().getFirst().startsWith(".atomic.parquet."), listDir().toString());
        }
        assertTrue(Files.exists(file));
        assertEquals(List.of("atomic.parquet"), listDir());

        Path other = dir.resolve("aborted.parquet");
        LoggedDataWriter w = new LoggedDataWriter(other, LAYOUT);
        w.write(valid(5));
        w.abort();
        w.close();
        assertFalse(Files.exists(other));
        assertEquals(List.of("atomic.parquet"), listDir());
        assertThrows(IllegalStateException.class, () -> w.write(valid(5)));
    }

    @Test
    void theTargetGetsTheUsualPermissionsNotOwnerOnly() throws IOException {
        Path reference = Files.writeString(dir.resolve("reference.txt"), "x"); // created under the umask
        Path file = dir.resolve("perm.parquet");
        LoggedDataRoundTripTest.write(file, LAYOUT, List.of(valid(2)), WriteOptions.defaults());
        org.junit.jupiter.api.Assumptions.assumeTrue(file.getFileSystem().supportedFileAttributeViews().contains("posix"));
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(file));
    }

    @Test
    void anExistingTargetIsReplacedOnlyWithOverwrite() throws IOException {
        Path file = dir.resolve("existing.parquet");
        LoggedDataRoundTripTest.write(file, LAYOUT, List.of(valid(2)), WriteOptions.defaults());
        assertThrows(FileAlreadyExistsException.class, () -> new LoggedDataWriter(file, LAYOUT));

        LoggedDataRoundTripTest.write(file, LAYOUT, List.of(valid(3), valid(4)), WriteOptions.defaults().withOverwrite(true));
        try (LoggedDataReader r = LoggedDataReader.open(file)) {
            assertEquals(2, r.rowCount());
        }
    }

    @Test
    void optionsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WriteOptions.defaults().withRowGroupBytes(1000));
        assertMentions(e, "rowGroupBytes", "1000");
        assertThrows(IllegalArgumentException.class, () -> new DataLayout(1, 1, 1, 0, 5, 1));
        assertMentions(assertThrows(IllegalArgumentException.class, () -> new DataLayout(1, -1, 1, 1, 5, 1)),
                "contextWidth", "-1");
        assertThrows(IllegalArgumentException.class, () -> new LoggedDataWriter(dir, LAYOUT));
    }

    private List<String> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
