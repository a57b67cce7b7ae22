package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ensemble must compute exactly what M separate {@link Mlp}s compute. */
class MlpEnsembleTest {

    private static final KernelOps OPS = ScalarKernelOps.INSTANCE;

    static Stream<Arguments> cases() {
        List<MlpSpec> specs = List.of(
                MlpSpec.of(13, new int[] {5, 13}, Activation.RELU, 1, Activation.IDENTITY),
                MlpSpec.of(5, new int[] {13}, Activation.TANH, 5, Activation.TANH),
                MlpSpec.of(1, new int[] {1}, Activation.IDENTITY, 13, Activation.RELU),
                MlpSpec.of(5, new int[] {}, Activation.RELU, 13, Activation.TANH));
        List<Arguments> list = new ArrayList<>();
        for (MlpSpec spec : specs) {
            for (int members : new int[] {1, 3}) {
                for (int n : new int[] {1, 7}) {
                    list.add(Arguments.of(spec, members, n));
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} M={1} n={2}")
    @MethodSource("cases")
    void forwardAndBackwardEqualSeparateMlps(MlpSpec spec, int members, int n) {
        Random r = new Random(members * 1000L + n * 10L + spec.parameterCount());
        MlpEnsemble ens = new MlpEnsemble(spec, members);
        int pc = spec.parameterCount();
        for (int m = 0; m < members; m++) {
            ReferenceMlp.randomize(spec, ens.params(), m * pc, r.nextLong());
        }
        int in = spec.inputWidth();
        int out = spec.outputWidth();
        int xOff = 3;
        float[] x = ReferenceMlp.uniform(r, xOff + n * in, 1.5f);
        float[] dOut = ReferenceMlp.uniform(r, members * n * out, 1f);
        EnsembleWorkspace ews = new EnsembleWorkspace(spec, members, n + 1);
        ens.forward(OPS, n, x, xOff, ews);
        float[] grads = new float[members * pc];
        java.util.Arrays.fill(grads, 0.5f); // must be overwritten
        int dxOff = 1;
        float[] dx = new float[dxOff + n * in];
        ens.backward(OPS, n, x, xOff, ews, dOut.clone(), grads, false, dx, dxOff);

        float[] dxSum = new float[n * in];
        MlpWorkspace ws = new MlpWorkspace(spec, n);
        Tolerance tol = Tolerance.FP32.forReduction(n * spec.maxWidth() + in);
        for (int m = 0; m < members; m++) {
            Mlp single = new Mlp(spec);
            ens.copyMemberTo(m, single);
            assertArrayEquals(java.util.Arrays.copyOfRange(ens.params(), m * pc, (m + 1) * pc), single.params());
            single.forward(OPS, n, x, xOff, ws);
            tol.assertClose("member " + m + " output", ws.output(), 0, ews.output(), m * n * out, n * out);
            for (int l = 0; l < spec.layerCount(); l++) {
                int w = n * spec.layerOutput(l);
                tol.assertClose("member " + m + " layer " + l, ws.layerOutput(l), 0, ews.layerOutput(l), m * w, w);
            }
            float[] g = new float[pc];
            float[] d = new float[n * in];
            single.backward(OPS, n, x, xOff, ws, java.util.Arrays.copyOfRange(dOut, m * n * out, (m + 1) * n * out), 0,
                    g, false, d, 0);
            tol.assertClose("member " + m + " grads", g, 0, grads, m * pc, pc);
            for (int i = 0; i < d.length; i++) {
                dxSum[i] += d[i];
            }
        }
        tol.forReduction(members).assertClose("dx summed over members", dxSum, 0, dx, dxOff, n * in);

        // accumulate=true adds (the first layer goes through the packed scatter, the rest through the kernel).
        float[] acc = grads.clone();
        ens.forward(OPS, n, x, xOff, ews);
        ens.backward(OPS, n, x, xOff, ews, dOut.clone(), acc, true, null, 0);
        float[] twice = new float[grads.length];
        for (int i = 0; i < grads.length; i++) {
            twice[i] = 2 * grads[i];
        }
        Tolerance.FP32.assertClose("accumulated grads", twice, acc);
    }

    @Test
    void forwardSeesParameterChangesMadeThroughTheSlab() {
        // The packed first layer is re-gathered on every forward, so a write into params() is never missed.
        MlpSpec spec = MlpSpec.of(3, new int[] {4}, Activation.RELU, 1, Activation.IDENTITY);
        MlpEnsemble ens = new MlpEnsemble(spec, 2);
        ens.initialize(1);
        EnsembleWorkspace ws = new EnsembleWorkspace(spec, 2, 2);
        float[] x = {0.3f, -0.2f, 0.9f, 1f, 0.5f, -0.4f};
        ens.forward(OPS, 2, x, 0, ws);
        float[] before = ws.output().clone();
        ens.params()[ens.memberOffset(1) + spec.biasOffset(0)] += 5f; // member 1, first-layer bias
        ens.forward(OPS, 2, x, 0, ws);
        assertEquals(before[0], ws.output()[0], "member 0 unchanged");
        assertEquals(before[1], ws.output()[1], "member 0 unchanged");
        assertTrue(before[2] != ws.output()[2], "member 1 sees its new first-layer bias");
    }

    @Test
    void initializeMatchesSingleMlpsWithDerivedSeeds() {
        MlpSpec spec = MlpSpec.of(6, new int[] {8}, Activation.RELU, 2, Activation.TANH);
        MlpEnsemble ens = new MlpEnsemble(spec, 4);
        ens.initialize(77);
        for (int m = 0; m < 4; m++) {
            Mlp single = new Mlp(spec);
            single.initialize(MlpEnsemble.memberSeed(77, m));
            Mlp member = new Mlp(spec);
            ens.copyMemberTo(m, member);
            assertArrayEquals(single.params(), member.params(), "member " + m);
        }
        Mlp m0 = new Mlp(spec);
        Mlp m1 = new Mlp(spec);
        ens.copyMemberTo(0, m0);
        ens.copyMemberTo(1, m1);
        assertFalse(java.util.Arrays.equals(m0.params(), m1.params()), "members get different weights");
        MlpEnsemble again = new MlpEnsemble(spec, 4);
        again.initialize(77);
        assertArrayEquals(ens.params(), again.params(), "deterministic");
    }

    @Test
    void copyPolyakAndMemberViews() {
        MlpSpec spec = MlpSpec.of(5, new int[] {13}, Activation.RELU, 1, Activation.IDENTITY);
        MlpEnsemble online = new MlpEnsemble(spec, 3);
        MlpEnsemble target = new MlpEnsemble(spec, 3);
        online.initialize(1);
        target.initialize(2);
        float[] before = target.params().clone();
        target.polyakUpdate(online, 0.1f);
        float[] expected = new float[before.length];
        for (int i = 0; i < before.length; i++) {
            expected[i] = (float) (0.1 * online.params()[i] + 0.9 * before[i]);
        }
        new Tolerance(1e-7, 1e-6).assertClose("polyak", expected, target.params());
        target.copyFrom(online);
        assertArrayEquals(online.params(), target.params());

        Mlp replacement = new Mlp(spec);
        replacement.initialize(99);
        target.copyMemberFrom(2, replacement);
        assertArrayEquals(replacement.params(), java.util.Arrays.copyOfRange(target.params(),
                target.memberOffset(2), target.memberOffset(2) + spec.parameterCount()));
        assertArrayEquals(java.util.Arrays.copyOfRange(online.params(), 0, target.memberOffset(2)),
                java.util.Arrays.copyOfRange(target.params(), 0, target.memberOffset(2)), "other members untouched");
    }

    @Test
    void publicMethodsNameTheBadArgument() {
        MlpSpec spec = MlpSpec.of(3, new int[] {4}, Activation.RELU, 1, Activation.IDENTITY);
        MlpSpec other = MlpSpec.of(3, new int[] {4}, Activation.TANH, 1, Activation.IDENTITY);
        MlpEnsemble ens = new MlpEnsemble(spec, 2);
        EnsembleWorkspace ws = new EnsembleWorkspace(spec, 2, 4);
        float[] x = new float[12];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ens.forward(OPS, 5, x, 0, ws));
        assertEquals("n: expected 0..4 (workspace maxRows) but was 5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ens.forward(OPS, 4, x, 0, new EnsembleWorkspace(spec, 3, 4)));
        assertEquals("ws: expected a workspace for 2 members but was for 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ens.forward(OPS, 4, x, 0, new EnsembleWorkspace(other, 2, 4)));
        assertTrue(e.getMessage().startsWith("ws: expected spec 3-4-1 (relu"), e.getMessage());
        ens.forward(OPS, 4, x, 0, ws);
        e = assertThrows(IllegalArgumentException.class,
                () -> ens.backward(OPS, 4, x, 0, ws, new float[7], new float[2 * spec.parameterCount()], false, null, 0));
        assertEquals("dOut: expected length >= 8 (offset 0 + 8 floats) but was 7", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ens.backward(OPS, 4, x, 0, ws, new float[8], new float[spec.parameterCount()], false, null, 0));
        assertEquals("grads: expected length " + 2 * spec.parameterCount() + " but was " + spec.parameterCount(),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ens.copyFrom(new MlpEnsemble(spec, 3)));
        assertEquals("o: expected 2 members but was 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ens.polyakUpdate(new MlpEnsemble(other, 2), 0.5f));
        assertTrue(e.getMessage().startsWith("online: expected spec"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ens.copyMemberTo(0, new Mlp(other)));
        assertTrue(e.getMessage().startsWith("dst: expected spec"), e.getMessage());
        IndexOutOfBoundsException ioe = assertThrows(IndexOutOfBoundsException.class, () -> ens.memberOffset(2));
        assertEquals("member: expected 0..1 but was 2", ioe.getMessage());
    }

    @Test
    void forwardAndBackwardAllocateNothing() {
        MlpSpec spec = MlpSpec.of(13, new int[] {5, 13}, Activation.RELU, 1, Activation.IDENTITY);
        MlpEnsemble ens = new MlpEnsemble(spec, 3);
        ens.initialize(5);
        EnsembleWorkspace ws = new EnsembleWorkspace(spec, 3, 8);
        float[] x = ReferenceMlp.uniform(new Random(1), 8 * 13, 1f);
        float[] dOut = new float[3 * 8];
        float[] grads = new float[ens.params().length];
        float[] dx = new float[8 * 13];
        Runnable call = () -> {
            ens.forward(OPS, 8, x, 0, ws);
            ens.backward(OPS, 8, x, 0, ws, dOut, grads, true, dx, 0);
        };
        assertTrue(Allocations.bytesAllocatedBy(call, 200) < 1024, "forward/backward must not allocate");
    }
}
