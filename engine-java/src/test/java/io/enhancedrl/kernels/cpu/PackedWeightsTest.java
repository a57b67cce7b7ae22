package io.enhancedrl.kernels.cpu;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static io.enhancedrl.kernels.cpu.VectorKernelOpsParityTest.guarded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pre-packed weights ({@link KernelOps#packWeights}, {@link KernelOps#linearForwardPacked}): the packed forward
 * must give the unpacked forward's result to the bit, for every tile path (full panels, the padded tail panel,
 * 4- and 6-row tiles, single rows, one-row products), every activation and bias layout, and write nothing
 * outside its output (guard cells).
 */
class PackedWeightsTest {

    private static final VectorKernelOps VEC = VectorKernelOps.INSTANCE;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int idx = 0;
        for (int n : new int[] {0, 1, 3, 4, 5, 8, 13, 48, 97, 257}) {
            for (int in : new int[] {1, 7, 60, 89}) {
                for (int out : new int[] {1, 7, 10, 16, 17, 31, 33, 64, 256}) {
                    Activation act = Activation.values()[idx % Activation.values().length];
                    int rowsPerBias = switch (idx % 4) {
                        case 0 -> Math.max(n, 1);
                        case 1 -> 1;
                        case 2 -> 3;
                        default -> -1; // no bias
                    };
                    cases.add(Arguments.of(n, in, out, act, rowsPerBias));
                    idx++;
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "n={0} in={1} out={2} {3} rowsPerBias={4}")
    @MethodSource("cases")
    void packedForwardIsBitIdenticalToUnpacked(int n, int in, int out, Activation act, int rowsPerBias) {
        SplittableRandom rnd = new SplittableRandom(97L * n + 13L * in + out);
        int off = 2;
        float[] x = guarded(rnd, n * in, off, 1f);
        float[] w = guarded(rnd, in * out, off + 1, (float) (1 / Math.sqrt(in)));
        boolean hasBias = rowsPerBias > 0;
        int rpb = hasBias ? rowsPerBias : 1;
        float[] bias = hasBias ? guarded(rnd, ((n + rpb - 1) / rpb) * out, off + 2, 0.5f) : null;
        float[] plain = guarded(rnd, n * out, off, 1f);
        float[] packedOut = plain.clone();

        float[] packed = VEC.packWeights(in, out, w, off + 1);
        VEC.linearForward(n, in, out, x, off, w, off + 1, bias, off + 2, rpb, act, plain, off);
        VEC.linearForwardPacked(n, in, out, x, off, w, off + 1, packed, bias, off + 2, rpb, act, packedOut, off);

        assertArrayEquals(plain, packedOut, "packed vs unpacked forward, bit for bit, guard cells included");
    }

    /**
     * An output's bits must not depend on which tile computed it: the same rows computed all together, in
     * blocks of 1 to 7 rows, or one by one (single-row tiles) give the same bits, for every activation and
     * with a column tail. (Single-row tiles used to split their sum over even and odd k.)
     */
    @ParameterizedTest(name = "rows per call {0}")
    @MethodSource("blockSizes")
    void rowsGiveTheSameBitsWhateverTileComputesThem(int rowsPerCall) {
        SplittableRandom rnd = new SplittableRandom(rowsPerCall);
        int n = 29;
        int in = 89;
        int out = 2 * VectorKernelOps.L * 3 + 5;
        float[] x = guarded(rnd, n * in, 0, 1f);
        float[] w = guarded(rnd, in * out, 0, 0.2f);
        float[] bias = guarded(rnd, out, 0, 0.3f);
        for (Activation act : Activation.values()) {
            float[] all = new float[n * out];
            float[] parts = new float[n * out];
            VEC.linearForward(n, in, out, x, 0, w, 0, bias, 0, n, act, all, 0);
            for (int i0 = 0; i0 < n; i0 += rowsPerCall) {
                int rows = Math.min(rowsPerCall, n - i0);
                VEC.linearForward(rows, in, out, x, i0 * in, w, 0, bias, 0, rows, act, parts, i0 * out);
            }
            assertArrayEquals(all, parts, act + ": all rows at once vs " + rowsPerCall + " per call");
        }
    }

    static Stream<Integer> blockSizes() {
        return Stream.of(1, 2, 3, 5, 6, 7);
    }

    @Test
    void packWeightsReadsOnlyTheMatrixAndPadsWithZeros() {
        SplittableRandom rnd = new SplittableRandom(5);
        int in = 9;
        int out = 2 * VectorKernelOps.L + 3; // one full panel and a padded tail
        float[] w = guarded(rnd, in * out, 4, 1f);
        float[] withNaNGuards = w.clone();
        for (int i = 0; i < 4; i++) {
            withNaNGuards[i] = Float.NaN;
        }
        for (int i = 4 + in * out; i < w.length; i++) {
            withNaNGuards[i] = Float.NaN;
        }
        float[] packed = VEC.packWeights(in, out, withNaNGuards, 4);
        assertEquals(2 * in * 2 * VectorKernelOps.L, packed.length);
        for (float v : packed) {
            assertTrue(Float.isFinite(v), "a guard cell was read into the packed weights");
        }
        int step = 2 * VectorKernelOps.L;
        for (int p = 0; p < in; p++) {
            for (int j = 0; j < step; j++) {
                assertEquals(w[4 + p * out + j], packed[p * step + j], "panel 0 row " + p + " col " + j);
                float tail = j < 3 ? w[4 + p * out + step + j] : 0f;
                assertEquals(tail, packed[(in + p) * step + j], "tail panel row " + p + " col " + j);
            }
        }
    }

    @Test
    void wrongPackedLengthIsRejectedWithTheExpectedLength() {
        float[] w = new float[12 * 40];
        float[] packed = VEC.packWeights(12, 40, w, 0);
        float[] x = new float[3 * 12];
        float[] y = new float[3 * 40];
        float[] other = VEC.packWeights(12, 41, new float[12 * 41], 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VEC.linearForwardPacked(
                3, 12, 40, x, 0, w, 0, new float[packed.length - 1], null, 0, 1, Activation.RELU, y, 0));
        assertTrue(e.getMessage().startsWith("packed: expected " + packed.length + " floats (packWeights(in = 12,"
                + " out = 40)"), e.getMessage());
        if (other.length != packed.length) {
            assertThrows(IllegalArgumentException.class, () -> VEC.linearForwardPacked(
                    3, 12, 40, x, 0, w, 0, other, null, 0, 1, Activation.RELU, y, 0));
        }
    }

    @Test
    void theScalarReferencePacksNothingAndIgnoresTheArgument() {
        KernelOps ref = ScalarKernelOps.INSTANCE;
        SplittableRandom rnd = new SplittableRandom(11);
        float[] w = guarded(rnd, 5 * 6, 0, 1f);
        float[] x = guarded(rnd, 4 * 5, 0, 1f);
        assertNull(ref.packWeights(5, 6, w, 0));
        float[] y1 = new float[24];
        float[] y2 = new float[24];
        ref.linearForward(4, 5, 6, x, 0, w, 0, null, 0, 1, Activation.TANH, y1, 0);
        ref.linearForwardPacked(4, 5, 6, x, 0, w, 0, null, null, 0, 1, Activation.TANH, y2, 0);
        assertArrayEquals(y1, y2);
        assertEquals(Integer.MAX_VALUE, ref.forwardRowBlock());
        assertEquals(0, VEC.forwardRowBlock() % 12, "a block should be whole 4- and 6-row tiles (no single rows)");
    }
}
