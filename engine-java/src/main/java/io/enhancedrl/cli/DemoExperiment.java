package io.enhancedrl.cli;

import io.enhancedrl.baselines.CrossEntropyMethod;
import io.enhancedrl.eval.MethodResult;
import io.enhancedrl.eval.MetricSummary;
import io.enhancedrl.eval.OnlineEvaluator;
import io.enhancedrl.eval.OnlineMetrics;
import io.enhancedrl.eval.RoundStats;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.rl.CriticMode;
import io.enhancedrl.eval.OfflineGauc;
import io.enhancedrl.rl.Collector;
import io.enhancedrl.rl.Encoding;
import io.enhancedrl.rl.PolicyActions;
import io.enhancedrl.sim.Tasks;
import io.enhancedrl.rl.ProgressiveTrainer;
import io.enhancedrl.rl.RlConfig;
import io.enhancedrl.rl.UpdateStats;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.SessionOutcome;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.Simulator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo experiment: on one simulated world, every method is trained with the same budget and evaluated
 * online on the same fresh users: fixed (production) fusion, CEM-tuned global fusion, user-level RL and
 * EnhancedRL, each RL method over the progressive rounds.
 */
public final class DemoExperiment {

    /** Budget of one experiment. */
    public record Profile(String name, int rounds, int sessionsPerRound, int updatesPerRound, int evalSeeds,
                          int evalSessions, int cemIterations, int cemPopulation, int cemSessions, int collectBatch,
                          int heldOutSessions) {
        public static Profile quick() {
            return new Profile("quick", 2, 300, 150, 5, 200, 3, 8, 100, 100, 100);
        }

        public static Profile full() {
            return new Profile("full", 5, 1000, 1500, 5, 1000, 6, 12, 200, 200, 500);
        }
    }

    private final SimConfig simConfig;
    private final RlConfig rlConfig;
    private final Profile profile;
    private final KernelOps ops;
    private final long seed;
    private final PrintStream log;
    private int trainSeeds = 1;

    public DemoExperiment(SimConfig simConfig, RlConfig rlConfig, Profile profile, KernelOps ops, long seed,
                          PrintStream log) {
        this.simConfig = simConfig;
        this.rlConfig = rlConfig.withBudget(profile.rounds(), profile.sessionsPerRound(), profile.updatesPerRound());
        this.profile = profile;
        this.ops = ops;
        this.seed = seed;
        this.log = log;
    }

