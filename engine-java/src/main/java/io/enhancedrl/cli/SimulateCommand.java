package io.enhancedrl.cli;

import io.enhancedrl.data.LoggedDataWriter;
import io.enhancedrl.data.LoggedDataset;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.rl.Collector;
import io.enhancedrl.rl.RlConfig;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.OutcomeSummary;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Runs sessions of fresh users with the production (fixed) fusion and prints the session metrics.")
public final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--sessions", defaultValue = "1000", description = "Sessions to run (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--seed", defaultValue = "17", description = "World seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--user-seed", defaultValue = "1", description = "User stream seed (default: ${DEFAULT-VALUE}).")
    long userSeed;

    @Option(names = "--config", description = "Simulator config JSON (missing keys take defaults).")
    Path config;

    @Option(names = "--print-config", description = "Print the effective simulator config and exit.")
    boolean printConfig;

    @Option(names = "--out", description = {"Write the sessions as logged data (Parquet, docs/data-format.md) into this folder,",
            "collected with the production fusion under box exploration (beta from the RL config)."})
    Path out;

    @Option(names = "--part", defaultValue = "0", description = "Part number of the file written into --out (default: ${DEFAULT-VALUE}).")
    int part;

    @Option(names = "--rl-config", description = "RL config JSON (exploration settings for --out).")
    Path rlConfig;

    @Override
    public Integer call() throws Exception {
        SimConfig cfg = config == null ? SimConfig.defaults() : SimConfig.load(config);
        if (printConfig) {
            System.out.println(cfg.toJson());
            return 0;
        }
        Simulator sim = new Simulator(cfg, seed, Backends.select());
        if (out != null) {
            return writeLoggedData(sim);
        }
        long t0 = System.nanoTime();
        var run = sim.start(Math.min(256, sessions), sessions, userSeed);
        var outcomes = run.runToEnd(FixedFusionPolicy.production(sim.fusionSpace()));
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.println(OutcomeSummary.of(outcomes));
        System.out.printf("%d sessions, %d requests, %d candidates scored in %.2f s (%.0f candidates/s)%n", sessions,
                run.requestsServed(), run.candidatesScored(), secs, run.candidatesScored() / secs);
        return 0;
    }

    private int writeLoggedData(Simulator sim) throws Exception {
        RlConfig rl = rlConfig == null ? RlConfig.defaults() : RlConfig.load(rlConfig);
        java.nio.file.Files.createDirectories(out);
        Path file = LoggedDataset.partFile(out, part);
        long t0 = System.nanoTime();
        long steps;
        try (LoggedDataWriter writer = new LoggedDataWriter(file, Collector.layoutOf(sim.config()));
             Progress progress = Progress.start("simulate " + sessions + " sessions", sessions)) {
            new Collector(rl, Math.min(256, sessions)).collect(sim, FixedFusionPolicy.production(sim.fusionSpace()),
                    sessions, userSeed, seed * 31 + part, writer::write, progress::step);
            steps = writer.stepsWritten();
        }
        System.out.printf("wrote %d logged steps of %d sessions to %s in %.1f s%n", steps, sessions, file,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
