package io.enhancedrl.rl;

import io.enhancedrl.eval.OfflineGauc;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpWorkspace;

/** The actions of each kind of policy for held-out steps, for offline metrics. */
public final class PolicyActions {

    private PolicyActions() {
    }

    /** One constant action for every item (fixed and CEM-tuned fusion). */
    public static OfflineGauc.ActionSource constant(float[] action) {
        float[] a = action.clone();
        return (step, out) -> {
            for (int r = 0; r < step.shown(); r++) {
                System.arraycopy(a, 0, out, r * a.length, a.length);
            }
        };
    }

    /** The per-pair actor on [x_u; x_c; x_j; p_j] (EnhancedRL). */
    public static OfflineGauc.ActionSource pairActor(Mlp actor, KernelOps ops, int maxShown) {
        MlpWorkspace ws = new MlpWorkspace(actor.spec(), maxShown);
        float[] in = new float[maxShown * actor.spec().inputWidth()];
        return (step, out) -> {
            int w = actor.spec().inputWidth();
            int pw = step.prefix().length;
            int rw = w - pw;
            for (int r = 0; r < step.shown(); r++) {
                System.arraycopy(step.prefix(), 0, in, r * w, pw);
                System.arraycopy(step.rows(), r * rw, in, r * w + pw, rw);
            }
            actor.forward(ops, step.shown(), in, 0, ws);
            System.arraycopy(ws.output(), 0, out, 0, step.shown() * actor.spec().outputWidth());
        };
    }

    /** The per-request actor on [x_u; x_c; mean p] (user-level RL), its action repeated for every item. */
    public static OfflineGauc.ActionSource requestActor(Mlp actor, KernelOps ops) {
        MlpWorkspace ws = new MlpWorkspace(actor.spec(), 1);
        float[] in = new float[actor.spec().inputWidth()];
        return (step, out) -> {
            int pw = step.prefix().length;
            System.arraycopy(step.prefix(), 0, in, 0, pw);
            System.arraycopy(step.meanMtl(), 0, in, pw, step.meanMtl().length);
            actor.forward(ops, 1, in, 0, ws);
            int aw = actor.spec().outputWidth();
            for (int r = 0; r < step.shown(); r++) {
                System.arraycopy(ws.output(), 0, out, r * aw, aw);
            }
        };
    }
}
