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
        Dataset<Row> steps = spark.read().parquet(singleMachine.toString()).repartition(3);
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
        Dataset<Row> steps = spark.read().parquet(singleMachine.toString());
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
}
