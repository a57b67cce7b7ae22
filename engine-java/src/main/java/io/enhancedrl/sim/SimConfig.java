package io.enhancedrl.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enhancedrl.model.fusion.FusionSpace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Every parameter of the session simulator, with defaults ({@link #defaults()}). The model these
 * parameters drive is documented in docs/simulator.md; the comments below give each field's meaning and
 * its allowed range (checked on construction: an invalid value throws an IllegalArgumentException naming
 * the field, its value and the range).
 *
 * <p>Loadable from and savable to JSON ({@link #fromJson}, {@link #load}, {@link #toJson}, {@link #save}):
 * keys missing from a file take their defaults; unknown keys and values of the wrong type are errors.
 * {@link #with(String, Object)} derives a config with one field changed (dotted paths reach nested records).
 *
 * @param numItems catalogue size N [100, 50,000,000]
 * @param embeddingDim hidden embedding dimension h of items and users [2, 256]
 * @param numCategories item categories [1, 10,000]
 * @param categoryCohesion weight of the category centre in an item embedding, in [0, 1] (0: categories say
 *                         nothing about content; 1: all items of a category are identical)
 * @param durationMedianSeconds median item duration in seconds [1, 3600]
 * @param durationLogSigma sigma of log duration (durations are LogNormal) [0, 3]
 * @param popularityQualityCorrelation correlation of the popularity statistic with hidden quality [-1, 1]
 * @param popularitySkew popularity retrieval samples item i with weight exp(skew * pop_i) [0, 5]
 * @param itemFeatureNoise std of the noise on the observed projection of an item embedding [0, 10]
 * @param userCategoryFocus weight of the favourite category centre in a user's interest, [0, 1]
 * @param userFeatureNoise std of the noise on observed user profile features [0, 10]
 * @param activitySpread std of the user activity a_u, added to the valid-play and watch logits [0, 5]
 * @param patienceSpread std of log patience; a user's initial temper is temperInitial * exp(N(0, s^2)) [0, 2]
 * @param candidatesPerRequest candidates C per request [1, 100,000]; C + recentExclusionSteps * listLength
 *                             must not exceed numItems / 2
 * @param listLength items l shown per request [1, candidatesPerRequest]
 * @param interestRetrievalShare share of candidates drawn by interest (the rest by popularity) [0, 1]
 * @param retrievalNoise std of the per-request noise on the interest vector retrieval uses [0, 10]
 * @param retrievalSharpness interest retrieval picks category c with weight exp(sharpness * cos(z, centre_c)) [0, 100]
 * @param retrievalTries interest retrieval keeps the best (by noisy affinity) of this many draws [1, 64]
 * @param recentExclusionSteps items shown in this many previous requests are not candidates [0, 10,000]
 * @param validPlay valid-play logit coefficients
 * @param watch watch-fraction logit coefficients (mean of the Beta watch fraction)
 * @param like like logit coefficients (given a valid play)
 * @param share share logit coefficients (given a valid play)
 * @param follow follow logit coefficients (given a valid play)
 * @param watchDurationEffect added to the watch logit per unit of standardised log duration [-10, 10]
 * @param watchConcentration concentration kappa of the Beta watch fraction [0.1, 1000]
 * @param validPlayThresholdSeconds a play is valid when W &gt;= min(D, threshold) [0.1, 3600]
 * @param deviceEffect added to the valid-play logit on device 1 (context) [-5, 5]
 * @param hourEffect times cos(2 pi hour / 24) added to the valid-play logit (context) [-5, 5]
 * @param slateEffect whether similar items shown together lower each other's response
 * @param slateStrength logit penalty per unit of mean positive cosine to the other shown items [0, 10]
 * @param interestDrift step of the interest vector toward each validly played item [0, 1]
 * @param sigmaMtl std of the MTL logit noise [0, 10]
 * @param itemHeterogeneity scale of the item-dependent MTL miscalibration delta (0 turns it off) [0, 10]
 * @param miscalibration per-task miscalibration coefficients
 * @param temperInitial mean initial temper T0 [0.1, 10,000]
 * @param temperTheta satisfaction level theta below which temper drops [0, 1000]
 * @param temperMaxDrop largest temper drop per step dmax [0, 1000]
 * @param leaveKappa slope kappa of the leave probability sigmoid(kappa (1 - T)) [0, 100]
 * @param stepCap hard cap on session length in steps [1, 1,000,000]
 * @param rewardValidPlay reward per valid play [-1000, 1000]
 * @param rewardWatchPerMinute reward per minute watched (reward group 0) [-1000, 1000]
 * @param rewardLike reward per like [-1000, 1000]
 * @param rewardShare reward per share [-1000, 1000]
 * @param rewardFollow reward per follow [-1000, 1000]
 * @param discount discount gamma of the session return metric [0, 1]
 * @param powerMin lower fusion power bound, every task [-100, 100]
 * @param powerMax upper fusion power bound, every task [powerMin, 100]
 * @param biasMin lower fusion bias bound, every task (0, 100]
 * @param biasMax upper fusion bias bound, every task [biasMin, 100]
 */
public record SimConfig(
        int numItems,
        int embeddingDim,
        int numCategories,
        double categoryCohesion,
        double durationMedianSeconds,
        double durationLogSigma,
        double popularityQualityCorrelation,
        double popularitySkew,
        double itemFeatureNoise,
        double userCategoryFocus,
        double userFeatureNoise,
        double activitySpread,
        double patienceSpread,
        int candidatesPerRequest,
        int listLength,
        double interestRetrievalShare,
        double retrievalNoise,
        double retrievalSharpness,
        int retrievalTries,
        int recentExclusionSteps,
        BehaviourParams validPlay,
        BehaviourParams watch,
        BehaviourParams like,
        BehaviourParams share,
        BehaviourParams follow,
        double watchDurationEffect,
        double watchConcentration,
        double validPlayThresholdSeconds,
        double deviceEffect,
        double hourEffect,
        boolean slateEffect,
        double slateStrength,
        double interestDrift,
        double sigmaMtl,
        double itemHeterogeneity,
        Miscalibration miscalibration,
        double temperInitial,
        double temperTheta,
        double temperMaxDrop,
        double leaveKappa,
        int stepCap,
        double rewardValidPlay,
        double rewardWatchPerMinute,
        double rewardLike,
        double rewardShare,
        double rewardFollow,
        double discount,
        double powerMin,
        double powerMax,
        double biasMin,
        double biasMax) {

    /** Observed user profile: a noisy projection of the interest vector to this many dimensions. */
    public static final int USER_PROJECTION_WIDTH = 12;
    /** Observed user profile fields besides the projection: activity proxy, patience proxy. */
    public static final int USER_PROFILE_EXTRA = 2;
    /** In-session statistics appended to the user features (see docs/simulator.md). */
    public static final int USER_SESSION_STATS = 10;
    /** Context features: step / stepCap, sin and cos of the hour of day, device. */
    public static final int CONTEXT_WIDTH = 4;
    /** Width of the observed category code of an item. */
    public static final int CATEGORY_CODE_WIDTH = 5;
    /** Observed item fields after the embedding projection and the category code: log duration, popularity, quality proxy. */
    public static final int ITEM_SCALARS = 3;

    public SimConfig {
        if (validPlay == null || watch == null || like == null || share == null || follow == null) {
            throw new IllegalArgumentException("SimConfig: the behaviour parameters (validPlay, watch, like, share, follow) must not be null");
        }
        if (miscalibration == null) {
            throw new IllegalArgumentException("SimConfig: miscalibration must not be null");
        }
        range("numItems", numItems, 100, 50_000_000);
        range("embeddingDim", embeddingDim, 2, 256);
        range("numCategories", numCategories, 1, 10_000);
        range("categoryCohesion", categoryCohesion, 0, 1);
        range("durationMedianSeconds", durationMedianSeconds, 1, 3600);
        range("durationLogSigma", durationLogSigma, 0, 3);
        range("popularityQualityCorrelation", popularityQualityCorrelation, -1, 1);
        range("popularitySkew", popularitySkew, 0, 5);
        range("itemFeatureNoise", itemFeatureNoise, 0, 10);
        range("userCategoryFocus", userCategoryFocus, 0, 1);
        range("userFeatureNoise", userFeatureNoise, 0, 10);
        range("activitySpread", activitySpread, 0, 5);
        range("patienceSpread", patienceSpread, 0, 2);
        range("candidatesPerRequest", candidatesPerRequest, 1, 100_000);
        range("listLength", listLength, 1, candidatesPerRequest);
        range("interestRetrievalShare", interestRetrievalShare, 0, 1);
        range("retrievalNoise", retrievalNoise, 0, 10);
        range("retrievalSharpness", retrievalSharpness, 0, 100);
        range("retrievalTries", retrievalTries, 1, 64);
        range("recentExclusionSteps", recentExclusionSteps, 0, 10_000);
        long needed = (long) candidatesPerRequest + (long) recentExclusionSteps * listLength;
        if (needed > numItems / 2) {
            throw new IllegalArgumentException("SimConfig: candidatesPerRequest + recentExclusionSteps * listLength = "
                    + needed + " must be <= numItems / 2 = " + (numItems / 2)
                    + " (retrieval draws distinct, not recently shown items)");
        }
        range("watchDurationEffect", watchDurationEffect, -10, 10);
        range("watchConcentration", watchConcentration, 0.1, 1000);
        range("validPlayThresholdSeconds", validPlayThresholdSeconds, 0.1, 3600);
        range("deviceEffect", deviceEffect, -5, 5);
        range("hourEffect", hourEffect, -5, 5);
        range("slateStrength", slateStrength, 0, 10);
        range("interestDrift", interestDrift, 0, 1);
        range("sigmaMtl", sigmaMtl, 0, 10);
        range("itemHeterogeneity", itemHeterogeneity, 0, 10);
        range("temperInitial", temperInitial, 0.1, 10_000);
        range("temperTheta", temperTheta, 0, 1000);
        range("temperMaxDrop", temperMaxDrop, 0, 1000);
        range("leaveKappa", leaveKappa, 0, 100);
        range("stepCap", stepCap, 1, 1_000_000);
        range("rewardValidPlay", rewardValidPlay, -1000, 1000);
        range("rewardWatchPerMinute", rewardWatchPerMinute, -1000, 1000);
        range("rewardLike", rewardLike, -1000, 1000);
        range("rewardShare", rewardShare, -1000, 1000);
        range("rewardFollow", rewardFollow, -1000, 1000);
        range("discount", discount, 0, 1);
        range("powerMin", powerMin, -100, 100);
        range("powerMax", powerMax, powerMin, 100);
        if (!(biasMin > 0 && biasMin <= 100)) {
            throw new IllegalArgumentException("SimConfig.biasMin = " + biasMin
                    + " is out of range (0, 100] (ln(p + bias) must stay finite)");
        }
        range("biasMax", biasMax, biasMin, 100);
    }

    /** The default configuration (the values documented in docs/simulator.md). */
    public static SimConfig defaults() {
        return new SimConfig(
                20_000, 16, 20, 0.7, 30.0, 0.8, 0.5, 1.0, 0.3,
                0.7, 0.3, 0.5, 0.25,
                100, 5, 0.6, 0.3, 4.0, 2, 10,
                new BehaviourParams(3.0, 0.5, -1.8),
                new BehaviourParams(2.0, 0.3, 0.0),
                new BehaviourParams(1.5, 0.3, -3.5),
                new BehaviourParams(1.0, 0.5, -5.0),
                new BehaviourParams(1.0, 0.3, -5.0),
                -0.5, 4.0, 18.0, 0.2, 0.2,
                true, 1.0, 0.01,
                0.5, 1.0,
                new Miscalibration(-0.6, -0.6, 1.0, -0.5, -0.5),
                20.0, 2.5, 2.0, 0.5, 50,
                1.0, 2.0, 2.0, 3.0, 4.0, 0.9,
                FusionSpace.DEFAULT_POWER_MIN, FusionSpace.DEFAULT_POWER_MAX,
                FusionSpace.DEFAULT_BIAS_MIN, FusionSpace.DEFAULT_BIAS_MAX);
    }

    // ---- derived sizes ------------------------------------------------------------------------------

    /** Number of MTL tasks K (fixed, see {@link Tasks}). */
    public int tasks() {
        return Tasks.K;
    }

    /** Width d_u of the observed user features: profile projection, two profile proxies, session statistics. */
    public int userWidth() {
        return USER_PROJECTION_WIDTH + USER_PROFILE_EXTRA + USER_SESSION_STATS;
    }

    /** Width d_c of the context features. */
    public int contextWidth() {
        return CONTEXT_WIDTH;
    }

    /** Width d_i of the observed item features: embedding projection (h), category code, three scalars. */
    public int itemWidth() {
        return embeddingDim + CATEGORY_CODE_WIDTH + ITEM_SCALARS;
    }

    /** Width d = d_u + d_c + d_i + K of the enhanced state of one user-item pair. */
    public int stateWidth() {
        return userWidth() + contextWidth() + itemWidth() + tasks();
    }

    /** Width 2K of one fusion action. */
    public int actionWidth() {
        return 2 * tasks();
    }

    /** The fusion space these bounds define (the same ranges for every task). */
    public FusionSpace fusionSpace() {
        return FusionSpace.uniform(tasks(), powerMin, powerMax, biasMin, biasMax);
    }

    // ---- validation ---------------------------------------------------------------------------------

    static void range(String name, double v, double lo, double hi) {
        range("SimConfig", name, v, lo, hi);
    }

    static void range(String owner, String name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) { // also rejects NaN
            throw new IllegalArgumentException(owner + "." + name + " = " + v + " is out of range [" + lo + ", " + hi + "]");
        }
    }

    static void range(String name, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException("SimConfig." + name + " = " + v + " is out of range [" + lo + ", " + hi + "]");
        }
    }

    // ---- JSON -----------------------------------------------------------------------------------------

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** This configuration as pretty-printed JSON (every field). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(JSON.valueToTree(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("SimConfig could not be written as JSON", e);
        }
    }

    /** Writes {@link #toJson()} to a file. */
    public void save(Path file) {
        try {
            Files.writeString(file, toJson() + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write simulator config " + file, e);
        }
    }

    /** Reads a configuration file; see {@link #fromJson}. */
    public static SimConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read simulator config " + file, e);
        }
        try {
            return fromJson(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses a JSON object. Keys missing at any level take their defaults; an unknown key, a value of the
     * wrong type or a value out of range throws an IllegalArgumentException that names it.
     */
    public static SimConfig fromJson(String json) {
        JsonNode given;
        try {
            given = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("simulator config is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return overlay(defaults(), given);
    }

    /**
     * This configuration with one field replaced, validated like a loaded file. Nested fields use a dotted
     * path, e.g. {@code with("validPlay.bias", -1.0)}.
     */
    public SimConfig with(String path, Object value) {
        ObjectNode patch = JSON.createObjectNode();
        String[] parts = path.split("\\.");
        ObjectNode at = patch;
        for (int i = 0; i < parts.length - 1; i++) {
            at = at.putObject(parts[i]);
        }
        at.set(parts[parts.length - 1], JSON.valueToTree(value));
        return overlay(this, patch);
    }

    private static SimConfig overlay(SimConfig base, JsonNode given) {
        if (given == null || !given.isObject()) {
            throw new IllegalArgumentException("simulator config must be a JSON object but was "
                    + (given == null ? "empty" : given.getNodeType()));
        }
        ObjectNode merged = JSON.valueToTree(base);
        merge(merged, (ObjectNode) given, "");
        try {
            return JSON.treeToValue(merged, SimConfig.class);
        } catch (JsonMappingException e) {
            IllegalArgumentException iae = findIae(e);
            if (iae != null) {
                String at = pathOf(e);
                throw new IllegalArgumentException(iae.getMessage() + (at.isEmpty() ? "" : " (in '" + at + "')"), e);
            }
            throw new IllegalArgumentException("invalid simulator config: " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid simulator config: " + e.getOriginalMessage(), e);
        }
    }

    /** The dotted field path of a mapping error, e.g. "validPlay" ("" at the top level). */
    private static String pathOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            }
        }
        return sb.toString();
    }

    private static IllegalArgumentException findIae(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IllegalArgumentException iae) {
                return iae;
            }
        }
        return null;
    }

    /** Copies given onto base, checking that every key exists in base and has the same JSON type. */
    private static void merge(ObjectNode base, ObjectNode given, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> it = given.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String name = prefix + key;
            JsonNode def = base.get(key);
            JsonNode val = e.getValue();
            if (def == null) {
                List<String> known = new ArrayList<>();
                base.fieldNames().forEachRemaining(known::add);
                throw new IllegalArgumentException("unknown simulator config key '" + name + "'; known keys"
                        + (prefix.isEmpty() ? "" : " of " + prefix.substring(0, prefix.length() - 1)) + ": " + known);
            }
            if (def.isObject()) {
                if (!val.isObject()) {
                    throw typeError(name, "an object", val);
                }
                merge((ObjectNode) def, (ObjectNode) val, name + ".");
                continue;
            }
            if (def.isBoolean() && !val.isBoolean()) {
                throw typeError(name, "true or false", val);
            }
            if (def.isIntegralNumber() && !(val.isIntegralNumber() && val.canConvertToInt())) {
                throw typeError(name, "an integer", val);
            }
            if (def.isFloatingPointNumber() && !val.isNumber()) {
                throw typeError(name, "a number", val);
            }
            base.set(key, val);
        }
    }

    private static IllegalArgumentException typeError(String name, String expected, JsonNode val) {
        return new IllegalArgumentException("simulator config key '" + name + "' must be " + expected + " but was " + val);
    }
}
