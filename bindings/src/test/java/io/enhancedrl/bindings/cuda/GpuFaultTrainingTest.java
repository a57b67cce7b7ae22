package io.enhancedrl.bindings.cuda;

import io.enhancedrl.kernels.BackendFailureException;
import io.enhancedrl.rl.ActorCriticLearner;
import io.enhancedrl.rl.CriticMode;
import io.enhancedrl.rl.ListSumNext;
import io.enhancedrl.rl.RlConfig;
import io.enhancedrl.rl.TrainingStepException;
import io.enhancedrl.bindings.gpu.RandomUnitBatches;
import io.enhancedrl.rl.UnitBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device faults during a training update (issue 7): the learner on the CUDA stand-in, a launch failing at
 * chosen points of one update. The failure must be reported with its context, and the update must not be
 * half applied: the learner is exactly as before, and retrying gives exactly the update a fault-free twin made.
 */
class GpuFaultTrainingTest {

    private static final int STATE = 5;
    private static final int ACTION = 4;

    private static RlConfig config() {
        return new RlConfig(0.9, 0.15, true, 10, 10, 1, 1, List.of(1.0, 1.0), 2, List.of(8), List.of(8),
                3e-3, 1e-3, 64, 0.05, CriticMode.PAIR_DECOMPOSED, ListSumNext.LOGGED, 4, false, 1, 1, 1, false, false,
                false);
    }

    /** Three transitions of three units each, two next units per transition. */
    private static UnitBatch batch() {
        return RandomUnitBatches.batch(5, STATE, ACTION, 3, 3, 2);
    }

    /** A learner on its own stand-in device. */
    private record OnDevice(SimulatedCudaDriver driver, CudaKernelOps ops, ActorCriticLearner learner) {
        static OnDevice create() {
            SimulatedCudaDriver d = new SimulatedCudaDriver();
            KernelEmulators.install(d);
            CudaKernelOps ops = new CudaKernelOps(CudaContext.open(d, 0), new byte[]{1}, true);
            return new OnDevice(d, ops, new ActorCriticLearner(config(), ops, STATE, ACTION, 16, 4,
                    new float[]{0.1f, -0.2f, 0.3f, 0f}, 42));
        }
    }

    /** Everything an update may change, copied. */
    private static List<float[]> state(ActorCriticLearner l) {
        List<float[]> s = new ArrayList<>();
        s.add(l.actor().params().clone());
        s.add(l.critics().params().clone());
        s.add(l.actorTarget().params().clone());
        s.add(l.criticsTarget().params().clone());
        s.add(l.actorOptimizer().moments().clone());
        s.add(l.criticOptimizer().moments().clone());
        s.add(new float[]{l.actorOptimizer().stepCount(), l.criticOptimizer().stepCount()});
        return s;
    }

    private static void assertSameState(List<float[]> expected, List<float[]> actual, String what) {
        String[] names = {"actor", "critics", "actor target", "critic targets", "actor moments", "critic moments",
                "step counts"};
        for (int i = 0; i < names.length; i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": " + names[i]);
        }
    }

    @Test
    void aFaultAnywhereInAnUpdateLeavesTheLearnerAsBeforeAndTheRetryMatchesAFaultFreeTwin() {
        UnitBatch b = batch();
        OnDevice twin = OnDevice.create();
        long before = twin.driver().count("launchKernel");
        twin.learner().update(b);
        int launches = (int) (twin.driver().count("launchKernel") - before);
        List<float[]> afterOneUpdate = state(twin.learner());
        twin.ops().close();
        assertTrue(launches > 20, "launches per update: " + launches);
        System.out.printf("training fault test: %d kernel launches per update; faults at %d, %d, %d, %d, %d%n",
                launches, 0, launches / 3, launches / 2, 2 * launches / 3, launches - 1);

        for (int skip : new int[]{0, launches / 3, launches / 2, 2 * launches / 3, launches - 1}) {
            OnDevice d = OnDevice.create();
            List<float[]> initial = state(d.learner());
            d.driver().failAfter("launchKernel", skip, 719);

            TrainingStepException e = assertThrows(TrainingStepException.class, () -> d.learner().update(b),
                    "fault at launch " + skip + " of " + launches);

            assertEquals(1, d.driver().injectedFaults());
            assertSameState(initial, state(d.learner()), "after a fault at launch " + skip);
            BackendFailureException f = assertInstanceOf(BackendFailureException.class, e.getCause());
            assertEquals(f, e.failure());
            assertEquals(1, e.update());
            assertEquals("cuLaunchKernel", f.call());
            assertEquals("CUDA_ERROR_LAUNCH_FAILED", f.statusName());
            String m = e.getMessage();
            assertTrue(m.startsWith("training update 1 failed in the " + e.phase() + " on the cuda backend: cuda backend"
                    + " (Simulated GPU 0, ordinal 0) failed in " + f.op() + "(" + f.shapes() + "): cuLaunchKernel"
                    + " returned CUDA_ERROR_LAUNCH_FAILED (719)"), m);
            assertTrue(m.endsWith("the learner was restored to its state before this update (parameters, targets and"
                    + " optimiser state unchanged), so the update can be retried"), m);
            if (skip == 0) {
                assertEquals("critic targets", e.phase());
                assertEquals("linearForward", f.op());
            }
            if (skip == launches - 1) {
                assertEquals("actor step", e.phase()); // the actor's Adam step, after the critics' was taken
                assertEquals("adamUpdate", f.op());
                assertTrue(f.shapes().startsWith("len="), f.shapes());
            }

            d.learner().update(b); // the fault was a one-off: the retry goes through
            assertSameState(afterOneUpdate, state(d.learner()), "retry after a fault at launch " + skip);
            d.ops().close();
        }
    }
}
