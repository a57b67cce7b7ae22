package io.enhancedrl.rl;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.BackendFailureException;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.model.Adam;
import io.enhancedrl.model.EnsembleWorkspace;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpEnsemble;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.model.MlpWorkspace;
import io.enhancedrl.model.fusion.FusionSpace;

/**
 * The EnhancedRL learner (spec section 6): a deterministic actor mu(s) in [-1,1]^(2K), two reward groups
 * of M critics each, trained as ONE ensemble of 2M members (member m belongs to group m / M) so that every
 * critic evaluation is a single batched call, target networks with Polyak averaging, box-damped bootstrap
 * targets and the actor loss with ensemble-std and box penalties.
 *
 * <p>It works on {@link UnitBatch}es, so the same code trains the per-pair EnhancedRL policy and the
 * per-request user-level baseline; only the encoding of logged steps into units differs.
 *
 * <p>Not thread-safe: one learner per training thread. A gradient step allocates nothing (on a device backend,
 * after the first step, which allocates the snapshot below).
 *
 * <p>Device faults: on a backend that can fail at run time ({@link KernelOps#isDevice()}) {@link #update}
 * first copies what it will change (actor and critic parameters, optimiser moments and step counters) and,
 * when an op throws a {@link BackendFailureException}, puts it all back and throws a
 * {@link TrainingStepException} naming the update, phase, op, shapes and device status: a step is never
 * half applied. The copy costs about 3x the parameter count in floats of memory and one pass over them per
 * update; CPU backends never fail this way and skip it.
 */
public final class ActorCriticLearner {

    private final RlConfig cfg;
    private final KernelOps ops;
    private final int sw;
    private final int aw;
    private final int m;          // critics per group
    private final int members;    // 2M
    private final int maxRows;
    private final int maxTransitions;
    private final double[] actorParts = new double[4];

    private final Mlp actor;
    private final Mlp actorTarget;
    private final MlpEnsemble critics;
    private final MlpEnsemble criticsTarget;
    private final Adam actorOpt;
    private final Adam criticOpt;

    private final MlpWorkspace actorWs;
    private final EnsembleWorkspace critWs;
    private final float[] critIn;      // [rows][sw + aw]
    private final float[] dOut;        // [members][rows]
    private final float[] criticGrads; // [members * P]
    private final float[] scratchGrads;
    private final float[] actorGrads;
    private final float[] dxCrit;      // [rows][sw + aw]
    private final float[] dAct;        // [rows][aw]
    private final float[] vNext;       // [members][maxTransitions]
    private final float[] phi;         // [maxNext]
    private final float[] nextListWeight; // [maxNext] effective weight of a next unit (list-sum top-l)
    private final float[] sums;        // [maxTransitions] list-sum scratch, one member at a time
    private final float[] targets;     // [maxTransitions] list-sum targets, one member at a time
    private NextListSelector nextListSelector;
    private final float[] shownMean;   // [maxTransitions][GROUPS]
    private final int[] shownCount;    // [maxTransitions]
    private final float[] pairValue;   // [maxRows] advantage push: pessimistic value, then standardised push
    private final double[] stepMean;   // [maxTransitions] advantage push: mean value of a step's included pairs
    private final double[] stepSq;     // [maxTransitions] ... and of its squares
    private final int[] stepCount;     // [maxTransitions] ... and their number
    private FusionSpace fusion;        // advantage push: the action -> fused score map
    private String phase = "";         // where update() is, for the message of a device fault
    private float[] savedActor;        // snapshot of the state update() changes (device backends only)
    private float[] savedCritics;
    private float[] savedActorMoments;
    private float[] savedCriticMoments;

