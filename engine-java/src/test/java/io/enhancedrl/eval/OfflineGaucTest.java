package io.enhancedrl.eval;

import io.enhancedrl.data.DataLayout;
import io.enhancedrl.data.LoggedStep;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.model.fusion.FusionSpace;
import io.enhancedrl.rl.PolicyActions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OfflineGaucTest {

    /** A step of one session with 3 candidates, all shown, task-0 scores p0 and valid-play labels. */
    private static LoggedStep step(long session, float[] p0, boolean[] valid) {
        DataLayout layout = new DataLayout(1, 1, 1, 2, 3, 1);
        LoggedStep s = LoggedStep.allocate(layout, 3);
        s.sessionId = session;
        for (int j = 0; j < 3; j++) {
            s.mtlScores[j * 2] = p0[j];
            s.mtlScores[j * 2 + 1] = 0.5f;
            s.behaviours[j] = valid[j] ? 1f : 0f;
            s.rewards[j * 2] = valid[j] ? 1f : 0f;
        }
        return s;
    }

    @Test
    void fusedScoreOrderingDrivesTheMetric() {
        OfflineGauc g = new OfflineGauc(1, 2, 0);
        // session 1: the valid play has the highest p0; session 2: the lowest
        g.add(step(1, new float[]{0.9f, 0.2f, 0.3f}, new boolean[]{true, false, false}), 1);
        g.add(step(2, new float[]{0.1f, 0.6f, 0.7f}, new boolean[]{true, false, false}), 1);
        FusionSpace space = FusionSpace.uniform(2, 0, 2, 0.01, 0.5);
        // power_0 = 2 (action +1), power_1 = 0 (action -1): score increases with p0
        float[] up = {1f, -1f, -1f, -1f};
        assertEquals(0.5, g.evaluate(PolicyActions.constant(up), space, ScalarKernelOps.INSTANCE), 1e-9,
                "AUC 1 in session 1, 0 in session 2, equal sample counts");
        // power_0 = 0: every score is equal (only the constant second task): ties count half
        float[] flat = {-1f, -1f, -1f, -1f};
        assertEquals(0.5, g.evaluate(PolicyActions.constant(flat), space, ScalarKernelOps.INSTANCE), 1e-9);
        OfflineGauc one = new OfflineGauc(1, 2, 0);
        one.add(step(1, new float[]{0.9f, 0.2f, 0.3f}, new boolean[]{true, false, false}), 1);
        assertEquals(1.0, one.evaluate(PolicyActions.constant(up), space, ScalarKernelOps.INSTANCE), 1e-9);
    }
}
