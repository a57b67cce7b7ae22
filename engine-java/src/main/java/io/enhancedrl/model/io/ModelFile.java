package io.enhancedrl.model.io;

import io.enhancedrl.model.MlpSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The engine's model file: a safetensors file (see {@link SafeTensors}) holding the networks of a
 * {@link ModelBundle}, readable by any safetensors reader.
 *
 * <p>Contents: for each network {@code n} and layer {@code l}, F32 tensors {@code n.layer<l>.weight}
 * [in, out] and {@code n.layer<l>.bias} [out] (with a leading [members] axis for an ensemble), in bundle
 * order. The {@code __metadata__} holds {@code "format": "enhancedrl-model"}, {@code "format_version": "1"},
 * {@code "architecture"} and each bundle property {@code k} as {@code "prop.k"}. Other metadata keys are
 * ignored by the loader, so tools may add annotations.
 *
 * <p>The architecture is a JSON document stored as a string (safetensors metadata values are strings only):
 * <pre>{"networks": [{"name": "actor", "input_width": 12, "hidden_widths": [64, 64],
 *   "hidden_activation": "relu", "output_width": 3, "output_activation": "tanh", "members": 1}, ...]}</pre>
 * A change to any of this bumps {@link #FORMAT_VERSION}; the loader rejects versions it does not know.
 */
public final class ModelFile {

    public static final String FORMAT = "enhancedrl-model";
    public static final String FORMAT_VERSION = "1";
    /** Prefix of the metadata keys that carry {@link ModelBundle#properties()}. */
    public static final String PROPERTY_PREFIX = "prop.";

    static final String KEY_FORMAT = "format";
    static final String KEY_VERSION = "format_version";
    static final String KEY_ARCHITECTURE = "architecture";

    private ModelFile() {
    }

    /**
     * Writes {@code bundle} to {@code path} atomically (see {@link SafeTensors#write}): on any failure the
     * previous file at {@code path} is left intact.
     *
     * @throws IllegalArgumentException if a parameter is NaN or infinite (checked before anything is written;
     *                                  the message names the network, member, layer and element)
     */
    public static void save(Path path, ModelBundle bundle) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(bundle, "bundle");
        LinkedHashMap<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NetworkEntry> e : bundle.networks().entrySet()) {
            String name = e.getKey();
            NetworkEntry net = e.getValue();
            int bad = SafeTensors.firstNonFinite(net.params());
            if (bad >= 0) {
                throw new IllegalArgumentException("bundle: network '" + name + "' has a non-finite parameter "
                        + net.params()[bad] + " at params index " + bad + " (" + locate(net, bad)
                        + "); refusing to save a model file the loader would reject");
            }
            MlpSpec spec = net.spec();
            int p = spec.parameterCount();
            for (int l = 0; l < spec.layerCount(); l++) {
                int in = spec.layerInput(l);
                int out = spec.layerOutput(l);
                float[] w = new float[net.members() * in * out];
                float[] b = new float[net.members() * out];
                for (int m = 0; m < net.members(); m++) {
                    System.arraycopy(net.params(), m * p + spec.weightOffset(l), w, m * in * out, in * out);
                    System.arraycopy(net.params(), m * p + spec.biasOffset(l), b, m * out, out);
                }
                tensors.put(ModelArchitecture.weightName(name, l),
                        new SafeTensors.Tensor(ModelArchitecture.weightShape(spec, net.members(), l), w));
                tensors.put(ModelArchitecture.biasName(name, l),
                        new SafeTensors.Tensor(ModelArchitecture.biasShape(spec, net.members(), l), b));
            }
        }
        LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        metadata.put(KEY_FORMAT, FORMAT);
        metadata.put(KEY_VERSION, FORMAT_VERSION);
        metadata.put(KEY_ARCHITECTURE, ModelArchitecture.encode(bundle.networks()));
        bundle.properties().forEach((k, v) -> metadata.put(PROPERTY_PREFIX + k, v));
        SafeTensors.write(path, tensors, metadata);
    }

    /**
     * Reads and validates a model file: everything {@link SafeTensors#read} checks, then the format and
     * version, the architecture, and that the tensors are exactly those the architecture implies with exactly
     * the implied shapes.
     *
     * @throws ModelFileException for invalid content; the message names the file, the problem and expected vs
     *                            actual values
     * @throws IOException        if the file cannot be read at all (missing, unreadable)
     */
    public static ModelBundle load(Path path) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(path);
        Map<String, String> meta = contents.metadata();
        String format = meta.get(KEY_FORMAT);
        if (format == null) {
            throw new ModelFileException(path, "not an EnhancedRL model file: metadata key '" + KEY_FORMAT
                    + "' is missing (expected '" + FORMAT + "')");
        }
        if (!FORMAT.equals(format)) {
            throw new ModelFileException(path, "unknown format '" + format + "' (expected '" + FORMAT + "')");
        }
        String version = meta.get(KEY_VERSION);
        if (!FORMAT_VERSION.equals(version)) {
            throw new ModelFileException(path, version == null
                    ? "metadata key '" + KEY_VERSION + "' is missing (expected '" + FORMAT_VERSION + "')"
                    : "unsupported format_version '" + version + "' (expected '" + FORMAT_VERSION + "')");
        }
        String arch = meta.get(KEY_ARCHITECTURE);
        if (arch == null) {
            throw new ModelFileException(path, "metadata key '" + KEY_ARCHITECTURE + "' is missing");
        }
        List<ModelArchitecture.Network> networks = ModelArchitecture.decode(path, arch);

        Map<String, SafeTensors.Tensor> tensors = contents.tensors();
        Set<String> expectedNames = new HashSet<>();
        for (ModelArchitecture.Network n : networks) {
            for (int l = 0; l < n.spec().layerCount(); l++) {
                expect(path, n, tensors, ModelArchitecture.weightName(n.name(), l),
                        ModelArchitecture.weightShape(n.spec(), n.members(), l), expectedNames);
                expect(path, n, tensors, ModelArchitecture.biasName(n.name(), l),
                        ModelArchitecture.biasShape(n.spec(), n.members(), l), expectedNames);
            }
        }
        for (String name : tensors.keySet()) {
            if (!expectedNames.contains(name)) {
                throw new ModelFileException(path, "unexpected tensor '" + name + "' " + shapeOf(tensors.get(name))
                        + ": not described by the architecture (networks "
                        + networks.stream().map(ModelArchitecture.Network::name).toList() + ")");
            }
        }

        LinkedHashMap<String, NetworkEntry> out = new LinkedHashMap<>();
        for (ModelArchitecture.Network n : networks) {
            long total = n.members() * ModelArchitecture.parameterCount(n.spec());
            if (total > SafeTensors.MAX_ELEMENTS) {
                throw new ModelFileException(path, "network '" + n.name() + "' has " + total
                        + " parameters, more than a Java array can hold (" + SafeTensors.MAX_ELEMENTS + ")");
            }
            out.put(n.name(), new NetworkEntry(n.spec(), n.members(), gather(n, tensors)));
        }
        LinkedHashMap<String, String> properties = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (e.getKey().startsWith(PROPERTY_PREFIX) && e.getKey().length() > PROPERTY_PREFIX.length()) {
                properties.put(e.getKey().substring(PROPERTY_PREFIX.length()), e.getValue());
            }
        }
        return new ModelBundle(out, properties);
    }

    private static void expect(Path path, ModelArchitecture.Network n, Map<String, SafeTensors.Tensor> tensors,
                               String name, long[] shape, Set<String> expectedNames) throws ModelFileException {
        SafeTensors.Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFileException(path, "missing tensor '" + name + "': network '" + n.name() + "' ("
                    + n.spec() + ", members " + n.members() + ") in the architecture expects shape "
                    + Arrays.toString(shape));
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelFileException(path, "tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but network '" + n.name() + "' (" + n.spec() + ", members " + n.members()
                    + ") in the architecture expects " + Arrays.toString(shape));
        }
        expectedNames.add(name);
    }

    /** The member-major parameter slab from the per-layer tensors (shapes already checked). */
    private static float[] gather(ModelArchitecture.Network n, Map<String, SafeTensors.Tensor> tensors) {
        MlpSpec spec = n.spec();
        int p = spec.parameterCount();
        float[] params = new float[n.members() * p];
        for (int l = 0; l < spec.layerCount(); l++) {
            int in = spec.layerInput(l);
            int out = spec.layerOutput(l);
            float[] w = tensors.get(ModelArchitecture.weightName(n.name(), l)).data();
            float[] b = tensors.get(ModelArchitecture.biasName(n.name(), l)).data();
            for (int m = 0; m < n.members(); m++) {
                System.arraycopy(w, m * in * out, params, m * p + spec.weightOffset(l), in * out);
                System.arraycopy(b, m * out, params, m * p + spec.biasOffset(l), out);
            }
        }
        return params;
    }

    /** Describes where params index {@code i} lies: member, layer, weight [row][col] or bias [col]. */
    static String locate(NetworkEntry net, int i) {
        MlpSpec spec = net.spec();
        int p = spec.parameterCount();
        int m = i / p;
        int r = i % p;
        for (int l = spec.layerCount() - 1; l >= 0; l--) {
            if (r >= spec.weightOffset(l)) {
                int out = spec.layerOutput(l);
                int inLayer = r - spec.weightOffset(l);
                String what = r >= spec.biasOffset(l) ? "bias[" + (r - spec.biasOffset(l)) + "]"
                        : "weight[" + (inLayer / out) + "][" + (inLayer % out) + "]";
                return "member " + m + ", layer " + l + " " + what;
            }
        }
        throw new AssertionError("index " + i + " outside the slab");
    }

    private static String shapeOf(SafeTensors.Tensor t) {
        return Arrays.toString(t.shape());
    }
}