    /**
     * @param stateWidth columns of a state row
     * @param actionWidth 2K
     * @param maxRows the most units or next units a batch can hold
     * @param maxTransitions the most transitions a batch can hold
     * @param behaviourAction the action the actor starts at (its output bias), e.g. the production fusion;
     *                        the actor's last layer starts small so that mu(s) is near it for every s
     */
    public ActorCriticLearner(RlConfig cfg, KernelOps ops, int stateWidth, int actionWidth, int maxRows,
                              int maxTransitions, float[] behaviourAction, long seed) {
        this.cfg = cfg;
        this.ops = ops;
        this.sw = stateWidth;
        this.aw = actionWidth;
        this.m = cfg.criticMembers();
        this.members = RlConfig.GROUPS * m;
        this.maxRows = maxRows;
        this.maxTransitions = maxTransitions;
        if (behaviourAction.length != actionWidth) {
            throw new IllegalArgumentException("behaviourAction: expected length " + actionWidth + " but was "
                    + behaviourAction.length);
        }
        MlpSpec actorSpec = new MlpSpec(sw, cfg.actorHidden(), Activation.RELU, aw, Activation.TANH);
        MlpSpec criticSpec = new MlpSpec(sw + aw, cfg.criticHidden(), Activation.RELU, 1, Activation.IDENTITY);
        actor = new Mlp(actorSpec);
        actor.initialize(seed);
        startNear(actor, behaviourAction);
        actorTarget = new Mlp(actorSpec);
        actorTarget.copyFrom(actor);
        critics = new MlpEnsemble(criticSpec, members);
        critics.initialize(seed ^ 0x5DEECE66DL);
        criticsTarget = new MlpEnsemble(criticSpec, members);
        criticsTarget.copyFrom(critics);
        actorOpt = new Adam(actorSpec.parameterCount(), (float) cfg.actorLr());
        criticOpt = new Adam(members * criticSpec.parameterCount(), (float) cfg.criticLr());

        actorWs = new MlpWorkspace(actorSpec, maxRows);
        critWs = new EnsembleWorkspace(criticSpec, members, maxRows);
        critIn = new float[maxRows * (sw + aw)];
        dOut = new float[members * maxRows];
        criticGrads = new float[members * criticSpec.parameterCount()];
        scratchGrads = new float[members * criticSpec.parameterCount()];
        actorGrads = new float[actorSpec.parameterCount()];
        dxCrit = new float[maxRows * (sw + aw)];
        dAct = new float[maxRows * aw];
        vNext = new float[members * maxTransitions];
        phi = new float[maxRows];
        nextListWeight = new float[maxRows];
        sums = new float[maxTransitions];
        targets = new float[maxTransitions];
        shownMean = new float[maxTransitions * RlConfig.GROUPS];
        shownCount = new int[maxTransitions];
        pairValue = new float[maxRows];
        stepMean = new double[maxTransitions];
        stepSq = new double[maxTransitions];
        stepCount = new int[maxTransitions];
        if (cfg.actorAdvantagePush() && cfg.criticMode() != CriticMode.PAIR_DECOMPOSED) {
            throw new IllegalArgumentException("actorAdvantagePush: needs criticMode PAIR_DECOMPOSED but was "
                    + cfg.criticMode() + " (set actorAdvantagePush to false for the list-sum critic)");
        }
    }

    /**
     * The fusion map the advantage push differentiates the fused score through (required when
     * {@link RlConfig#actorAdvantagePush()} is set; the MTL scores are the last K columns of a pair's state).
     */
    public void setFusion(FusionSpace fusion) {
        if (fusion.actionWidth() != aw || fusion.tasks() > sw) {
            throw new IllegalArgumentException("fusion: expected action width " + aw + " but was " + fusion);
        }
        this.fusion = fusion;
    }

    /** Output bias = atanh(action) and a last layer scaled down, so the initial policy is the behaviour one. */
    private static void startNear(Mlp net, float[] action) {
        MlpSpec s = net.spec();
        int last = s.layerCount() - 1;
        float[] p = net.params();
        int wOff = s.weightOffset(last);
        int wLen = s.layerInput(last) * s.layerOutput(last);
        for (int i = 0; i < wLen; i++) {
            p[wOff + i] = 0f;
        }
        int bOff = s.biasOffset(last);
        for (int k = 0; k < action.length; k++) {
            double a = Math.max(-0.999, Math.min(0.999, action[k]));
            p[bOff + k] = (float) (0.5 * Math.log((1 + a) / (1 - a)));
        }
    }

    public Mlp actor() {
        return actor;
    }

    public MlpEnsemble critics() {
        return critics;
    }

