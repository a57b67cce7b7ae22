package io.enhancedrl.api;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.BackendFailureException;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static io.enhancedrl.api.ServingFixtures.SIM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Ranker's device-fault handling without the bindings: a "device" backend that computes on the scalar
 * kernels and, when armed, scribbles NaN over its outputs and throws, as a GPU op that died half way would.
 * (The bindings' GpuFaultServingTest does the same with the real CUDA backend on the stand-in driver.)
 */
class RankerDeviceFaultTest {

    /** Scalar arithmetic on a pretend device; fails the op named {@code failOp} once when armed. */
    static final class FlakyDevice implements KernelOps {
        final KernelOps cpu = ScalarKernelOps.INSTANCE;
        volatile String failOp;

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public boolean isDevice() {
            return true;
        }

        private void maybeFail(String op, float[] out, int off, int len) {
            if (op.equals(failOp)) {
                failOp = null;
                Arrays.fill(out, off, off + len, Float.NaN); // half-written output must not reach the caller
                throw new BackendFailureException("flaky", "test device", op, "len=" + len, "kernelCall",
                        "DEVICE_LOST", 999, null);
            }
        }

        @Override
        public void linearForward(int n, int in, int out, float[] x, int xOff, float[] w, int wOff, float[] bias,
                                  int biasOff, int rowsPerBias, Activation act, float[] y, int yOff) {
            maybeFail("linearForward", y, yOff, n * out);
            cpu.linearForward(n, in, out, x, xOff, w, wOff, bias, biasOff, rowsPerBias, act, y, yOff);
        }

        @Override
        public void linearBackward(int n, int in, int out, float[] x, int xOff, float[] w, int wOff, float[] y,
                                   int yOff, float[] dy, int dyOff, Activation act, float[] dx, int dxOff, float[] dw,
                                   int dwOff, float[] db, int dbOff, boolean accumulate) {
            cpu.linearBackward(n, in, out, x, xOff, w, wOff, y, yOff, dy, dyOff, act, dx, dxOff, dw, dwOff, db, dbOff,
                    accumulate);
        }

        @Override
        public void adamUpdate(int len, float[] params, int pOff, float[] grads, int gOff, float[] m, int mOff,
                               float[] v, int vOff, float lr, float beta1, float beta2, float eps, int step) {
            cpu.adamUpdate(len, params, pOff, grads, gOff, m, mOff, v, vOff, lr, beta1, beta2, eps, step);
        }

        @Override
        public void fusionScore(int n, int k, float[] p, int pOff, float[] power, int powOff, float[] bias,
                                int biasOff, float[] score, int scoreOff) {
            maybeFail("fusionScore", score, scoreOff, n);
            cpu.fusionScore(n, k, p, pOff, power, powOff, bias, biasOff, score, scoreOff);
        }

        @Override
        public void topK(int n, float[] scores, int scoreOff, long[] ids, int idsOff, int k, int[] outIdx, int outOff) {
            if ("topK".equals(failOp)) {
                failOp = null;
                Arrays.fill(outIdx, outOff, outOff + k, -1);
                throw new BackendFailureException("flaky", "test device", "topK", "n=" + n, "kernelCall", "DEVICE_LOST",
                        999, null);
            }
            cpu.topK(n, scores, scoreOff, ids, idsOff, k, outIdx, outOff);
        }
    }

    private final Ranker.Model model = Ranker.Model.of(ServingFixtures.actor(SIM, new int[]{32, 16}, 3), SIM,
            ServingFixtures.fusion(SIM.tasks()), "device fault test");

    @ParameterizedTest
    @ValueSource(strings = {"linearForward", "fusionScore", "topK"})
    void aFailedOpThatLeftGarbageIsAnsweredExactlyOnTheCpu(String op) {
        FlakyDevice device = new FlakyDevice();
        Ranker ranker = Ranker.create(model, new RankerOptions(512, RankerOptions.ALL, device,
                ScalarKernelOps.INSTANCE));
        Ranker cpu = Ranker.create(model, new RankerOptions(512, RankerOptions.ALL, ScalarKernelOps.INSTANCE));
        RankRequest q = ServingFixtures.request(SIM, 300, 9);
        RankResult warm = ranker.rank(q);
        assertEquals("flaky", warm.backend());

        device.failOp = op;
        RankResult r = ranker.rank(q);

        RankResult expected = cpu.rank(q);
        assertTrue(expected.contentEquals(r), op + ": " + r + " expected " + expected);
        assertEquals("scalar", r.backend());
        RankerHealth h = ranker.health();
        assertFalse(h.deviceHealthy());
        assertEquals(1, h.deviceFaults());
        assertEquals(1, h.cpuFallbackRequests());
        assertTrue(h.lastFault().startsWith("flaky backend (test device) failed in " + op + "("), h.lastFault());
        assertTrue(h.lastFault().contains("kernelCall returned DEVICE_LOST (999)"), h.lastFault());
        assertTrue(ranker.resetDeviceHealth());
        assertEquals("flaky", ranker.rank(q).backend());
    }

    @Test
    void theNormalPathOnADeviceBackendAllocatesNothing() {
        Ranker ranker = Ranker.create(model, new RankerOptions(512, 5, new FlakyDevice(), ScalarKernelOps.INSTANCE));
        RankRequest q = ServingFixtures.flat(ServingFixtures.request(SIM, 64, 4));
        RankResult reuse = new RankResult();
        long bytes = ServingFixtures.bytesAllocatedBy(() -> ranker.rank(q, reuse), 2_000);
        assertTrue(bytes < 4_096, "rank on a healthy device backend allocated " + bytes + " bytes in 2000 calls");
        assertEquals(0, ranker.health().deviceFaults());
    }

    @Test
    void badInputIsStillTheCallersErrorAndNotADeviceFault() {
        Ranker ranker = Ranker.create(model, new RankerOptions(512, 5, new FlakyDevice(), ScalarKernelOps.INSTANCE));
        RankRequest q = ServingFixtures.request(SIM, 4, 4);
        q.mtl[2][1] = 1f;
        assertThrows(IllegalArgumentException.class, () -> ranker.rank(q));
        assertEquals(new RankerHealth("flaky", "scalar", true, 0, 0, null), ranker.health());
    }

    @Test
    void aDeviceBackendCannotBeTheFallback() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RankerOptions.defaults().withFallbackOps(new FlakyDevice()));
        assertEquals("fallbackOps: expected a CPU backend (isDevice() false) but was the device backend 'flaky'",
                e.getMessage());
    }
}
