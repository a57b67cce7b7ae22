package io.enhancedrl.data;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed files and rows are refused with a message naming the file, the row and the problem. */
class LoggedDataRejectionTest {

    static final DataLayout LAYOUT = LoggedDataRoundTripTest.LAYOUT;

    @TempDir
    Path dir;

    /** Opens {@code file} and reads every row; returns the exception, checking it names the file. */
    static DataFormatException rejectOnRead(Path file) {
        return rejection(file, () -> {
            try (LoggedDataReader r = LoggedDataReader.open(file)) {
                LoggedStep s = new LoggedStep();
                while (r.next(s)) {
                    // read everything
                }
            }
        });
    }

    static DataFormatException rejection(Path file, Executable action) {
        DataFormatException e = assertThrows(DataFormatException.class, action);
        assertTrue(e.getMessage().startsWith(file.toAbsolutePath().toString() + ":"),
                () -> "message should start with the file: " + e.getMessage());
        assertEquals(file.toAbsolutePath(), e.file());
        return e;
    }

    static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message should mention '" + p + "': " + e.getMessage());
        }
    }

    private Path validFile(String name, int steps) throws IOException {
        Path file = dir.resolve(name);
        LoggedDataRoundTripTest.write(file, LAYOUT, TestSteps.randomSteps(LAYOUT, steps, 8, 21), WriteOptions.defaults());
        return file;
    }

    /** Writes 5 valid steps with the Group API after {@code corrupt} edits the one at {@code row}. */
    private Path groupApiFile(String name, int row, Consumer<LoggedStep> corrupt) throws IOException {
        List<LoggedStep> steps = new ArrayList<>(TestSteps.randomSteps(LAYOUT, 5, 8, 33));
        corrupt.accept(steps.get(row));
        Path file = dir.resolve(name);
        TestSteps.writeWithGroupApi(file, StepSchema.SCHEMA, TestSteps.metadata(LAYOUT), steps);
        return file;
    }

    @Test
    void truncatedFilesAreRejectedAtOpen() throws IOException {
        Path good = validFile("good.parquet", 50);
        byte[] bytes = Files.readAllBytes(good);
        int[] cuts = {0, 3, 4, 7, 100, bytes.length / 2, bytes.length - 9, bytes.length - 8, bytes.length - 4, bytes.length - 1};
        for (int cut : cuts) {
            Path cutFile = dir.resolve("cut-" + cut + ".parquet");
            Files.write(cutFile, java.util.Arrays.copyOf(bytes, cut));
            DataFormatException e = rejection(cutFile, () -> LoggedDataReader.open(cutFile).close());
            assertMentions(e, "not a Parquet file, or truncated, or its footer is corrupt");
            assertEquals(DataFormatException.NO_ROW, e.row());
        }
    }

    /**
     * A footer whose column chunk runs past the end of the file (a fuzzing finding: the Parquet reader allocated
     * the chunk's stated size and the JVM ran out of memory) is refused at open, naming the column.
     */
    @Test
    void aColumnChunkBeyondTheEndOfTheFileIsRejectedAtOpen() throws IOException {
        Path file = dir.resolve("chunk-past-the-end.parquet");
        try (var in = getClass().getResourceAsStream(
                "LoggedDataFuzzTargetTestInputs/readLoggedData/crash-b502290c733afd5666d6cd94f10061a0db0b92d8")) {
            Files.write(file, in.readAllBytes());
        }
        DataFormatException e = rejection(file, () -> LoggedDataReader.open(file));
        assertMentions(e, "the footer puts it at bytes [", "but the file has " + Files.size(file) + " bytes");
    }

    @Test
    void garbageIsRejected() throws IOException {
        Path file = dir.resolve("garbage.parquet");
        byte[] junk = new byte[4096];
        new java.util.Random(1).nextBytes(junk);
        Files.write(file, junk);
        assertMentions(rejection(file, () -> LoggedDataReader.open(file)), "not a Parquet file");

        // Parquet magic at both ends with nonsense in between: the footer is what is corrupt.
        byte[] fake = new byte[200];
        new java.util.Random(2).nextBytes(fake);
        System.arraycopy("PAR1".getBytes(), 0, fake, 0, 4);
        System.arraycopy(new byte[]{50, 0, 0, 0}, 0, fake, 192, 4); // footer length 50
        System.arraycopy("PAR1".getBytes(), 0, fake, 196, 4);
        Path fakeFile = dir.resolve("fake.parquet");
        Files.write(fakeFile, fake);
        assertMentions(rejection(fakeFile, () -> LoggedDataReader.open(fakeFile)), "footer is corrupt");
    }

    @Test
    void missingFileIsNotAFormatError() {
        assertThrows(NoSuchFileException.class, () -> LoggedDataReader.open(dir.resolve("absent.parquet")));
        assertThrows(NoSuchFileException.class, () -> LoggedDataset.open(dir.resolve("absent")));
    }

    @Test
    void aParquetFileWithAnotherSchemaIsRejected() throws IOException {
        MessageType other = MessageTypeParser.parseMessageType(
                "message other { required int64 session_id; required binary name (STRING); }");
        Path file = dir.resolve("other.parquet");
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration()).withType(other)
                .withExtraMetaData(TestSteps.metadata(LAYOUT)).build()) {
            w.write(new SimpleGroupFactory(other).newGroup().append("session_id", 1L).append("name", "x"));
        }
        DataFormatException e = rejection(file, () -> LoggedDataReader.open(file));
        assertMentions(e, "missing column 'step_index'", "expected int32");
    }

    @Test
    void aWrongTypedColumnIsRejected() throws IOException {
        Path file = dir.resolve("double.parquet");
        TestSteps.writeWithGroupApi(file, TestSteps.schemaWithDoubleColumn("item_features"), TestSteps.metadata(LAYOUT),
                TestSteps.randomSteps(LAYOUT, 2, 4, 1));
        DataFormatException e = rejection(file, () -> LoggedDataReader.open(file));
        assertMentions(e, "column 'item_features' has type", "double", "expected list<float>");
    }

    @Test
    void missingFormatMetadataIsRejected() throws IOException {
        Path file = dir.resolve("nometa.parquet");
        TestSteps.writeWithGroupApi(file, StepSchema.SCHEMA, Map.of(), TestSteps.randomSteps(LAYOUT, 2, 4, 1));
        assertMentions(rejection(file, () -> LoggedDataReader.open(file)),
                "not an EnhancedRL logged-step file", "'enhancedrl.format'");
    }

    @Test
    void unknownVersionIsRejected() throws IOException {
        Map<String, String> meta = new HashMap<>(TestSteps.metadata(LAYOUT));
        meta.put("enhancedrl.format.version", "2");
        Path file = dir.resolve("v2.parquet");
        TestSteps.writeWithGroupApi(file, StepSchema.SCHEMA, meta, TestSteps.randomSteps(LAYOUT, 2, 4, 1));
        assertMentions(rejection(file, () -> LoggedDataReader.open(file)),
                "format version '2'", "not supported", "reads version 1");
    }

    @Test
    void missingOrBadLayoutMetadataIsRejected() throws IOException {
        Map<String, String> meta = new HashMap<>(TestSteps.metadata(LAYOUT));
        meta.remove("enhancedrl.layout.item_width");
        Path file = dir.resolve("nowidth.parquet");
        TestSteps.writeWithGroupApi(file, StepSchema.SCHEMA, meta, List.of());
        assertMentions(rejection(file, () -> LoggedDataReader.open(file)), "'enhancedrl.layout.item_width' is missing");

        meta.put("enhancedrl.layout.item_width", "twelve");
        Path file2 = dir.resolve("badwidth.parquet");
        TestSteps.writeWithGroupApi(file2, StepSchema.SCHEMA, meta, List.of());
        assertMentions(rejection(file2, () -> LoggedDataReader.open(file2)), "'enhancedrl.layout.item_width' is 'twelve'");

        meta.put("enhancedrl.layout.item_width", "-3");
        Path file3 = dir.resolve("negwidth.parquet");
        TestSteps.writeWithGroupApi(file3, StepSchema.SCHEMA, meta, List.of());
        assertMentions(rejection(file3, () -> LoggedDataReader.open(file3)), "layout metadata is invalid", "itemWidth");
    }

    @Test
    void aRowWithInconsistentLengthsIsRejected() throws IOException {
        // Row 3 loses one item feature: the metadata says d_i = 5, the row has candidates*5 - 1 values.
        Path file = groupApiFile("short-row.parquet", 3,
                s -> s.itemFeatures = java.util.Arrays.copyOf(s.itemFeatures, s.itemFeatures.length - 1));
        DataFormatException e = rejectOnRead(file);
        assertEquals(3, e.row());
        assertMentions(e, ": row 3: ", "item_features", "expected candidates * item_width", "got");
    }

    @Test
    void aRowWithTooManyShownItemsIsRejected() throws IOException {
        Path file = groupApiFile("long-shown.parquet", 1, s -> {
            s.candidates = 8;
            s.itemIds = new long[8];
            s.itemFeatures = new float[8 * LAYOUT.itemWidth()];
            s.mtlScores = new float[8 * LAYOUT.tasks()];
            s.actions = new float[8 * LAYOUT.actionWidth()];
            s.boxCentres = new float[8 * LAYOUT.actionWidth()];
            s.shown = new int[]{0, 1, 2, 3, 4}; // l = 4
        });
        DataFormatException e = rejectOnRead(file);
        assertEquals(1, e.row());
        assertMentions(e, "shown", "min(4, 8) = 4", "got 5");
    }

    @Test
    void nanInFeaturesIsRejected() throws IOException {
        Path file = groupApiFile("nan.parquet", 1, s -> s.userFeatures[2] = Float.NaN);
        DataFormatException e = rejectOnRead(file);
        assertEquals(1, e.row());
        assertMentions(e, "row 1", "user_features[2] = NaN", "finite");

        Path inf = groupApiFile("inf.parquet", 2, s -> s.rewards[1] = Float.POSITIVE_INFINITY);
        assertMentions(rejectOnRead(inf), "row 2", "rewards[1] = Infinity (shown item 0, entry 1)", "finite");
    }

    @Test
    void shownIndexOutOfRangeOrDuplicatedIsRejected() throws IOException {
        Path file = groupApiFile("shown-range.parquet", 2, s -> s.shown[s.shown.length - 1] = s.candidates + 1);
        DataFormatException e = rejectOnRead(file);
        assertEquals(2, e.row());
        assertMentions(e, "row 2", "shown[", "is out of range [0, candidates=");

        // Row 0 of seed 33 shows at least 2 items (checked, so that the test cannot pass vacuously).
        assertTrue(TestSteps.randomSteps(LAYOUT, 5, 8, 33).getFirst().shown.length >= 2);
        Path dup = groupApiFile("shown-dup.parquet", 0, s -> s.shown[1] = s.shown[0]);
        assertMentions(rejectOnRead(dup), "row 0", "shown[1]", "duplicates shown[0]");
    }

    @Test
    void actionsOutsideTheTanhRangeAreRejected() throws IOException {
        Path file = groupApiFile("action.parquet", 4, s -> s.actions[1] = 1.5f);
        assertMentions(rejectOnRead(file), "row 4", "actions[1] = 1.5 (candidate 0, entry 1)", "must be in [-1.0, 1.0]");
    }

    @Test
    void nullValuesInSparkStyleFilesAreRejected() throws IOException {
        List<LoggedStep> steps = new ArrayList<>(TestSteps.randomSteps(LAYOUT, 4, 8, 5));
        steps.get(2).mtlScores = null; // a null column value
        Path file = dir.resolve("null.parquet");
        TestSteps.writeWithGroupApi(file, TestSteps.optionalSchema(), TestSteps.metadata(LAYOUT), steps);
        DataFormatException e = rejectOnRead(file);
        assertEquals(2, e.row());
        assertMentions(e, "column 'mtl_scores' is null");
    }

    @Test
    void aFooterKeyWithoutAValueIsRejectedNotANullPointerException() throws Exception {
        // Found by LoggedDataFuzzTargetTest (the input is committed in its inputs directory): a key-value pair
        // whose optional value is absent made open() throw a NullPointerException from Map.copyOf.
        Path file = Path.of(LoggedDataRejectionTest.class
                .getResource("LoggedDataFuzzTargetTestInputs/readLoggedData/crash-footer-metadata-value-missing.parquet").toURI());
        DataFormatException e = rejectOnRead(file);
        assertMentions(e, "metadata 'enhancedrl.layout.behaviours' is missing");
    }

    @Test
    void aCorruptPageIsRejected() throws IOException {
        // Flip bytes inside the data pages (not the footer): the page checksum catches it.
        Path good = validFile("pages.parquet", 200);
        byte[] bytes = Files.readAllBytes(good);
        for (int i = 4000; i < 4016; i++) {
            bytes[i] ^= (byte) 0x5A;
        }
        Path bad = dir.resolve("corrupt-page.parquet");
        Files.write(bad, bytes);
        DataFormatException e = rejectOnRead(bad);
        assertTrue(e.getMessage().contains("cannot read the row group") || e.getMessage().contains("cannot decode the row"),
                e.getMessage());
    }

    @Test
    void datasetPartsWithDifferentLayoutsAreRejected() throws IOException {
        Path ds = dir.resolve("mixed");
        LoggedDataRoundTripTest.write(LoggedDataset.partFile(ds, 0), LAYOUT, TestSteps.randomSteps(LAYOUT, 3, 5, 1),
                WriteOptions.defaults());
        DataLayout other = new DataLayout(3, 2, 6, 3, 4, 3);
        Path part1 = LoggedDataset.partFile(ds, 1);
        LoggedDataRoundTripTest.write(part1, other, TestSteps.randomSteps(other, 3, 5, 1), WriteOptions.defaults());
        DataFormatException e = rejection(part1, () -> LoggedDataset.open(ds));
        assertMentions(e, "d_i=6", "d_i=5", "part-00000.parquet", "must share one layout");
    }

    @Test
    void datasetWithoutPartsOrWithABadPartIsRejected() throws IOException {
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        Files.writeString(empty.resolve("_SUCCESS"), "");
        assertMentions(rejection(empty, () -> LoggedDataset.open(empty)), "no part files");

        Path ds = dir.resolve("badpart");
        LoggedDataRoundTripTest.write(LoggedDataset.partFile(ds, 0), LAYOUT, TestSteps.randomSteps(LAYOUT, 3, 5, 1),
                WriteOptions.defaults());
        Path junk = LoggedDataset.partFile(ds, 1);
        Files.writeString(junk, "this is not parquet");
        assertMentions(rejection(junk, () -> LoggedDataset.open(ds)), "not a Parquet file");
    }

    @Test
    void aReaderThatFailedCannotContinue() throws IOException {
        Path file = groupApiFile("fail-once.parquet", 1, s -> s.userFeatures[0] = Float.NaN);
        try (LoggedDataReader r = LoggedDataReader.open(file)) {
            LoggedStep s = new LoggedStep();
            assertTrue(r.next(s));
            assertThrows(DataFormatException.class, () -> r.next(s));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.next(s));
            assertMentions(e, "failed at row 1");
        }
    }
}