    public Mlp actorTarget() {
        return actorTarget;
    }

    public MlpEnsemble criticsTarget() {
        return criticsTarget;
    }

    public Adam actorOptimizer() {
        return actorOpt;
    }

    public Adam criticOptimizer() {
        return criticOpt;
    }

    /** Chooses the target actor's own list at t+1 in list-sum mode with {@link ListSumNext#TARGET_TOP_L}. */
    public void setNextListSelector(NextListSelector selector) {
        this.nextListSelector = selector;
    }

    /**
     * One critic step then one actor step then the Polyak update of both targets.
     *
     * @throws TrainingStepException when a device backend fails; the learner is then as before the call
     */
    public UpdateStats update(UnitBatch b) {
        checkBatch(b);
        if (!ops.isDevice()) {
            return applyUpdate(b);
        }
        int actorSteps = actorOpt.stepCount();
        int criticSteps = criticOpt.stepCount();
        saveState();
        try {
            return applyUpdate(b);
        } catch (RuntimeException e) {
            restoreState(actorSteps, criticSteps);
            if (e instanceof BackendFailureException f) {
                throw new TrainingStepException(criticSteps + 1L, phase, f);
            }
            throw e;
        }
    }

    private UpdateStats applyUpdate(UnitBatch b) {
        phase = "critic targets";
        double meanPhi = computeTargets(b);
        phase = "critic step";
        double td = criticStep(b, true);
        phase = "actor step";
        double[] actorResult = actorStep(b, true);
        // Plain Java from here on: nothing below can fail on the device, so the targets need no snapshot.
        phase = "target update";
        actorTarget.polyakUpdate(actor, (float) cfg.tau());
        criticsTarget.polyakUpdate(critics, (float) cfg.tau());
        return new UpdateStats(td, actorResult[0], actorResult[1], actorResult[2], actorResult[3], meanPhi);
    }

    private void saveState() {
        if (savedActor == null) {
            savedActor = new float[actor.params().length];
            savedCritics = new float[critics.params().length];
            savedActorMoments = new float[actorOpt.moments().length];
            savedCriticMoments = new float[criticOpt.moments().length];
        }
        System.arraycopy(actor.params(), 0, savedActor, 0, savedActor.length);
        System.arraycopy(critics.params(), 0, savedCritics, 0, savedCritics.length);
        System.arraycopy(actorOpt.moments(), 0, savedActorMoments, 0, savedActorMoments.length);
        System.arraycopy(criticOpt.moments(), 0, savedCriticMoments, 0, savedCriticMoments.length);
    }

    private void restoreState(int actorSteps, int criticSteps) {
        System.arraycopy(savedActor, 0, actor.params(), 0, savedActor.length);
        System.arraycopy(savedCritics, 0, critics.params(), 0, savedCritics.length);
        actorOpt.restore(savedActorMoments, actorSteps);
        criticOpt.restore(savedCriticMoments, criticSteps);
    }

    /** The critics' weighted mean squared TD error on a batch, without changing anything. */
    public double tdError(UnitBatch b) {
        checkBatch(b);
        computeTargets(b);
        return criticStep(b, false);
    }

    private void checkBatch(UnitBatch b) {
        if (b.stateWidth != sw || b.actionWidth != aw) {
            throw new IllegalArgumentException("batch widths: expected state " + sw + ", action " + aw
                    + " but was state " + b.stateWidth + ", action " + b.actionWidth);
        }
        if (b.units > maxRows || b.nextUnits > maxRows) {
            throw new IllegalArgumentException("batch rows: expected at most " + maxRows + " units and next units but was "
                    + b.units + " and " + b.nextUnits);
        }
        if (b.transitions > maxTransitions) {
            throw new IllegalArgumentException("batch transitions: expected at most " + maxTransitions
                    + " (the learner's maxTransitions) but was " + b.transitions);
        }
        if (b.units == 0) {
            throw new IllegalArgumentException("batch: expected at least one unit but was empty");
        }
    }

