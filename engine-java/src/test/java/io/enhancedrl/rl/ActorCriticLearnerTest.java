package io.enhancedrl.rl;

import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.model.MlpSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActorCriticLearnerTest {

    private static RlConfig small(CriticMode mode) {
        return new RlConfig(0.9, 0.15, true, 10, 10, 1, 1, List.of(1.0, 1.0), 2, List.of(4), List.of(4),
                3e-3, 1e-3, 64, 0.05, mode, ListSumNext.LOGGED, 4, false, 1, 1, 1, false, false, false);
    }

    /** Makes a network's output the constant `value` per output column: last layer weights 0, bias set. */
    private static void constantOutput(MlpSpec s, float[] slab, int off, float[] value) {
        int last = s.layerCount() - 1;
        java.util.Arrays.fill(slab, off + s.weightOffset(last), off + s.biasOffset(last), 0f);
        System.arraycopy(value, 0, slab, off + s.biasOffset(last), value.length);
    }

    private static ActorCriticLearner constantLearner(CriticMode mode, float[] onlineQ) {
        ActorCriticLearner l = new ActorCriticLearner(small(mode), ScalarKernelOps.INSTANCE, 3, 2, 16, 4,
                new float[]{0f, 0f}, 1);
        MlpSpec as = l.actorTarget().spec();
        float atanhHalf = (float) (0.5 * Math.log(3));
        constantOutput(as, l.actorTarget().params(), 0, new float[]{atanhHalf, atanhHalf});
        MlpSpec cs = l.criticsTarget().spec();
        int p = cs.parameterCount();
        for (int m = 0; m < 4; m++) {
            constantOutput(cs, l.criticsTarget().params(), m * p, new float[]{m + 1});
            constantOutput(cs, l.critics().params(), m * p, new float[]{onlineQ[m]});
        }
        return l;
    }

    /** Two transitions: t0 (not done) with a shown and an unshown pair, t1 (done) with one shown pair. */
    private static UnitBatch handBuiltEpisode(boolean withUnshown) {
        UnitBatch b = new UnitBatch(3, 2, 4, 16, 16);
        b.beginTransition(false);
        b.addUnit(0.7f, 0.2f, 1f, 0.5f, true);
        if (withUnshown) {
            b.addUnit(0f, 0f, 3f, 0f, false);
        }
        int n0 = b.addNext(1f, true, 10);
        b.nextCentres[n0 * 2] = 0.5f;
        b.nextCentres[n0 * 2 + 1] = 0.5f;
        int n1 = b.addNext(withUnshown ? 3f : 0f, false, 11);
        b.nextCentres[n1 * 2] = 0.0f;     // |0.5 - 0| - 0.15 = 0.35 outside the box
        b.nextCentres[n1 * 2 + 1] = 0.5f;
        b.beginTransition(true);
        b.addUnit(1.5f, 0.4f, 1f, 0.5f, true);
        b.addNext(1f, true, 12); // ignored: done
        return b;
    }

    @Test
    void pairTargetsOnAHandBuiltEpisode() {
        ActorCriticLearner l = constantLearner(CriticMode.PAIR_DECOMPOSED, new float[]{0, 0, 0, 0});
        UnitBatch b = handBuiltEpisode(true);
        float[] y = l.pairTargets(b);
        double phi1 = Math.exp(-10 * 0.35);
        for (int m = 0; m < 4; m++) {
            double v = (m + 1) * (1 + 3 * phi1);          // V'_m(t+1) = sum w phi Q'
            double r0 = m < 2 ? 0.7 : 0.2;                // members 0,1: watch-time group; 2,3: the rest
            double r2 = m < 2 ? 1.5 : 0.4;
            assertEquals(r0 + 0.9 * 0.5 * v, y[m * 3], 1e-5, "shown pair, member " + m);
            assertEquals(0.0, y[m * 3 + 1], 1e-7, "unshown pair, member " + m);
            assertEquals(r2, y[m * 3 + 2], 1e-6, "shown pair at the last step, member " + m);
        }
    }

    @Test
    void tdErrorsOfBothCriticModesMatchHandComputation() {
        float[] q = {0.3f, -0.2f, 1.0f, 0.1f};
        double phi1 = Math.exp(-10 * 0.35);
        // pair-decomposed: weighted mean over units of (q - y)^2, averaged over members
        ActorCriticLearner pair = constantLearner(CriticMode.PAIR_DECOMPOSED, q);
        double expected = 0;
        for (int m = 0; m < 4; m++) {
            double v = (m + 1) * (1 + 3 * phi1);
            double y0 = (m < 2 ? 0.7 : 0.2) + 0.45 * v;
            double y2 = m < 2 ? 1.5 : 0.4;
            expected += (1 * sq(q[m] - y0) + 3 * sq(q[m]) + 1 * sq(q[m] - y2)) / 5;
        }
        assertEquals(expected / 4, pair.tdError(handBuiltEpisode(true)), 1e-4 * expected);

        // list sum over shown pairs only: (sum_shown Q - (sum r + gamma V'))^2 per transition, next list = logged
        ActorCriticLearner list = constantLearner(CriticMode.LIST_SUM, q);
        double exp2 = 0;
        for (int m = 0; m < 4; m++) {
            double v = (m + 1) * 1.0;                      // only the logged shown item of t+1 (phi = 1)
            double t0 = sq(q[m] - ((m < 2 ? 0.7 : 0.2) + 0.9 * v));
            double t1 = sq(q[m] - (m < 2 ? 1.5 : 0.4));
            exp2 += (t0 + t1) / 2;
        }
        assertEquals(exp2 / 4, list.tdError(handBuiltEpisode(false)), 1e-4 * exp2);
    }

    private static double sq(double x) {
        return x * x;
    }

    private static UnitBatch randomBatch(long seed, int transitions) {
        Random r = new Random(seed);
        UnitBatch b = new UnitBatch(3, 2, transitions, transitions * 3, transitions * 3);
        for (int t = 0; t < transitions; t++) {
            b.beginTransition(r.nextInt(4) == 0);
            for (int j = 0; j < 3; j++) {
                boolean shown = j < 2;
                int u = b.addUnit(shown ? r.nextFloat() : 0f, shown ? r.nextFloat() : 0f, shown ? 1f : 2f,
                        shown ? 0.5f : 0f, shown);
                for (int c = 0; c < 3; c++) {
                    b.states[u * 3 + c] = (float) r.nextGaussian();
                }
                for (int c = 0; c < 2; c++) {
                    b.actions[u * 2 + c] = r.nextFloat() * 2 - 1;
                    b.centres[u * 2 + c] = (float) (r.nextFloat() * 0.6 - 0.3);
                }
                int nx = b.addNext(shown ? 1f : 2f, shown, 100 + j);
                for (int c = 0; c < 3; c++) {
                    b.nextStates[nx * 3 + c] = (float) r.nextGaussian();
                }
                for (int c = 0; c < 2; c++) {
                    b.nextCentres[nx * 2 + c] = (float) (r.nextFloat() * 0.6 - 0.3);
                }
            }
        }
        return b;
    }

    @Test
    void trainingLowersTheCriticsTdErrorOnAFixedDataset() {
        for (CriticMode mode : CriticMode.values()) {
            ActorCriticLearner l = new ActorCriticLearner(small(mode).withPairNextTopL(true), ScalarKernelOps.INSTANCE,
                    3, 2, 64, 16, new float[]{0.1f, -0.1f}, 5);
            // bootstrap over the logged list of t+1 (a stand-in for the target actor's top-l)
            l.setNextListSelector((batch, mu, w) -> {
                for (int j = 0; j < batch.nextUnits; j++) {
                    w[j] = batch.nextShown[j] ? 1f : 0f;
                }
            });
            UnitBatch b = randomBatch(3, 16);
            if (mode == CriticMode.LIST_SUM) {
                // as the encoder builds it: the logged list of t+1, weight 1 each
                for (int j = 0; j < b.nextUnits; j++) {
                    b.nextWeights[j] = b.nextShown[j] ? 1f : 0f;
                }
            }
            double before = l.tdError(b);
            UpdateStats last = null;
            for (int i = 0; i < 800; i++) {
                last = l.update(b);
            }
            double after = l.tdError(b);
            assertTrue(after < 0.5 * before, mode + ": TD error " + before + " -> " + after);
            assertTrue(Double.isFinite(last.actorLoss()) && Double.isFinite(last.ensembleStd()), mode + ": " + last);
        }
    }

    @Test
    void actorGradientMatchesFiniteDifferencesOfTheActorLoss() {
        ActorCriticLearner l = new ActorCriticLearner(small(CriticMode.PAIR_DECOMPOSED), ScalarKernelOps.INSTANCE, 3, 2,
                64, 16, new float[]{0.1f, -0.1f}, 9);
        UnitBatch b = randomBatch(4, 6);
        // centres far from the actor's output for some units so that the box penalty is active
        for (int u = 0; u < b.units; u += 2) {
            b.centres[u * 2] = 0.6f;
        }
        double[] got = assertActorGradientMatchesFiniteDifferences("dJ/dtheta (actor)", l, b);
        double norm = 0;
        for (double g : got) {
            norm += g * g;
        }
        assertTrue(norm > 1e-6, "the gradient must not vanish: |g|^2 = " + norm);
    }

    /** The advantage push on a random batch whose states end with an MTL score in (0, 1), K = 1. */
    private static ActorCriticLearner pushLearner(UnitBatch b) {
        ActorCriticLearner l = new ActorCriticLearner(small(CriticMode.PAIR_DECOMPOSED).withActorAdvantagePush(true),
                ScalarKernelOps.INSTANCE, 3, 2, 64, 16, new float[]{0.1f, -0.1f}, 9);
        l.setFusion(io.enhancedrl.model.fusion.FusionSpace.defaults(1));
        for (int u = 0; u < b.units; u++) {
            b.states[u * 3 + 2] = 0.05f + 0.9f * (float) Math.abs(Math.sin(u + 1.0));
        }
        for (int u = 0; u < b.units; u += 2) {
            b.centres[u * 2] = 0.6f; // box penalty active for some units
        }
        return l;
    }

    @Test
    void advantagePushGradientMatchesFiniteDifferencesAndMovesTheBetterPairUp() {
        UnitBatch b = randomBatch(5, 6);
        ActorCriticLearner l = pushLearner(b);
        // critics that prefer a larger first state column: a clear ranking of the pairs of every step
        MlpSpec cs = l.critics().spec();
        float[] cp = l.critics().params();
        for (int mem = 0; mem < 4; mem++) {
            java.util.Arrays.fill(cp, mem * cs.parameterCount(), (mem + 1) * cs.parameterCount(), 0f);
            cp[mem * cs.parameterCount() + cs.weightOffset(0)] = 1f;        // hidden 0 <- state column 0
            cp[mem * cs.parameterCount() + cs.biasOffset(0)] = 5f;          // stays in ReLU's linear part
            cp[mem * cs.parameterCount() + cs.weightOffset(1)] = 1f;        // output <- hidden 0
        }
        assertActorGradientMatchesFiniteDifferences("dJ/dtheta (advantage push)", l, b);

        // without the box penalty, training the actor alone raises the fused scores of a step's better pairs
        // (by the hand-computed push: state column 0 standardised within its step, clipped) and lowers the worse
        ActorCriticLearner noBox = new ActorCriticLearner(small(CriticMode.PAIR_DECOMPOSED).withActorAdvantagePush(true)
                .with("eta", 0.0), ScalarKernelOps.INSTANCE, 3, 2, 64, 16, new float[]{0.1f, -0.1f}, 9);
        noBox.setFusion(io.enhancedrl.model.fusion.FusionSpace.defaults(1));
        noBox.critics().copyFrom(l.critics());
        double[] push = new double[b.units];
        for (int t = 0; t < b.transitions; t++) {
            double mean = 0;
            double sq = 0;
            int count = 0;
            for (int u = 0; u < b.units; u++) {
                if (b.unitTransition[u] == t) {
                    mean += b.states[u * 3];
                    sq += (double) b.states[u * 3] * b.states[u * 3];
                    count++;
                }
            }
            mean /= count;
            double sd = Math.sqrt(sq / count - mean * mean);
            for (int u = 0; u < b.units; u++) {
                if (b.unitTransition[u] == t) {
                    push[u] = Math.max(-1, Math.min(1, (b.states[u * 3] - mean) / sd));
                }
            }
        }
        io.enhancedrl.model.fusion.FusionSpace fs = io.enhancedrl.model.fusion.FusionSpace.defaults(1);
        double[] before = scores(noBox, b, fs);
        double lossBefore = noBox.actorLoss(b);
        float[] np = noBox.actor().params();
        io.enhancedrl.model.Adam opt = new io.enhancedrl.model.Adam(np.length, 1e-2f);
        for (int step = 0; step < 100; step++) {
            opt.step(ScalarKernelOps.INSTANCE, np, noBox.actorGradient(b));
        }
        double[] after = scores(noBox, b, fs);
        double aligned = 0;
        for (int u = 0; u < b.units; u++) {
            aligned += push[u] * (after[u] - before[u]);
        }
        assertTrue(aligned > 0.05, "sum of push * score change: " + aligned);
        assertTrue(noBox.actorLoss(b) < lossBefore - 0.01, "loss " + lossBefore + " -> " + noBox.actorLoss(b));
    }

    private static double[] scores(ActorCriticLearner l, UnitBatch b, io.enhancedrl.model.fusion.FusionSpace fs) {
        io.enhancedrl.model.MlpWorkspace ws = new io.enhancedrl.model.MlpWorkspace(l.actor().spec(), b.units);
        l.actor().forward(ScalarKernelOps.INSTANCE, b.units, b.states, 0, ws);
        float[] a = ws.output();
        double[] out = new double[b.units];
        for (int u = 0; u < b.units; u++) {
            out[u] = score(fs, a, b.states, u);
        }
        return out;
    }

    private static double score(io.enhancedrl.model.fusion.FusionSpace fs, float[] a, float[] states, int u) {
        double power = fs.powerMin(0) + (a[u * 2] + 1) * 0.5 * (fs.powerMax(0) - fs.powerMin(0));
        double bias = fs.biasMin(0) + (a[u * 2 + 1] + 1) * 0.5 * (fs.biasMax(0) - fs.biasMin(0));
        return power * Math.log(states[u * 3 + 2] + bias);
    }

    @Test
    void advantagePushCriticsIgnoreUnshownPairs() {
        UnitBatch b = randomBatch(7, 4);
        ActorCriticLearner l = pushLearner(b);
        double before = l.tdError(b);
        for (int u = 0; u < b.units; u++) {
            if (!b.shown[u]) {
                b.states[u * 3] += 3f; // a different unshown pair changes nothing the critics are trained on
            }
        }
        assertEquals(before, l.tdError(b), 1e-12);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ActorCriticLearner(
                small(CriticMode.PAIR_DECOMPOSED).withActorAdvantagePush(true), ScalarKernelOps.INSTANCE, 3, 2, 64,
                16, new float[]{0f, 0f}, 1).actorLoss(b));
        assertTrue(e.getMessage().contains("setFusion"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ActorCriticLearner(
                small(CriticMode.LIST_SUM).withActorAdvantagePush(true), ScalarKernelOps.INSTANCE, 3, 2, 64, 16,
                new float[]{0f, 0f}, 1));
    }

    /** Central differences (h = 5e-4) of actorLoss against actorGradient; returns the analytic gradient. */
    private static double[] assertActorGradientMatchesFiniteDifferences(String what, ActorCriticLearner l,
                                                                        UnitBatch b) {
        float[] analytic = l.actorGradient(b);
        float[] p = l.actor().params();
        double[] numeric = new double[p.length];
        double[] got = new double[p.length];
        float h = 5e-4f;
        for (int i = 0; i < p.length; i++) {
            float keep = p[i];
            p[i] = keep + h;
            double up = l.actorLoss(b);
            p[i] = keep - h;
            double down = l.actorLoss(b);
            p[i] = keep;
            numeric[i] = (up - down) / (2 * h);
            got[i] = analytic[i];
        }
        new io.enhancedrl.testing.Tolerance(2e-3, 5e-2).assertClose(what, numeric, got);
        return got;
    }

    @Test
    void aBatchWithMoreTransitionsThanTheLearnerHoldsIsRefusedByName() {
        ActorCriticLearner l = new ActorCriticLearner(small(CriticMode.PAIR_DECOMPOSED), ScalarKernelOps.INSTANCE, 3, 2,
                16, 1, new float[]{0f, 0f}, 1);
        float[] before = l.critics().params().clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.update(handBuiltEpisode(false)));
        assertEquals("batch transitions: expected at most 1 (the learner's maxTransitions) but was 2", e.getMessage());
        assertTrue(java.util.Arrays.equals(before, l.critics().params()), "nothing was changed");
    }
}
