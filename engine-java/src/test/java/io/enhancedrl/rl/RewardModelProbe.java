package io.enhancedrl.rl;

import io.enhancedrl.eval.MetricSummary;
import io.enhancedrl.eval.OnlineEvaluator;
import io.enhancedrl.eval.OnlineMetrics;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.model.Adam;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.model.MlpWorkspace;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.FusionPolicy;
import io.enhancedrl.sim.Observation;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.SimulationRun;
import io.enhancedrl.sim.Simulator;
import io.enhancedrl.sim.StepResult;
import io.enhancedrl.sim.Tasks;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Diagnostic probe for issue 3 (not a test, not a product baseline): how much of the per-item headroom is
 * learnable from the same logged data by plain supervision, without any RL credit assignment. It logs
 * sessions of the production fusion under box exploration (beta 0.15, as the demo's first round), fits an MLP
 * on the enhanced state of every SHOWN item to that item's immediate target (the step reward r0 + r1, or the
 * valid-play behaviour), and serves "show the l candidates with the highest prediction" through the ordinary
 * action interface (the chosen ones get power 0 on every task, score 0; the others a negative score), then
 * evaluates online on the demo's evaluation users next to the production fusion.
 *
 * <p>Usage (test class path): {@code RewardModelProbe [sessions=5000] [epochs=4] [target=reward|validPlay]}.
 */
public final class RewardModelProbe {

    public static void main(String[] args) {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String target = args.length > 2 ? args[2] : "reward";
        long seed = 17;
        KernelOps ops = Backends.select();
        SimConfig cfg = SimConfig.defaults();
        Simulator sim = new Simulator(cfg, seed, ops);
        int sw = cfg.stateWidth();
        FixedFusionPolicy production = FixedFusionPolicy.production(sim.fusionSpace());

        // 1. log shown items under box exploration around the production fusion
        BoxExploration explore = new BoxExploration(production, 0.15, true, seed + 1);
        SimulationRun run = sim.start(128, sessions, seed * 1000 + 1);
        float[] xs = new float[1 << 20];
        float[] ys = new float[1 << 16];
        int n = 0;
        while (!run.finished()) {
            StepResult r = run.step(explore);
            Observation o = r.observation();
            for (int row = 0; row < r.rows(); row++) {
                for (int rank = 0; rank < r.listLength(); rank++) {
                    if ((long) (n + 1) * sw > xs.length) {
                        xs = Arrays.copyOf(xs, xs.length * 2);
                    }
                    if (n + 1 > ys.length) {
                        ys = Arrays.copyOf(ys, ys.length * 2);
                    }
                    o.writeState(r.shownCandidate(row, rank), xs, n * sw);
                    ys[n] = target.equals("validPlay") ? r.behaviour(row, rank, Tasks.VALID_PLAY)
                            : r.reward(row, rank, 0) + r.reward(row, rank, 1);
                    n++;
                }
            }
        }
        System.out.printf("logged %d shown items from %d sessions (target %s, mean %.4f)%n", n, sessions, target,
                mean(ys, n));

        // 2. supervised fit: MSE, Adam, minibatches of 256
        MlpSpec spec = MlpSpec.of(sw, new int[] {64, 32}, Activation.RELU, 1, Activation.IDENTITY);
        Mlp model = new Mlp(spec);
        model.initialize(seed);
        Adam adam = new Adam(spec.parameterCount(), 1e-3f);
        int batch = 256;
        MlpWorkspace ws = new MlpWorkspace(spec, batch);
        float[] grads = new float[spec.parameterCount()];
        float[] bx = new float[batch * sw];
        float[] dOut = new float[batch];
        SplittableRandom rng = new SplittableRandom(seed);
        int holdout = n / 10; // the last 10% of the log, for the fit's own check
        int train = n - holdout;
        System.out.printf("epoch 0: held-out MSE %.4f (variance %.4f)%n", mse(ops, model, xs, ys, train, n, sw),
                variance(ys, train, n));
        for (int e = 1; e <= epochs; e++) {
            for (int it = 0; it < train / batch; it++) {
                float[] by = new float[batch];
                for (int b = 0; b < batch; b++) {
                    int p = rng.nextInt(train);
                    System.arraycopy(xs, p * sw, bx, b * sw, sw);
                    by[b] = ys[p];
                }
                model.forward(ops, batch, bx, 0, ws);
                float[] out = ws.output();
                for (int b = 0; b < batch; b++) {
                    dOut[b] = 2f * (out[b] - by[b]) / batch;
                }
                model.backward(ops, batch, bx, 0, ws, dOut, 0, grads, false, null, 0);
                adam.step(ops, model.params(), grads);
            }
            System.out.printf("epoch %d: held-out MSE %.4f%n", e, mse(ops, model, xs, ys, train, n, sw));
        }

        // 3. online: the greedy ranker by predicted target against the production fusion
        OnlineEvaluator evaluator = new OnlineEvaluator(5, 1000, 128);
        Map<String, MetricSummary> fixed = evaluator.evaluate(sim, () -> production);
        Map<String, MetricSummary> greedy = evaluator.evaluate(sim, () -> new GreedyPolicy(model, ops, cfg));
        float[] centre = production.action();
        Map<String, MetricSummary> boxed = evaluator.evaluate(sim,
                () -> new BoxedPushPolicy(model, ops, centre, 0.15f));
        Map<String, MetricSummary> boxed3 = evaluator.evaluate(sim,
                () -> new BoxedPushPolicy(model, ops, centre, 0.45f));
        for (String metric : fixed.keySet()) {
            System.out.printf("%-28s fixed %s | greedy %s | box 0.15 push %s | box 0.45 push %s%n", metric,
                    fixed.get(metric), greedy.get(metric), boxed.get(metric), boxed3.get(metric));
        }
        paired("greedy - fixed", greedy, fixed);
        paired("box 0.15 push - fixed", boxed, fixed);
        paired("box 0.45 push - fixed", boxed3, fixed);
    }

