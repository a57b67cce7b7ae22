package io.enhancedrl.spark;

import io.enhancedrl.api.PolicyFile;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.api.RankerOptions;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;
import org.apache.spark.SparkFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The engine objects of one executor JVM, created lazily on first use and shared by every task the JVM runs:
 * one loaded policy (with its {@link Ranker}, which is thread-safe with per-thread workspaces) per shipped
 * model file, keyed by file name, content hash and backend, and one simulator world per (config, seed).
 * Loading a model or building a catalogue once per JVM instead of once per task or partition is what keeps
 * small partitions cheap.
 */
public final class ExecutorEngines {

    /** A loaded policy: the scoring facade and the parts the offline metrics use. */
    public record Engine(Ranker ranker, PolicyFile.Policy policy, KernelOps ops, Path file) {
    }

    private static final ConcurrentMap<ShippedPolicy, Engine> POLICIES = new ConcurrentHashMap<>();
    private static final ConcurrentMap<String, Simulator> WORLDS = new ConcurrentHashMap<>();

    private ExecutorEngines() {
    }

    /** The engine of a shipped policy in this JVM (loaded on the first call, checked against its hash). */
    public static Engine policy(ShippedPolicy shipped) {
        return POLICIES.computeIfAbsent(shipped, ExecutorEngines::load);
    }

    /** The engine of a policy at a local path (the driver, or the single-machine comparison). */
    public static Engine load(Path file, String backend) throws IOException {
        KernelOps ops = Backends.select(backend);
        PolicyFile.Policy policy = PolicyFile.load(file);
        Ranker ranker = Ranker.create(Ranker.Model.of(policy, file.toString()),
                RankerOptions.defaults().withOps(ops).withAllCandidates());
        return new Engine(ranker, policy, ops, file);
    }

    private static Engine load(ShippedPolicy shipped) {
        Path file = Path.of(SparkFiles.get(shipped.fileName()));
        try {
            if (!Files.exists(file)) {
                throw new IllegalStateException("policy " + shipped.fileName() + ": expected the file shipped with"
                        + " SparkContext.addFile at " + file + " but it does not exist");
            }
            String hash = ShippedPolicy.sha256(file);
            if (!hash.equals(shipped.sha256())) {
                throw new IllegalStateException("policy " + file + ": expected SHA-256 " + shipped.sha256()
                        + " (the driver's file) but the executor's copy has " + hash);
            }
            return load(file, shipped.backend());
        } catch (IOException e) {
            throw new UncheckedIOException("policy " + file + ": " + e.getMessage(), e);
        }
    }

    /** The simulator world of (config, world seed) in this JVM; the world is immutable and thread-safe. */
    public static Simulator world(String simConfigJson, long worldSeed, String backend) {
        String key = worldSeed + "|" + backend + "|" + simConfigJson;
        return WORLDS.computeIfAbsent(key,
                k -> new Simulator(SimConfig.fromJson(simConfigJson), worldSeed, Backends.select(backend)));
    }
}
