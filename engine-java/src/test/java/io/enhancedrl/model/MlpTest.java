package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.kernels.cpu.VectorKernelOps;
import io.enhancedrl.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forward against a double-precision oracle, split forward, and backward against finite differences. */
class MlpTest {

    private static final KernelOps OPS = ScalarKernelOps.INSTANCE;

    /** Shapes with widths 1, 5, 13 in every position, including a bottleneck of 1 and no hidden layer. */
    static final int[][][] SHAPES = {
            {{5}, {13}, {1}},
            {{13}, {1, 5}, {13}},
            {{1}, {5, 13}, {5}},
            {{13}, {}, {5}},
    };

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (int[][] shape : SHAPES) {
            for (Activation hidden : Activation.values()) {
                for (Activation output : Activation.values()) {
                    if (shape[1].length == 0 && hidden != Activation.RELU) {
                        continue; // without hidden layers the hidden activation is unused: one value suffices
                    }
                    for (int n : new int[] {1, 3, 7}) {
                        list.add(Arguments.of(MlpSpec.of(shape[0][0], shape[1], hidden, shape[2][0], output), n));
                    }
                }
            }
        }
        return list.stream();
    }

    private static long seedOf(MlpSpec spec, int n) {
        return spec.toString().hashCode() * 31L + n;
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void forwardMatchesDoubleReference(MlpSpec spec, int n) {
        Random r = new Random(seedOf(spec, n));
        Mlp mlp = new Mlp(spec);
        ReferenceMlp.randomize(spec, mlp.params(), 0, r.nextLong());
        int xOff = 3;
        float[] x = ReferenceMlp.uniform(r, xOff + n * spec.inputWidth(), 1.5f);
        MlpWorkspace ws = new MlpWorkspace(spec, n + 2);
        mlp.forward(OPS, n, x, xOff, ws);

        double[] expected = ReferenceMlp.forward(spec, ReferenceMlp.toDouble(mlp.params()), 0,
                ReferenceMlp.toDouble(x, xOff, n * spec.inputWidth()), n);
        Tolerance.FP32.forReduction(spec.inputWidth() + spec.maxWidth())
                .assertClose("forward " + spec + " n=" + n, ReferenceMlp.toFloat(expected), 0, ws.output(), 0,
                        n * spec.outputWidth());
        // The hidden layer outputs are the reference's truncated networks.
        for (int l = 0; l < spec.layerCount() - 1; l++) {
            MlpSpec head = MlpSpec.of(spec.inputWidth(), spec.hiddenWidths().subList(0, l).stream()
                    .mapToInt(Integer::intValue).toArray(), spec.hiddenActivation(), spec.layerOutput(l), spec.hiddenActivation());
            double[] h = ReferenceMlp.forward(head, ReferenceMlp.toDouble(mlp.params()), 0,
                    ReferenceMlp.toDouble(x, xOff, n * spec.inputWidth()), n);
            Tolerance.FP32.forReduction(spec.inputWidth() + spec.maxWidth())
                    .assertClose("layer " + l, ReferenceMlp.toFloat(h), 0, ws.layerOutput(l), 0, h.length);
        }
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(MlpSpec spec, int n) {
        Random r = new Random(seedOf(spec, n) + 1);
        Mlp mlp = new Mlp(spec);
        ReferenceMlp.randomize(spec, mlp.params(), 0, r.nextLong());
        int xOff = 2;
        int dOutOff = 1;
        int dxOff = 4;
        int inLen = n * spec.inputWidth();
        int outLen = n * spec.outputWidth();
        float[] x = ReferenceMlp.uniform(r, xOff + inLen, 1.5f);
        float[] dOut = ReferenceMlp.uniform(r, dOutOff + outLen, 1f);
        double[] dOutD = ReferenceMlp.toDouble(dOut);
        MlpWorkspace ws = new MlpWorkspace(spec, 7);
        int pc = spec.parameterCount();
        float[] grads = new float[pc];
        float[] dx = new float[dxOff + inLen];
        mlp.forward(OPS, n, x, xOff, ws);
        mlp.backward(OPS, n, x, xOff, ws, dOut.clone(), dOutOff, grads, false, dx, dxOff);

        double[] p = ReferenceMlp.toDouble(mlp.params());
        double[] xd = ReferenceMlp.toDouble(x, xOff, inLen);
        double h = 1e-6;
        double[] fdParams = new double[pc];
        for (int j = 0; j < pc; j++) {
            double keep = p[j];
            p[j] = keep + h;
            double plus = ReferenceMlp.loss(spec, p, 0, xd, n, dOutD, dOutOff);
            p[j] = keep - h;
            double minus = ReferenceMlp.loss(spec, p, 0, xd, n, dOutD, dOutOff);
            p[j] = keep;
            fdParams[j] = (plus - minus) / (2 * h);
        }
        double[] fdX = new double[inLen];
        for (int j = 0; j < inLen; j++) {
            double keep = xd[j];
            xd[j] = keep + h;
            double plus = ReferenceMlp.loss(spec, p, 0, xd, n, dOutD, dOutOff);
            xd[j] = keep - h;
            double minus = ReferenceMlp.loss(spec, p, 0, xd, n, dOutD, dOutOff);
            xd[j] = keep;
            fdX[j] = (plus - minus) / (2 * h);
        }
        Tolerance tol = Tolerance.FP32.forReduction(n * spec.maxWidth() + spec.inputWidth());
        tol.assertClose("dparams " + spec + " n=" + n, fdParams, ReferenceMlp.toDouble(grads));
        tol.assertClose("dx " + spec + " n=" + n, fdX, ReferenceMlp.toDouble(dx, dxOff, inLen));

        // accumulate=true adds the same gradient onto what is there.
        float[] acc = grads.clone();
        mlp.backward(OPS, n, x, xOff, ws, dOut.clone(), dOutOff, acc, true, null, 0);
        float[] twice = new float[pc];
        for (int j = 0; j < pc; j++) {
            twice[j] = 2 * grads[j];
        }
        Tolerance.FP32.assertClose("accumulated grads", twice, acc);
    }

    static Stream<Arguments> splitCases() {
        List<Arguments> list = new ArrayList<>();
        MlpSpec deep = MlpSpec.of(13, new int[] {5, 13}, Activation.RELU, 5, Activation.TANH);
        MlpSpec shallow = MlpSpec.of(5, new int[] {}, Activation.RELU, 13, Activation.RELU);
        for (MlpSpec spec : List.of(deep, shallow)) {
            for (int prefixWidth : new int[] {1, spec.inputWidth() / 2, spec.inputWidth() - 1}) {
                for (int n : new int[] {1, 7, 10}) {
                    for (int rowsPerPrefix : new int[] {1, 3, n}) {
                        list.add(Arguments.of(spec, prefixWidth, n, rowsPerPrefix));
                    }
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} prefix={1} n={2} rowsPerPrefix={3}")
    @MethodSource("splitCases")
    void forwardSplitEqualsForwardOnConcatenatedRows(MlpSpec spec, int prefixWidth, int n, int rowsPerPrefix) {
        Random r = new Random(31L * prefixWidth + 7L * n + rowsPerPrefix);
        Mlp mlp = new Mlp(spec);
        ReferenceMlp.randomize(spec, mlp.params(), 0, r.nextLong());
        int in = spec.inputWidth();
        int rowWidth = in - prefixWidth;
        int prefixRows = (n + rowsPerPrefix - 1) / rowsPerPrefix;
        int prefixOff = 5;
        int rowsOff = 2;
        float[] prefix = ReferenceMlp.uniform(r, prefixOff + prefixRows * prefixWidth, 1.5f);
        float[] rows = ReferenceMlp.uniform(r, rowsOff + n * rowWidth, 1.5f);
        float[] concat = new float[n * in];
        for (int i = 0; i < n; i++) {
            System.arraycopy(prefix, prefixOff + (i / rowsPerPrefix) * prefixWidth, concat, i * in, prefixWidth);
            System.arraycopy(rows, rowsOff + i * rowWidth, concat, i * in + prefixWidth, rowWidth);
        }
        MlpWorkspace full = new MlpWorkspace(spec, n);
        MlpWorkspace split = new MlpWorkspace(spec, n);
        mlp.forward(OPS, n, concat, 0, full);
        mlp.forwardSplit(OPS, n, prefixWidth, prefix, prefixOff, rowsPerPrefix, rows, rowsOff, split);
        Tolerance.FP32.forReduction(in + spec.maxWidth())
                .assertClose("forwardSplit vs forward", full.output(), 0, split.output(), 0, n * spec.outputWidth());
    }

    static Stream<Arguments> packedSplitCases() {
        List<Arguments> list = new ArrayList<>();
        MlpSpec actor = MlpSpec.of(37, new int[] {40, 24}, Activation.RELU, 10, Activation.TANH);
        for (KernelOps ops : List.of(ScalarKernelOps.INSTANCE, VectorKernelOps.INSTANCE)) {
            for (int n : new int[] {1, 5, 47, 48, 49, 100, 197}) {
                for (int rowsPerPrefix : new int[] {1, 7, n}) {
                    list.add(Arguments.of(ops.name(), actor, 11, n, rowsPerPrefix));
                }
            }
        }
        return list.stream();
    }

    /** Packed weights and blocks of rows must not change a single bit of the split forward pass. */
    @ParameterizedTest(name = "{0} {1} prefix={2} n={3} rowsPerPrefix={4}")
    @MethodSource("packedSplitCases")
    void forwardSplitWithPackedWeightsIsBitIdentical(String backend, MlpSpec spec, int prefixWidth, int n,
                                                     int rowsPerPrefix) {
        KernelOps ops = backend.equals("vector") ? VectorKernelOps.INSTANCE : ScalarKernelOps.INSTANCE;
        Random r = new Random(17L * n + rowsPerPrefix);
        Mlp mlp = new Mlp(spec);
        ReferenceMlp.randomize(spec, mlp.params(), 0, r.nextLong());
        int prefixRows = (n + rowsPerPrefix - 1) / rowsPerPrefix;
        int rowWidth = spec.inputWidth() - prefixWidth;
        float[] prefix = ReferenceMlp.uniform(r, 3 + prefixRows * prefixWidth, 1.5f);
        float[] rows = ReferenceMlp.uniform(r, 1 + n * rowWidth, 1.5f);
        MlpWorkspace plain = new MlpWorkspace(spec, n);
        MlpWorkspace packed = new MlpWorkspace(spec, n);
        float[][] packs = mlp.packForSplit(ops, prefixWidth);
        if (ops == ScalarKernelOps.INSTANCE) {
            assertEquals(null, packs, "the scalar reference packs nothing");
        } else {
            assertEquals(spec.layerCount() + 1, packs.length);
        }
        mlp.forwardSplit(ops, n, prefixWidth, prefix, 3, rowsPerPrefix, rows, 1, plain);
        mlp.forwardSplit(ops, n, prefixWidth, prefix, 3, rowsPerPrefix, rows, 1, packed, packs);
        int outs = n * spec.outputWidth();
        assertArrayEquals(java.util.Arrays.copyOf(plain.output(), outs), java.util.Arrays.copyOf(packed.output(), outs),
                "actor output, bit for bit");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mlp.forwardSplit(ops, n,
                prefixWidth, prefix, 3, rowsPerPrefix, rows, 1, packed, new float[spec.layerCount()][]));
        assertTrue(e.getMessage().startsWith("packed: expected " + (spec.layerCount() + 1) + " entries"), e.getMessage());
    }

    @Test
    void forwardSplitRejectsBadArguments() {
        MlpSpec spec = MlpSpec.of(4, new int[] {3}, Activation.RELU, 2, Activation.IDENTITY);
        Mlp mlp = new Mlp(spec);
        MlpWorkspace ws = new MlpWorkspace(spec, 4);
        float[] prefix = new float[8];
        float[] rows = new float[16];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mlp.forwardSplit(OPS, 4, 4, prefix, 0, 2, rows, 0, ws));
        assertTrue(e.getMessage().contains("prefixWidth: expected 1..3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> mlp.forwardSplit(OPS, 4, 2, prefix, 0, 0, rows, 0, ws));
        assertTrue(e.getMessage().contains("rowsPerPrefix"), e.getMessage());
        // 4 rows of 2 per-row columns need 8 floats after offset 10.
        e = assertThrows(IllegalArgumentException.class,
                () -> mlp.forwardSplit(OPS, 4, 2, prefix, 0, 2, rows, 10, ws));
        assertTrue(e.getMessage().contains("rows: expected length >= 18"), e.getMessage());
        // 4 rows, 1 per prefix: 4 prefix rows of 2 = 8 floats, offset 1 makes 9.
        e = assertThrows(IllegalArgumentException.class,
                () -> mlp.forwardSplit(OPS, 4, 2, prefix, 1, 1, rows, 0, ws));
        assertTrue(e.getMessage().contains("prefix: expected length >= 9 (offset 1 + 8 floats) but was 8"), e.getMessage());
    }

    @Test
    void publicMethodsNameTheBadArgument() {
        MlpSpec spec = MlpSpec.of(3, new int[] {4}, Activation.TANH, 2, Activation.IDENTITY);
        MlpSpec other = MlpSpec.of(3, new int[] {5}, Activation.TANH, 2, Activation.IDENTITY);
        Mlp mlp = new Mlp(spec);
        MlpWorkspace ws = new MlpWorkspace(spec, 4);
        float[] x = new float[12];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mlp.forward(OPS, 5, x, 0, ws));
        assertEquals("n: expected 0..4 (workspace maxRows) but was 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mlp.forward(OPS, 4, x, 1, ws));
        assertEquals("x: expected length >= 13 (offset 1 + 12 floats) but was 12", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mlp.forward(OPS, 2, x, 0, new MlpWorkspace(other, 4)));
        assertTrue(e.getMessage().startsWith("ws: expected spec 3-4-2"), e.getMessage());
        mlp.forward(OPS, 4, x, 0, ws);
        float[] grads = new float[spec.parameterCount() - 1];
        e = assertThrows(IllegalArgumentException.class,
                () -> mlp.backward(OPS, 4, x, 0, ws, new float[8], 0, grads, false, null, 0));
        assertEquals("grads: expected length " + spec.parameterCount() + " but was " + (spec.parameterCount() - 1),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mlp.backward(OPS, 4, x, 0, ws, new float[7], 0,
                new float[spec.parameterCount()], false, null, 0));
        assertTrue(e.getMessage().startsWith("dOut: expected length >= 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mlp.backward(OPS, 4, x, 0, ws, new float[8], 0,
                new float[spec.parameterCount()], false, new float[12], 2));
        assertTrue(e.getMessage().startsWith("dx: expected length >= 14"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mlp.copyFrom(new Mlp(other)));
        assertTrue(e.getMessage().startsWith("other: expected spec 3-4-2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mlp.polyakUpdate(new Mlp(spec), 1.5f));
        assertEquals("tau: expected in [0, 1] but was 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mlp.polyakUpdate(new Mlp(spec), Float.NaN));
        assertTrue(e.getMessage().startsWith("tau"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MlpWorkspace(spec, 0));
        assertEquals("maxRows: expected >= 1 but was 0", e.getMessage());
    }

    @Test
    void zeroRowsIsANoOpForwardAndZeroGradient() {
        MlpSpec spec = MlpSpec.of(3, new int[] {4}, Activation.RELU, 2, Activation.IDENTITY);
        Mlp mlp = new Mlp(spec);
        mlp.initialize(3);
        MlpWorkspace ws = new MlpWorkspace(spec, 2);
        float[] grads = new float[spec.parameterCount()];
        java.util.Arrays.fill(grads, 7f);
        mlp.forward(OPS, 0, new float[0], 0, ws);
        mlp.backward(OPS, 0, new float[0], 0, ws, new float[0], 0, grads, false, null, 0);
        assertArrayEquals(new float[spec.parameterCount()], grads);
    }

    @Test
    void copyAndPolyak() {
        MlpSpec spec = MlpSpec.of(5, new int[] {13}, Activation.RELU, 1, Activation.IDENTITY);
        Mlp online = new Mlp(spec);
        Mlp target = new Mlp(spec);
        online.initialize(1);
        target.initialize(2);
        float[] before = target.params().clone();
        target.polyakUpdate(online, 0.25f);
        float[] expected = new float[before.length];
        for (int i = 0; i < before.length; i++) {
            expected[i] = (float) (0.25 * online.params()[i] + 0.75 * before[i]);
        }
        new Tolerance(1e-7, 1e-6).assertClose("polyak 0.25", expected, target.params());
        float[] mid = target.params().clone();
        target.polyakUpdate(online, 0f);
        assertArrayEquals(mid, target.params(), "tau = 0 keeps the target");
        target.polyakUpdate(online, 1f);
        assertArrayEquals(online.params(), target.params(), "tau = 1 copies the online network");

        Mlp copy = new Mlp(spec);
        copy.initialize(9);
        copy.copyFrom(online);
        assertArrayEquals(online.params(), copy.params());
        online.params()[0] += 1f;
        assertTrue(copy.params()[0] != online.params()[0], "copyFrom copies, it does not alias");
    }

    @Test
    void forwardAndBackwardAllocateNothing() {
        MlpSpec spec = MlpSpec.of(13, new int[] {5, 13}, Activation.RELU, 5, Activation.TANH);
        Mlp mlp = new Mlp(spec);
        mlp.initialize(5);
        MlpWorkspace ws = new MlpWorkspace(spec, 8);
        float[] x = ReferenceMlp.uniform(new Random(1), 8 * 13, 1f);
        float[] dOut = new float[8 * 5];
        float[] grads = new float[spec.parameterCount()];
        float[] dx = new float[8 * 13];
        float[] prefix = new float[3 * 4];
        float[] rows = new float[8 * 9];
        Runnable call = () -> {
            mlp.forward(OPS, 8, x, 0, ws);
            mlp.backward(OPS, 8, x, 0, ws, dOut, 0, grads, true, dx, 0);
            mlp.forwardSplit(OPS, 8, 4, prefix, 0, 3, rows, 0, ws);
        };
        assertTrue(Allocations.bytesAllocatedBy(call, 200) < 1024, "forward/backward must not allocate");
    }
}
