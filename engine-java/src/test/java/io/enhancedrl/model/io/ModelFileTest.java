package io.enhancedrl.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.model.MlpSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine model file: round trips, the on-disk layout other readers see, and save-side validation. */
class ModelFileTest {

    @TempDir
    Path dir;

    private static final MlpSpec ACTOR = MlpSpec.of(12, new int[] {64, 32}, Activation.RELU, 3, Activation.TANH);
    private static final MlpSpec CRITIC = MlpSpec.of(15, new int[] {16}, Activation.TANH, 1, Activation.IDENTITY);

    /** Random values plus the awkward ones: -0, subnormals, extremes. */
    private static float[] params(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        a[0] = -0f;
        a[1] = Float.MIN_VALUE;
        a[2] = -Float.MAX_VALUE;
        a[n - 1] = Float.MIN_NORMAL / 3;
        return a;
    }

    private static ModelBundle bundle() {
        LinkedHashMap<String, NetworkEntry> nets = new LinkedHashMap<>();
        nets.put("actor", NetworkEntry.single(ACTOR, params(ACTOR.parameterCount(), 1)));
        nets.put("critic.g0", new NetworkEntry(CRITIC, 5, params(5 * CRITIC.parameterCount(), 2)));
        LinkedHashMap<String, String> props = new LinkedHashMap<>();
        props.put("features.user", "6");
        props.put("features.context", "3");
        props.put("features.item", "3");
        props.put("mtl.tasks", "3");
        props.put("fusion.ranges", "[[0.0,1.0],[0.0,2.0],[-1.0,1.0]]");
        return new ModelBundle(nets, props);
    }

    private static void assertBitwiseEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    @Test
    void roundTripOfAnMlpIsBitExact() throws Exception {
        LinkedHashMap<String, NetworkEntry> nets = new LinkedHashMap<>();
        nets.put("actor", NetworkEntry.single(ACTOR, params(ACTOR.parameterCount(), 7)));
        ModelBundle b = new ModelBundle(nets, Map.of("features.user", "6"));
        Path f = dir.resolve("actor.safetensors");
        ModelFile.save(f, b);
        ModelBundle loaded = ModelFile.load(f);
        assertEquals(ACTOR, loaded.network("actor").spec());
        assertEquals(1, loaded.network("actor").members());
        assertBitwiseEqual(b.network("actor").params(), loaded.network("actor").params(), "actor params");
        assertEquals(b.properties(), loaded.properties());
        assertEquals(b, loaded);
    }

    @Test
    void roundTripOfAnEnsembleBundleIsBitExactAndKeepsOrder() throws Exception {
        ModelBundle b = bundle();
        Path f = dir.resolve("bundle.safetensors");
        ModelFile.save(f, b);
        ModelBundle loaded = ModelFile.load(f);
        assertEquals(List.of("actor", "critic.g0"), List.copyOf(loaded.networks().keySet()));
        for (String n : b.networks().keySet()) {
            assertEquals(b.network(n).spec(), loaded.network(n).spec(), n + " spec");
            assertEquals(b.network(n).members(), loaded.network(n).members(), n + " members");
            assertBitwiseEqual(b.network(n).params(), loaded.network(n).params(), n + " params");
        }
        assertEquals(b.properties(), loaded.properties());
        assertEquals(List.copyOf(b.properties().keySet()), List.copyOf(loaded.properties().keySet()));
        for (int m = 0; m < 5; m++) {
            assertBitwiseEqual(b.network("critic.g0").memberParams(m), loaded.network("critic.g0").memberParams(m),
                    "critic member " + m);
        }
    }

    @Test
    void fileLayoutIsPerLayerTensorsThatAnIndependentReaderSees() throws Exception {
        ModelBundle b = bundle();
        Path f = dir.resolve("bundle.safetensors");
        ModelFile.save(f, b);
        RawSafeTensors.Decoded d = RawSafeTensors.decodeIndependently(Files.readAllBytes(f));

        assertEquals(List.of("actor.layer0.weight", "actor.layer0.bias", "actor.layer1.weight", "actor.layer1.bias",
                "actor.layer2.weight", "actor.layer2.bias", "critic.g0.layer0.weight", "critic.g0.layer0.bias",
                "critic.g0.layer1.weight", "critic.g0.layer1.bias"), List.copyOf(d.shapes().keySet()));
        assertArrayEquals(new long[] {12, 64}, d.shapes().get("actor.layer0.weight"));
        assertArrayEquals(new long[] {64}, d.shapes().get("actor.layer0.bias"));
        assertArrayEquals(new long[] {5, 15, 16}, d.shapes().get("critic.g0.layer0.weight"));
        assertArrayEquals(new long[] {5, 1}, d.shapes().get("critic.g0.layer1.bias"));

        // Values: W[in][out] row-major and b[out] straight from the MlpSpec slab; ensemble member-major.
        float[] actor = b.network("actor").params();
        assertBitwiseEqual(Arrays.copyOfRange(actor, ACTOR.weightOffset(1), ACTOR.biasOffset(1)),
                d.values().get("actor.layer1.weight"), "actor.layer1.weight");
        float[] critic = b.network("critic.g0").params();
        int p = CRITIC.parameterCount();
        float[] w0 = d.values().get("critic.g0.layer0.weight");
        for (int m = 0; m < 5; m++) {
            assertBitwiseEqual(Arrays.copyOfRange(critic, m * p, m * p + 15 * 16),
                    Arrays.copyOfRange(w0, m * 15 * 16, (m + 1) * 15 * 16), "critic member " + m + " layer0 W");
        }

        Map<String, String> meta = d.metadata();
        assertEquals("enhancedrl-model", meta.get("format"));
        assertEquals("1", meta.get("format_version"));
        assertEquals("[[0.0,1.0],[0.0,2.0],[-1.0,1.0]]", meta.get("prop.fusion.ranges"));
        JsonNode arch = RawSafeTensors.MAPPER.readTree(meta.get("architecture"));
        JsonNode critic0 = arch.get("networks").get(1);
        assertEquals("critic.g0", critic0.get("name").textValue());
        assertEquals(15, critic0.get("input_width").intValue());
        assertEquals(16, critic0.get("hidden_widths").get(0).intValue());
        assertEquals("tanh", critic0.get("hidden_activation").textValue());
        assertEquals(1, critic0.get("output_width").intValue());
        assertEquals("identity", critic0.get("output_activation").textValue());
        assertEquals(5, critic0.get("members").intValue());
    }

