package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitializationTest {

    /** The published SplitMix64 reference sequence for seed 1234567 (Vigna's splitmix64.c). */
    @Test
    void splitMixMatchesReferenceSequence() {
        SplitMix64 rng = new SplitMix64(1234567L);
        String[] expected = {"6457827717110365317", "3203168211198807973", "9817491932198370423",
                "4593380528125082431", "16408922859458223821"};
        for (String e : expected) {
            assertEquals(Long.parseUnsignedLong(e), rng.nextLong());
        }
    }

    @Test
    void heForReluXavierOtherwiseZeroBiasesDeterministic() {
        // Layer 0 is followed by ReLU (He: sqrt(6/64)); layer 1 by tanh, layer 2 by identity (Xavier).
        MlpSpec spec = MlpSpec.of(64, new int[] {64, 96}, Activation.RELU, 32, Activation.IDENTITY);
        MlpSpec tanhSpec = MlpSpec.of(64, new int[] {64}, Activation.TANH, 32, Activation.IDENTITY);
        Mlp mlp = new Mlp(spec);
        mlp.initialize(2024);
        checkLayer(mlp, 0, Math.sqrt(6.0 / 64));
        checkLayer(mlp, 1, Math.sqrt(6.0 / 64));      // hidden relu layer 64 -> 96: He uses fan_in only
        checkLayer(mlp, 2, Math.sqrt(6.0 / (96 + 32))); // identity output: Xavier
        Mlp t = new Mlp(tanhSpec);
        t.initialize(2024);
        checkLayer(t, 0, Math.sqrt(6.0 / (64 + 64)));

        Mlp same = new Mlp(spec);
        same.initialize(2024);
        assertArrayEquals(mlp.params(), same.params(), "same seed, same parameters");
        same.initialize(2025);
        assertFalse(java.util.Arrays.equals(mlp.params(), same.params()), "another seed, other parameters");
    }

    private static void checkLayer(Mlp mlp, int layer, double limit) {
        MlpSpec spec = mlp.spec();
        int w = spec.weightOffset(layer);
        int count = spec.layerInput(layer) * spec.layerOutput(layer);
        double sumSq = 0;
        double max = 0;
        for (int i = 0; i < count; i++) {
            double v = mlp.params()[w + i];
            sumSq += v * v;
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= limit, "layer " + layer + ": max |w| " + max + " exceeds limit " + limit);
        assertTrue(max > 0.95 * limit, "layer " + layer + ": max |w| " + max + " far below limit " + limit);
        double variance = sumSq / count;
        double expected = limit * limit / 3; // variance of U(-a, a)
        assertEquals(expected, variance, 0.1 * expected, "layer " + layer + " weight variance");
        for (int o = 0; o < spec.layerOutput(layer); o++) {
            assertEquals(0f, mlp.params()[spec.biasOffset(layer) + o], "bias " + layer + "/" + o);
        }
    }
}
