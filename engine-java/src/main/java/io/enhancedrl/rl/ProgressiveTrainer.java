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

import io.enhancedrl.data.LoggedDataWriter;
import io.enhancedrl.data.LoggedDataset;
import io.enhancedrl.data.WriteOptions;
import io.enhancedrl.model.SplitMix64;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Progressive training (spec section 6): in round r, deploy pi_{r-1} (pi_0 = the production fusion) with box
 * exploration, collect sessions, train on all data so far, and the trained actor becomes the next round's
 * behaviour policy. The same procedure trains EnhancedRL ({@link Encoding#PAIR}) and the user-level
 * baseline ({@link Encoding#REQUEST}).
 *
 * <p>Batches are sampled with a {@link SplitMix64} whose state a {@link TrainingCheckpoint} saves; with a
 * {@link Checkpointing}, {@link #train} and {@link #run} resume from the newest checkpoint of their directory
 * and reach the same parameters, bit for bit, as an uninterrupted run (docs/reliability.md).
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

        /** Training continues from a checkpoint of this round (0 for logged data) after this many updates. */
        default void resumed(Path checkpointDir, int round, long updates, boolean roundComplete) {
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
    private final DataLayout layout;

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
        this.layout = layout;
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
        try {
            return run(evaluator, listener, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // unreachable without checkpoints: nothing is written
        }
    }

    /**
     * Runs all rounds with checkpoints (null: none). With checkpoints, each round's collected data is written
     * to the checkpoint directory ({@code round-NNNN.parquet}, atomically) before training on it, a checkpoint
     * follows the collection, every {@code every} updates and the round's evaluation; a run that finds a
     * checkpoint resumes from it, reloading the rounds' data from those files instead of collecting again.
     */
    public List<RoundStats> run(OnlineEvaluator evaluator, Listener listener, Checkpointing ckpt) throws IOException {
        if (sim == null) {
            throw new IllegalStateException("run: this trainer was made for logged data only (no simulator)");
        }
        List<RoundStats> rounds = new ArrayList<>();
        List<Long> explorationSeeds = new ArrayList<>();
        Collector collector = new Collector(cfg, collectBatch);
        SplitMix64 rng = new SplitMix64(seed);
        Map<String, String> fingerprint = ckpt == null ? Map.of() : progressiveFingerprint(ckpt);
        int firstRound = 1;
        int firstUpdate = 0;
        double tdSum = 0;
        double actorSum = 0;
        Optional<TrainingCheckpoint> resumed = ckpt == null ? Optional.empty()
                : ckpt.directory().loadLatest(fingerprint);
        if (resumed.isPresent()) {
            TrainingCheckpoint c = resumed.get();
            listener.resumed(ckpt.directory().directory(), c.round(), c.updates(), c.roundComplete());
            c.learner().restoreInto(learner);
            rng = SplitMix64.fromState(c.rngState());
            explorationSeeds.addAll(parseLongs(c.progress().getOrDefault("exploration_seeds", "")));
            rounds.addAll(parseRounds(c.progress().getOrDefault("round_stats", "")));
            if (explorationSeeds.size() != c.round() || rounds.size() != (c.roundComplete() ? c.round() : c.round() - 1)) {
                throw new IOException("checkpoint at round " + c.round() + " holds " + explorationSeeds.size()
                        + " exploration seeds and " + rounds.size() + " round results, inconsistent with its round");
            }
            for (int r = 1; r <= c.round(); r++) {
                data.addAll(loadRound(ckpt.directory().directory(), r, explorationSeeds.get(r - 1)));
            }
            if (c.roundComplete()) {
                firstRound = c.round() + 1;
            } else {
                firstRound = c.round();
                firstUpdate = (int) c.updates();
                tdSum = Double.parseDouble(c.progress().get("td_sum"));
                actorSum = Double.parseDouble(c.progress().get("actor_sum"));
            }
        }
        for (int r = firstRound; r <= cfg.rounds(); r++) {
            // resuming inside a round: its data is already loaded, and it continues at firstUpdate
            boolean midRound = r == firstRound && resumed.isPresent() && !resumed.get().roundComplete();
            if (!midRound) {
                FusionPolicy behaviour = r == 1 ? new io.enhancedrl.sim.FixedFusionPolicy(productionAction) : policy();
                listener.collecting(r, cfg.sessionsPerRound());
                long explorationSeed = rng.nextLong();
                explorationSeeds.add(explorationSeed);
                // user streams of training rounds: disjoint from each other and from evaluation users
                data.addAll(collectRound(collector, behaviour, r, explorationSeed, ckpt, listener));
                tdSum = 0;
                actorSum = 0;
                if (ckpt != null) {
                    save(ckpt, fingerprint, r, 0, false, rng, explorationSeeds, rounds, 0, 0);
                }
            }
            listener.training(r, cfg.updatesPerRound());
            int startUpdate = midRound ? firstUpdate : 0;
            for (int u = startUpdate; u < cfg.updatesPerRound(); u++) {
                fillBatch(rng);
                UpdateStats last = learner.update(batch);
                tdSum += last.tdError();
                actorSum += last.actorLoss();
                listener.trained(1, last);
                if (ckpt != null && (u + 1) % ckpt.every() == 0 && u + 1 < cfg.updatesPerRound()) {
                    save(ckpt, fingerprint, r, u + 1, false, rng, explorationSeeds, rounds, tdSum, actorSum);
                }
            }
            Map<String, MetricSummary> online = evaluator.evaluate(sim, this::policy);
            MetricSummary vc = online.get(OnlineMetrics.VALID_CONSUMPTION);
            int n = Math.max(1, cfg.updatesPerRound());
            RoundStats stats = new RoundStats(r, vc.mean(), vc.ci95HalfWidth(), tdSum / n, actorSum / n, data.size());
            rounds.add(stats);
            if (ckpt != null) {
                save(ckpt, fingerprint, r, cfg.updatesPerRound(), true, rng, explorationSeeds, rounds, tdSum, actorSum);
            }
            listener.roundDone(stats);
        }
        return rounds;
    }

    /** Collects one round; with checkpoints the logged steps also go to the round's file, atomically. */
    private List<StepRecord> collectRound(Collector collector, FusionPolicy behaviour, int r, long explorationSeed,
                                          Checkpointing ckpt, Listener listener) throws IOException {
        long userSeed = seed * 1000 + r;
        if (ckpt == null) {
            return collector.collect(sim, behaviour, cfg.sessionsPerRound(), userSeed, explorationSeed, null,
                    listener::collected);
        }
        // overwrite: a file of this round can only be left by a run killed before the round's first checkpoint;
        // collection is deterministic, so it holds the same steps
        try (LoggedDataWriter w = new LoggedDataWriter(roundFile(ckpt.directory().directory(), r), layout,
                WriteOptions.defaults().withOverwrite(true))) {
            return collector.collect(sim, behaviour, cfg.sessionsPerRound(), userSeed, explorationSeed, w::write,
                    listener::collected);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The file of round r's collected steps in a checkpoint directory. */
    public static Path roundFile(Path dir, int round) {
        return dir.resolve(String.format("round-%04d.parquet", round));
    }

    /** Reloads a round's steps; the same record seed as the collection makes the records identical. */
    private List<StepRecord> loadRound(Path dir, int r, long explorationSeed) throws IOException {
        Path f = roundFile(dir, r);
        if (!Files.isRegularFile(f)) {
            throw new IOException(f + ": the data of round " + r + " is missing from the checkpoint directory; "
                    + "it is needed to resume (remove the directory to start afresh)");
        }
        return LoggedData.load(LoggedDataset.open(f), cfg, Collector.recordSeed(explorationSeed));
    }

    private void save(Checkpointing ckpt, Map<String, String> fingerprint, int round, long updates, boolean complete,
                      SplitMix64 rng, List<Long> explorationSeeds, List<RoundStats> rounds, double tdSum,
                      double actorSum) throws IOException {
        Map<String, String> progress = new TreeMap<>();
        progress.put("exploration_seeds", joinLongs(explorationSeeds));
        progress.put("round_stats", formatRounds(rounds));
        // Double.toString round-trips exactly, so the round's mean TD error after a resume is the same double
        progress.put("td_sum", Double.toString(tdSum));
        progress.put("actor_sum", Double.toString(actorSum));
        progress.put("backend", ops.name());
        ckpt.directory().save(new TrainingCheckpoint(fingerprint, round, updates, complete, rng.state(), progress,
                TrainingCheckpoint.LearnerState.capture(learner)));
    }

    private static String joinLongs(List<Long> v) {
        StringBuilder b = new StringBuilder();
        for (long x : v) {
            b.append(b.isEmpty() ? "" : ",").append(x);
        }
        return b.toString();
    }

    private static List<Long> parseLongs(String s) {
        List<Long> out = new ArrayList<>();
        for (String p : s.split(",")) {
            if (!p.isEmpty()) {
                out.add(Long.parseLong(p));
            }
        }
        return out;
    }

    private static String formatRounds(List<RoundStats> rounds) {
        StringBuilder b = new StringBuilder();
        for (RoundStats r : rounds) {
            b.append(b.isEmpty() ? "" : ";").append(r.round()).append(',').append(r.validConsumption()).append(',')
                    .append(r.validConsumptionCi()).append(',').append(r.criticTdError()).append(',')
                    .append(r.actorLoss()).append(',').append(r.loggedSteps());
        }
        return b.toString();
    }

    private static List<RoundStats> parseRounds(String s) {
        List<RoundStats> out = new ArrayList<>();
        for (String p : s.split(";")) {
            if (p.isEmpty()) {
                continue;
            }
            String[] f = p.split(",");
            out.add(new RoundStats(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Long.parseLong(f[5])));
        }
        return out;
    }

    /** What must match for a checkpoint to continue this run: everything that shapes the training. */
    private Map<String, String> baseFingerprint(Checkpointing ckpt) {
        Map<String, String> fp = new TreeMap<>(ckpt.callerFingerprint());
        fp.put("rl_config", cfg.toJson().replaceAll("\\s+", " "));
        fp.put("encoding", encoding.name());
        fp.put("seed", Long.toString(seed));
        fp.put("layout", layout.toString());
        fp.put("candidates", Integer.toString(candidates));
        fp.put("production_action", java.util.Arrays.toString(productionAction));
        fp.put("every", Integer.toString(ckpt.every()));
        return fp;
    }

    private Map<String, String> progressiveFingerprint(Checkpointing ckpt) {
        Map<String, String> fp = baseFingerprint(ckpt);
        fp.put("mode", "progressive");
        fp.put("simulator_config", sim.config().toJson().replaceAll("\\s+", " "));
        fp.put("simulator_seed", Long.toString(sim.seed()));
        fp.put("collect_batch", Integer.toString(collectBatch));
        return fp;
    }

    /** Adds logged steps (e.g. read from files with {@link LoggedData#load}) to the training data. */
    public void addData(List<StepRecord> records) {
        data.addAll(records);
    }

    /** Takes `updates` gradient steps on the data so far; returns the last step's diagnostics. */
    public UpdateStats train(int updates, long samplingSeed, Listener listener) {
        try {
            return train(updates, samplingSeed, listener, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // unreachable without checkpoints: nothing is written
        }
    }

    /**
     * Takes `updates` gradient steps in all on the data so far, with checkpoints (null: none) every
     * {@code every} updates and after the last one. With checkpoints, a run that finds one of the same run
     * (same config, seeds and data: the fingerprint) continues from it, so the total is still `updates`; a
     * finished checkpoint leaves nothing to do. Returns the last step's diagnostics, or null when no step
     * was left to take.
     */
    public UpdateStats train(int updates, long samplingSeed, Listener listener, Checkpointing ckpt)
            throws IOException {
        if (data.isEmpty()) {
            throw new IllegalStateException("train: no logged steps to train on");
        }
        if (updates < 0) {
            throw new IllegalArgumentException("updates: expected >= 0 but was " + updates);
        }
        SplitMix64 rng = new SplitMix64(samplingSeed);
        int start = 0;
        Map<String, String> fingerprint = Map.of();
        if (ckpt != null) {
            fingerprint = baseFingerprint(ckpt);
            fingerprint.put("mode", "logged");
            fingerprint.put("sampling_seed", Long.toString(samplingSeed));
            fingerprint.put("data", dataFingerprint(data));
            Optional<TrainingCheckpoint> c = ckpt.directory().loadLatest(fingerprint);
            if (c.isPresent()) {
                if (c.get().updates() > updates) {
                    throw new IllegalArgumentException("updates: the checkpoint in " + ckpt.directory().directory()
                            + " has already taken " + c.get().updates() + " updates, more than the " + updates
                            + " asked for (ask for at least " + c.get().updates() + ")");
                }
                listener.resumed(ckpt.directory().directory(), 0, c.get().updates(), c.get().roundComplete());
                c.get().learner().restoreInto(learner);
                rng = SplitMix64.fromState(c.get().rngState());
                start = (int) c.get().updates();
            }
        }
        UpdateStats last = null;
        for (int u = start; u < updates; u++) {
            fillBatch(rng);
            last = learner.update(batch);
            listener.trained(1, last);
            if (ckpt != null && ((u + 1) % ckpt.every() == 0 || u + 1 == updates)) {
                Map<String, String> progress = Map.of("backend", ops.name());
                ckpt.directory().save(new TrainingCheckpoint(fingerprint, 0, u + 1, u + 1 == updates, rng.state(),
                        progress, TrainingCheckpoint.LearnerState.capture(learner)));
            }
        }
        return last;
    }

    /**
     * A content hash of the training data (count and CRC32C of every field the trainer reads), so that a
     * checkpoint is not resumed on other data with the same size.
     */
    static String dataFingerprint(List<StepRecord> records) {
        CRC32C crc = new CRC32C();
        ByteBuffer b = ByteBuffer.allocate(1 << 12).order(ByteOrder.LITTLE_ENDIAN);
        for (StepRecord r : records) {
            b.clear();
            b.putLong(r.sessionId).putInt(r.stepIndex).put((byte) (r.done ? 1 : 0)).putInt(r.kept);
            crc.update(b.flip());
            TrainingCheckpoint.updateCrc(crc, b, r.prefix);
            TrainingCheckpoint.updateCrc(crc, b, r.rows);
            TrainingCheckpoint.updateCrc(crc, b, r.actions);
            TrainingCheckpoint.updateCrc(crc, b, r.centres);
            TrainingCheckpoint.updateCrc(crc, b, r.rewards);
            TrainingCheckpoint.updateCrc(crc, b, r.weights);
            for (int i = 0; i < r.kept; i++) {
                b.clear();
                b.putLong(r.ids[i]).put((byte) (r.shown[i] ? 1 : 0));
                crc.update(b.flip());
            }
        }
        return records.size() + " steps, crc32c " + Long.toHexString(crc.getValue());
    }

    /** Samples transitions uniformly from all data so far until the batch holds about batchPairs units. */
    void fillBatch(SplitMix64 rng) {
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
