package io.enhancedrl.spark;

import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.data.LoggedDataWriter;
import io.enhancedrl.data.LoggedDataset;
import io.enhancedrl.data.LoggedStep;
import io.enhancedrl.eval.OfflineGauc;
import io.enhancedrl.eval.OfflineMetrics;
import io.enhancedrl.rl.Collector;
import io.enhancedrl.rl.PolicyActions;
import io.enhancedrl.rl.RlConfig;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;
import io.enhancedrl.sim.Tasks;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark paths against the single-machine paths on the same seeds and data, in local[2] mode: collection
 * (independent of the partition count, equal to one machine), both readers on both writers' data sets, batch
 * scoring and offline evaluation (bit-equal to the single-machine results).
 */
class SparkPipelineTest {

    private static final long WORLD = 17;
    private static final long USERS = 1;
    private static final int SESSIONS = 20;

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static SimConfig sc;
    /** The single-machine data set: what {@code erl simulate --out dir --sessions 20} writes. */
    private static Path singleMachine;
    private static List<LoggedStep> singleSteps;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkFixtures.localSession("SparkPipelineTest");
        sc = SimConfig.defaults();
        Simulator sim = new Simulator(sc, WORLD, io.enhancedrl.kernels.Backends.select("scalar"));
        singleMachine = dir.resolve("single");
        java.nio.file.Files.createDirectories(singleMachine);
        try (LoggedDataWriter w = new LoggedDataWriter(LoggedDataset.partFile(singleMachine, 0), Collector.layoutOf(sc))) {
            new Collector(RlConfig.defaults(), 256).collect(sim, FixedFusionPolicy.production(sim.fusionSpace()),
                    SESSIONS, USERS, WORLD * 31, w::write, null);
        }
        singleSteps = SparkFixtures.sorted(readEngine(singleMachine));
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static List<LoggedStep> readEngine(Path ds) throws Exception {
        List<LoggedStep> out = new ArrayList<>();
        LoggedDataset.open(ds).forEach(s -> out.add(s.copy()));
        return out;
    }

    private static List<LoggedStep> readSpark(Path ds) {
        Dataset<Row> df = spark.read().parquet(ds.toString());
        StepRows rows = new StepRows(df.schema());
        List<LoggedStep> out = new ArrayList<>();
        for (Row r : df.collectAsList()) {
            out.add(rows.read(r, new LoggedStep()));
        }
        return out;
    }