    /** Fills vNext[member][transition] = sum_j w_j phi_j Q'_member(s'_j, mu'(s'_j)); returns mean phi. */
    private double computeTargets(UnitBatch b) {
        int nn = b.nextUnits;
        java.util.Arrays.fill(vNext, 0, members * b.transitions, 0f);
        if (nn == 0) {
            return 1.0;
        }
        actorTarget.forward(ops, nn, b.nextStates, 0, actorWs);
        float[] mu = actorWs.output();
        double phiSum = 0;
        float beta = (float) cfg.beta();
        for (int j = 0; j < nn; j++) {
            float dist = 0f;
            for (int k = 0; k < aw; k++) {
                float ex = Math.abs(mu[j * aw + k] - b.nextCentres[j * aw + k]) - beta;
                if (ex > 0f) {
                    dist += ex;
                }
            }
            phi[j] = (float) Math.exp(-cfg.kappa() * dist);
            phiSum += phi[j];
        }
        // the weight of each next unit in V'(t+1)
        boolean topL = cfg.criticMode() == CriticMode.LIST_SUM
                ? cfg.listSumNext() == ListSumNext.TARGET_TOP_L
                : cfg.pairNextTopL();
        if (topL) {
            if (nextListSelector == null) {
                throw new IllegalStateException("a top-l bootstrap (listSumNext = TARGET_TOP_L or pairNextTopL) needs a "
                        + "NextListSelector (the fusion formula); call setNextListSelector");
            }
            nextListSelector.select(b, mu, nextListWeight);
        } else {
            System.arraycopy(b.nextWeights, 0, nextListWeight, 0, nn);
        }
        assembleCriticInput(nn, b.nextStates, mu);
        criticsTarget.forward(ops, nn, critIn, 0, critWs);
        float[] q = critWs.output();
        for (int mem = 0; mem < members; mem++) {
            int base = mem * nn;
            for (int j = 0; j < nn; j++) {
                float w = nextListWeight[j];
                if (w != 0f) {
                    vNext[mem * b.transitions + b.nextTransition[j]] += w * phi[j] * q[base + j];
                }
            }
        }
        return phiSum / nn;
    }

    private void assembleCriticInput(int n, float[] states, float[] actions) {
        int cw = sw + aw;
        for (int i = 0; i < n; i++) {
            System.arraycopy(states, i * sw, critIn, i * cw, sw);
            System.arraycopy(actions, i * aw, critIn, i * cw + sw, aw);
        }
    }

    /** y = r_g + gamma (1 - done_t) c_u V'_member(t+1): pair j's own reward plus its share of the future. */
    private float pairTarget(UnitBatch b, int mem, int u) {
        int t = b.unitTransition[u];
        int g = mem / m;
        if (cfg.relativePairTargets()) {
            return b.shown[u] ? b.rewards[u * RlConfig.GROUPS + g] - shownMean[t * RlConfig.GROUPS + g] : 0f;
        }
        return b.rewards[u * RlConfig.GROUPS + g]
                + (float) cfg.gamma() * b.notDone[t] * b.bootstrap[u] * vNext[mem * b.transitions + t];
    }

    /** Mean reward per group of each transition's shown units (for relative pair targets). */
    private void computeShownMeans(UnitBatch b) {
        java.util.Arrays.fill(shownMean, 0, b.transitions * RlConfig.GROUPS, 0f);
        java.util.Arrays.fill(shownCount, 0, b.transitions, 0);
        for (int u = 0; u < b.units; u++) {
            if (b.shown[u]) {
                int t = b.unitTransition[u];
                shownCount[t]++;
                for (int g = 0; g < RlConfig.GROUPS; g++) {
                    shownMean[t * RlConfig.GROUPS + g] += b.rewards[u * RlConfig.GROUPS + g];
                }
            }
        }
        for (int t = 0; t < b.transitions; t++) {
            for (int g = 0; g < RlConfig.GROUPS; g++) {
                shownMean[t * RlConfig.GROUPS + g] /= Math.max(1, shownCount[t]);
            }
        }
    }

