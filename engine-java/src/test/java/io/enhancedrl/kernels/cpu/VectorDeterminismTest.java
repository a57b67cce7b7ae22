package io.enhancedrl.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector backend gives the same bits whether its kernels run compiled (C2 intrinsics) or interpreted (the
 * Vector API's Java fallbacks): without that, two training runs with the same seed diverge with JIT timing.
 * Also the accuracy of its lane tanh against Math.tanh.
 */
class VectorDeterminismTest {

    @Test
    void compiledAndInterpretedKernelsGiveTheSameBits() throws Exception {
        long compiled = 0;
        for (int i = 0; i < 3000; i++) { // enough calls for C2 to compile the kernels
            long c = VectorDeterminismProbe.checksum();
            if (i > 0) {
                assertEquals(compiled, c, "call " + i + " differs from call 0 in the same JVM");
            }
            compiled = c;
        }
        String child = childChecksum("-Xint");
        assertEquals(Long.toHexString(compiled), child, "interpreted (-Xint) vs compiled checksum");
    }

    /**
     * Every output of the vector backend is one FMA chain over k in order, seeded with the bias, in whatever
     * tile computes it, and everything else is lanewise: so the bits do not depend on the vector width or the
     * tile shapes either. A child JVM limited to 128-bit vectors (4 floats: other panels, other tails; 6-row
     * tiles here become 4-row ones on an AVX-512 machine) must give this JVM's checksum.
     */
    @Test
    void narrowerVectorsGiveTheSameBits() throws Exception {
        long here = VectorDeterminismProbe.checksum();
        String child = childChecksum("-XX:MaxVectorSize=16");
        assertEquals(Long.toHexString(here), child, "128-bit vectors vs " + VectorKernelOps.vectorBits()
                + "-bit vectors in this JVM");
    }

    /** The probe's checksum in a child JVM with one extra flag; fails if the child could not run it. */
    private static String childChecksum(String flag) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(flag);
        cmd.add("--add-modules=jdk.incubator.vector");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(VectorDeterminismProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output;
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the " + flag + " child did not finish in 120 s");
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), output);
        String[] lines = output.strip().split("\\R");
        if (flag.startsWith("-XX:MaxVectorSize")) {
            assertTrue(output.contains("vector bits 128"), "the child did not run with 128-bit vectors:\n" + output);
        }
        return lines[lines.length - 1].strip();
    }

    @Test
    void laneTanhIsWithin3e7OfMathTanh() {
        int l = VectorKernelOps.L;
        float[] in = new float[l];
        float[] out = new float[l];
        double worst = 0;
        float worstX = 0;
        int count = 0;
        for (float x = -12f; x <= 12f; x += 1e-4f * l) {
            for (int i = 0; i < l; i++) {
                in[i] = x + i * 1e-4f;
            }
            VectorKernelOps.tanh(FloatVector.fromArray(VectorKernelOps.S, in, 0)).intoArray(out, 0);
            for (int i = 0; i < l; i++) {
                double err = Math.abs(out[i] - Math.tanh(in[i]));
                count++;
                if (err > worst) {
                    worst = err;
                    worstX = in[i];
                }
            }
        }
        assertTrue(count > 200_000, "points checked: " + count);
        assertTrue(worst <= 3e-7, "worst |tanh error| " + worst + " at x = " + worstX);
        float[] special = new float[l];
        java.util.Arrays.fill(special, 0f);
        special[0] = Float.NaN;
        if (l > 2) {
            special[1] = Float.POSITIVE_INFINITY;
            special[2] = Float.NEGATIVE_INFINITY;
        }
        VectorKernelOps.tanh(FloatVector.fromArray(VectorKernelOps.S, special, 0)).intoArray(out, 0);
        assertTrue(Float.isNaN(out[0]), "tanh(NaN) = " + out[0]);
        if (l > 2) {
            assertEquals(1f, out[1], 1e-6f);
            assertEquals(-1f, out[2], 1e-6f);
        }
        assertEquals(0f, out[l - 1]);
    }
}
