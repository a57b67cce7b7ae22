package io.enhancedrl.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.api.RankerOptions;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.model.MlpWorkspace;
import io.enhancedrl.model.fusion.FusionSpace;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The exported ONNX policy, run in ONNX Runtime (Java, CPU), against the engine. Tolerance: the parity rule
 * of the kernels, |ort - engine| &lt;= 1e-5 sqrt(256) + 1e-4 |engine| (float32, different summation order),
 * for the actions, the fusion parameters and the fused scores.
 */
class OnnxExporterTest {

    private static final Tolerance TOL = Tolerance.FP32.forReduction(256);
    private static String ortUnavailable;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadOrt() {
        try {
            OrtEnvironment.getEnvironment();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            ortUnavailable = "ONNX Runtime's native library does not load here: " + e;
        }
    }

    @Test
    void protoWriterEncodesTheWireFormat() {
        // the protobuf documentation's example: field 1 = 150 is 08 96 01
        assertEquals("089601", HexFormat.of().formatHex(new ProtoWriter().varint(1, 150).toByteArray()));
        assertEquals("120774657374696e67", HexFormat.of().formatHex(new ProtoWriter().string(2, "testing").toByteArray()));
        assertEquals("0a0401029601", HexFormat.of().formatHex(new ProtoWriter().packedInt64(1, new long[] {1, 2, 150})
                .toByteArray()));
        // negative int64 takes ten bytes
        assertEquals(11, new ProtoWriter().varint(1, -1).toByteArray().length);
    }

