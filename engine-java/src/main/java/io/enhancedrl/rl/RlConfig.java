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
 * @param actorAdvantagePush [ours, default] in pair-decomposed mode, replace the actor's critic-gradient objective
 *                     (the spec's; false) by a
 *                     ranking push: the critics learn the value of a pair *when shown* (unshown pairs carry no
 *                     critic loss), each pair's pessimistic value (group-weighted ensemble mean minus lambda std,
 *                     at the logged action) is standardised among the pairs of its step and clipped to [-1, 1],
 *                     and the actor raises or lowers the pair's fused score in proportion, inside the box. The
 *                     critic's action gradient carries almost none of this signal (docs/experiments.md).
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
        boolean relativePairTargets,
        boolean actorAdvantagePush) {

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
                5, 1500, 1500, true, true, true);
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
            return overlay(defaults(), JSON.readTree(file.toFile()));
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JacksonException e) {
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
            return overlay(defaults(), JSON.readTree(json));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * This config with one field replaced, by its JSON name (e.g. {@code with("gamma", 0.8)}); the value goes
     * through the same checks as a config file's.
     *
     * @throws IllegalArgumentException for an unknown key or a value the constructor rejects
     */
    public RlConfig with(String key, Object value) {
        var patch = JSON.createObjectNode();
        patch.set(key, JSON.valueToTree(value));
        try {
            return overlay(this, patch);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException(key + ": " + e.getOriginalMessage(), e);
        }
    }

    /** base with every key of given replaced; keys base does not have are refused. */
    private static RlConfig overlay(RlConfig base, com.fasterxml.jackson.databind.JsonNode given)
            throws com.fasterxml.jackson.core.JacksonException {
        if (given == null || !given.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        var merged = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(base);
        var it = given.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!merged.has(e.getKey())) {
                throw new IllegalArgumentException("unknown key '" + e.getKey() + "'");
            }
            merged.set(e.getKey(), e.getValue());
        }
        return JSON.treeToValue(merged, RlConfig.class);
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
        return with("criticMode", mode);
    }

    public RlConfig withBudget(int rounds, int sessionsPerRound, int updatesPerRound) {
        return with("rounds", rounds).with("sessionsPerRound", sessionsPerRound)
                .with("updatesPerRound", updatesPerRound);
    }

    public RlConfig withPairNextTopL(boolean topL) {
        return with("pairNextTopL", topL);
    }

    public RlConfig withRelativePairTargets(boolean relative) {
        return with("relativePairTargets", relative);
    }

    public RlConfig withActorAdvantagePush(boolean push) {
        return with("actorAdvantagePush", push);
    }

    public RlConfig withCriticMembers(int m) {
        return with("criticMembers", m);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