    private static void paired(String what, Map<String, MetricSummary> a, Map<String, MetricSummary> b) {
        double[] x = a.get(OnlineMetrics.VALID_CONSUMPTION).values();
        double[] y = b.get(OnlineMetrics.VALID_CONSUMPTION).values();
        double[] diff = new double[x.length];
        for (int i = 0; i < diff.length; i++) {
            diff[i] = x[i] - y[i];
        }
        System.out.println("paired valid consumption, " + what + ": " + MetricSummary.of(diff));
    }

    /**
     * Stays inside a box of half-width beta around the production action (as one progressive round's policy
     * may): each candidate moves by beta * clip(z, -1, 1) in the direction that raises its fused score (powers
     * down, biases up; every ln(p + b) here is negative), z = its prediction's standard score in its request.
     */
    static final class BoxedPushPolicy implements FusionPolicy {
        private final Predictor predictor;
        private final float[] centre;
        private final float beta;

        BoxedPushPolicy(Mlp model, KernelOps ops, float[] centre, float beta) {
            this.predictor = new Predictor(model, ops);
            this.centre = centre;
            this.beta = beta;
        }

        @Override
        public void act(Observation obs, float[] actions) {
            int c = obs.candidatesPerRequest();
            int k = obs.tasks();
            int w = obs.actionWidth();
            float[] pred = predictor.predict(obs);
            for (int r = 0; r < obs.activeSessions(); r++) {
                int off = r * c;
                double m = 0;
                double q = 0;
                for (int j = 0; j < c; j++) {
                    m += pred[off + j];
                    q += (double) pred[off + j] * pred[off + j];
                }
                m /= c;
                double sd = Math.sqrt(Math.max(1e-12, q / c - m * m));
                for (int j = 0; j < c; j++) {
                    float z = (float) Math.max(-1, Math.min(1, (pred[off + j] - m) / sd));
                    int a = (off + j) * w;
                    for (int t = 0; t < k; t++) {
                        actions[a + t] = Math.max(-1f, Math.min(1f, centre[t] - beta * z));
                        actions[a + k + t] = Math.max(-1f, Math.min(1f, centre[k + t] + beta * z));
                    }
                }
            }
        }
    }

    /** The fitted model's prediction for every candidate of an observation (its own workspace). */
    static final class Predictor {
        private final Mlp model;
        private final KernelOps ops;
        private MlpWorkspace ws;
        private float[] states;

        Predictor(Mlp model, KernelOps ops) {
            this.model = model;
            this.ops = ops;
        }

        float[] predict(Observation obs) {
            int total = obs.totalCandidates();
            int sw = obs.stateWidth();
            if (ws == null || ws.maxRows() < total) {
                ws = new MlpWorkspace(model.spec(), total);
                states = new float[total * sw];
            }
            for (int j = 0; j < total; j++) {
                obs.writeState(j, states, j * sw);
            }
            model.forward(ops, total, states, 0, ws);
            return ws.output();
        }
    }

    /** Shows the l candidates with the highest predicted target (ties: the smaller candidate index). */
    static final class GreedyPolicy implements FusionPolicy {
        private final Predictor predictor;
        private final int l;

        GreedyPolicy(Mlp model, KernelOps ops, SimConfig cfg) {
            this.predictor = new Predictor(model, ops);
            this.l = cfg.listLength();
        }

        @Override
        public void act(Observation obs, float[] actions) {
            int c = obs.candidatesPerRequest();
            int k = obs.tasks();
            int w = obs.actionWidth();
            float[] pred = predictor.predict(obs);
            float[] mtl = obs.mtlScores();
            boolean[] chosen = new boolean[c];
            for (int r = 0; r < obs.activeSessions(); r++) {
                int off = r * c;
                Arrays.fill(chosen, false);
                for (int pick = 0; pick < l; pick++) {
                    int best = -1;
                    for (int j = 0; j < c; j++) {
                        if (!chosen[j] && (best < 0 || pred[off + j] > pred[off + best])) {
                            best = j;
                        }
                    }
                    chosen[best] = true;
                }
                for (int j = 0; j < c; j++) {
                    int a = (off + j) * w;
                    Arrays.fill(actions, a, a + w, -1f); // power 0, bias min: score 0
                    if (!chosen[j]) {
                        int low = 0;
                        for (int t = 1; t < k; t++) {
                            if (mtl[(off + j) * k + t] < mtl[(off + j) * k + low]) {
                                low = t;
                            }
                        }
                        actions[a + low] = 1f; // power max on the smallest score: 2 ln(p + 0.01) < 0
                    }
                }
            }
        }
    }

    private static double mse(KernelOps ops, Mlp model, float[] xs, float[] ys, int from, int to, int sw) {
        MlpWorkspace ws = new MlpWorkspace(model.spec(), to - from);
        model.forward(ops, to - from, xs, from * sw, ws);
        float[] out = ws.output();
        double s = 0;
        for (int i = from; i < to; i++) {
            double d = out[i - from] - ys[i];
            s += d * d;
        }
        return s / (to - from);
    }

    private static double mean(float[] v, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += v[i];
        }
        return s / n;
    }

    private static double variance(float[] v, int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) {
            m += v[i];
        }
        m /= to - from;
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (v[i] - m) * (v[i] - m);
        }
        return s / (to - from);
    }
}