    /** Trains every RL method this many times (default 1); see {@link #trainAndEvaluate}. */
    public void setTrainSeeds(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("trainSeeds: expected >= 1 but was " + n);
        }
        trainSeeds = n;
    }

    public RlConfig rlConfig() {
        return rlConfig;
    }

    /** Runs every method on a simulator built from the config; returns one result per method. */
    public List<MethodResult> run(SimConfig cfg, String label, boolean includeVariants) {
        return run(cfg, label, includeVariants, java.util.Set.of("fixed", "cem", "user", "enhanced"));
    }

    /** The method names {@link #run(SimConfig, String, boolean, java.util.Set)} knows. */
    public static final List<String> METHODS = List.of("fixed", "cem", "user", "enhanced", "enhanced-absolute",
            "enhanced-gradient");

    /**
     * Runs the named methods (from {@link #METHODS}; with includeVariants also the absolute-target, critic-gradient
     * and list-sum variants).
     */
    public List<MethodResult> run(SimConfig cfg, String label, boolean includeVariants, java.util.Set<String> methods) {
        Simulator sim = new Simulator(cfg, seed, ops);
        OnlineEvaluator eval = new OnlineEvaluator(profile.evalSeeds(), profile.evalSessions(), profile.collectBatch());
        float[] production = FixedFusionPolicy.production(sim.fusionSpace()).action();
        List<MethodResult> results = new ArrayList<>();
        long t0 = System.nanoTime();
        phase(label, "held-out logged data for offline MTF-GAUC", t0);
        OfflineGauc offline = heldOut(sim, production);

        if (methods.contains("fixed")) {
            phase(label, "fixed fusion: evaluate", t0);
            Map<String, MetricSummary> fixed = eval.evaluate(sim, () -> new FixedFusionPolicy(production));
            results.add(new MethodResult("fixed fusion", fixed, List.of(),
                    offline.evaluate(PolicyActions.constant(production), sim.fusionSpace(), ops)));
        }
        if (methods.contains("cem")) {
            results.add(cem(label, sim, eval, production, t0, offline));
        }
        if (methods.contains("user")) {
            results.add(trainAndEvaluate(label, "user-level RL", Encoding.REQUEST, rlConfig, sim, eval, production, t0,
                    offline));
        }
        if (methods.contains("enhanced")) {
            results.add(trainAndEvaluate(label, "EnhancedRL", Encoding.PAIR, rlConfig, sim, eval, production, t0, offline));
        }
        if (includeVariants || methods.contains("enhanced-absolute")) {
            results.add(trainAndEvaluate(label, "EnhancedRL (spec's absolute pair targets)", Encoding.PAIR,
                    rlConfig.withRelativePairTargets(false), sim, eval, production, t0, offline));
        }
        if (includeVariants || methods.contains("enhanced-gradient")) {
            results.add(trainAndEvaluate(label, "EnhancedRL (spec's critic-gradient actor)", Encoding.PAIR,
                    rlConfig.withActorAdvantagePush(false), sim, eval, production, t0, offline));
        }
        if (includeVariants) {
            results.add(trainAndEvaluate(label, "EnhancedRL (list-sum critic)", Encoding.PAIR,
                    rlConfig.withCriticMode(CriticMode.LIST_SUM).withActorAdvantagePush(false), sim, eval, production, t0, offline));
        }
        return results;
    }

    /** Sessions logged by the production fusion under box exploration, on users no method trains on. */
    private OfflineGauc heldOut(Simulator sim, float[] production) {
        OfflineGauc offline = new OfflineGauc(sim.config().itemWidth(), sim.config().tasks(), Tasks.VALID_PLAY);
        new Collector(rlConfig, profile.collectBatch()).collect(sim, new FixedFusionPolicy(production),
                profile.heldOutSessions(), 5_000_000L, seed + 1, step -> offline.add(step, Tasks.BEHAVIOURS), null);
        return offline;
    }

    private MethodResult cem(String label, Simulator sim, OnlineEvaluator eval, float[] production, long t0,
                             OfflineGauc offline) {

        phase(label, "CEM global fusion: search", t0);
        int[] evalCount = {0};
        var cem = CrossEntropyMethod.maximize(production,
                new CrossEntropyMethod.Settings(profile.cemIterations(), profile.cemPopulation(),
                        Math.max(2, profile.cemPopulation() / 4), 0.3, 0.05), seed,
                a -> {
                    // each candidate is scored on its own training users (never the evaluation users)
                    List<SessionOutcome> out = sim.start(profile.collectBatch(), profile.cemSessions(),
                            7_000_000L + evalCount[0]++).runToEnd(new FixedFusionPolicy(a));
                    return out.stream().mapToDouble(SessionOutcome::validConsumption).average().orElse(0);
                });
        Map<String, MetricSummary> cemOnline = eval.evaluate(sim, () -> new FixedFusionPolicy(cem.best()));
        return new MethodResult("CEM global fusion", cemOnline, List.of(),
                offline.evaluate(PolicyActions.constant(cem.best()), sim.fusionSpace(), ops));
    }

    /**
     * Trains a method with each training seed (the same seeds for every method, so that methods are compared
     * on common random numbers) and evaluates each result on the same users. With one training seed the
     * interval is over evaluation seeds; with several it is over training seeds (each value the mean over the
     * evaluation seeds), which is the variance that decides whether one method is better than another.
     */
    private MethodResult trainAndEvaluate(String label, String name, Encoding enc, RlConfig cfg, Simulator sim,
                                          OnlineEvaluator eval, float[] production, long t0, OfflineGauc offline) {
        List<MethodResult> runs = new ArrayList<>();
        for (int s = 0; s < trainSeeds; s++) {
            runs.add(trainOnce(label, name, enc, cfg, sim, eval, production, t0, offline, seed * 1000 + s));
        }
        if (runs.size() == 1) {
            return runs.get(0);
        }
        java.util.Map<String, MetricSummary> online = new java.util.LinkedHashMap<>();
        for (String metric : OnlineMetrics.ALL) {
            double[] perSeed = runs.stream().mapToDouble(r -> r.online().get(metric).mean()).toArray();
            online.put(metric, MetricSummary.of(perSeed));
        }
        double gauc = runs.stream().mapToDouble(MethodResult::offlineGauc).average().orElse(Double.NaN);
        return new MethodResult(name, online, runs.get(0).rounds(), gauc);
    }

    private MethodResult trainOnce(String label, String name, Encoding enc, RlConfig cfg, Simulator sim,
                                   OnlineEvaluator eval, float[] production, long t0, OfflineGauc offline,
                                   long trainSeed) {
        phase(label, name + ": " + cfg.rounds() + " progressive rounds, training seed " + trainSeed, t0);
        ProgressiveTrainer trainer = new ProgressiveTrainer(cfg, enc, sim, production, ops, trainSeed,
                profile.collectBatch());
        List<RoundStats> rounds = trainer.run(eval, new ProgressiveTrainer.Listener() {
            private Progress bar;
            private int updatesSeen;

            @Override
            public void collecting(int round, int sessions) {
                bar = Progress.start(name + " round " + round + ": collect", sessions);
            }

            @Override
            public void collected(long sessions) {
                bar.step(sessions);
            }

            @Override
            public void training(int round, int updates) {
                bar.close();
                bar = Progress.start(name + " round " + round + ": train", updates);
                updatesSeen = 0;
            }

            @Override
            public void trained(int updates, UpdateStats last) {
                bar.step(updates);
                if (++updatesSeen % 100 == 0) {
                    bar.setExtra(String.format("td=%.3f", last.tdError()));
                }
            }

            @Override
            public void roundDone(RoundStats s) {
                bar.close();
                log.printf("    round %d: valid consumption %.3f ± %.3f, critic TD error %.4f, actor loss %.4f, %d logged steps  [%s]%n",
                        s.round(), s.validConsumption(), s.validConsumptionCi(), s.criticTdError(), s.actorLoss(),
                        s.loggedSteps(), elapsed(t0));
            }
        });
        Map<String, MetricSummary> online = eval.evaluate(sim, trainer::policy);
        var actions = enc == Encoding.PAIR
                ? PolicyActions.pairActor(trainer.learner().actor(), ops, sim.config().listLength())
                : PolicyActions.requestActor(trainer.learner().actor(), ops);
        double[][] shift = offline.actionShift(actions, production);
        log.printf("    action shift vs production (mean over held-out shown items) %s; within-request spread %s%n",
                fmt(shift[0]), fmt(shift[1]));
        return new MethodResult(name, online, rounds, offline.evaluate(actions, sim.fusionSpace(), ops));
    }

    private void phase(String label, String what, long t0) {
        log.printf("[%s] %s  [%s]%n", label, what, elapsed(t0));
    }

    private static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%+.3f", v[i]));
        }
        return sb.append(']').toString();
    }

    static String elapsed(long t0) {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        return String.format("%dm%02ds", s / 60, s % 60);
    }

    /** The comparison table as markdown. */
    public static String table(List<MethodResult> results) {
        StringBuilder sb = new StringBuilder("| method |");
        for (String m : OnlineMetrics.ALL) {
            sb.append(' ').append(m).append(" |");
        }
        sb.append(" offline MTF-GAUC |\n|---|");
        sb.append("---|".repeat(OnlineMetrics.ALL.size() + 1)).append('\n');
        for (MethodResult r : results) {
            sb.append("| ").append(r.method()).append(" |");
            for (String m : OnlineMetrics.ALL) {
                MetricSummary s = r.online().get(m);
                sb.append(String.format(" %.3f ± %.3f |", s.mean(), s.ci95HalfWidth()));
            }
            sb.append(String.format(" %.4f |%n", r.offlineGauc()));
        }
        return sb.toString();
    }

    /**
     * Paired comparisons on valid consumption: every method is evaluated on the same user populations (seeds),
     * so the per-seed difference removes the population's own variance. Lists "a - b = mean ± ci" for the
     * pairs whose 95% CI of the difference excludes 0.
     */
    public static List<String> pairedSeparations(List<MethodResult> results) {
        List<String> out = new ArrayList<>();
        for (MethodResult a : results) {
            for (MethodResult b : results) {
                if (a == b) {
                    continue;
                }
                double[] va = a.online().get(OnlineMetrics.VALID_CONSUMPTION).values();
                double[] vb = b.online().get(OnlineMetrics.VALID_CONSUMPTION).values();
                double[] d = new double[va.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = va[i] - vb[i];
                }
                MetricSummary diff = MetricSummary.of(d);
                if (diff.lower() > 0) {
                    out.add(String.format("%s - %s = %+.3f ± %.3f", a.method(), b.method(), diff.mean(),
                            diff.ci95HalfWidth()));
                }
            }
        }
        return out;
    }

}