    private static void assertSameSteps(List<LoggedStep> expected, List<LoggedStep> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": step count");
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(expected.get(i).contentEquals(actual.get(i)),
                    what + ": step " + i + " differs: " + expected.get(i) + " vs " + actual.get(i));
        }
    }

    @Test
    void collectionDoesNotDependOnPartitionsAndEqualsTheSingleMachinePath() throws Exception {
        DistributedCollection.Spec spec = DistributedCollection.Spec.of(SESSIONS, WORLD, USERS);
        Path one = dir.resolve("collect-1");
        Path three = dir.resolve("collect-3");
        List<DistributedCollection.Part> parts1 = DistributedCollection.collect(spark, spec, 1, one.toString());
        List<DistributedCollection.Part> parts3 = DistributedCollection.collect(spark, spec, 3, one.toUri().toString()
                .replace("collect-1", "collect-3"));
        assertEquals(1, parts1.size());
        assertEquals(3, parts3.size());
        assertEquals(List.of(0L, 7L, 14L), parts3.stream().map(DistributedCollection.Part::firstSession).toList());
        assertEquals(parts1.getFirst().steps(), parts3.stream().mapToLong(DistributedCollection.Part::steps).sum());
        // the engine reads the Spark-written data sets; sorted by (session, step) they equal one machine's
        List<LoggedStep> a = SparkFixtures.sorted(readEngine(one));
        List<LoggedStep> b = SparkFixtures.sorted(readEngine(three));
        assertSameSteps(singleSteps, a, "1 partition vs single machine");
        assertSameSteps(singleSteps, b, "3 partitions vs single machine");
        assertEquals(SESSIONS, b.stream().mapToLong(s -> s.sessionId).distinct().count());
        // and Spark reads them too
        assertSameSteps(singleSteps, SparkFixtures.sorted(readSpark(three)), "Spark reader on the Spark-written set");
    }

    @Test
    void sparkReadsTheSingleMachineDataSetAsTheEngineDoes() {
        List<LoggedStep> viaSpark = SparkFixtures.sorted(readSpark(singleMachine));
        assertSameSteps(singleSteps, viaSpark, "Spark reader vs engine reader");
        Dataset<Row> df = spark.read().parquet(singleMachine.toString());
        assertEquals("bigint", df.schema().apply("session_id").dataType().simpleString());
        assertEquals("array<float>", df.schema().apply("item_features").dataType().simpleString());
        assertEquals("array<bigint>", df.schema().apply("item_ids").dataType().simpleString());
    }

    @Test
    void batchScoringEqualsTheSingleMachineRanker() throws Exception {
        Path model = SparkFixtures.policy(dir, sc, 5);
        SparkLoggedData read = SparkLoggedData.read(spark, singleMachine.toString());
        SparkLoggedData steps = new SparkLoggedData(read.steps().repartition(3), read.layout());
        List<Row> scored = BatchScoring.score(spark, steps, model, "scalar").collectAsList();
        assertEquals(singleSteps.size(), scored.size());
        Map<String, Row> byKey = new HashMap<>();
        for (Row r : scored) {
            byKey.put(r.getLong(0) + "/" + r.getInt(1), r);
        }
        ExecutorEngines.Engine local = ExecutorEngines.load(model, "scalar");
        RankRequest q = new RankRequest();
        RankResult res = new RankResult();
        long pairs = 0;
        for (LoggedStep s : singleSteps) {
            BatchScoring.scoreStep(local.ranker(), s, q, res);
            Row r = byKey.get(s.sessionId + "/" + s.stepIndex);
            List<Long> ids = r.getList(2);
            List<Float> scores = r.getList(3);
            assertArrayEquals(res.ids(), ids.stream().mapToLong(Long::longValue).toArray(), "ids of " + s.sessionId);
            float[] fs = new float[scores.size()];
            for (int i = 0; i < fs.length; i++) {
                fs[i] = scores.get(i);
            }
            assertArrayEquals(res.scores(), fs, "scores of " + s.sessionId + "/" + s.stepIndex);
            assertEquals(s.candidates, fs.length);
            assertTrue(fs[0] >= fs[fs.length - 1], "descending scores");
            pairs += fs.length;
        }
        assertEquals(singleSteps.stream().mapToLong(s -> s.candidates).sum(), pairs);
    }

    @Test
    void offlineEvaluationEqualsTheSingleMachineMetricsBitForBit() throws Exception {
        Path model = SparkFixtures.policy(dir, sc, 6);
        ExecutorEngines.Engine local = ExecutorEngines.load(model, "scalar");
        OfflineGauc single = new OfflineGauc(sc.itemWidth(), sc.tasks(), Tasks.VALID_PLAY);
        LoggedDataset.open(singleMachine).forEach(s -> single.add(s, Tasks.BEHAVIOURS));
        OfflineMetrics expected = single.metrics(PolicyActions.pairActor(local.policy().actor(), local.ops(),
                sc.listLength()), local.policy().fusion(), local.ops());
        SparkLoggedData steps = SparkLoggedData.read(spark, singleMachine.toString());
        for (int partitions : new int[]{1, 5}) {
            OfflineMetrics got = DistributedEvaluation.evaluate(spark, steps, model, "scalar", partitions);
            assertEquals(Double.doubleToLongBits(expected.gauc()), Double.doubleToLongBits(got.gauc()),
                    partitions + " partitions: " + got + " vs " + expected);
            assertEquals(expected, got, partitions + " partitions");
        }
        assertFalse(Double.isNaN(expected.gauc()));
        assertEquals(singleSteps.size(), expected.steps());
        assertTrue(expected.users() > 0 && expected.users() + expected.skippedUsers() == SESSIONS, expected.toString());
    }

    @Test
    void everySparkRowCarriesItsFileAndRowAndPassesTheEngineChecks() throws Exception {
        SparkLoggedData data = SparkLoggedData.read(spark, singleMachine.toString());
        assertEquals(Collector.layoutOf(sc), data.layout());
        StepRows rows = new StepRows(data.steps().schema());
        List<Row> all = data.steps().collectAsList();
        Map<String, List<Long>> rowsPerFile = new HashMap<>();
        List<LoggedStep> checked = new ArrayList<>();
        for (Row r : all) {
            checked.add(rows.readChecked(r, new LoggedStep(), data.layout()));
            rowsPerFile.computeIfAbsent(rows.file(r).toString(), f -> new ArrayList<>()).add(rows.rowIndex(r));
        }
        assertSameSteps(singleSteps, SparkFixtures.sorted(checked), "checked Spark rows vs engine reader");
        assertEquals(1, rowsPerFile.size(), rowsPerFile.keySet().toString());
        String file = rowsPerFile.keySet().iterator().next();
        assertTrue(file.endsWith(LoggedDataset.partFile(singleMachine, 0).getFileName().toString()), file);
        List<Long> indices = rowsPerFile.get(file).stream().sorted().toList();
        assertEquals(java.util.stream.LongStream.range(0, singleSteps.size()).boxed().toList(), indices);
    }

    /** Data set "name" of one part holding the single-machine steps, with step {@code bad} changed. */
    private static Path withOneBadRow(String name, int bad, java.util.function.Consumer<LoggedStep> change)
            throws Exception {
        Path ds = dir.resolve(name);
        java.nio.file.Files.createDirectories(ds);
        List<LoggedStep> steps = new ArrayList<>();
        for (LoggedStep s : readEngine(singleMachine)) {
            steps.add(s.copy());
        }
        change.accept(steps.get(bad));
        io.enhancedrl.data.UncheckedParts.write(ds.resolve("part-00000.parquet"), Collector.layoutOf(sc), steps);
        return ds;
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }

    @Test
    void aBadRecordFailsEvaluationAndScoringNamingTheFileRowAndColumn() throws Exception {
        Path model = SparkFixtures.policy(dir, sc, 7);
        Path shownBad = withOneBadRow("bad-shown", 9, s -> s.shown[0] = s.candidates + 7);
        SparkLoggedData a = SparkLoggedData.read(spark, shownBad.toString());
        Exception e = assertThrows(Exception.class,
                () -> DistributedEvaluation.evaluate(spark, a, model, "scalar", 2));
        String m = messages(e);
        assertTrue(m.contains("part-00000.parquet: row 9: shown[0]") && m.contains("out of range"), m);

        Path nanBad = withOneBadRow("bad-mtl", 4, s -> s.mtlScores[3] = Float.NaN);
        SparkLoggedData b = SparkLoggedData.read(spark, nanBad.toString());
        Exception e2 = assertThrows(Exception.class,
                () -> BatchScoring.score(spark, b, model, "scalar").collectAsList());
        String m2 = messages(e2);
        assertTrue(m2.contains("part-00000.parquet: row 4: ") && m2.contains("NaN"), m2);
    }

    @Test
    void aDataSetWithoutTheEngineFooterOrWithMixedLayoutsIsRejectedNamingTheFile() throws Exception {
        // Spark's own writer drops the footer metadata the engine reader and this module require
        Path copy = dir.resolve("spark-copy");
        spark.read().parquet(singleMachine.toString()).coalesce(1).write().parquet(copy.toString());
        var e = assertThrows(io.enhancedrl.data.DataFormatException.class,
                () -> SparkLoggedData.read(spark, copy.toString()));
        assertTrue(e.getMessage().contains("part-") && e.getMessage().contains("enhancedrl.format"), e.getMessage());

        Path mixed = dir.resolve("mixed");
        java.nio.file.Files.createDirectories(mixed);
        List<LoggedStep> some = readEngine(singleMachine).subList(0, 3);
        var base = Collector.layoutOf(sc);
        io.enhancedrl.data.UncheckedParts.write(mixed.resolve("part-00000.parquet"), base, some);
        io.enhancedrl.data.UncheckedParts.write(mixed.resolve("part-00001.parquet"), new io.enhancedrl.data.DataLayout(
                base.userWidth(), base.contextWidth(), base.itemWidth(), base.tasks(), base.listLength() + 1,
                base.behaviours()), some);
        var e2 = assertThrows(io.enhancedrl.data.DataFormatException.class,
                () -> SparkLoggedData.read(spark, mixed.toString()));
        assertTrue(e2.getMessage().contains("part-00001.parquet") && e2.getMessage().contains("differs from"),
                e2.getMessage());
    }

    @Test
    void aModelOfAnotherFeatureLayoutIsRefusedBeforeAnyTask() throws Exception {
        Path model = SparkFixtures.policy(dir, sc, 8);
        SparkLoggedData data = SparkLoggedData.read(spark, singleMachine.toString());
        var l = data.layout();
        SparkLoggedData wider = new SparkLoggedData(data.steps(), new io.enhancedrl.data.DataLayout(l.userWidth(),
                l.contextWidth(), l.itemWidth() + 1, l.tasks(), l.listLength(), l.behaviours()));
        var e = assertThrows(IllegalArgumentException.class, () -> BatchScoring.score(spark, wider, model, "scalar"));
        assertTrue(e.getMessage().contains("does not match the data set's") && e.getMessage().contains("d_i="
                + (l.itemWidth() + 1)), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DistributedEvaluation.evaluate(spark, wider, model, "scalar", 2));
    }
}
