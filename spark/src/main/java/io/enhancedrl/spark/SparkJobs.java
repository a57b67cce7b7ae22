package io.enhancedrl.spark;

import io.enhancedrl.eval.OfflineMetrics;
import io.enhancedrl.rl.RlConfig;
import io.enhancedrl.sim.SimConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The spark-submit entry point (docs/scale.md): {@code collect}, {@code score} and {@code evaluate}. The master,
 * executors and memory come from spark-submit; these options only say what to compute.
 */
@Command(name = "enhancedrl-spark", mixinStandardHelpOptions = true,
        subcommands = {SparkJobs.Collect.class, SparkJobs.Score.class, SparkJobs.Evaluate.class},
        description = "EnhancedRL jobs on Apache Spark: distributed collection, batch scoring, offline evaluation.")
public final class SparkJobs implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkJobs()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static SparkSession session(String name) {
        return SparkSession.builder().appName("enhancedrl " + name).getOrCreate();
    }

    @Command(name = "collect", mixinStandardHelpOptions = true,
            description = "Rolls out simulated users in parallel (production fusion under box exploration) into a"
                    + " logged-data set; the same steps as `erl simulate --out` with the same seeds.")
    static final class Collect implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Output data set directory (path or URI).")
        String out;
        @Option(names = "--sessions", required = true, description = "Sessions (users) to roll out.")
        long sessions;
        @Option(names = "--partitions", defaultValue = "0", description = "Session ranges (default: the default parallelism).")
        int partitions;
        @Option(names = "--seed", defaultValue = "17", description = "World seed (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--user-seed", defaultValue = "1", description = "User stream seed (default: ${DEFAULT-VALUE}).")
        long userSeed;
        @Option(names = "--exploration-seed", description = "Exploration seed (default: seed * 31, as `erl simulate --out --part 0`).")
        Long explorationSeed;
        @Option(names = "--config", description = "Simulator config JSON (read on the driver).")
        Path config;
        @Option(names = "--rl-config", description = "RL config JSON (exploration settings).")
        Path rlConfig;
        @Option(names = "--backend", defaultValue = "scalar", description = "Kernel backend of the simulator's ranking (default: ${DEFAULT-VALUE}).")
        String backend;

        @Override
        public Integer call() throws Exception {
            SparkSession spark = session("collect");
            try {
                SimConfig sc = config == null ? SimConfig.defaults() : SimConfig.load(config);
                RlConfig rl = rlConfig == null ? RlConfig.defaults() : RlConfig.load(rlConfig);
                int p = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
                var spec = new DistributedCollection.Spec(sc, rl, seed, userSeed,
                        explorationSeed == null ? seed * 31 : explorationSeed, sessions, 256, backend);
                long t0 = System.nanoTime();
                List<DistributedCollection.Part> parts = DistributedCollection.collect(spark, spec, p, out);
                long steps = parts.stream().mapToLong(DistributedCollection.Part::steps).sum();
                System.out.printf("wrote %d steps of %d sessions in %d parts to %s in %.1f s%n", steps, sessions,
                        parts.size(), out, (System.nanoTime() - t0) / 1e9);
                return 0;
            } finally {
                spark.stop();
            }
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Ranks every candidate of every logged step with a trained policy; writes one row per step"
                    + " (session_id, step_index, ranked_ids, ranked_scores) as Parquet.")
    static final class Score implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "Policy model file (local to the driver; shipped to the executors).")
        Path model;
        @Option(names = "--data", required = true, description = "Logged-data set (path or URI).")
        String data;
        @Option(names = "--out", required = true, description = "Output directory for the scores (Spark Parquet).")
        String out;
        @Option(names = "--backend", defaultValue = "auto", description = "Kernel backend (default: ${DEFAULT-VALUE}).")
        String backend;

        @Override
        public Integer call() throws Exception {
            SparkSession spark = session("score");
            try {
                long t0 = System.nanoTime();
                Dataset<Row> scored = BatchScoring.score(spark, SparkLoggedData.read(spark, data), model, backend);
                scored.write().mode("overwrite").parquet(out);
                double seconds = (System.nanoTime() - t0) / 1e9;
                // read back: counts what was written, not what was planned
                Row totals = spark.read().parquet(out)
                        .agg(org.apache.spark.sql.functions.count("*"),
                                org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.size(
                                        org.apache.spark.sql.functions.col("ranked_ids"))))
                        .first();
                System.out.printf("scored %d steps (%d candidate pairs) of %s into %s in %.1f s%n", totals.getLong(0),
                        totals.isNullAt(1) ? 0L : totals.getLong(1), data, out, seconds);
                return 0;
            } finally {
                spark.stop();
            }
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Offline evaluation of a trained policy on a logged-data set: MTF-GAUC and data counts,"
                    + " equal to `erl evaluate --data` on the same data and backend.")
    static final class Evaluate implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "Policy model file.")
        Path model;
        @Option(names = "--data", required = true, description = "Held-out logged-data set (path or URI).")
        String data;
        @Option(names = "--partitions", defaultValue = "0", description = "Shuffle partitions (default: spark.sql.shuffle.partitions).")
        int partitions;
        @Option(names = "--backend", defaultValue = "auto", description = "Kernel backend (default: ${DEFAULT-VALUE}).")
        String backend;

        @Override
        public Integer call() throws Exception {
            SparkSession spark = session("evaluate");
            try {
                int p = partitions > 0 ? partitions
                        : Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
                OfflineMetrics m = DistributedEvaluation.evaluate(spark, SparkLoggedData.read(spark, data), model, backend, p);
                System.out.printf("%-28s %.4f%n", "offline MTF-GAUC", m.gauc());
                System.out.println("offline metrics: " + m);
                return 0;
            } finally {
                spark.stop();
            }
        }
    }
}
