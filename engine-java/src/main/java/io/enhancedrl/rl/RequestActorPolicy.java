package io.enhancedrl.rl;

import io.enhancedrl.data.LoggedStep;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpWorkspace;
import io.enhancedrl.sim.FusionPolicy;
import io.enhancedrl.sim.Observation;

/**
 * The user-level (UnifiedRL-style) policy: one action per request from the user-level state
 * [x_u; x_c; mean over candidates of p_j], applied to every candidate of the request.
 */
public final class RequestActorPolicy implements FusionPolicy {

    private final Mlp actor;
    private final KernelOps ops;
    private MlpWorkspace ws;
    private float[] states;

    public RequestActorPolicy(Mlp actor, KernelOps ops) {
        this.actor = actor;
        this.ops = ops;
    }

    /** Writes the user-level state of each request of obs into out [sessions][du + dc + K]. */
    public static void requestStates(Observation obs, float[] out) {
        int du = obs.userWidth();
        int dc = obs.contextWidth();
        int k = obs.tasks();
        int c = obs.candidatesPerRequest();
        int w = du + dc + k;
        float[] mtl = obs.mtlScores();
        for (int r = 0; r < obs.activeSessions(); r++) {
            System.arraycopy(obs.userFeatures(), r * du, out, r * w, du);
            System.arraycopy(obs.contextFeatures(), r * dc, out, r * w + du, dc);
            LoggedStep.meanOverCandidates(mtl, r * c * k, c, k, out, r * w + du + dc);
        }
    }

    @Override
    public void act(Observation obs, float[] actions) {
        int sessions = obs.activeSessions();
        int w = obs.userWidth() + obs.contextWidth() + obs.tasks();
        if (actor.spec().inputWidth() != w) {
            throw new IllegalArgumentException("actor input width: expected " + w + " (user-level state) but was "
                    + actor.spec().inputWidth());
        }
        if (ws == null || ws.maxRows() < sessions) {
            ws = new MlpWorkspace(actor.spec(), Math.max(1, sessions));
            states = new float[Math.max(1, sessions) * w];
        }
        requestStates(obs, states);
        actor.forward(ops, sessions, states, 0, ws);
        int aw = actor.spec().outputWidth();
        int c = obs.candidatesPerRequest();
        float[] out = ws.output();
        for (int r = 0; r < sessions; r++) {
            for (int j = 0; j < c; j++) {
                System.arraycopy(out, r * aw, actions, (r * c + j) * aw, aw);
            }
        }
    }
}
