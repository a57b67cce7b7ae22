package io.enhancedrl.onnx;

import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.api.PolicyFile;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.model.fusion.FusionSpace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Exports a policy (actor + feature layout + fusion ranges) as an ONNX model that computes what
 * {@link Ranker} computes before its top-l selection, so that other runtimes can serve it or check it.
 *
 * <h2>Graph (opset {@value #OPSET}, IR version {@value #IR_VERSION})</h2>
 * Inputs: {@value #IN_USER} [1, d_u], {@value #IN_CONTEXT} [1, d_c], {@value #IN_ITEMS} [N, d_i],
 * {@value #IN_MTL} [N, K], all float, N dynamic ("N"). Outputs: {@value #OUT_ACTIONS} [N, 2K] (the actor's
 * output), {@value #OUT_FUSION} [N, 2K] (power_0..power_{K-1}, bias_0..bias_{K-1} per candidate) and
 * {@value #OUT_SCORE} [N] (sum_k power_k ln(mtl_k + bias_k)).
 *
 * <p>The first layer is split as in the engine: {@code Concat(user, context) . W1[0:d_u+d_c] + b1} is one
 * [1, h1] row, added by broadcasting to {@code Concat(items, mtl) . W1[d_u+d_c:]} [N, h1]; this is the
 * per-request saving of spec section 7, and broadcasting Add replaces an explicit Expand/Tile. Then
 * MatMul + Add + activation per layer, Clip to [-1, 1] (the engine clamps too), the linear map to power and
 * bias as one Mul + Add with per-column scale and offset, Split, Log(mtl + bias) * power, ReduceSum.
 * A zero-width user or context input is declared (the interface stays the same) but unused.
 *
 * <p>The file is self-contained: weights are initializers in raw little-endian float32. Model metadata
 * records the feature layout and fusion ranges under the {@link PolicyFile} keys.
 */
public final class OnnxExporter {

    public static final int OPSET = 17;
    /** IR version 8 is the one that introduced opset 17-era files (ONNX 1.12). */
    public static final int IR_VERSION = 8;
    public static final String IN_USER = "user";
    public static final String IN_CONTEXT = "context";
    public static final String IN_ITEMS = "items";
    public static final String IN_MTL = "mtl";
    public static final String OUT_ACTIONS = "actions";
    public static final String OUT_FUSION = "fusion";
    public static final String OUT_SCORE = "score";
    /** The symbolic name of the candidate axis. */
    public static final String DIM_N = "N";

    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int ATTR_INT = 2;

    private OnnxExporter() {
    }

    /** Writes the ONNX model of a serving model (its actor, layout and fusion ranges). */
    public static void export(Path out, Ranker.Model model) throws IOException {
        Objects.requireNonNull(model, "model: expected a Ranker.Model but was null");
        export(out, model.actorCopy(), model.layout(), model.fusion());
    }

    /**
     * Writes the ONNX model to {@code out} (via a temporary file in the same directory, then a move, so a reader
     * never sees half a file).
     *
     * @throws IllegalArgumentException when actor, layout and fusion disagree (same rule as {@link PolicyFile})
     */
    public static void export(Path out, Mlp actor, FeatureLayout layout, FusionSpace fusion) throws IOException {
        Objects.requireNonNull(out, "out: expected a Path but was null");
        byte[] bytes = toBytes(actor, layout, fusion);
        Path abs = out.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The serialized ONNX ModelProto. */
    public static byte[] toBytes(Mlp actor, FeatureLayout layout, FusionSpace fusion) {
        // Same consistency rule as the policy file (throws IllegalArgumentException naming the mismatch).
        new PolicyFile.Policy(Objects.requireNonNull(actor, "actor"), Objects.requireNonNull(layout, "layout"),
                Objects.requireNonNull(fusion, "fusion"));
        Graph g = new Graph();
        MlpSpec spec = actor.spec();
        float[] p = actor.params();
        int du = layout.userWidth();
        int dc = layout.contextWidth();
        int pw = layout.prefixWidth();
        int di = layout.itemWidth();
        int k = layout.tasks();
        int h1 = spec.layerOutput(0);

        g.input(IN_USER, new Object[] {1L, (long) du});
        g.input(IN_CONTEXT, new Object[] {1L, (long) dc});
        g.input(IN_ITEMS, new Object[] {DIM_N, (long) di});
        g.input(IN_MTL, new Object[] {DIM_N, (long) k});

        // layer 0, split: per-request prefix row + per-candidate rows
        String prefix = du == 0 ? IN_CONTEXT : dc == 0 ? IN_USER : g.node("Concat", List.of(IN_USER, IN_CONTEXT), axis(1));
        String w1p = g.floats("layer0.weight.prefix", new long[] {pw, h1}, p, spec.weightOffset(0), pw * h1);
        String b1 = g.floats("layer0.bias", new long[] {h1}, p, spec.biasOffset(0), h1);
        String pre = g.node("Add", List.of(g.node("MatMul", List.of(prefix, w1p)), b1));
        String rows = di == 0 ? IN_MTL : g.node("Concat", List.of(IN_ITEMS, IN_MTL), axis(1));
        String w1r = g.floats("layer0.weight.rows", new long[] {layout.rowWidth(), h1}, p,
                spec.weightOffset(0) + pw * h1, layout.rowWidth() * h1);
        String h = activation(g, spec.layerActivation(0), g.node("Add", List.of(g.node("MatMul", List.of(rows, w1r)), pre)));
        for (int l = 1; l < spec.layerCount(); l++) {
            int in = spec.layerInput(l);
            int o = spec.layerOutput(l);
            String w = g.floats("layer" + l + ".weight", new long[] {in, o}, p, spec.weightOffset(l), in * o);
            String b = g.floats("layer" + l + ".bias", new long[] {o}, p, spec.biasOffset(l), o);
            h = activation(g, spec.layerActivation(l), g.node("Add", List.of(g.node("MatMul", List.of(h, w)), b)));
        }
        g.rename(h, OUT_ACTIONS);
        String actions = OUT_ACTIONS;

        // action -> [power | bias]: v = clip(a, -1, 1) * scale + (min + scale), scale = (max - min) / 2
        float[] scale = new float[2 * k];
        float[] offset = new float[2 * k];
        for (int t = 0; t < k; t++) {
            float ps = (float) ((fusion.powerMax(t) - fusion.powerMin(t)) / 2);
            float bs = (float) ((fusion.biasMax(t) - fusion.biasMin(t)) / 2);
            scale[t] = ps;
            offset[t] = (float) fusion.powerMin(t) + ps;
            scale[k + t] = bs;
            offset[k + t] = (float) fusion.biasMin(t) + bs;
        }
        String lo = g.floats("clip.min", new long[0], new float[] {-1f}, 0, 1);
        String hi = g.floats("clip.max", new long[0], new float[] {1f}, 0, 1);
        String clipped = g.node("Clip", List.of(actions, lo, hi));
        String fusionParams = g.node("Add", List.of(
                g.node("Mul", List.of(clipped, g.floats("fusion.scale", new long[] {2L * k}, scale, 0, 2 * k))),
                g.floats("fusion.offset", new long[] {2L * k}, offset, 0, 2 * k)));
        g.rename(fusionParams, OUT_FUSION);
        String split = g.ints("fusion.split", new long[] {k, k});
        List<String> parts = g.nodeMulti("Split", List.of(OUT_FUSION, split), 2, axis(1));
        String power = parts.get(0);
        String bias = parts.get(1);
        String terms = g.node("Mul", List.of(power, g.node("Log", List.of(g.node("Add", List.of(IN_MTL, bias))))));
        String score = g.node("ReduceSum", List.of(terms, g.ints("reduce.axes", new long[] {1})),
                attrInt("keepdims", 0));
        g.rename(score, OUT_SCORE);

        g.output(OUT_ACTIONS, new Object[] {DIM_N, (long) 2 * k});
        g.output(OUT_FUSION, new Object[] {DIM_N, (long) 2 * k});
        g.output(OUT_SCORE, new Object[] {DIM_N});

        ProtoWriter model = new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, "enhancedrl")
                .string(3, "1")
                .message(7, g.build("enhancedrl_policy"))
                .message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
        PolicyFile.toBundle(new PolicyFile.Policy(actor, layout, fusion)).properties().forEach(
                (key, value) -> model.message(14, new ProtoWriter().string(1, key).string(2, value)));
        return model.toByteArray();
    }

    private static String activation(Graph g, Activation a, String x) {
        return switch (a) {
            case IDENTITY -> x;
            case RELU -> g.node("Relu", List.of(x));
            case TANH -> g.node("Tanh", List.of(x));
        };
    }

    private static ProtoWriter axis(long value) {
        return attrInt("axis", value);
    }

    private static ProtoWriter attrInt(String name, long value) {
        return new ProtoWriter().string(1, name).varint(3, value).varint(20, ATTR_INT);
    }

    /** Collects nodes, initializers, inputs and outputs; names intermediate values v0, v1, ... */
    private static final class Graph {
        private final List<ProtoWriter> initializers = new ArrayList<>();
        private final List<ProtoWriter> inputs = new ArrayList<>();
        private final List<ProtoWriter> outputs = new ArrayList<>();
        private final List<NodeSpec> specs = new ArrayList<>();
        private int counter;

        private record NodeSpec(String op, List<String> inputs, List<String> outputs, ProtoWriter[] attrs) {
        }

        String node(String op, List<String> in, ProtoWriter... attrs) {
            return nodeMulti(op, in, 1, attrs).get(0);
        }

        List<String> nodeMulti(String op, List<String> in, int outputs, ProtoWriter... attrs) {
            List<String> outs = new ArrayList<>();
            for (int i = 0; i < outputs; i++) {
                outs.add("v" + counter++);
            }
            specs.add(new NodeSpec(op, new ArrayList<>(in), outs, attrs));
            return outs;
        }

        /** Gives the value {@code from} (a node output) the name {@code to}, in its producer and all consumers. */
        void rename(String from, String to) {
            for (NodeSpec s : specs) {
                s.inputs().replaceAll(n -> n.equals(from) ? to : n);
                s.outputs().replaceAll(n -> n.equals(from) ? to : n);
            }
        }

        String floats(String name, long[] dims, float[] data, int off, int len) {
            initializers.add(tensor(name, dims, FLOAT).bytes(9, ProtoWriter.littleEndian(data, off, len)));
            return name;
        }

        String ints(String name, long[] values) {
            initializers.add(tensor(name, new long[] {values.length}, INT64).packedInt64(7, values));
            return name;
        }

        private static ProtoWriter tensor(String name, long[] dims, int type) {
            ProtoWriter t = new ProtoWriter();
            if (dims.length > 0) {
                t.packedInt64(1, dims);
            }
            return t.varint(2, type).string(8, name);
        }

        void input(String name, Object[] dims) {
            inputs.add(valueInfo(name, dims));
        }

        void output(String name, Object[] dims) {
            outputs.add(valueInfo(name, dims));
        }

        /** dims: Long for a fixed size, String for a symbolic one. */
        private static ProtoWriter valueInfo(String name, Object[] dims) {
            ProtoWriter shape = new ProtoWriter();
            for (Object d : dims) {
                ProtoWriter dim = new ProtoWriter();
                if (d instanceof Long v) {
                    dim.varint(1, v);
                } else {
                    dim.string(2, (String) d);
                }
                shape.message(1, dim);
            }
            ProtoWriter tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
            return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
        }

        ProtoWriter build(String name) {
            ProtoWriter g = new ProtoWriter();
            int i = 0;
            for (NodeSpec s : specs) {
                ProtoWriter n = new ProtoWriter();
                for (String in : s.inputs()) {
                    n.string(1, in);
                }
                for (String o : s.outputs()) {
                    n.string(2, o);
                }
                n.string(3, s.op().toLowerCase(java.util.Locale.ROOT) + "_" + i++).string(4, s.op());
                for (ProtoWriter a : s.attrs()) {
                    n.message(5, a);
                }
                g.message(1, n);
            }
            g.string(2, name);
            for (ProtoWriter t : initializers) {
                g.message(5, t);
            }
            for (ProtoWriter v : inputs) {
                g.message(11, v);
            }
            for (ProtoWriter v : outputs) {
                g.message(12, v);
            }
            return g;
        }
    }
}
