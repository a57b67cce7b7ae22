package io.enhancedrl.cli;

import io.enhancedrl.kernels.Backends;
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

    @Override
    public Integer call() throws Exception {
        SimConfig cfg = config == null ? SimConfig.defaults() : SimConfig.load(config);
        if (printConfig) {
            System.out.println(cfg.toJson());
            return 0;
        }
        Simulator sim = new Simulator(cfg, seed, Backends.select());
        long t0 = System.nanoTime();
        var run = sim.start(Math.min(256, sessions), sessions, userSeed);
        var outcomes = run.runToEnd(FixedFusionPolicy.production(sim.fusionSpace()));
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.println(OutcomeSummary.of(outcomes));
        System.out.printf("%d sessions, %d requests, %d candidates scored in %.2f s (%.0f candidates/s)%n", sessions,
                run.requestsServed(), run.candidatesScored(), secs, run.candidatesScored() / secs);
        return 0;
    }
}