    @Test
    void rejectsInconsistentPolicies() {
        FeatureLayout l = new FeatureLayout(4, 2, 3, 2);
        Mlp wrong = new Mlp(MlpSpec.of(10, new int[] {4}, Activation.RELU, 4, Activation.TANH));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.toBytes(wrong, l, FusionSpace.defaults(2)));
        assertTrue(e.getMessage().contains("actor input width") && e.getMessage().contains("expected 11"), e.getMessage());
    }

    @ParameterizedTest(name = "layout {0}/{1}/{2}/{3}, hidden {4}, N={5}")
    @CsvSource({
            "24, 4, 24, 5, 64-32, 1",
            "24, 4, 24, 5, 64-32, 37",
            "48, 12, 84, 5, 256-128-64, 300",
            "6, 0, 5, 3, 16, 9",    // no context features
            "0, 3, 0, 2, 8-8, 5",   // only context and MTL scores
    })
    void ortMatchesTheEngine(int du, int dc, int di, int k, String hidden, int n) throws Exception {
        assumeTrue(ortUnavailable == null, ortUnavailable);
        FeatureLayout l = new FeatureLayout(du, dc, di, k);
        int[] h = java.util.Arrays.stream(hidden.split("-")).mapToInt(Integer::parseInt).toArray();
        Mlp actor = new Mlp(MlpSpec.of(l.stateWidth(), h, Activation.RELU, l.actionWidth(), Activation.TANH));
        actor.initialize(5);
        SplittableRandom r = new SplittableRandom(n);
        for (int i = 0; i < actor.params().length; i++) { // non-zero biases too
            actor.params()[i] += (float) r.nextDouble(-0.05, 0.05);
        }
        FusionSpace f = FusionSpace.uniform(k, 0.2, 1.8, 0.02, 0.4);
        Path file = dir.resolve("policy.onnx");
        OnnxExporter.export(file, actor, l, f);

        float[] user = gaussian(r, du);
        float[] ctx = gaussian(r, dc);
        float[] items = gaussian(r, n * di);
        float[] mtl = new float[n * k];
        long[] ids = new long[n];
        for (int i = 0; i < n * k; i++) {
            mtl[i] = (float) r.nextDouble(0.001, 0.999);
        }
        for (int j = 0; j < n; j++) {
            ids[j] = j;
        }

        // engine: actions by the plain forward pass on the concatenated state, scores and parameters by Ranker
        float[] x = new float[n * l.stateWidth()];
        for (int j = 0; j < n; j++) {
            int o = j * l.stateWidth();
            System.arraycopy(user, 0, x, o, du);
            System.arraycopy(ctx, 0, x, o + du, dc);
            System.arraycopy(items, j * di, x, o + du + dc, di);
            System.arraycopy(mtl, j * k, x, o + du + dc + di, k);
        }
        MlpWorkspace ws = new MlpWorkspace(actor.spec(), n);
        actor.forward(ScalarKernelOps.INSTANCE, n, x, 0, ws);
        float[] engineActions = java.util.Arrays.copyOf(ws.output(), n * 2 * k);
        Ranker ranker = Ranker.create(Ranker.Model.of(actor, l, f, "t"),
                RankerOptions.defaults().withAllCandidates().withOps(ScalarKernelOps.INSTANCE));
        RankResult res = ranker.rank(RankRequest.ofFlat(user, ctx, ids, items, mtl));
        float[] engineScores = new float[n];
        float[] engineFusion = new float[n * 2 * k];
        for (int rank = 0; rank < n; rank++) {
            int j = res.index(rank);
            engineScores[j] = res.score(rank);
            for (int t = 0; t < k; t++) {
                engineFusion[j * 2 * k + t] = res.power(rank, t);
                engineFusion[j * 2 * k + k + t] = res.bias(rank, t);
            }
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(Files.readAllBytes(file), so)) {
            assertEquals(java.util.Set.of("user", "context", "items", "mtl"), s.getInputNames());
            Map<String, OnnxTensor> in = new HashMap<>();
            try {
                in.put(OnnxExporter.IN_USER, OnnxTensor.createTensor(env, FloatBuffer.wrap(user), new long[] {1, du}));
                in.put(OnnxExporter.IN_CONTEXT, OnnxTensor.createTensor(env, FloatBuffer.wrap(ctx), new long[] {1, dc}));
                in.put(OnnxExporter.IN_ITEMS, OnnxTensor.createTensor(env, FloatBuffer.wrap(items), new long[] {n, di}));
                in.put(OnnxExporter.IN_MTL, OnnxTensor.createTensor(env, FloatBuffer.wrap(mtl), new long[] {n, k}));
                try (OrtSession.Result out = s.run(in)) {
                    float[] ortActions = floats(out, OnnxExporter.OUT_ACTIONS, n * 2L * k);
                    float[] ortFusion = floats(out, OnnxExporter.OUT_FUSION, n * 2L * k);
                    float[] ortScores = floats(out, OnnxExporter.OUT_SCORE, n);
                    TOL.assertClose("actions", engineActions, ortActions);
                    TOL.assertClose("fusion parameters", engineFusion, ortFusion);
                    TOL.assertClose("fused scores", engineScores, ortScores);
                }
            } finally {
                for (OnnxTensor t : in.values()) {
                    t.close();
                }
            }
        }
    }

    @Test
    void metadataCarriesThePolicyLayout() throws Exception {
        assumeTrue(ortUnavailable == null, ortUnavailable);
        FeatureLayout l = new FeatureLayout(2, 1, 1, 1);
        Mlp actor = new Mlp(MlpSpec.of(5, new int[] {3}, Activation.RELU, 2, Activation.TANH));
        actor.initialize(1);
        byte[] bytes = OnnxExporter.toBytes(actor, l, FusionSpace.defaults(1));
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(bytes, new OrtSession.SessionOptions())) {
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            assertEquals("2", meta.get("userWidth"));
            assertEquals("1", meta.get("tasks"));
            assertEquals("0.01", meta.get("biasMin"));
            assertEquals("enhancedrl", s.getMetadata().getProducerName());
            assertArrayEquals(new String[] {"actions", "fusion", "score"}, s.getOutputNames().toArray(String[]::new));
        }
    }

    private static float[] floats(OrtSession.Result out, String name, long expected) throws OrtException {
        OnnxTensor t = (OnnxTensor) out.get(name).orElseThrow(() -> new AssertionError("no output " + name));
        FloatBuffer b = t.getFloatBuffer();
        assertEquals(expected, b.remaining(), name + " element count");
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
