package io.enhancedrl.sim;

/**
 * Test-only oracle: shows the l candidates with the highest TRUE valid-play logit, read through the run's
 * package-private hook. It works through the ordinary action interface: the chosen candidates get power 0
 * on every task (score 0), every other candidate gets power max on its smallest MTL task with bias min
 * (score 2 ln(p + 0.01) &lt; 0), so the fused top-l is exactly the oracle's choice.
 */
final class OraclePolicy implements FusionPolicy {

    private final SimulationRun run;

    OraclePolicy(SimulationRun run) {
        this.run = run;
    }

    @Override
    public void act(Observation obs, float[] actions) {
        float[] truth = run.trueLogits();
        int c = obs.candidatesPerRequest();
        int k = obs.tasks();
        int w = 2 * k;
        int l = run.simulator().config().listLength();
        float[] mtl = obs.mtlScores();
        boolean[] chosen = new boolean[c];
        for (int r = 0; r < obs.activeSessions(); r++) {
            int off = r * c;
            java.util.Arrays.fill(chosen, false);
            for (int pick = 0; pick < l; pick++) {
                int best = -1;
                for (int j = 0; j < c; j++) {
                    if (!chosen[j] && (best < 0 || truth[(off + j) * Tasks.BEHAVIOURS + Tasks.VALID_PLAY]
                            > truth[(off + best) * Tasks.BEHAVIOURS + Tasks.VALID_PLAY])) {
                        best = j;
                    }
                }
                chosen[best] = true;
            }
            for (int j = 0; j < c; j++) {
                int a = (off + j) * w;
                for (int t = 0; t < w; t++) {
                    actions[a + t] = -1f; // power min (0) and bias min
                }
                if (!chosen[j]) {
                    int low = 0;
                    for (int t = 1; t < k; t++) {
                        if (mtl[(off + j) * k + t] < mtl[(off + j) * k + low]) {
                            low = t;
                        }
                    }
                    actions[a + low] = 1f; // power max on the smallest score: ln(p + 0.01) < 0
                }
            }
        }
    }
}