    /** Computes the critic loss on the logged actions and, when train is set, takes one Adam step. */
    private double criticStep(UnitBatch b, boolean train) {
        int n = b.units;
        assembleCriticInput(n, b.states, b.actions);
        critics.forward(ops, n, critIn, 0, critWs);
        float[] q = critWs.output();
        float gamma = (float) cfg.gamma();
        double lossSum = 0;
        if (cfg.criticMode() == CriticMode.PAIR_DECOMPOSED) {
            computeShownMeans(b);
            // advantage push: the critics learn the value of a pair when shown, so unshown pairs carry no loss
            boolean shownOnly = cfg.actorAdvantagePush();
            double wSum = 0;
            for (int u = 0; u < n; u++) {
                wSum += shownOnly && !b.shown[u] ? 0f : b.weights[u];
            }
            wSum = Math.max(wSum, 1e-12);
            for (int mem = 0; mem < members; mem++) {
                double memLoss = 0;
                for (int u = 0; u < n; u++) {
                    float w = shownOnly && !b.shown[u] ? 0f : b.weights[u];
                    float y = pairTarget(b, mem, u);
                    float diff = q[mem * n + u] - y;
                    memLoss += w * diff * diff;
                    dOut[mem * n + u] = (float) (2.0 * w * diff / wSum);
                }
                lossSum += memLoss / wSum;
            }
        } else {
            int tCount = b.transitions;
            for (int mem = 0; mem < members; mem++) {
                int g = mem / m;
                java.util.Arrays.fill(sums, 0, tCount, 0f);
                java.util.Arrays.fill(targets, 0, tCount, 0f);
                for (int u = 0; u < n; u++) {
                    int t = b.unitTransition[u];
                    sums[t] += q[mem * n + u];
                    targets[t] += b.rewards[u * RlConfig.GROUPS + g];
                }
                double memLoss = 0;
                for (int t = 0; t < tCount; t++) {
                    targets[t] += gamma * b.notDone[t] * vNext[mem * tCount + t];
                    float diff = sums[t] - targets[t];
                    memLoss += diff * diff;
                    sums[t] = diff; // reuse as the residual
                }
                for (int u = 0; u < n; u++) {
                    dOut[mem * n + u] = 2f * sums[b.unitTransition[u]] / tCount;
                }
                lossSum += memLoss / tCount;
            }
        }
        if (train) {
            critics.backward(ops, n, critIn, 0, critWs, dOut, criticGrads, false, null, 0);
            criticOpt.step(ops, critics.params(), criticGrads);
        }
        return lossSum / members;
    }

    /** The actor loss J on a batch (mean over the included units), without changing anything. */
    public double actorLoss(UnitBatch b) {
        checkBatch(b);
        return actorStep(b, false)[0];
    }

    /** d J / d actor parameters on a batch, into a copy (for gradient checks); changes nothing else. */
    float[] actorGradient(UnitBatch b) {
        checkBatch(b);
        actorStep(b, false);
        return actorGrads.clone();
    }

    /** Critic targets y [members][units] of the pair-decomposed loss (for tests). */
    float[] pairTargets(UnitBatch b) {
        checkBatch(b);
        computeTargets(b);
        computeShownMeans(b);
        float[] y = new float[members * b.units];
        for (int mem = 0; mem < members; mem++) {
            for (int u = 0; u < b.units; u++) {
                y[mem * b.units + u] = pairTarget(b, mem, u);
            }
        }
        return y;
    }

    /**
     * Computes the actor loss and its gradient into actorGrads; with step set, also takes the Adam step.
     * Returns {actor loss, mean Q (group-weighted), ensemble std (group-weighted), box penalty}.
     */
    /** The actor step's loss, mean Q, ensemble std and box penalty, in a reused array (an update allocates nothing). */
    private double[] parts(double loss, double meanQ, double std, double box) {
        actorParts[0] = loss;
        actorParts[1] = meanQ;
        actorParts[2] = std;
        actorParts[3] = box;
        return actorParts;
    }

