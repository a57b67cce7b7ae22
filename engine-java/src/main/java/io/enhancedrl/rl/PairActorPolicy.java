package io.enhancedrl.rl;

import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpWorkspace;
import io.enhancedrl.sim.FusionPolicy;
import io.enhancedrl.sim.Observation;

/**
 * The EnhancedRL policy in the simulator: one actor evaluation per user-item pair. The enhanced state is
 * [x_u; x_c; x_j; p_j]; the user/context part of the first layer is computed once per request and
 * broadcast to its candidates (the split first layer, spec section 7). All candidates of all active
 * sessions go through one batched call. Not thread-safe (one workspace).
 */
public final class PairActorPolicy implements FusionPolicy {

    private final Mlp actor;
    private final KernelOps ops;
    private final int maxCandidates;
    private MlpWorkspace ws;
    private float[] prefix;
    private float[] rows;

    public PairActorPolicy(Mlp actor, KernelOps ops, int maxCandidates) {
        this.actor = actor;
        this.ops = ops;
        this.maxCandidates = maxCandidates;
    }

    @Override
    public void act(Observation obs, float[] actions) {
        int sessions = obs.activeSessions();
        int c = obs.candidatesPerRequest();
        int n = obs.totalCandidates();
        int du = obs.userWidth();
        int dc = obs.contextWidth();
        int di = obs.itemWidth();
        int k = obs.tasks();
        int pw = du + dc;
        int rw = di + k;
        if (actor.spec().inputWidth() != pw + rw) {
            throw new IllegalArgumentException("actor input width: expected " + (pw + rw) + " (state width) but was "
                    + actor.spec().inputWidth());
        }
        ensureCapacity(Math.max(n, 1), pw, rw);
        for (int r = 0; r < sessions; r++) {
            System.arraycopy(obs.userFeatures(), r * du, prefix, r * pw, du);
            System.arraycopy(obs.contextFeatures(), r * dc, prefix, r * pw + du, dc);
        }
        float[] items = obs.itemFeatures();
        float[] mtl = obs.mtlScores();
        for (int j = 0; j < n; j++) {
            System.arraycopy(items, j * di, rows, j * rw, di);
            System.arraycopy(mtl, j * k, rows, j * rw + di, k);
        }
        actor.forwardSplit(ops, n, pw, prefix, 0, c, rows, 0, ws);
        System.arraycopy(ws.output(), 0, actions, 0, n * actor.spec().outputWidth());
    }

    private void ensureCapacity(int n, int pw, int rw) {
        if (ws == null || ws.maxRows() < n) {
            int cap = Math.max(n, maxCandidates);
            ws = new MlpWorkspace(actor.spec(), cap);
            prefix = new float[cap * pw];
            rows = new float[cap * rw];
        }
    }
}
