package io.enhancedrl.rl;

import io.enhancedrl.sim.FusionPolicy;
import io.enhancedrl.sim.Observation;
import io.enhancedrl.sim.SimulationRun;
import io.enhancedrl.sim.Simulator;
import io.enhancedrl.sim.StepResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Collects logged sessions: runs the simulator with a behaviour policy under box exploration and turns each
 * step into a {@link StepRecord} (shown candidates plus a weighted sample of unshown ones), linking the
 * steps of a session. An optional {@link StepSink} receives every full step (all candidates), e.g. to write
 * the logged-data files.
 */
public final class Collector {

    /** Receives each step as the simulator produced it, before the next step overwrites the buffers. */
    public interface StepSink {
        void accept(Observation obs, StepResult result, float[] actions, float[] centres);
    }

    private final RlConfig cfg;
    private final int batchSize;

    public Collector(RlConfig cfg, int batchSize) {
        this.cfg = cfg;
        this.batchSize = batchSize;
    }

    /**
     * Runs `sessions` sessions of fresh users (userSeed) with the explored behaviour policy.
     *
     * @param progress called with the number of sessions finished at each step (may be null)
     */
    public List<StepRecord> collect(Simulator sim, FusionPolicy behaviour, int sessions, long userSeed,
                                    long explorationSeed, StepSink sink, LongConsumer progress) {
        BoxExploration explore = new BoxExploration(behaviour, cfg.beta(), cfg.explorePerPair(), explorationSeed);
        SimulationRun run = sim.start(Math.min(batchSize, sessions), sessions, userSeed);
        SplittableRandom rng = new SplittableRandom(explorationSeed ^ 0x2545F4914F6CDD1DL);
        List<StepRecord> out = new ArrayList<>();
        Map<Long, StepRecord> last = new HashMap<>();
        int[] order = new int[0];
        boolean[] isShown = new boolean[0];
        long finishedBefore = 0;
        while (!run.finished()) {
            Observation obs = run.observe();
            float[] actions = run.actionBuffer();
            explore.act(obs, actions);
            StepResult res = run.step(actions);
            if (sink != null) {
                sink.accept(obs, res, actions, explore.centres());
            }
            int c = obs.candidatesPerRequest();
            int l = res.listLength();
            int k = obs.tasks();
            int aw = 2 * k;
            int du = obs.userWidth();
            int dc = obs.contextWidth();
            int di = obs.itemWidth();
            int rw = di + k;
            if (order.length < c) {
                order = new int[c];
                isShown = new boolean[c];
            }
            for (int r = 0; r < res.rows(); r++) {
                java.util.Arrays.fill(isShown, 0, c, false);
                int shownCount = 0;
                for (int rank = 0; rank < l; rank++) {
                    int j = res.shown(r, rank);
                    if (j >= 0) {
                        isShown[j] = true;
                        shownCount++;
                    }
                }
                int unshown = c - shownCount;
                int sample = cfg.unshownPerShown() < 0 ? unshown : Math.min(unshown, cfg.unshownPerShown() * shownCount);
                int kept = shownCount + sample;
                float[] prefix = new float[du + dc];
                System.arraycopy(obs.userFeatures(), r * du, prefix, 0, du);
                System.arraycopy(obs.contextFeatures(), r * dc, prefix, du, dc);
                float[] rows = new float[kept * rw];
                float[] acts = new float[kept * aw];
                float[] cents = new float[kept * aw];
                float[] rewards = new float[kept * 2];
                boolean[] shown = new boolean[kept];
                float[] weights = new float[kept];
                long[] ids = new long[kept];
                // shown candidates first, in rank order
                int slot = 0;
                for (int rank = 0; rank < l; rank++) {
                    int j = res.shown(r, rank);
                    if (j < 0) {
                        continue;
                    }
                    fill(obs, actions, explore.centres(), r * c + j, rows, acts, cents, ids, slot, rw, aw, di, k);
                    rewards[slot * 2] = res.reward(r, rank, 0);
                    rewards[slot * 2 + 1] = res.reward(r, rank, 1);
                    shown[slot] = true;
                    weights[slot] = 1f;
                    slot++;
                }
                // a uniform sample of the unshown (partial Fisher-Yates over their indices)
                int m = 0;
                for (int j = 0; j < c; j++) {
                    if (!isShown[j]) {
                        order[m++] = j;
                    }
                }
                float w = sample == 0 ? 0f : (float) unshown / sample;
                for (int s = 0; s < sample; s++) {
                    int pick = s + rng.nextInt(m - s);
                    int t = order[s];
                    order[s] = order[pick];
                    order[pick] = t;
                    fill(obs, actions, explore.centres(), r * c + order[s], rows, acts, cents, ids, slot, rw, aw, di, k);
                    weights[slot] = w;
                    slot++;
                }
                float[] meanMtl = new float[k];
                for (int j = 0; j < c; j++) {
                    for (int t = 0; t < k; t++) {
                        meanMtl[t] += obs.mtlScores()[(r * c + j) * k + t];
                    }
                }
                for (int t = 0; t < k; t++) {
                    meanMtl[t] /= c;
                }
                float[] reqAction = new float[aw];
                float[] reqCentre = new float[aw];
                System.arraycopy(actions, r * c * aw, reqAction, 0, aw);
                System.arraycopy(explore.centres(), r * c * aw, reqCentre, 0, aw);
                float[] stepRewards = new float[2];
                for (int rank = 0; rank < l; rank++) {
                    if (res.shown(r, rank) >= 0) {
                        stepRewards[0] += res.reward(r, rank, 0);
                        stepRewards[1] += res.reward(r, rank, 1);
                    }
                }
                StepRecord rec = new StepRecord(res.sessionId(r), res.stepIndex(r), res.done(r), prefix, kept, rows,
                        acts, cents, rewards, shown, weights, ids, meanMtl, reqAction, reqCentre, stepRewards);
                StepRecord prev = last.put(rec.sessionId, rec);
                if (prev != null && !prev.done) {
                    prev.next = rec;
                }
                if (rec.done) {
                    last.remove(rec.sessionId);
                }
                out.add(rec);
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

    private static void fill(Observation obs, float[] actions, float[] centres, int cand, float[] rows, float[] acts,
                             float[] cents, long[] ids, int slot, int rw, int aw, int di, int k) {
        System.arraycopy(obs.itemFeatures(), cand * di, rows, slot * rw, di);
        System.arraycopy(obs.mtlScores(), cand * k, rows, slot * rw + di, k);
        System.arraycopy(actions, cand * aw, acts, slot * aw, aw);
        System.arraycopy(centres, cand * aw, cents, slot * aw, aw);
        ids[slot] = obs.itemIds()[cand];
    }
}
