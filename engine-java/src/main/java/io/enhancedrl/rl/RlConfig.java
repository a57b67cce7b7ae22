package io.enhancedrl.rl;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Every setting of the learning procedure (spec sections 5 and 6). Defaults follow the spec; entries marked
 * [ours] there are switches here so that they can be ablated. Printable and loadable from JSON (missing keys
 * take the defaults, unknown keys are an error).
 *
 * @param gamma discount
 * @param beta half-width of the exploration box around the behaviour action
 * @param explorePerPair [ours] draw exploration noise per pair (true) or once per request (false)
 * @param kappa damping of bootstrap terms whose target action leaves the logged box: phi = exp(-kappa B)
 * @param kappaD steepness of the actor's box penalty
 * @param lambda weight of the ensemble disagreement (std over members) in the actor loss
 * @param eta weight of the box penalty
 * @param groupWeights w_g of the two reward groups (watch time, other behaviours)
 * @param criticMembers M, critics per reward group
 * @param actorHidden hidden widths of the actor (ReLU, tanh output)
 * @param criticHidden hidden widths of each critic (ReLU, identity output)
 * @param criticLr critic learning rate (Adam)
 * @param actorLr actor learning rate (Adam)
 * @param batchPairs decision units (pairs, or requests for user-level RL) per gradient step
 * @param tau Polyak coefficient of the target networks
 * @param criticMode pair-decomposed [ours, default] or the paper's list sum
 * @param listSumNext in list-sum mode, the list of t+1 to bootstrap over
 * @param unshownPerShown [ours] unshown candidates sampled per shown item (weighted); -1 = all candidates
 * @param actorOnShownOnly [ours] restrict the actor loss to shown pairs
 * @param rounds progressive training rounds
 * @param sessionsPerRound sessions collected per round
 * @param updatesPerRound gradient steps (critic + actor) per round
 * @param pairNextTopL [ours] in pair-decomposed mode, take V'(t+1) over the target actor's own top-l of the
 *                     next step's candidates (true) instead of the weighted sum over all of them (false). The
 *                     full sum multiplies the critics' error on ~C unshown items by gamma (C - l) / l (about 17
 *                     at C = 100, l = 5); measured, it made the critics diverge (docs/experiments.md).
 * @param relativePairTargets [ours] in pair-decomposed mode, train the critics on a shown pair's reward minus the
 *                     mean reward of its step's shown list (unshown pairs 0, no bootstrap, which cancels: every
 *                     shown pair has the same 1/l share of the future). The spec's absolute targets make being
 *                     shown worth more than not being shown for every item, so the actor raises every item's
 *                     score alike (measured: docs/experiments.md); relative targets carry the competition.
 */
