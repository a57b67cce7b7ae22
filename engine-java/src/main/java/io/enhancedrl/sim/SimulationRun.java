package io.enhancedrl.sim;

import io.enhancedrl.model.fusion.FusionRanker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One batched run: B slots, each holding one session at a time; when a session ends its slot takes the next
 * user until {@code totalSessions} have started. Each {@link #step} serves one request for every active
 * session: the policy's actions for all candidates of all active sessions come in one array.
 *
 * <p>Usage: {@code while (!run.finished()) { Observation o = run.observe(); policy.act(o, buf); run.step(buf); }}
 * or simply {@link #runToEnd(FusionPolicy)}. Finished sessions are collected in {@link #outcomes()}.
 * A step allocates nothing except one {@link SessionOutcome} per finished session. Not thread-safe.
 */
public final class SimulationRun {

    private static final float P_MIN = 1e-6f;
    private static final float P_MAX = 1f - 1e-6f;
    /** Actions may exceed [-1,1] by this much (float rounding of a tanh or a clip) before being rejected. */
    private static final float ACTION_SLACK = 1e-5f;

    private final Simulator sim;
    private final SimConfig cfg;
    private final Catalogue cat;
    private final UserPopulation users;
    private final CandidateRetriever retriever;
    private final FusionRanker ranker;
    private final int batch;
    private final int c;
    private final int l;
    private final int k;
    private final int h;
    private final int du;
    private final int dc;
    private final int di;
    private final int totalSessions;
    private final long firstSession;
    private final long endSession;
    private final long userSeed;
    private final int recentCapacity;
    private final SessionState[] slots;
    private Observation obs;         // the current observation
    private Observation spare;       // the previous one (double buffering), refilled by the next step
    private final StepResult result;
    private final float[] actionBuf;
    private final float[] slatePenalty;
    private final int[] slateCats;
    private final List<SessionOutcome> outcomes = new ArrayList<>();
    private long nextSession;
    private long steps;
    private long requests;

    SimulationRun(Simulator sim, Catalogue cat, UserPopulation users, int batchSize, long firstSession, int totalSessions,
                  long userSeed) {
        this.sim = sim;
        this.cfg = sim.config();
        this.cat = cat;
        this.users = users;
        this.batch = batchSize;
        this.totalSessions = totalSessions;
        this.firstSession = firstSession;
        this.endSession = firstSession + totalSessions;
        this.nextSession = firstSession;
        this.userSeed = userSeed;
        this.c = cfg.candidatesPerRequest();
        this.l = cfg.listLength();
        this.k = cfg.tasks();
        this.h = cfg.embeddingDim();
        this.du = cfg.userWidth();
        this.dc = cfg.contextWidth();
        this.di = cfg.itemWidth();
        this.recentCapacity = cfg.recentExclusionSteps() * l;
        this.retriever = new CandidateRetriever(cfg, cat);
        this.ranker = new FusionRanker(sim.fusionSpace(), sim.ops(), batchSize * c);
        this.slots = new SessionState[batchSize];
        this.obs = new Observation(batchSize, c, du, dc, di, k);
        this.spare = new Observation(batchSize, c, du, dc, di, k);
        this.result = new StepResult(batchSize, l, c);
        this.actionBuf = new float[batchSize * c * 2 * k];
        this.slatePenalty = new float[l];
        this.slateCats = new int[l];
        for (int s = 0; s < batchSize; s++) {
            slots[s] = new SessionState(h, recentCapacity);
            if (nextSession < endSession) {
                users.begin(slots[s], userSeed, nextSession++);
            }
        }
        prepareObservation(obs);
    }

    // ---- public API ---------------------------------------------------------------------------------

    /** True when every session has finished (no active rows remain). */
    public boolean finished() {
        return obs.rows == 0;
    }

    /**
     * The current step's observation. Two observation objects alternate: the one returned here stays valid
     * through the next {@link #step} (which acts on it and returns a result referring to it) and is
     * overwritten by the step after that.
     */
    public Observation observe() {
        return obs;
    }

    /** A preallocated action buffer of capacity [B*C][2K] for callers that do not keep their own. */
    public float[] actionBuffer() {
        return actionBuf;
    }

    /** One step with the policy's actions: observe, act into {@link #actionBuffer()}, step. */
    public StepResult step(FusionPolicy policy) {
        policy.act(obs, actionBuf);
        return step(actionBuf);
    }

    /** Runs every remaining session to its end with one policy; returns {@link #outcomes()}. */
    public List<SessionOutcome> runToEnd(FusionPolicy policy) {
        while (!finished()) {
            step(policy);
        }
        return outcomes();
    }

    /**
     * Applies the actions [observe().totalCandidates()][2K] (in [-1,1]), shows the top-l of each request,
     * samples the users' responses, updates the sessions, replaces finished ones, and prepares the next
     * observation.
     *
     * @throws IllegalStateException when the run has finished
     * @throws IllegalArgumentException when the array is too short or holds a value outside [-1,1] or NaN
     */
    public StepResult step(float[] actions) {
        if (finished()) {
            throw new IllegalStateException("step: the run has finished (all " + totalSessions + " sessions ended)");
        }
        int rows = obs.rows;
        int n = rows * c;
        int w = 2 * k;
        if (actions == null || actions.length < n * w) {
            throw new IllegalArgumentException("step: actions must hold [" + n + "][" + w + "] = " + (n * w)
                    + " values but has " + (actions == null ? "null" : String.valueOf(actions.length)));
        }
        for (int i = 0; i < n * w; i++) {
            float a = actions[i];
            if (!(a >= -1f - ACTION_SLACK && a <= 1f + ACTION_SLACK)) {
                throw new IllegalArgumentException("step: actions[" + (i / w) + "][" + (i % w) + "] = " + a
                        + " is outside [-1, 1] (row " + (i / w) / c + ", candidate " + (i / w) % c + ")");
            }
        }
        ranker.rank(rows, c, obs.mtl, actions, obs.ids, l, result.shown);
        result.fusedScores = ranker.scores();
        result.observation = obs;
        result.rows = rows;
        for (int r = 0; r < rows; r++) {
            SessionState s = slots[obs.slotOfRow[r]];
            result.sessionIds[r] = s.sessionId;
            result.stepIndex[r] = s.step;
            respond(r, s);
            if (result.done[r]) {
                outcomes.add(new SessionOutcome(s.sessionId, s.validConsumption, s.watchSeconds, s.step, s.interactions,
                        s.discountedReturn, s.totalReward, result.truncated[r]));
                if (nextSession < endSession) {
                    users.begin(s, userSeed, nextSession++);
                } else {
                    s.active = false;
                }
            }
        }
        steps++;
        requests += rows;
        Observation next = spare;
        prepareObservation(next);
        spare = obs;
        obs = next;
        return result;
    }

    /** Finished sessions in the order they ended (unmodifiable view). */
    public List<SessionOutcome> outcomes() {
        return Collections.unmodifiableList(outcomes);
    }

    public int batchSize() {
        return batch;
    }

    public int totalSessions() {
        return totalSessions;
    }

    /** Sessions started so far (finished or active). */
    public int sessionsStarted() {
        return (int) (nextSession - firstSession);
    }

    /** The session id (user index) of the run's first session; its sessions are firstSession() + [0, totalSessions). */
    public long firstSession() {
        return firstSession;
    }

    /** Steps taken (calls of {@link #step}). */
    public long stepsTaken() {
        return steps;
    }

    /** Requests served (sum over steps of the active sessions). */
    public long requestsServed() {
        return requests;
    }

    /** Candidates scored (requests served times C). */
    public long candidatesScored() {
        return requests * c;
    }

    public Simulator simulator() {
        return sim;
    }

    // ---- test-only hooks (package-private) ------------------------------------------------------------

    /** True logits [totalCandidates][5] of the current observation (hidden from policies; tests only). */
    float[] trueLogits() {
        return obs.truth;
    }

    /** Catalogue index of each current candidate (tests only). */
    int[] candidateItems() {
        return obs.itemIdx;
    }

    // ---- internals ------------------------------------------------------------------------------------

    private void prepareObservation(Observation obs) {
        int rows = 0;
        for (int slot = 0; slot < batch; slot++) {
            SessionState s = slots[slot];
            if (!s.active) {
                continue;
            }
            int r = rows++;
            obs.slotOfRow[r] = slot;
            obs.sessionIds[r] = s.sessionId;
            obs.stepIndex[r] = s.step;
            s.writeUserFeatures(obs.user, r * du);
            int co = r * dc;
            obs.context[co] = (float) s.step / cfg.stepCap();
            obs.context[co + 1] = s.hourSin;
            obs.context[co + 2] = s.hourCos;
            obs.context[co + 3] = s.device;
            int off = r * c;
            int[] itemIdx = obs.itemIdx;
            retriever.retrieve(s, c, itemIdx, off);
            for (int j = 0; j < c; j++) {
                int item = itemIdx[off + j];
                obs.ids[off + j] = item;
                System.arraycopy(cat.features, item * di, obs.item, (off + j) * di, di);
            }
            scoreCandidates(obs, s, off);
        }
        obs.rows = rows;
    }

    /** True logits and MTL predictions of the candidates off .. off+C-1 of one session. */
    private void scoreCandidates(Observation obs, SessionState s, int off) {
        int[] itemIdx = obs.itemIdx;
        float[] truth = obs.truth;
        BehaviourParams vp = cfg.validPlay();
        BehaviourParams wt = cfg.watch();
        BehaviourParams lk = cfg.like();
        BehaviourParams sh = cfg.share();
        BehaviourParams fo = cfg.follow();
        float aVp = (float) vp.affinity();
        float gVp = (float) vp.quality();
        float bVp = (float) (vp.bias() + s.activity + cfg.deviceEffect() * s.device + cfg.hourEffect() * s.hourCos);
        float aWt = (float) wt.affinity();
        float gWt = (float) wt.quality();
        float bWt = (float) (wt.bias() + s.activity);
        float dWt = (float) cfg.watchDurationEffect();
        float aLk = (float) lk.affinity();
        float gLk = (float) lk.quality();
        float bLk = (float) lk.bias();
        float aSh = (float) sh.affinity();
        float gSh = (float) sh.quality();
        float bSh = (float) sh.bias();
        float aFo = (float) fo.affinity();
        float gFo = (float) fo.quality();
        float bFo = (float) fo.bias();
        double sigma = cfg.sigmaMtl();
        java.util.SplittableRandom rng = s.mtlRng;
        float[] z = s.z;
        float[] emb = cat.emb;
        float[] mtl = obs.mtl;
        for (int j = 0; j < c; j++) {
            int n = off + j;
            int item = itemIdx[n];
            float a = Catalogue.dot(z, 0, emb, item * h, h);
            float q = cat.quality[item];
            int t = n * Tasks.BEHAVIOURS;
            truth[t + Tasks.VALID_PLAY] = aVp * a + gVp * q + bVp;
            truth[t + Tasks.WATCH] = aWt * a + gWt * q + bWt + dWt * cat.logDurationStd[item];
            truth[t + Tasks.LIKE] = aLk * a + gLk * q + bLk;
            truth[t + Tasks.SHARE] = aSh * a + gSh * q + bSh;
            truth[t + Tasks.FOLLOW] = aFo * a + gFo * q + bFo;
            int dO = item * k;
            int mO = n * k;
            for (int task = 0; task < k; task++) {
                // the watch task predicts squashed expected seconds m D / (m D + D_median), whose logit is
                // ln m + ln(D / D_median), m = sigmoid(watch logit); the other tasks predict their own logit
                double base = task == Tasks.WATCH
                        ? Sampling.logSigmoid(truth[t + task]) + cat.logDurationRatio[item]
                        : truth[t + task];
                double x = base + cat.delta[dO + task];
                if (sigma > 0) {
                    x += sigma * rng.nextGaussian();
                }
                float p = (float) Sampling.sigmoid(x);
                mtl[mO + task] = p < P_MIN ? P_MIN : (p > P_MAX ? P_MAX : p);
            }
        }
    }

    /** Samples the responses to row r's shown list and advances its session. */
    private void respond(int r, SessionState s) {
        int[] itemIdx = obs.itemIdx;
        float[] truth = obs.truth;
        int off = r * c;
        int lo = r * l;
        // slate effect: mean cosine of each shown item to the other shown items (unit embeddings)
        if (cfg.slateEffect() && l > 1 && cfg.slateStrength() > 0) {
            for (int a = 0; a < l; a++) {
                slatePenalty[a] = 0f;
            }
            for (int a = 0; a < l; a++) {
                int ia = itemIdx[off + result.shown[lo + a]];
                for (int b = a + 1; b < l; b++) {
                    int ib = itemIdx[off + result.shown[lo + b]];
                    float cos = Catalogue.dot(cat.emb, ia * h, cat.emb, ib * h, h);
                    slatePenalty[a] += cos;
                    slatePenalty[b] += cos;
                }
            }
            float scale = (float) (cfg.slateStrength() / (l - 1));
            for (int a = 0; a < l; a++) {
                slatePenalty[a] = Math.max(0f, slatePenalty[a]) * scale;
            }
        } else {
            for (int a = 0; a < l; a++) {
                slatePenalty[a] = 0f;
            }
        }
        java.util.SplittableRandom rng = s.responseRng;
        double thr = cfg.validPlayThresholdSeconds();
        double kappaW = cfg.watchConcentration();
        double perMinute = cfg.rewardWatchPerMinute() / 60.0;
        float stepReward = 0f;
        int vpCount = 0;
        int interCount = 0;
        double watchSum = 0;
        double fracSum = 0;
        for (int rank = 0; rank < l; rank++) {
            int cand = result.shown[lo + rank];
            int n = off + cand;
            int item = itemIdx[n];
            result.shownIds[lo + rank] = item;
            int t = n * Tasks.BEHAVIOURS;
            float pen = slatePenalty[rank];
            boolean valid = rng.nextDouble() < Sampling.sigmoid(truth[t + Tasks.VALID_PLAY] - pen);
            double m = Sampling.sigmoid(truth[t + Tasks.WATCH] - pen);
            m = Math.min(1 - 1e-3, Math.max(1e-3, m));
            double f = Sampling.beta(rng, kappaW * m, kappaW * (1 - m));
            double d = cat.duration[item];
            double w0 = Math.min(d, thr);
            // valid play <=> W >= min(D, threshold): the fraction is placed inside the matching interval
            double watch = valid ? w0 + (d - w0) * f : w0 * f;
            boolean like = false;
            boolean share = false;
            boolean follow = false;
            if (valid) { // cascade: engagement only after a valid play
                like = rng.nextDouble() < Sampling.sigmoid(truth[t + Tasks.LIKE]);
                share = rng.nextDouble() < Sampling.sigmoid(truth[t + Tasks.SHARE]);
                follow = rng.nextDouble() < Sampling.sigmoid(truth[t + Tasks.FOLLOW]);
            }
            int bo = (lo + rank) * Tasks.BEHAVIOURS;
            result.behaviours[bo + Tasks.VALID_PLAY] = valid ? 1f : 0f;
            result.behaviours[bo + Tasks.WATCH] = (float) watch;
            result.behaviours[bo + Tasks.LIKE] = like ? 1f : 0f;
            result.behaviours[bo + Tasks.SHARE] = share ? 1f : 0f;
            result.behaviours[bo + Tasks.FOLLOW] = follow ? 1f : 0f;
            float gWatch = (float) (perMinute * watch);
            float gOther = (float) ((valid ? cfg.rewardValidPlay() : 0) + (like ? cfg.rewardLike() : 0)
                    + (share ? cfg.rewardShare() : 0) + (follow ? cfg.rewardFollow() : 0));
            int ro = (lo + rank) * Tasks.REWARD_GROUPS;
            result.rewards[ro + Tasks.GROUP_WATCH] = gWatch;
            result.rewards[ro + Tasks.GROUP_OTHER] = gOther;
            stepReward += gWatch + gOther;
            if (valid) {
                vpCount++;
            }
            int inter = (like ? 1 : 0) + (share ? 1 : 0) + (follow ? 1 : 0);
            interCount += inter;
            watchSum += watch;
            fracSum += watch / d;
            s.remember(item, recentCapacity);
            slateCats[rank] = cat.category[item];
        }
        // interest drift toward validly played items, in rank order
        double eta = cfg.interestDrift();
        if (eta > 0 && vpCount > 0) {
            for (int rank = 0; rank < l; rank++) {
                if (result.behaviours[(lo + rank) * Tasks.BEHAVIOURS + Tasks.VALID_PLAY] > 0) {
                    int eo = (int) result.shownIds[lo + rank] * h;
                    for (int j = 0; j < h; j++) {
                        s.z[j] += (float) (eta * (cat.emb[eo + j] - s.z[j]));
                    }
                }
            }
            Catalogue.normalise(s.z, 0, h);
        }
        // observed in-session statistics
        float inv = 1f / l;
        float keep = SessionState.DECAY;
        float take = 1f - keep;
        s.emaValidPlay = keep * s.emaValidPlay + take * vpCount * inv;
        s.emaWatchFraction = keep * s.emaWatchFraction + take * (float) (fracSum * inv);
        s.emaWatchSeconds = keep * s.emaWatchSeconds + take * (float) (watchSum * inv / 30.0);
        s.emaInteractions = keep * s.emaInteractions + take * interCount * inv;
        s.lastValidPlayShare = vpCount * inv;
        s.lastDistinctCategories = distinct(slateCats, l) * inv;
        s.stepsSinceValidPlay = vpCount > 0 ? 0 : s.stepsSinceValidPlay + 1;
        // metrics
        s.validConsumption += vpCount;
        s.watchSeconds += watchSum;
        s.interactions += interCount;
        s.totalReward += stepReward;
        s.discountedReturn += s.discountPow * stepReward;
        s.discountPow *= cfg.discount();
        result.stepReward[r] = stepReward;
        // temper and leaving
        double g = stepReward / (double) l;
        double drop = Math.min(cfg.temperMaxDrop(), Math.max(0, cfg.temperTheta() - g));
        s.temper -= (float) drop;
        s.step++;
        boolean left = s.leaveRng.nextDouble() < Sampling.sigmoid(cfg.leaveKappa() * (1.0 - s.temper));
        boolean capped = s.step >= cfg.stepCap();
        result.done[r] = left || capped;
        result.truncated[r] = capped && !left;
    }

    private static int distinct(int[] v, int len) {
        int count = 0;
        for (int i = 0; i < len; i++) {
            boolean seen = false;
            for (int j = 0; j < i; j++) {
                if (v[j] == v[i]) {
                    seen = true;
                    break;
                }
            }
            if (!seen) {
                count++;
            }
        }
        return count;
    }
}
