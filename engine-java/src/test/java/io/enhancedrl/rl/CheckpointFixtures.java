package io.enhancedrl.rl;

import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;

import java.util.List;

/** Small, fast training set-ups shared by the checkpoint tests. */
final class CheckpointFixtures {

    private CheckpointFixtures() {
    }

    /** Small networks, 2 critics per group, small batches: a few hundred updates take about a second. */
    static RlConfig smallConfig() {
        return RlConfig.defaults().withCriticMembers(2).with("actorHidden", List.of(16))
                .with("criticHidden", List.of(16)).with("criticLr", 1e-3).with("actorLr", 1e-3).with("batchPairs", 48)
                .with("unshownPerShown", 2).withBudget(3, 12, 40);
    }

    static Simulator simulator() {
        return new Simulator(SimConfig.defaults(), 5);
    }

    /** A trainer on logged data collected once from the simulator (the same steps for the same seeds). */
    static ProgressiveTrainer loggedTrainer(Simulator sim, List<StepRecord> data) {
        ProgressiveTrainer t = new ProgressiveTrainer(smallConfig(), Encoding.PAIR, Collector.layoutOf(sim.config()),
                sim.config().candidatesPerRequest(), sim.fusionSpace(),
                FixedFusionPolicy.production(sim.fusionSpace()).action(), ScalarKernelOps.INSTANCE, 11);
        t.addData(data);
        return t;
    }

    static List<StepRecord> collect(Simulator sim) {
        return new Collector(smallConfig(), 16).collect(sim, FixedFusionPolicy.production(sim.fusionSpace()), 16, 1, 2,
                null, null);
    }

    static ProgressiveTrainer progressiveTrainer(Simulator sim) {
        return new ProgressiveTrainer(smallConfig(), Encoding.PAIR, sim,
                FixedFusionPolicy.production(sim.fusionSpace()).action(), ScalarKernelOps.INSTANCE, 11, 16);
    }

    /** Thrown by a listener to simulate a crash at a chosen point. */
    static final class Crash extends RuntimeException {
        Crash(String where) {
            super("simulated crash " + where);
        }
    }
}