    private double[] actorStep(UnitBatch b, boolean step) {
        if (cfg.actorAdvantagePush()) {
            return pushStep(b, step);
        }
        int n = b.units;
        actor.forward(ops, n, b.states, 0, actorWs);
        float[] mu = actorWs.output();
        assembleCriticInput(n, b.states, mu);
        critics.forward(ops, n, critIn, 0, critWs);
        float[] q = critWs.output();
        int included = 0;
        for (int u = 0; u < n; u++) {
            if (!cfg.actorOnShownOnly() || b.shown[u]) {
                included++;
            }
        }
        if (included == 0) {
            return parts(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        float lambda = (float) cfg.lambda();
        double meanQSum = 0;
        double stdSum = 0;
        double boxSum = 0;
        java.util.Arrays.fill(dOut, 0, members * n, 0f);
        for (int u = 0; u < n; u++) {
            if (cfg.actorOnShownOnly() && !b.shown[u]) {
                continue;
            }
            for (int g = 0; g < RlConfig.GROUPS; g++) {
                float wg = cfg.groupWeights().get(g).floatValue();
                double mean = groupMean(q, n, u, g);
                double std = groupStd(q, n, u, g, mean);
                meanQSum += wg * mean;
                stdSum += wg * std;
                for (int k = 0; k < m; k++) {
                    int mem = g * m + k;
                    double dStd = std > 1e-8 ? (q[mem * n + u] - mean) / (m * std) : 0.0;
                    dOut[mem * n + u] = (float) (wg * (-1.0 / m + lambda * dStd) / included);
                }
            }
        }
        critics.backward(ops, n, critIn, 0, critWs, dOut, scratchGrads, false, dxCrit, 0);
        int cw = sw + aw;
        float beta = (float) cfg.beta();
        double kd = cfg.kappaD();
        double eta = cfg.eta();
        for (int u = 0; u < n; u++) {
            boolean in = !cfg.actorOnShownOnly() || b.shown[u];
            for (int k = 0; k < aw; k++) {
                float grad = in ? dxCrit[u * cw + sw + k] : 0f;
                if (in) {
                    float d = mu[u * aw + k] - b.centres[u * aw + k];
                    float ex = Math.abs(d) - beta;
                    if (ex > 0f) {
                        double e = Math.exp(kd * ex);
                        boxSum += eta * (e - 1);
                        grad += (float) (eta * kd * e * Math.signum(d) / included);
                    }
                }
                dAct[u * aw + k] = grad;
            }
        }
        actor.backward(ops, n, b.states, 0, actorWs, dAct, 0, actorGrads, false, null, 0);
        if (step) {
            actorOpt.step(ops, actor.params(), actorGrads);
        }
        double meanQ = meanQSum / included;
        double meanStd = stdSum / included;
        double box = boxSum / included;
        return parts(-meanQ + lambda * meanStd + box, meanQ, meanStd, box);
    }

    /**
     * The advantage push ({@link RlConfig#actorAdvantagePush()}): J = -(1/n) sum_u A_u score(mu_u) + box penalty,
     * A_u the standardised, clipped pessimistic value of pair u among its step's pairs, computed with the critics
     * at the logged action (so A does not depend on the actor and dJ/dtheta is exact). Returns the same four
     * diagnostics as the critic-gradient objective: {J, mean Q, mean ensemble std, box penalty}.
     */
    private double[] pushStep(UnitBatch b, boolean step) {
        if (fusion == null) {
            throw new IllegalStateException("actorAdvantagePush: call setFusion before training");
        }
        int n = b.units;
        int k = fusion.tasks();
        assembleCriticInput(n, b.states, b.actions);
        critics.forward(ops, n, critIn, 0, critWs);
        float[] q = critWs.output();
        float lambda = (float) cfg.lambda();
        int tCount = b.transitions;
        java.util.Arrays.fill(stepMean, 0, tCount, 0.0);
        java.util.Arrays.fill(stepSq, 0, tCount, 0.0);
        java.util.Arrays.fill(stepCount, 0, tCount, 0);
        int included = 0;
        double meanQSum = 0;
        double stdSum = 0;
        for (int u = 0; u < n; u++) {
            if (cfg.actorOnShownOnly() && !b.shown[u]) {
                continue;
            }
            included++;
            double v = 0;
            for (int g = 0; g < RlConfig.GROUPS; g++) {
                double wg = cfg.groupWeights().get(g);
                double mean = groupMean(q, n, u, g);
                double std = groupStd(q, n, u, g, mean);
                meanQSum += wg * mean;
                stdSum += wg * std;
                v += wg * (mean - lambda * std);
            }
            pairValue[u] = (float) v;
            int t = b.unitTransition[u];
            stepMean[t] += v;
            stepSq[t] += v * v;
            stepCount[t]++;
        }
        if (included == 0) {
            return parts(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        for (int t = 0; t < tCount; t++) {
            if (stepCount[t] > 0) {
                stepMean[t] /= stepCount[t];
                stepSq[t] = Math.sqrt(Math.max(0.0, stepSq[t] / stepCount[t] - stepMean[t] * stepMean[t]));
            }
        }
        actor.forward(ops, n, b.states, 0, actorWs);
        float[] mu = actorWs.output();
        float beta = (float) cfg.beta();
        double kd = cfg.kappaD();
        double eta = cfg.eta();
        double objective = 0;
        double boxSum = 0;
        for (int u = 0; u < n; u++) {
            boolean in = !cfg.actorOnShownOnly() || b.shown[u];
            java.util.Arrays.fill(dAct, u * aw, (u + 1) * aw, 0f);
            if (!in) {
                continue;
            }
            int t = b.unitTransition[u];
            // a step whose pairs all have the same value gives no direction (and a single pair has no rivals)
            double push = stepSq[t] > 1e-6 ? (pairValue[u] - stepMean[t]) / stepSq[t] : 0.0;
            push = Math.max(-1.0, Math.min(1.0, push));
            int pOff = u * sw + sw - k; // the pair's MTL scores: the last K columns of its state
            for (int task = 0; task < k; task++) {
                float p = b.states[pOff + task];
                double halfPow = 0.5 * (fusion.powerMax(task) - fusion.powerMin(task));
                double halfBias = 0.5 * (fusion.biasMax(task) - fusion.biasMin(task));
                double aPow = clampAction(mu[u * aw + task]);
                double aBias = clampAction(mu[u * aw + k + task]);
                double power = fusion.powerMin(task) + (aPow + 1) * halfPow;
                double bias = fusion.biasMin(task) + (aBias + 1) * halfBias;
                double logTerm = Math.log(p + bias);
                objective += push * power * logTerm;
                // d score / d a_power = halfPow ln(p + bias); d score / d a_bias = power halfBias / (p + bias)
                dAct[u * aw + task] = (float) (-push * halfPow * logTerm / included);
                dAct[u * aw + k + task] = (float) (-push * power * halfBias / (p + bias) / included);
            }
            for (int c = 0; c < aw; c++) {
                float d = mu[u * aw + c] - b.centres[u * aw + c];
                float ex = Math.abs(d) - beta;
                if (ex > 0f) {
                    double e = Math.exp(kd * ex);
                    boxSum += eta * (e - 1);
                    dAct[u * aw + c] += (float) (eta * kd * e * Math.signum(d) / included);
                }
            }
        }
        actor.backward(ops, n, b.states, 0, actorWs, dAct, 0, actorGrads, false, null, 0);
        if (step) {
            actorOpt.step(ops, actor.params(), actorGrads);
        }
        double box = boxSum / included;
        return parts(-objective / included + box, meanQSum / included, stdSum / included, box);
    }

    /** The tanh actor's output is inside [-1, 1] already; this only guards the fusion map's domain. */
    private static double clampAction(float a) {
        return a < -1f ? -1.0 : (a > 1f ? 1.0 : a);
    }

    /** Mean over reward group g's M critics of their outputs q [members][n] for unit u. */
    private double groupMean(float[] q, int n, int u, int g) {
        double mean = 0;
        for (int k = 0; k < m; k++) {
            mean += q[(g * m + k) * n + u];
        }
        return mean / m;
    }

    /** Population standard deviation of the same M outputs around their mean: the ensemble's disagreement. */
    private double groupStd(float[] q, int n, int u, int g, double mean) {
        double var = 0;
        for (int k = 0; k < m; k++) {
            double d = q[(g * m + k) * n + u] - mean;
            var += d * d;
        }
        return Math.sqrt(var / m);
    }
}
