package io.enhancedrl.data;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoggedDataRoundTripTest {

    static final DataLayout LAYOUT = new DataLayout(3, 2, 5, 3, 4, 3);

    @TempDir
    Path dir;

    static void write(Path file, DataLayout layout, List<LoggedStep> steps, WriteOptions options) throws IOException {
        try (LoggedDataWriter w = new LoggedDataWriter(file, layout, options)) {
            for (LoggedStep s : steps) {
                w.write(s);
            }
            assertEquals(steps.size(), w.stepsWritten());
        }
    }

    static List<LoggedStep> readAll(Path file) throws IOException {
        List<LoggedStep> out = new ArrayList<>();
        try (LoggedDataReader r = LoggedDataReader.open(file)) {
            LoggedStep s = new LoggedStep();
            while (r.next(s)) {
                out.add(s.copy());
            }
            assertFalse(r.next(s), "next after the end stays false");
        }
        return out;
    }

    static void assertSameSteps(List<LoggedStep> expected, List<LoggedStep> actual) {
        assertEquals(expected.size(), actual.size(), "step count");
        for (int i = 0; i < expected.size(); i++) {
            int row = i;
            assertTrue(expected.get(i).contentEquals(actual.get(i)),
                    () -> "row " + row + ": wrote " + expected.get(row) + " read " + actual.get(row));
        }
    }

    @ParameterizedTest
    @EnumSource(WriteOptions.Compression.class)
    void randomStepsRoundTripBitForBit(WriteOptions.Compression compression) throws IOException {
        // Candidate counts from 1 to 12 around l = 4, so some steps show fewer than l items.
        List<LoggedStep> steps = TestSteps.randomSteps(LAYOUT, 300, 12, 42);
        assertTrue(steps.stream().anyMatch(s -> s.candidates < LAYOUT.listLength()), "some steps have C < l");
        assertTrue(steps.stream().anyMatch(s -> s.done) && steps.stream().anyMatch(s -> !s.done), "both done flags");
        Path file = dir.resolve("steps.parquet");
        write(file, LAYOUT, steps, WriteOptions.defaults().withCompression(compression));

        try (LoggedDataReader r = LoggedDataReader.open(file)) {
            assertEquals(LAYOUT, r.layout());
            assertEquals(steps.size(), r.rowCount());
            assertEquals("1", r.metadata().get("enhancedrl.format.version"));
        }
        assertSameSteps(steps, readAll(file));
    }

    @Test
    void specialValuesSurviveExactly() throws IOException {
        LoggedStep s = LoggedStep.allocate(LAYOUT, 2);
        s.sessionId = Long.MIN_VALUE;
        s.stepIndex = Integer.MAX_VALUE;
        s.userFeatures[0] = -0.0f;
        s.userFeatures[1] = Float.MIN_VALUE;
        s.userFeatures[2] = -Float.MAX_VALUE;
        s.contextFeatures[0] = Float.MAX_VALUE;
        s.contextFeatures[1] = Float.MIN_NORMAL / 3; // subnormal
        s.itemIds[0] = Long.MAX_VALUE;
        s.itemIds[1] = -1;
        s.mtlScores[0] = 1f;
        s.actions[0] = -1f;
        s.boxCentres[0] = -0.0f;
        s.shown[0] = 1;
        s.shown[1] = 0;
        Path file = dir.resolve("special.parquet");
        write(file, LAYOUT, List.of(s), WriteOptions.defaults());
        LoggedStep back = readAll(file).getFirst();
        assertTrue(s.contentEquals(back), () -> "read " + back);
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(back.userFeatures[0]), "sign of zero");
    }

    @Test
    void zeroWidthsGiveEmptyArrays() throws IOException {
        DataLayout layout = new DataLayout(0, 0, 0, 1, 1, 0);
        List<LoggedStep> steps = TestSteps.randomSteps(layout, 20, 3, 7);
        Path file = dir.resolve("empty-widths.parquet");
        write(file, layout, steps, WriteOptions.defaults());
        List<LoggedStep> back = readAll(file);
        assertSameSteps(steps, back);
        assertEquals(0, back.getFirst().userFeatures.length);
        assertEquals(0, back.getFirst().itemFeatures.length);
    }

    @Test
    void emptyFileHasLayoutAndNoSteps() throws IOException {
        Path file = dir.resolve("none.parquet");
        write(file, LAYOUT, List.of(), WriteOptions.defaults());
        try (LoggedDataReader r = LoggedDataReader.open(file)) {
            assertEquals(LAYOUT, r.layout());
            assertEquals(0, r.rowCount());
            assertFalse(r.next(new LoggedStep()));
        }
    }

    @Test
    void readerReusesTheHolderArraysWhenLengthsMatch() throws IOException {
        SplittableRandom rng = new SplittableRandom(3);
        List<LoggedStep> steps = List.of(TestSteps.random(LAYOUT, 6, rng, 1, 0), TestSteps.random(LAYOUT, 6, rng, 1, 1),
                TestSteps.random(LAYOUT, 9, rng, 1, 2));
        Path file = dir.resolve("reuse.parquet");
        write(file, LAYOUT, steps, WriteOptions.defaults());
        try (LoggedDataReader r = LoggedDataReader.open(file)) {
            LoggedStep s = new LoggedStep();
            assertTrue(r.next(s));
            float[] features = s.itemFeatures;
            assertTrue(r.next(s));
            assertSame(features, s.itemFeatures, "same candidate count: array reused");
            assertTrue(steps.get(1).contentEquals(s));
            assertTrue(r.next(s));
            assertNotSame(features, s.itemFeatures, "more candidates: new array");
            assertTrue(steps.get(2).contentEquals(s));
        }
    }

    @Test
    void extraMetadataIsKeptAndReservedKeysAreRefused() throws IOException {
        Path file = dir.resolve("meta.parquet");
        write(file, LAYOUT, TestSteps.randomSteps(LAYOUT, 3, 5, 1),
                WriteOptions.defaults().withExtraMetadata(Map.of("sim.seed", "1234", "behaviours", "play,time,like")));
        try (LoggedDataReader r = LoggedDataReader.open(file)) {
            assertEquals("1234", r.metadata().get("sim.seed"));
            assertEquals("play,time,like", r.metadata().get("behaviours"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WriteOptions.defaults().withExtraMetadata(Map.of("enhancedrl.format.version", "9")));
        assertTrue(e.getMessage().contains("enhancedrl.format.version"), e.getMessage());
    }

    @Test
    void streamsManyStepsAcrossRowGroups() throws IOException {
        // 20k small steps in 1 MiB row groups: the reader must walk many row groups, holding one at a time.
        DataLayout layout = new DataLayout(4, 2, 8, 2, 3, 2);
        Path file = dir.resolve("many.parquet");
        SplittableRandom rng = new SplittableRandom(11);
        int n = 20_000;
        double writtenSum = 0;
        long writtenIds = 0;
        try (LoggedDataWriter w = new LoggedDataWriter(file, layout, WriteOptions.defaults().withRowGroupBytes(1 << 20))) {
            LoggedStep s = LoggedStep.allocate(layout, 5);
            for (int i = 0; i < n; i++) {
                s.sessionId = i / 10;
                s.stepIndex = i % 10;
                for (int k = 0; k < s.itemFeatures.length; k++) {
                    s.itemFeatures[k] = (float) rng.nextDouble();
                }
                for (int j = 0; j < s.candidates; j++) {
                    s.itemIds[j] = rng.nextLong();
                    writtenIds += s.itemIds[j];
                }
                s.done = i % 10 == 9;
                writtenSum += sum(s.itemFeatures);
                w.write(s);
            }
        }
        int rowGroups;
        try (ParquetFileReader pf = ParquetFileReader.open(new LocalInputFile(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).withCodecFactory(new LocalCodecs()).build())) {
            rowGroups = pf.getRowGroups().size();
        }
        assertTrue(rowGroups > 1, "expected several row groups, got " + rowGroups);

        long count = 0;
        long dones = 0;
        long readIds = 0;
        double readSum = 0;
        try (LoggedDataReader r = LoggedDataReader.open(file)) {
            LoggedStep s = new LoggedStep();
            while (r.next(s)) {
                assertEquals(count % 10, s.stepIndex);
                count++;
                dones += s.done ? 1 : 0;
                readSum += sum(s.itemFeatures);
                for (long id : s.itemIds) {
                    readIds += id;
                }
            }
        }
        assertEquals(n, count);
        assertEquals(n / 10, dones);
        assertEquals(writtenIds, readIds, "item id checksum");
        assertEquals(writtenSum, readSum, 0.0, "feature checksum (same order, same float values)");
    }

    private static double sum(float[] v) {
        double t = 0;
        for (float x : v) {
            t += x;
        }
        return t;
    }

    @Test
    void datasetReadsPartsInNameOrder() throws IOException {
        Path ds = dir.resolve("ds");
        List<LoggedStep> all = TestSteps.randomSteps(LAYOUT, 90, 10, 5);
        // Written out of order on purpose: the reading order is the part-name order.
        int[] order = {2, 0, 1};
        for (int p : order) {
            write(LoggedDataset.partFile(ds, p), LAYOUT, all.subList(30 * p, 30 * p + 30), WriteOptions.defaults());
        }
        Files.writeString(ds.resolve("_SUCCESS"), "");
        Files.writeString(ds.resolve(".part-00003.parquet.123.tmp"), "half-written");
        Files.writeString(ds.resolve("README.txt"), "not a part");
        Files.writeString(ds.resolve(".hidden.parquet"), "hidden: not a part");
        Files.writeString(ds.resolve("_metadata.parquet"), "underscore: not a part");

        LoggedDataset d = LoggedDataset.open(ds);
        assertEquals(LAYOUT, d.layout());
        assertEquals(3, d.parts().size());
        assertEquals(90, d.countSteps());
        List<LoggedStep> back = new ArrayList<>();
        d.forEach(s -> back.add(s.copy()));
        assertSameSteps(all, back);

        List<LoggedStep> viaReader = new ArrayList<>();
        try (StepSource src = d.openReader()) {
            LoggedStep s = new LoggedStep();
            while (src.next(s)) {
                viaReader.add(s.copy());
            }
        }
        assertSameSteps(all, viaReader);
    }

    @Test
    void datasetOfOneFile() throws IOException {
        Path file = dir.resolve("single.parquet");
        List<LoggedStep> steps = TestSteps.randomSteps(LAYOUT, 12, 6, 8);
        write(file, LAYOUT, steps, WriteOptions.defaults());
        LoggedDataset d = LoggedDataset.open(file);
        assertEquals(List.of(file.toAbsolutePath()), d.parts());
        assertEquals(12, d.countSteps());
        List<LoggedStep> back = new ArrayList<>();
        d.forEach(s -> back.add(s.copy()));
        assertSameSteps(steps, back);
    }

    @Test
    void partFileNamesSortInIndexOrder() {
        assertEquals("part-00007.parquet", LoggedDataset.partFile(dir, 7).getFileName().toString());
        assertTrue(LoggedDataset.partFile(dir, 9).getFileName().toString()
                .compareTo(LoggedDataset.partFile(dir, 10).getFileName().toString()) < 0);
    }

    @Test
    void readsSparkStyleOptionalColumns() throws IOException {
        // Spark writes every column and list element as optional; without nulls such a file is valid.
        List<LoggedStep> steps = TestSteps.randomSteps(LAYOUT, 25, 8, 9);
        Path file = dir.resolve("spark-like.parquet");
        TestSteps.writeWithGroupApi(file, TestSteps.optionalSchema(), TestSteps.metadata(LAYOUT), steps);
        assertSameSteps(steps, readAll(file));
    }

    @Test
    void extraColumnsAreIgnored() throws IOException {
        org.apache.parquet.schema.MessageType withExtra = new org.apache.parquet.schema.MessageType("with_extra",
                java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(org.apache.parquet.schema.Types.optional(
                                org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE).named("score_v2")),
                        StepSchema.SCHEMA.getFields().stream()).toList());
        List<LoggedStep> steps = TestSteps.randomSteps(LAYOUT, 10, 8, 10);
        Path file = dir.resolve("extra-column.parquet");
        TestSteps.writeWithGroupApi(file, withExtra, TestSteps.metadata(LAYOUT), steps);
        assertSameSteps(steps, readAll(file));
    }
}
