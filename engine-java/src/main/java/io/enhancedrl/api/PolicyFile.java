package io.enhancedrl.api;

import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.fusion.FusionSpace;
import io.enhancedrl.model.io.ModelBundle;
import io.enhancedrl.model.io.ModelFile;
import io.enhancedrl.model.io.ModelFileException;
import io.enhancedrl.model.io.NetworkEntry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A policy model file: a {@link ModelFile} whose bundle holds one network {@value #ACTOR} and properties
 * describing how to feed it. This class is the one definition of those property keys, so that the trainer
 * (which writes policies) and the serving facade (which reads them) cannot disagree.
 *
 * <p>Properties (safetensors metadata {@code "prop.<key>"}, all strings):
 * <ul>
 *   <li>{@value #KEY_POLICY_FORMAT}: {@value #POLICY_FORMAT};</li>
 *   <li>{@value #KEY_USER_WIDTH}, {@value #KEY_CONTEXT_WIDTH}, {@value #KEY_ITEM_WIDTH}, {@value #KEY_TASKS}:
 *       decimal integers (the {@link FeatureLayout});</li>
 *   <li>{@value #KEY_POWER_MIN}, {@value #KEY_POWER_MAX}, {@value #KEY_BIAS_MIN}, {@value #KEY_BIAS_MAX}:
 *       K comma-separated decimal numbers, one per task (the {@link FusionSpace}), written with
 *       {@link Double#toString} so that they read back exactly.</li>
 * </ul>
 */
public final class PolicyFile {

    /** The network name of the actor inside the bundle. */
    public static final String ACTOR = "actor";
    public static final String KEY_POLICY_FORMAT = "policyFormat";
    public static final String POLICY_FORMAT = "1";
    public static final String KEY_USER_WIDTH = "userWidth";
    public static final String KEY_CONTEXT_WIDTH = "contextWidth";
    public static final String KEY_ITEM_WIDTH = "itemWidth";
    public static final String KEY_TASKS = "tasks";
    public static final String KEY_POWER_MIN = "powerMin";
    public static final String KEY_POWER_MAX = "powerMax";
    public static final String KEY_BIAS_MIN = "biasMin";
    public static final String KEY_BIAS_MAX = "biasMax";

    private PolicyFile() {
    }

    /**
     * A policy in memory: the actor, the layout of its input and the fusion ranges its actions map onto.
     * The constructor checks that the three agree; the actor is referenced, not copied.
     */
    public record Policy(Mlp actor, FeatureLayout layout, FusionSpace fusion) {

        public Policy {
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(layout, "layout");
            Objects.requireNonNull(fusion, "fusion");
            checkConsistent(actor, layout, fusion);
        }
    }

    static void checkConsistent(Mlp actor, FeatureLayout layout, FusionSpace fusion) {
        if (actor.spec().inputWidth() != layout.stateWidth()) {
            throw new IllegalArgumentException("actor input width: expected " + layout.stateWidth()
                    + " (stateWidth of " + layout + ") but was " + actor.spec().inputWidth() + " (" + actor.spec() + ")");
        }
        if (actor.spec().outputWidth() != layout.actionWidth()) {
            throw new IllegalArgumentException("actor output width: expected " + layout.actionWidth()
                    + " (2K for K = " + layout.tasks() + ") but was " + actor.spec().outputWidth() + " (" + actor.spec() + ")");
        }
        if (fusion.tasks() != layout.tasks()) {
            throw new IllegalArgumentException("fusion tasks: expected " + layout.tasks() + " (K of the layout) but was "
                    + fusion.tasks() + " (" + fusion + ")");
        }
    }

    /**
     * Writes a policy file atomically (an existing file is replaced only when the write succeeded).
     *
     * @throws IllegalArgumentException when actor, layout and fusion disagree, or a parameter is not finite
     */
    public static void save(Path path, Mlp actor, FeatureLayout layout, FusionSpace fusion) throws IOException {
        Objects.requireNonNull(path, "path");
        Policy p = new Policy(actor, layout, fusion);
        ModelFile.save(path, toBundle(p));
    }

    /** The bundle {@link #save} writes: the actor network and the properties. */
    public static ModelBundle toBundle(Policy p) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(KEY_POLICY_FORMAT, POLICY_FORMAT);
        FeatureLayout l = p.layout();
        props.put(KEY_USER_WIDTH, Integer.toString(l.userWidth()));
        props.put(KEY_CONTEXT_WIDTH, Integer.toString(l.contextWidth()));
        props.put(KEY_ITEM_WIDTH, Integer.toString(l.itemWidth()));
        props.put(KEY_TASKS, Integer.toString(l.tasks()));
        FusionSpace f = p.fusion();
        int k = f.tasks();
        double[] pmin = new double[k];
        double[] pmax = new double[k];
        double[] bmin = new double[k];
        double[] bmax = new double[k];
        for (int t = 0; t < k; t++) {
            pmin[t] = f.powerMin(t);
            pmax[t] = f.powerMax(t);
            bmin[t] = f.biasMin(t);
            bmax[t] = f.biasMax(t);
        }
        props.put(KEY_POWER_MIN, join(pmin));
        props.put(KEY_POWER_MAX, join(pmax));
        props.put(KEY_BIAS_MIN, join(bmin));
        props.put(KEY_BIAS_MAX, join(bmax));
        Map<String, NetworkEntry> nets = new LinkedHashMap<>();
        nets.put(ACTOR, NetworkEntry.single(p.actor().spec(), p.actor().params().clone()));
        return new ModelBundle(nets, props);
    }

    /**
     * Reads a policy file.
     *
     * @throws java.nio.file.NoSuchFileException (an IOException naming the path) when the file is missing
     * @throws ModelFileException when the file is not a valid model file, or its bundle is not a valid policy
     *                            (missing or malformed property, no actor, layout disagreeing with the actor);
     *                            the message starts with the path
     */
    public static Policy load(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        ModelBundle bundle = ModelFile.load(path);
        return fromBundle(path, bundle);
    }

    /** The policy held by a bundle already read from {@code path} (used in messages only). */
    public static Policy fromBundle(Path path, ModelBundle bundle) throws ModelFileException {
        Map<String, String> props = bundle.properties();
        String format = props.get(KEY_POLICY_FORMAT);
        if (!POLICY_FORMAT.equals(format)) {
            throw new ModelFileException(path, "property '" + KEY_POLICY_FORMAT + "': expected '" + POLICY_FORMAT
                    + "' (a policy file written by PolicyFile.save) but was "
                    + (format == null ? "missing" : "'" + format + "'"));
        }
        NetworkEntry actorEntry = bundle.networks().get(ACTOR);
        if (actorEntry == null) {
            throw new ModelFileException(path, "network '" + ACTOR + "': expected in the bundle but found only "
                    + bundle.networks().keySet());
        }
        if (actorEntry.members() != 1) {
            throw new ModelFileException(path, "network '" + ACTOR + "': expected 1 member but was " + actorEntry.members());
        }
        FeatureLayout layout;
        FusionSpace fusion;
        try {
            layout = new FeatureLayout(intProp(path, props, KEY_USER_WIDTH), intProp(path, props, KEY_CONTEXT_WIDTH),
                    intProp(path, props, KEY_ITEM_WIDTH), intProp(path, props, KEY_TASKS));
            int k = layout.tasks();
            fusion = new FusionSpace(listProp(path, props, KEY_POWER_MIN, k), listProp(path, props, KEY_POWER_MAX, k),
                    listProp(path, props, KEY_BIAS_MIN, k), listProp(path, props, KEY_BIAS_MAX, k));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(path, "invalid policy properties: " + e.getMessage(), e);
        }
        Mlp actor = new Mlp(actorEntry.spec());
        System.arraycopy(actorEntry.params(), 0, actor.params(), 0, actor.params().length);
        try {
            return new Policy(actor, layout, fusion);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(path, "policy layout disagrees with its actor: " + e.getMessage(), e);
        }
    }

    private static int intProp(Path path, Map<String, String> props, String key) throws ModelFileException {
        String v = require(path, props, key);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ModelFileException(path, "property '" + key + "': expected a decimal integer but was '" + v + "'");
        }
    }

    private static double[] listProp(Path path, Map<String, String> props, String key, int k) throws ModelFileException {
        String v = require(path, props, key);
        String[] parts = v.split(",", -1);
        if (parts.length != k) {
            throw new ModelFileException(path, "property '" + key + "': expected " + k + " comma-separated numbers (one per"
                    + " task) but found " + parts.length + " in '" + v + "'");
        }
        double[] out = new double[k];
        for (int t = 0; t < k; t++) {
            try {
                out[t] = Double.parseDouble(parts[t].trim());
            } catch (NumberFormatException e) {
                throw new ModelFileException(path, "property '" + key + "'[" + t + "]: expected a number but was '"
                        + parts[t] + "'");
            }
        }
        return out;
    }

    private static String require(Path path, Map<String, String> props, String key) throws ModelFileException {
        String v = props.get(key);
        if (v == null) {
            throw new ModelFileException(path, "property '" + key + "': expected in the policy file but was missing");
        }
        return v;
    }

    private static String join(double[] a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(Double.toString(a[i]).toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }
}
