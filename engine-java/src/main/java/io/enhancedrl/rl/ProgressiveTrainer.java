package io.enhancedrl.rl;

import io.enhancedrl.eval.MetricSummary;
import io.enhancedrl.eval.OnlineEvaluator;
import io.enhancedrl.eval.OnlineMetrics;
import io.enhancedrl.eval.RoundStats;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.sim.FusionPolicy;
import io.enhancedrl.data.DataLayout;
import io.enhancedrl.model.fusion.FusionSpace;
import io.enhancedrl.sim.Simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Progressive training (spec section 6): in round r, deploy pi_{r-1} (pi_0 = the production fusion) with box
 * exploration, collect sessions, train on all data so far, and the trained actor becomes the next round's
 * behaviour policy. The same procedure trains EnhancedRL ({@link Encoding#PAIR}) and the user-level
 * baseline ({@link Encoding#REQUEST}).
 */
public final class ProgressiveTrainer {

    /** Progress callbacks for the CLI; every method has a no-op default. */
    public interface Listener {
        default void collecting(int round, int sessions) {
        }

        default void collected(long sessions) {
        }

        default void training(int round, int updates) {
        }

        default void trained(int updates, UpdateStats last) {
        }

        default void roundDone(RoundStats stats) {
        }
    }

    private final RlConfig cfg;
    private final Encoding encoding;
    private final Simulator sim;
    private final KernelOps ops;
    private final long seed;
    private final List<StepRecord> data = new ArrayList<>();
    private final ActorCriticLearner learner;
    private final float[] productionAction;
    private final int listLength;
    private final int collectBatch;
    private final int candidates;

    /** A trainer on the simulator: progressive rounds collect their own data ({@link #run}). */
    public ProgressiveTrainer(RlConfig cfg, Encoding encoding, Simulator sim, float[] productionAction, KernelOps ops,
                              long seed, int collectBatch) {
        this(cfg, encoding, Collector.layoutOf(sim.config()), sim.config().candidatesPerRequest(), sim.fusionSpace(),
                productionAction, ops, seed, collectBatch, sim);
    }

    /**
     * A trainer on logged data only (no simulator): add the data with {@link #addData} and call
     * {@link #train}; {@link #run} is not available.
     */
    public ProgressiveTrainer(RlConfig cfg, Encoding encoding, DataLayout layout, int candidatesPerRequest,
                              FusionSpace fusion, float[] productionAction, KernelOps ops, long seed) {
        this(cfg, encoding, layout, candidatesPerRequest, fusion, productionAction, ops, seed, 1, null);
    }

    private ProgressiveTrainer(RlConfig cfg, Encoding encoding, DataLayout layout, int candidatesPerRequest,
                               FusionSpace fusion, float[] productionAction, KernelOps ops, long seed, int collectBatch,
                               Simulator sim) {
        // a request is one unit with one successor: there is no list of t+1 to choose from, and no list of
        // competing pairs to be relative to (its "relative" target would be identically 0)
        this.cfg = encoding == Encoding.REQUEST
                ? cfg.withPairNextTopL(false).withRelativePairTargets(false).withActorAdvantagePush(false) : cfg;
        cfg = this.cfg;
        this.encoding = encoding;
        this.sim = sim;
        this.ops = ops;
        this.seed = seed;
        this.productionAction = productionAction.clone();
        this.collectBatch = collectBatch;
        this.candidates = candidatesPerRequest;
        this.listLength = layout.listLength();
        int sw = encoding.stateWidth(layout.userWidth(), layout.contextWidth(), layout.itemWidth(), layout.tasks());
        int c = candidatesPerRequest;
        int perStep = encoding == Encoding.REQUEST ? 1 : (cfg.unshownPerShown() < 0 ? c
                : Math.min(c, listLength * (1 + cfg.unshownPerShown())));
        int maxTransitions = Math.max(1, cfg.batchPairs() / Math.max(1, perStep)) + 1;
        int maxRows = maxTransitions * perStep + perStep;
        learner = new ActorCriticLearner(cfg, ops, sw, layout.actionWidth(), maxRows, maxTransitions, productionAction,
                seed);
        this.batch = new UnitBatch(sw, layout.actionWidth(), maxTransitions, maxRows, maxRows);
        if (encoding == Encoding.PAIR) {
            learner.setNextListSelector(new TopLSelector(fusion, ops, listLength, layout.tasks(), maxRows));
            learner.setFusion(fusion);
        }
    }

    private final UnitBatch batch;

    public ActorCriticLearner learner() {
        return learner;
    }

    public List<StepRecord> data() {
        return data;
    }

    /** The current policy (no exploration). */
    public FusionPolicy policy() {
        return encoding == Encoding.PAIR
                ? new PairActorPolicy(learner.actor(), ops, collectBatch * candidates)
                : new RequestActorPolicy(learner.actor(), ops);
    }

    /** Runs all rounds; after each round the deployed policy is evaluated online. */
    public List<RoundStats> run(OnlineEvaluator evaluator, Listener listener) {
        if (sim == null) {
            throw new IllegalStateException("run: this trainer was made for logged data only (no simulator)");
        }
        List<RoundStats> rounds = new ArrayList<>();
        Collector collector = new Collector(cfg, collectBatch);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int r = 1; r <= cfg.rounds(); r++) {
            FusionPolicy behaviour = r == 1 ? new io.enhancedrl.sim.FixedFusionPolicy(productionAction) : policy();
            listener.collecting(r, cfg.sessionsPerRound());
            // user streams of training rounds: disjoint from each other and from evaluation users
            data.addAll(collector.collect(sim, behaviour, cfg.sessionsPerRound(), seed * 1000 + r, rng.nextLong(), null,
                    listener::collected));
            listener.training(r, cfg.updatesPerRound());
            UpdateStats last = null;
            double tdSum = 0;
            double actorSum = 0;
            for (int u = 0; u < cfg.updatesPerRound(); u++) {
                fillBatch(rng);
                last = learner.update(batch);
                tdSum += last.tdError();
                actorSum += last.actorLoss();
                listener.trained(1, last);
            }
            Map<String, MetricSummary> online = evaluator.evaluate(sim, this::policy);
            MetricSummary vc = online.get(OnlineMetrics.VALID_CONSUMPTION);
            int n = Math.max(1, cfg.updatesPerRound());
            RoundStats stats = new RoundStats(r, vc.mean(), vc.ci95HalfWidth(), tdSum / n, actorSum / n, data.size());
            rounds.add(stats);
            listener.roundDone(stats);
        }
        return rounds;
    }

    /** Adds logged steps (e.g. read from files with {@link LoggedData#load}) to the training data. */
    public void addData(List<StepRecord> records) {
        data.addAll(records);
    }

    /** Takes `updates` gradient steps on the data so far; returns the last step's diagnostics. */
    public UpdateStats train(int updates, long samplingSeed, Listener listener) {
        if (data.isEmpty()) {
            throw new IllegalStateException("train: no logged steps to train on");
        }
        SplittableRandom rng = new SplittableRandom(samplingSeed);
        UpdateStats last = null;
        for (int u = 0; u < updates; u++) {
            fillBatch(rng);
            last = learner.update(batch);
            listener.trained(1, last);
        }
        return last;
    }

    /** Samples transitions uniformly from all data so far until the batch holds about batchPairs units. */
    void fillBatch(SplittableRandom rng) {
        batch.clear();
        int guard = 0;
        while (batch.units < cfg.batchPairs() && guard++ < 10 * cfg.batchPairs()) {
            StepRecord rec = data.get(rng.nextInt(data.size()));
            int units = encoding.unitsOf(rec, cfg);
            if (units == 0) {
                continue;
            }
            if (!batch.hasRoomFor(units, encoding.nextUnitsOf(rec, cfg))) {
                break;
            }
            encoding.encode(rec, cfg, listLength, batch);
        }
    }
}
