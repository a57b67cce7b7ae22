package io.enhancedrl.model.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.model.MlpSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code "architecture"} metadata value of a model file and the tensor naming and shapes it implies.
 *
 * <p>The value is a JSON string (safetensors metadata values are strings only):
 * <pre>{"networks": [{"name": "actor", "input_width": 12, "hidden_widths": [64, 64],
 *   "hidden_activation": "relu", "output_width": 3, "output_activation": "tanh", "members": 1}, ...]}</pre>
 * Network {@code n}'s layer {@code l} is stored as tensors {@code n.layer<l>.weight} of shape [in, out] and
 * {@code n.layer<l>.bias} of shape [out]; an ensemble ({@code members > 1}) gets a leading [members] axis.
 */
final class ModelArchitecture {

    /** One network as the architecture describes it. */
    record Network(String name, MlpSpec spec, int members) {
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Set<String> FIELDS = Set.of("name", "input_width", "hidden_widths", "hidden_activation",
            "output_width", "output_activation", "members");

    private ModelArchitecture() {
    }

    static String weightName(String network, int layer) {
        return network + ".layer" + layer + ".weight";
    }

    static String biasName(String network, int layer) {
        return network + ".layer" + layer + ".bias";
    }

    static long[] weightShape(MlpSpec spec, int members, int layer) {
        long in = spec.layerInput(layer);
        long out = spec.layerOutput(layer);
        return members == 1 ? new long[] {in, out} : new long[] {members, in, out};
    }

    static long[] biasShape(MlpSpec spec, int members, int layer) {
        long out = spec.layerOutput(layer);
        return members == 1 ? new long[] {out} : new long[] {members, out};
    }

    /** {@link MlpSpec#parameterCount()} in 64-bit arithmetic (the int version overflows for absurd widths). */
    static long parameterCount(MlpSpec spec) {
        long n = 0;
        for (int l = 0; l < spec.layerCount(); l++) {
            long in = spec.layerInput(l);
            long out = spec.layerOutput(l);
            n += in * out + out;
        }
        return n;
    }

    static String encode(Map<String, NetworkEntry> networks) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode list = root.putArray("networks");
        for (Map.Entry<String, NetworkEntry> e : networks.entrySet()) {
            MlpSpec s = e.getValue().spec();
            ObjectNode n = list.addObject();
            n.put("name", e.getKey());
            n.put("input_width", s.inputWidth());
            ArrayNode hidden = n.putArray("hidden_widths");
            s.hiddenWidths().forEach(hidden::add);
            n.put("hidden_activation", s.hiddenActivation().name().toLowerCase(Locale.ROOT));
            n.put("output_width", s.outputWidth());
            n.put("output_activation", s.outputActivation().name().toLowerCase(Locale.ROOT));
            n.put("members", e.getValue().members());
        }
        return root.toString();
    }

    /** Parses and validates the architecture JSON of {@code file}. */
    static List<Network> decode(Path file, String json) throws ModelFileException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new ModelFileException(file, "metadata 'architecture' is malformed JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new ModelFileException(file, "metadata 'architecture' must be a JSON object {\"networks\": [...]} but was "
                    + (root == null || root.isMissingNode() ? "empty"
                    : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        JsonNode list = root.get("networks");
        if (root.size() != 1 || list == null || !list.isArray() || list.isEmpty()) {
            throw new ModelFileException(file, "metadata 'architecture' must be {\"networks\": [...]} with a non-empty "
                    + "array of networks but was " + abbreviate(json));
        }
        List<Network> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Network n = decodeNetwork(file, i, list.get(i));
            if (!names.add(n.name())) {
                throw new ModelFileException(file, "architecture: network name '" + n.name() + "' appears twice");
            }
            out.add(n);
        }
        return out;
    }

    private static Network decodeNetwork(Path file, int index, JsonNode n) throws ModelFileException {
        String where = "architecture: networks[" + index + "]";
        if (!n.isObject()) {
            throw new ModelFileException(file, where + " must be an object but was "
                    + n.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new ModelFileException(file, where + ": unexpected field '" + f + "' (expected " + FIELDS + ")");
            }
        }
        JsonNode nameNode = n.get("name");
        if (nameNode == null || !nameNode.isTextual() || !ModelBundle.NETWORK_NAME.matcher(nameNode.asText()).matches()) {
            throw new ModelFileException(file, where + ": 'name' must be a string matching "
                    + ModelBundle.NETWORK_NAME.pattern() + " but was " + nameNode);
        }
        String name = nameNode.asText();
        where = "architecture: network '" + name + "'";
        int input = positiveInt(file, where, n, "input_width");
        int output = positiveInt(file, where, n, "output_width");
        int members = positiveInt(file, where, n, "members");
        JsonNode hiddenNode = n.get("hidden_widths");
        if (hiddenNode == null || !hiddenNode.isArray()) {
            throw new ModelFileException(file, where + ": 'hidden_widths' must be an array of positive integers but was "
                    + hiddenNode);
        }
        int[] hidden = new int[hiddenNode.size()];
        for (int i = 0; i < hidden.length; i++) {
            JsonNode h = hiddenNode.get(i);
            if (!h.isIntegralNumber() || !h.canConvertToInt() || h.asInt() < 1) {
                throw new ModelFileException(file, where + ": hidden_widths[" + i + "] must be a positive integer but was " + h);
            }
            hidden[i] = h.asInt();
        }
        Activation hiddenAct = activation(file, where, n, "hidden_activation");
        Activation outputAct = activation(file, where, n, "output_activation");
        return new Network(name, MlpSpec.of(input, hidden, hiddenAct, output, outputAct), members);
    }

    private static int positiveInt(Path file, String where, JsonNode n, String field) throws ModelFileException {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw new ModelFileException(file, where + ": '" + field + "' must be a positive integer but was "
                    + (v == null ? "missing" : v.toString()));
        }
        return v.asInt();
    }

    private static Activation activation(Path file, String where, JsonNode n, String field) throws ModelFileException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new ModelFileException(file, where + ": '" + field + "' must be a string but was "
                    + (v == null ? "missing" : v.toString()));
        }
        try {
            return Activation.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, where + ": '" + field + "': " + e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
