package io.enhancedrl.rl;

import io.enhancedrl.data.DataLayout;
import io.enhancedrl.data.LoggedStep;
import io.enhancedrl.sim.FusionPolicy;
import io.enhancedrl.sim.Observation;
import io.enhancedrl.sim.SimConfig;
import io.enhancedrl.sim.SimulationRun;
import io.enhancedrl.sim.Simulator;
import io.enhancedrl.sim.StepResult;
import io.enhancedrl.sim.Tasks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Collects logged sessions: runs the simulator with a behaviour policy under box exploration, turns each
 * row of each step into a {@link LoggedStep} (the logged-data record: all candidates, actions, box centres,
 * shown list, behaviours, rewards), hands it to an optional {@link StepSink} (e.g. a Parquet writer) and to
 * the {@link StepRecordBuilder} that keeps what the trainer needs. Live and file-based training therefore
 * share one conversion.
 */
public final class Collector {

    /** Receives every logged step; the holder is reused, copy it to keep it. */
    public interface StepSink {
        void accept(LoggedStep step) throws IOException;
    }

    private final RlConfig cfg;
    private final int batchSize;

    public Collector(RlConfig cfg, int batchSize) {
        this.cfg = cfg;
        this.batchSize = batchSize;
    }

    /** The logged-data layout of a simulator configuration. */
    public static DataLayout layoutOf(SimConfig sc) {
        return new DataLayout(sc.userWidth(), sc.contextWidth(), sc.itemWidth(), sc.tasks(), sc.listLength(),
                Tasks.BEHAVIOURS);
    }

    /**
     * Runs `sessions` sessions of fresh users (userSeed) with the explored behaviour policy.
     *
     * @param progress called with the number of sessions that finished at each step (may be null)
     */
    public List<StepRecord> collect(Simulator sim, FusionPolicy behaviour, int sessions, long userSeed,
                                    long explorationSeed, StepSink sink, LongConsumer progress) {
        return collect(sim, behaviour, 0, sessions, userSeed, explorationSeed, sink, progress, true);
    }

    /**
     * Logs the sessions {@code firstSession .. firstSession + sessions - 1} (users of userSeed) with the explored
     * behaviour policy into the sink only, keeping no training records. Every logged step is a function of
     * (world seed, userSeed, explorationSeed, session id) alone, so the union of disjoint ranges collected
     * anywhere (Spark partitions) holds exactly the steps of one collection over the whole range; only the
     * order of the steps differs.
     */
    public void log(Simulator sim, FusionPolicy behaviour, long firstSession, int sessions, long userSeed,
                    long explorationSeed, StepSink sink) {
        if (sink == null) {
            throw new IllegalArgumentException("log: sink must not be null");
        }
        collect(sim, behaviour, firstSession, sessions, userSeed, explorationSeed, sink, null, false);
    }

    private List<StepRecord> collect(Simulator sim, FusionPolicy behaviour, long firstSession, int sessions,
                                     long userSeed, long explorationSeed, StepSink sink, LongConsumer progress,
                                     boolean keepRecords) {
        BoxExploration explore = new BoxExploration(behaviour, cfg.beta(), cfg.explorePerPair(), explorationSeed);
        SimulationRun run = sim.start(Math.max(1, Math.min(batchSize, sessions)), firstSession, sessions, userSeed);
        StepRecordBuilder builder = keepRecords ? new StepRecordBuilder(cfg, recordSeed(explorationSeed)) : null;
        SimConfig sc = sim.config();
        DataLayout layout = layoutOf(sc);
        LoggedStep step = LoggedStep.allocate(layout, sc.candidatesPerRequest());
        List<StepRecord> out = new ArrayList<>();
        long finishedBefore = 0;
        while (!run.finished()) {
            Observation obs = run.observe();
            float[] actions = run.actionBuffer();
            explore.act(obs, actions);
            StepResult res = run.step(actions);
            for (int r = 0; r < res.rows(); r++) {
                fill(step, obs, res, r, actions, explore.centres(), layout);
                if (sink != null) {
                    try {
                        sink.accept(step);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                if (builder != null) {
                    out.add(builder.add(step, layout.itemWidth(), layout.tasks()));
                }
            }
            if (progress != null) {
                long finished = run.outcomes().size();
                if (finished != finishedBefore) {
                    progress.accept(finished - finishedBefore);
                    finishedBefore = finished;
                }
            }
        }
        return out;
    }

    /**
     * The seed of the {@link StepRecordBuilder} of a collection with this exploration seed: reloading the
     * collection's logged steps with it ({@link LoggedData#load}) gives the same records (same sampled
     * unshown candidates), which is how a resumed run gets back its data without collecting again.
     */
    public static long recordSeed(long explorationSeed) {
        return explorationSeed ^ 0x2545F4914F6CDD1DL;
    }

    /** Copies row r of a step into the logged-step holder (sized for the layout and C). */
    static void fill(LoggedStep s, Observation obs, StepResult res, int r, float[] actions, float[] centres,
                     DataLayout layout) {
        int c = obs.candidatesPerRequest();
        int du = layout.userWidth();
        int dc = layout.contextWidth();
        int di = layout.itemWidth();
        int k = layout.tasks();
        int aw = layout.actionWidth();
        int l = res.listLength();
        int nb = layout.behaviours();
        s.sessionId = res.sessionId(r);
        s.stepIndex = res.stepIndex(r);
        s.done = res.done(r);
        s.candidates = c;
        System.arraycopy(obs.userFeatures(), r * du, s.userFeatures, 0, du);
        System.arraycopy(obs.contextFeatures(), r * dc, s.contextFeatures, 0, dc);
        int base = r * c;
        System.arraycopy(obs.itemIds(), base, s.itemIds, 0, c);
        System.arraycopy(obs.itemFeatures(), base * di, s.itemFeatures, 0, c * di);
        System.arraycopy(obs.mtlScores(), base * k, s.mtlScores, 0, c * k);
        System.arraycopy(actions, base * aw, s.actions, 0, c * aw);
        System.arraycopy(centres, base * aw, s.boxCentres, 0, c * aw);
        for (int rank = 0; rank < l; rank++) {
            s.shown[rank] = res.shown(r, rank);
            for (int b = 0; b < nb; b++) {
                s.behaviours[rank * nb + b] = res.behaviour(r, rank, b);
            }
            s.rewards[rank * 2] = res.reward(r, rank, 0);
            s.rewards[rank * 2 + 1] = res.reward(r, rank, 1);
        }
    }
}
