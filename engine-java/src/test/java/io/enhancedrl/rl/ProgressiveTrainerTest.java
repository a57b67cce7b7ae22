package io.enhancedrl.rl;

import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressiveTrainerTest {

    /**
     * The user-level encoding trains on absolute TD targets whatever the pair settings say: a request is
     * one unit, so a target relative to its own list would be identically zero and teach nothing.
     */
    @Test
    void userLevelCriticsLearnNonZeroValuesUnderTheDefaultConfig() {
        Simulator sim = new Simulator(SimConfig.defaults(), 1);
        RlConfig cfg = RlConfig.defaults().withCriticMembers(2);
        assertTrue(cfg.relativePairTargets(), "the default this test guards against");
        ProgressiveTrainer t = new ProgressiveTrainer(cfg, Encoding.REQUEST, sim,
                FixedFusionPolicy.production(sim.fusionSpace()).action(), ScalarKernelOps.INSTANCE, 3, 16);
        t.addData(new Collector(cfg, 16).collect(sim, FixedFusionPolicy.production(sim.fusionSpace()), 16, 1, 2,
                null, null));
        UpdateStats s = t.train(300, 1, new ProgressiveTrainer.Listener() { });
        // a step's reward sums five items' rewards (about 1.4 each): the critics' values move well above 0
        assertTrue(s.meanQ() > 1.0, "mean Q " + s.meanQ());
        assertFalse(Double.isNaN(s.actorLoss()));
    }
}
