package io.enhancedrl.spark;

import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.api.PolicyFile;
import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.data.LoggedDataWriter;
import io.enhancedrl.data.LoggedDataset;
import io.enhancedrl.data.LoggedStep;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.rl.Collector;
import io.enhancedrl.rl.RlConfig;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Batch-scoring throughput, Spark local mode against the single-machine path in the same JVM and run (a
 * harness, not a test: it prints numbers and asserts nothing). Pairs = candidates scored (every candidate
 * of every step). Usage:
 * {@code ScoringThroughput [sessions=400] [cores=2] [backend=auto] [repeats=3]}.
 *
 * <p>Single machine: one thread reads the data set with the engine reader and ranks every step with
 * {@link BatchScoring#scoreStep} (also reported: scoring steps already in memory, the kernel-only bound).
 * Spark: {@code local[cores]}, {@code spark.read.parquet} + {@link BatchScoring#score} into the no-op sink,
 * timed after one warm-up run (JIT and the per-JVM engine).
 */
public final class ScoringThroughput {

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int cores = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String backend = args.length > 2 ? args[2] : "auto";
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path dir = Files.createTempDirectory("erl-scale-");
        SimConfig sc = SimConfig.defaults();
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Simulator sim = new Simulator(sc, 17);
        int parts = Math.max(cores * 2, 4);
        for (int p = 0; p < parts; p++) {
            // several parts so that Spark has one task per part and core
            int first = p * sessions / parts;
            int count = (p + 1) * sessions / parts - first;
            try (LoggedDataWriter w = new LoggedDataWriter(LoggedDataset.partFile(data, p), Collector.layoutOf(sc))) {
                new Collector(RlConfig.defaults(), 256).log(sim, FixedFusionPolicy.production(sim.fusionSpace()), first,
                        count, 1, 17 * 31, w::write);
            }
        }
        Path model = dir.resolve("policy.safetensors");
        FeatureLayout layout = new FeatureLayout(sc.userWidth(), sc.contextWidth(), sc.itemWidth(), sc.tasks());
        int[] hidden = RlConfig.defaults().actorHidden().stream().mapToInt(Integer::intValue).toArray();
        Mlp actor = new Mlp(MlpSpec.of(layout.stateWidth(), hidden, Activation.RELU, layout.actionWidth(), Activation.TANH));
        actor.initialize(3);
        PolicyFile.save(model, actor, layout, sc.fusionSpace());
        LoggedDataset ds = LoggedDataset.open(data);
        System.out.printf("data: %d steps, %d sessions, C = %d, actor %s, backend %s, %d cores available, JDK %s%n",
                ds.countSteps(), sessions, sc.candidatesPerRequest(), actor.spec(), backend,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        ExecutorEngines.Engine engine = ExecutorEngines.load(model, backend);
        RankRequest q = new RankRequest();
        RankResult res = new RankResult();
        List<LoggedStep> inMemory = new ArrayList<>();
        ds.forEach(s -> inMemory.add(s.copy()));
        for (int rep = 0; rep <= repeats; rep++) {
            long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long[] pairs = {0};
            ds.forEach(s -> pairs[0] += BatchScoring.scoreStep(engine.ranker(), s, q, res).size());
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e9;
            long t1 = System.nanoTime();
            long scoreOnly = 0;
            for (LoggedStep s : inMemory) {
                scoreOnly += BatchScoring.scoreStep(engine.ranker(), s, q, res).size();
            }
            double wall2 = (System.nanoTime() - t1) / 1e9;
            System.out.printf("%s single machine, 1 thread: read+score %.0f pairs/s (wall), %.0f pairs/s per CPU-second;"
                            + " score only (in memory) %.0f pairs/s%n", rep == 0 ? "warm-up" : "run " + rep,
                    pairs[0] / wall, pairs[0] / cpu, scoreOnly / wall2);
        }

        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("ScoringThroughput")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            for (int rep = 0; rep <= repeats; rep++) {
                long t0 = System.nanoTime();
                Dataset<Row> scored = BatchScoring.score(spark, SparkLoggedData.read(spark, data.toString()), model, backend);
                scored.write().format("noop").mode("overwrite").save();
                double wall = (System.nanoTime() - t0) / 1e9;
                long pairs = ds.countSteps() * sc.candidatesPerRequest();
                System.out.printf("%s Spark local[%d]: %.0f pairs/s (wall), %.0f pairs/s per core%n",
                        rep == 0 ? "warm-up" : "run " + rep, cores, pairs / wall, pairs / wall / cores);
            }
        } finally {
            spark.stop();
        }
    }
}