public record RlConfig(
        double gamma,
        double beta,
        boolean explorePerPair,
        double kappa,
        double kappaD,
        double lambda,
        double eta,
        List<Double> groupWeights,
        int criticMembers,
        List<Integer> actorHidden,
        List<Integer> criticHidden,
        double criticLr,
        double actorLr,
        int batchPairs,
        double tau,
        CriticMode criticMode,
        ListSumNext listSumNext,
        int unshownPerShown,
        boolean actorOnShownOnly,
        int rounds,
        int sessionsPerRound,
        int updatesPerRound,
        boolean pairNextTopL,
        boolean relativePairTargets) {

    public static final int GROUPS = 2;

    public RlConfig {
        check("gamma", gamma, 0, 1);
        check("beta", beta, 0, 2);
        check("kappa", kappa, 0, 1e6);
        check("kappaD", kappaD, 0, 100);
        check("lambda", lambda, 0, 1e6);
        check("eta", eta, 0, 1e6);
        if (groupWeights == null || groupWeights.size() != GROUPS) {
            throw new IllegalArgumentException("groupWeights: expected " + GROUPS + " values but was " + groupWeights);
        }
        groupWeights = List.copyOf(groupWeights);
        checkInt("criticMembers", criticMembers, 1, 64);
        actorHidden = List.copyOf(actorHidden);
        criticHidden = List.copyOf(criticHidden);
        check("criticLr", criticLr, 0, 1);
        check("actorLr", actorLr, 0, 1);
        checkInt("batchPairs", batchPairs, 1, 1 << 20);
        check("tau", tau, 0, 1);
        if (criticMode == null || listSumNext == null) {
            throw new IllegalArgumentException("criticMode and listSumNext must be set");
        }
        checkInt("unshownPerShown", unshownPerShown, -1, 1000);
        checkInt("rounds", rounds, 1, 1000);
        checkInt("sessionsPerRound", sessionsPerRound, 1, 100_000_000);
        checkInt("updatesPerRound", updatesPerRound, 0, 100_000_000);
    }

    public static RlConfig defaults() {
        return new RlConfig(0.9, 0.15, true, 10, 10, 1, 1, List.of(1.0, 1.0), 10,
                List.of(64, 32), List.of(64, 32), 3e-4, 1e-4, 256, 0.005,
                CriticMode.PAIR_DECOMPOSED, ListSumNext.LOGGED, 4, false,
                5, 1500, 1500, true, true);
    }

    private static void check(String name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(name + ": expected a value in [" + lo + ", " + hi + "] but was " + v);
        }
    }

    private static void checkInt(String name, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException(name + ": expected a value in [" + lo + ", " + hi + "] but was " + v);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Loads a config; keys missing from the file keep their defaults. */
    public static RlConfig load(Path file) throws IOException {
        try {
            return fromJson(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IOException("RL config " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A config from JSON text (what {@link #toJson} writes); keys missing keep their defaults.
     *
     * @throws IllegalArgumentException not a JSON object, an unknown key or a bad value
     */
    public static RlConfig fromJson(String json) {
        try {
            var base = JSON.valueToTree(defaults());
            var given = JSON.readTree(json);
            if (given == null || !given.isObject()) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            var it = given.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!base.has(e.getKey())) {
                    throw new IllegalArgumentException("unknown key '" + e.getKey() + "'");
                }
                ((com.fasterxml.jackson.databind.node.ObjectNode) base).set(e.getKey(), e.getValue());
            }
            return JSON.treeToValue(base, RlConfig.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public void save(Path file) throws IOException {
        Files.writeString(file, toJson());
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public RlConfig withCriticMode(CriticMode mode) {
        return new RlConfig(gamma, beta, explorePerPair, kappa, kappaD, lambda, eta, groupWeights, criticMembers,
                actorHidden, criticHidden, criticLr, actorLr, batchPairs, tau, mode, listSumNext, unshownPerShown,
                actorOnShownOnly, rounds, sessionsPerRound, updatesPerRound, pairNextTopL, relativePairTargets);
    }

    public RlConfig withBudget(int rounds, int sessionsPerRound, int updatesPerRound) {
        return new RlConfig(gamma, beta, explorePerPair, kappa, kappaD, lambda, eta, groupWeights, criticMembers,
                actorHidden, criticHidden, criticLr, actorLr, batchPairs, tau, criticMode, listSumNext,
                unshownPerShown, actorOnShownOnly, rounds, sessionsPerRound, updatesPerRound, pairNextTopL, relativePairTargets);
    }

    public RlConfig withPairNextTopL(boolean topL) {
        return new RlConfig(gamma, beta, explorePerPair, kappa, kappaD, lambda, eta, groupWeights, criticMembers,
                actorHidden, criticHidden, criticLr, actorLr, batchPairs, tau, criticMode, listSumNext,
                unshownPerShown, actorOnShownOnly, rounds, sessionsPerRound, updatesPerRound, topL, relativePairTargets);
    }

    public RlConfig withRelativePairTargets(boolean relative) {
        return new RlConfig(gamma, beta, explorePerPair, kappa, kappaD, lambda, eta, groupWeights, criticMembers,
                actorHidden, criticHidden, criticLr, actorLr, batchPairs, tau, criticMode, listSumNext,
                unshownPerShown, actorOnShownOnly, rounds, sessionsPerRound, updatesPerRound,
                pairNextTopL, relative);
    }

    public RlConfig withCriticMembers(int m) {
        return new RlConfig(gamma, beta, explorePerPair, kappa, kappaD, lambda, eta, groupWeights, m,
                actorHidden, criticHidden, criticLr, actorLr, batchPairs, tau, criticMode, listSumNext,
                unshownPerShown, actorOnShownOnly, rounds, sessionsPerRound, updatesPerRound, pairNextTopL, relativePairTargets);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
