package io.enhancedrl.model;

import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainToyRegressionTest {

    @Test
    void lossFallsByALargeFactorAndRunsAreReproducible() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        double[] curve = TrainToyRegression.run(ScalarKernelOps.INSTANCE, 60, 1, 20, log);
        assertEquals(61, curve.length);
        assertTrue(curve[0] / curve[60] > 20, "mse " + curve[0] + " -> " + curve[60]);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("epoch   20") && text.contains("epoch   60"), text);

        double[] again = TrainToyRegression.run(ScalarKernelOps.INSTANCE, 60, 1, 20, null);
        assertArrayEquals(curve, again, "same seed and backend give the same curve");
    }
}
