package io.enhancedrl.spark;

import io.enhancedrl.data.DataLayout;
import io.enhancedrl.rl.Collector;
import io.enhancedrl.rl.RlConfig;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Distributed data collection: the sessions 0 .. sessions-1 of a user seed are cut into contiguous ranges,
 * one Spark partition each; every partition rolls its users out with the production fusion under box
 * exploration ({@link Collector#log}) and writes its steps as one part of a logged-data set.
 *
 * <p>Every step is a function of (world seed, user seed, exploration seed, session id) only (the simulator
 * derives each session's streams from its id, box exploration each request's noise from (session, step)),
 * so the data set holds the same steps whatever the number of partitions, and the same steps as
 * {@code erl simulate --out} or {@link Collector#collect} on one machine with the same seeds; only the split
 * into part files and the order of the steps differ.
 */
public final class DistributedCollection {

    /** What to collect. The exploration seed of {@code erl simulate --out --part 0} is worldSeed * 31. */
    public record Spec(SimConfig sim, RlConfig rl, long worldSeed, long userSeed, long explorationSeed, long sessions,
                       int batchSize, String backend) {
        public Spec {
            if (sessions < 1) {
                throw new IllegalArgumentException("sessions: expected >= 1 but was " + sessions);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize: expected >= 1 but was " + batchSize);
            }
        }

        public static Spec of(long sessions, long worldSeed, long userSeed) {
            return new Spec(SimConfig.defaults(), RlConfig.defaults(), worldSeed, userSeed, worldSeed * 31, sessions,
                    256, "scalar");
        }
    }

    /** One written part: its URI, the first session and the number of sessions and steps it holds. */
    public record Part(String uri, long firstSession, int sessions, long steps) implements Serializable {
    }

    /** The serializable task of one range (configs travel as JSON, the world is built once per JVM). */
    private record RangeTask(String simJson, String rlJson, long worldSeed, long userSeed, long explorationSeed,
                             int batchSize, String backend, String outUri) implements Serializable {

        Iterator<Part> run(Iterator<long[]> ranges) throws Exception {
            List<Part> out = new ArrayList<>();
            Simulator sim = ExecutorEngines.world(simJson, worldSeed, backend);
            DataLayout layout = Collector.layoutOf(sim.config());
            Collector collector = new Collector(RlConfig.fromJson(rlJson), batchSize);
            while (ranges.hasNext()) {
                long[] r = ranges.next();
                long first = r[0];
                int count = (int) r[1];
                String[] written = PartOutput.write(outUri, PartOutput.partName(first), layout,
                        w -> collector.log(sim, FixedFusionPolicy.production(sim.fusionSpace()), first, count,
                                userSeed, explorationSeed, w::write));
                out.add(new Part(written[0], first, count, Long.parseLong(written[1])));
            }
            return out.iterator();
        }
    }

    private DistributedCollection() {
    }

    /**
     * Collects {@code spec.sessions()} sessions in {@code partitions} ranges (as equal as possible) into the
     * data set directory {@code outUri} (a local path, file:, or any Hadoop file system URI). Returns the parts
     * in session order.
     */
    public static List<Part> collect(SparkSession spark, Spec spec, int partitions, String outUri) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions: expected >= 1 but was " + partitions);
        }
        List<long[]> ranges = ranges(spec.sessions(), partitions);
        RangeTask task = new RangeTask(spec.sim().toJson(), spec.rl().toJson(), spec.worldSeed(), spec.userSeed(),
                spec.explorationSeed(), spec.batchSize(), spec.backend(), outUri);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return jsc.parallelize(ranges, ranges.size()).mapPartitions(task::run).collect();
    }

    /** Contiguous ranges {first, count} covering 0 .. sessions-1, at most `partitions` of them, sizes differing by <= 1. */
    static List<long[]> ranges(long sessions, int partitions) {
        int p = (int) Math.min(partitions, sessions);
        List<long[]> out = new ArrayList<>(p);
        long base = sessions / p;
        long extra = sessions % p;
        long first = 0;
        for (int i = 0; i < p; i++) {
            long count = base + (i < extra ? 1 : 0);
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("sessions: " + sessions + " in " + partitions + " partitions gives "
                        + count + " sessions in one partition; use more partitions (at most " + Integer.MAX_VALUE
                        + " per partition)");
            }
            out.add(new long[]{first, count});
            first += count;
        }
        return out;
    }
}
