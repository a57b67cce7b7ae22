package io.enhancedrl.bindings.gpu;

import io.enhancedrl.api.ServingFixtures;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.rl.ActorCriticLearner;
import io.enhancedrl.rl.CriticMode;
import io.enhancedrl.rl.ListSumNext;
import io.enhancedrl.rl.RlConfig;
import io.enhancedrl.rl.UnitBatch;
import io.enhancedrl.rl.UpdateStats;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The EnhancedRL learner (critic ensemble, targets, actor) on the CUDA backend against the CPU reference from one
 * seed: TD errors, actor losses and every parameter agree after 30 updates, in both critic modes; and an update
 * on the device allocates on the Java heap only what it allocates on the CPU: its UpdateStats result.
 */
@Tag("gpu")
class RlTrainingGpuTest {

    static final int STATE = 7, ACTION = 4, UPDATES = 30;

    private static RlConfig config(CriticMode mode) {
        return new RlConfig(0.9, 0.15, true, 10, 10, 1, 1, List.of(1.0, 1.0), 2, List.of(33), List.of(17),
                3e-3, 1e-3, 64, 0.05, mode, ListSumNext.LOGGED, 4, false, 1, 1, 1, false, false, false);
    }

    /** Six transitions of five units each, three next units per transition. */
    private static UnitBatch batch(long seed) {
        return RandomUnitBatches.batch(seed, STATE, ACTION, 6, 5, 3);
    }

    private static ActorCriticLearner learner(CriticMode mode, KernelOps ops) {
        return new ActorCriticLearner(config(mode), ops, STATE, ACTION, 64, 8, new float[]{0.1f, -0.2f, 0.3f, 0f}, 42);
    }

    @Test
    void thirtyUpdatesMatchTheCpuInBothCriticModes() {
        KernelOps cuda = GpuSupport.cudaOrSkip();
        // Summation order differs on a GPU, and 30 Adam steps amplify it: the looser rule of MlpTrainingGpuTest.
        Tolerance loose = new Tolerance(1e-4, 1e-3);
        for (CriticMode mode : CriticMode.values()) {
            ActorCriticLearner cpu = learner(mode, ScalarKernelOps.INSTANCE), gpu = learner(mode, cuda);
            double[] td = new double[2 * UPDATES], actor = new double[2 * UPDATES];
            for (int u = 0; u < UPDATES; u++) {
                UnitBatch b = batch(1_000 + u);
                UpdateStats c = cpu.update(b), g = gpu.update(b);
                td[2 * u] = c.tdError();
                td[2 * u + 1] = g.tdError();
                actor[2 * u] = c.actorLoss();
                actor[2 * u + 1] = g.actorLoss();
            }
            for (int u = 0; u < UPDATES; u++) {
                loose.assertClose(mode + " TD error of update " + u, new float[]{(float) td[2 * u]},
                        new float[]{(float) td[2 * u + 1]});
                loose.assertClose(mode + " actor loss of update " + u, new float[]{(float) actor[2 * u]},
                        new float[]{(float) actor[2 * u + 1]});
            }
            loose.assertClose(mode + " actor", cpu.actor().params(), gpu.actor().params());
            loose.assertClose(mode + " critics", cpu.critics().params(), gpu.critics().params());
            loose.assertClose(mode + " actor target", cpu.actorTarget().params(), gpu.actorTarget().params());
            loose.assertClose(mode + " critic targets", cpu.criticsTarget().params(), gpu.criticsTarget().params());
            System.out.printf("%s: TD error %.5f -> %.5f on cpu, %.5f -> %.5f on cuda%n", mode, td[0],
                    td[2 * UPDATES - 2], td[1], td[2 * UPDATES - 1]);
        }
    }

    @Test
    void theDeviceAddsNoAllocationToAnUpdate() {
        KernelOps cuda = GpuSupport.cudaOrSkip();
        UnitBatch b = batch(7);
        ActorCriticLearner cpu = learner(CriticMode.PAIR_DECOMPOSED, ScalarKernelOps.INSTANCE);
        ActorCriticLearner gpu = learner(CriticMode.PAIR_DECOMPOSED, cuda);
        long[] onCpu = ServingFixtures.bytesAllocatedPerWindow(() -> cpu.update(b), 100, 5);
        long[] onGpu = ServingFixtures.bytesAllocatedPerWindow(() -> gpu.update(b), 100, 5);
        String windows = "bytes per window of 100 updates: cpu " + java.util.Arrays.toString(onCpu) + ", cuda "
                + java.util.Arrays.toString(onGpu);
        System.out.println(windows);
        // The least window is the steady state (compiler activity only adds); the result record is the only
        // allocation, so at most a few dozen bytes per update, and the same on both backends.
        long cpuLeast = java.util.Arrays.stream(onCpu).min().orElseThrow();
        long gpuLeast = java.util.Arrays.stream(onGpu).min().orElseThrow();
        assertEquals(cpuLeast, gpuLeast, windows);
        assertTrue(gpuLeast <= 100 * 64, "at most one small record per update: " + windows);
    }
}