    @Test
    void saveRejectsNaNBeforeWritingAndKeepsTheOldFile() throws Exception {
        Path f = dir.resolve("model.safetensors");
        ModelFile.save(f, bundle());
        byte[] old = Files.readAllBytes(f);

        float[] bad = params(5 * CRITIC.parameterCount(), 3);
        int p = CRITIC.parameterCount();
        bad[3 * p + CRITIC.biasOffset(1)] = Float.NaN;   // member 3, output bias
        LinkedHashMap<String, NetworkEntry> nets = new LinkedHashMap<>(bundle().networks());
        nets.put("critic.g0", new NetworkEntry(CRITIC, 5, bad));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFile.save(f, new ModelBundle(nets, Map.of())));
        assertTrue(e.getMessage().contains("network 'critic.g0' has a non-finite parameter NaN at params index "
                + (3 * p + CRITIC.biasOffset(1)) + " (member 3, layer 1 bias[0])"), e.getMessage());

        float[] inf = params(ACTOR.parameterCount(), 4);
        inf[ACTOR.weightOffset(1) + 5 * 32 + 7] = Float.NEGATIVE_INFINITY;
        nets.put("actor", NetworkEntry.single(ACTOR, inf));
        e = assertThrows(IllegalArgumentException.class, () -> ModelFile.save(f, new ModelBundle(nets, Map.of())));
        assertTrue(e.getMessage().contains("-Infinity") && e.getMessage().contains("member 0, layer 1 weight[5][7]"),
                e.getMessage());

        assertArrayEquals(old, Files.readAllBytes(f), "old file intact");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temp files left behind");
        }
        assertEquals(bundle(), ModelFile.load(f));
    }

    @Test
    void saveOverwritesAnExistingFile() throws Exception {
        Path f = dir.resolve("model.safetensors");
        ModelFile.save(f, bundle());
        LinkedHashMap<String, NetworkEntry> nets = new LinkedHashMap<>();
        nets.put("actor", NetworkEntry.single(ACTOR, params(ACTOR.parameterCount(), 99)));
        ModelBundle next = new ModelBundle(nets, Map.of("step", "2"));
        ModelFile.save(f, next);
        assertEquals(next, ModelFile.load(f));
        assertNotEquals(bundle(), ModelFile.load(f));
    }

    @Test
    void unknownMetadataKeysAreIgnoredButAGenericSafetensorsFileIsRejected() throws Exception {
        Path f = dir.resolve("model.safetensors");
        ModelFile.save(f, bundle());
        RawSafeTensors.Split s = RawSafeTensors.split(Files.readAllBytes(f));
        ((com.fasterxml.jackson.databind.node.ObjectNode) s.header().get("__metadata__")).put("comment", "by a tool");
        Files.write(f, RawSafeTensors.emit(s.header(), s.data()));
        assertEquals(bundle(), ModelFile.load(f));

        Path generic = dir.resolve("generic.safetensors");
        LinkedHashMap<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        t.put("weight", new SafeTensors.Tensor(new long[] {2}, new float[] {1f, 2f}));
        SafeTensors.write(generic, t, Map.of());
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(generic));
        assertTrue(e.getMessage().contains("not an EnhancedRL model file"), e.getMessage());
    }

    @Test
    void bundleAndEntryValidateTheirArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NetworkEntry(ACTOR, 2, new float[ACTOR.parameterCount()]));
        assertTrue(e.getMessage().contains("params.length: expected " + 2 * ACTOR.parameterCount()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NetworkEntry(ACTOR, 0, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new ModelBundle(Map.of(), Map.of()));
        NetworkEntry ok = NetworkEntry.single(ACTOR, new float[ACTOR.parameterCount()]);
        for (String bad : List.of("", ".hidden", "has space", "sl/ash", "x".repeat(129))) {
            e = assertThrows(IllegalArgumentException.class, () -> new ModelBundle(Map.of(bad, ok), Map.of()), bad);
            assertTrue(e.getMessage().contains("name expected to match"), e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> new ModelBundle(Map.of("a", ok), Map.of("", "v")));
        assertTrue(e.getMessage().contains("properties"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bundle().network("nope"));
        assertTrue(e.getMessage().contains("[actor, critic.g0]"), e.getMessage());
    }
}
