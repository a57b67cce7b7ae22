package io.enhancedrl.bindings.cuda;

import io.enhancedrl.testing.Tolerance;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.BackendFailureException;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CudaKernelOps on the stand-in driver: launch configurations, argument order, staging, reuse, errors. */
class CudaKernelOpsStandInTest {

    private SimulatedCudaDriver driver;
    private CudaKernelOps ops;
    private final KernelOps ref = ScalarKernelOps.INSTANCE;
    private final SplittableRandom rnd = new SplittableRandom(42);

    @BeforeEach
    void open() {
        driver = new SimulatedCudaDriver();
        KernelEmulators.install(driver);
        ops = new CudaKernelOps(CudaContext.open(driver, 0), new byte[]{1, 2, 3}, true);
    }

    @AfterEach
    void close() {
        ops.close();
    }

    private float[] random(int len, float lo, float hi) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return a;
    }

    @Test
    void linearForwardMatchesScalarWithOffsetsBiasRowsAndTheHeadersLaunch() {
        for (int[] s : new int[][]{{1, 7, 1}, {3, 33, 7}, {257, 5, 33}, {64, 1, 255}}) {
            int n = s[0], in = s[1], out = s[2], rpb = Math.max(1, n / 2);
            int biasRows = (n + rpb - 1) / rpb;
            float[] x = random(3 + n * in, -1, 1), w = random(2 + in * out, -1, 1), b = random(1 + biasRows * out, -1, 1);
            float[] y = new float[5 + n * out], yRef = new float[5 + n * out];
            ops.linearForward(n, in, out, x, 3, w, 2, b, 1, rpb, Activation.TANH, y, 5);
            ref.linearForward(n, in, out, x, 3, w, 2, b, 1, rpb, Activation.TANH, yRef, 5);
            Tolerance.FP32.forReduction(in).assertClose("y " + n + "x" + in + "x" + out, yRef, y);
            SimulatedCudaDriver.Launch l = driver.launches.getLast();
            assertEquals("erl_linear_forward_f32", l.kernel());
            assertEquals(new LaunchConfig((out + 63) / 64, (n + 63) / 64, 1, 256, 1, 1, 0), l.config());
            assertEquals(ErlKernels.LINEAR_FORWARD.parameters(), l.args().stream().map(KernelArgs.Arg::kind).toList());
            assertEquals(List.of(1, n, in, out), l.args().subList(0, 4).stream().map(KernelArgs.Arg::asInt).toList());
            assertEquals(rpb, l.args().get(10).asInt());
            assertEquals(Activation.TANH.code, l.args().get(11).asInt());
        }
    }

    @Test
    void linearForwardWithoutBiasPassesNull() {
        float[] x = random(6, -1, 1), w = random(6, -1, 1), y = new float[4], yRef = new float[4];
        ops.linearForward(2, 3, 2, x, 0, w, 0, null, 0, 2, Activation.RELU, y, 0);
        ref.linearForward(2, 3, 2, x, 0, w, 0, null, 0, 2, Activation.RELU, yRef, 0);
        assertTrue(driver.launches.getLast().args().get(8).isNull(), "bias argument must be NULL");
        Tolerance.FP32.assertClose("y", yRef, y);
    }

    @Test
    void linearBackwardMatchesScalarBothModes() {
        for (boolean acc : new boolean[]{false, true}) {
            for (int[] s : new int[][]{{1, 1, 1}, {3, 7, 33}, {257, 33, 7}}) {
                int n = s[0], in = s[1], out = s[2];
                float[] x = random(n * in, -1, 1), w = random(in * out, -1, 1), yOut = new float[n * out];
                ref.linearForward(n, in, out, x, 0, w, 0, null, 0, 1, Activation.RELU, yOut, 0);
                float[] dy = random(n * out, -1, 1), dyRef = dy.clone();
                float[] dw = random(in * out, -1, 1), dwRef = dw.clone();
                float[] db = random(out, -1, 1), dbRef = db.clone();
                float[] dx = new float[n * in], dxRef = new float[n * in];
                ops.linearBackward(n, in, out, x, 0, w, 0, yOut, 0, dy, 0, Activation.RELU, dx, 0, dw, 0, db, 0, acc);
                ref.linearBackward(n, in, out, x, 0, w, 0, yOut, 0, dyRef, 0, Activation.RELU, dxRef, 0, dwRef, 0, dbRef, 0, acc);
                String what = n + "x" + in + "x" + out + " acc=" + acc;
                Tolerance.FP32.assertClose("dz " + what, dyRef, dy);
                Tolerance.FP32.forReduction(n).assertClose("dw " + what, dwRef, dw);
                Tolerance.FP32.forReduction(n).assertClose("db " + what, dbRef, db);
                Tolerance.FP32.forReduction(out).assertClose("dx " + what, dxRef, dx);
            }
        }
        // The dW launch follows the header: grid (ceil(out/64), ceil(in/64), members*splits), no workspace.
        SimulatedCudaDriver.Launch dwLaunch = driver.launches.stream()
                .filter(l -> l.kernel().equals("erl_linear_backward_dw_f32")).toList().getLast();
        assertEquals(new LaunchConfig(1, 1, 1, 256, 1, 1, 0), dwLaunch.config());
        assertTrue(dwLaunch.args().get(12).isNull());
        SimulatedCudaDriver.Launch dbLaunch = driver.launches.stream()
                .filter(l -> l.kernel().equals("erl_bias_backward_f32")).toList().getLast();
        assertEquals(new LaunchConfig(1, 1, 1, 32, 8, 1, 0), dbLaunch.config());
    }

    @Test
    void adamFusionAndTopKMatchScalar() {
        int len = 1000;
        float[] p = random(len, -1, 1), g = random(len, -1, 1), m = random(len, -0.1f, 0.1f), v = random(len, 0, 0.1f);
        float[] pr = p.clone(), mr = m.clone(), vr = v.clone();
        ops.adamUpdate(len, p, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 3);
        ref.adamUpdate(len, pr, 0, g, 0, mr, 0, vr, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 3);
        Tolerance.FP32.assertClose("params", pr, p);
        Tolerance.FP32.assertClose("m", mr, m);
        Tolerance.FP32.assertClose("v", vr, v);
        assertEquals(LaunchConfig.linear(4, 256), driver.launches.getLast().config());
        assertEquals(3, driver.launches.getLast().args().get(9).asInt());

        int n = 257, k = 3;
        float[] pp = random(n * k, 0.01f, 0.99f), pow = random(n * k, 0, 2), bias = random(n * k, 0.01f, 1);
        float[] s = new float[n], sRef = new float[n];
        ops.fusionScore(n, k, pp, 0, pow, 0, bias, 0, s, 0);
        ref.fusionScore(n, k, pp, 0, pow, 0, bias, 0, sRef, 0);
        Tolerance.FP32.forReduction(k).assertClose("score", sRef, s);
        assertEquals(LaunchConfig.linear(2, 256), driver.launches.getLast().config());

        float[] scores = random(n, 0, 1);
        scores[10] = scores[20] = scores[30] = 2f; // ties broken by id, then index
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1000 - i;
        }
        int[] out = new int[7], outRef = new int[7];
        ops.topK(n, scores, 0, ids, 0, 7, out, 0);
        ref.topK(n, scores, 0, ids, 0, 7, outRef, 0);
        assertArrayEquals(outRef, out);
        assertEquals(LaunchConfig.linear(1, 256), driver.launches.getLast().config());
    }

    @Test
    void steadyStateCallsAllocateNoDeviceOrPinnedMemory() {
        float[] x = random(64 * 33, -1, 1), w = random(33 * 7, -1, 1), b = random(7, -1, 1), y = new float[64 * 7];
        ops.linearForward(64, 33, 7, x, 0, w, 0, b, 0, 64, Activation.RELU, y, 0);
        long allocs = driver.count("memAlloc"), host = driver.count("memHostAlloc");
        for (int r = 0; r < 5; r++) {
            ops.linearForward(64, 33, 7, x, 0, w, 0, b, 0, 64, Activation.RELU, y, 0);
            ops.linearForward(3, 33, 7, x, 0, w, 0, b, 0, 3, Activation.RELU, y, 0); // smaller fits too
        }
        assertEquals(allocs, driver.count("memAlloc"));
        assertEquals(host, driver.count("memHostAlloc"));
        // A larger shape grows the buffers (old ones freed), after which it is steady again.
        float[] big = random(257 * 33, -1, 1), ybig = new float[257 * 7];
        ops.linearForward(257, 33, 7, big, 0, w, 0, b, 0, 257, Activation.RELU, ybig, 0);
        assertTrue(driver.count("memAlloc") > allocs);
        assertTrue(driver.count("memFree") > 0);
    }

    @Test
    void contextIsMadeCurrentOncePerThreadAndEachThreadHasItsOwnStream() throws Exception {
        float[] x = random(6, -1, 1), w = random(6, -1, 1);
        long before = driver.count("ctxSetCurrent");
        ops.linearForward(2, 3, 2, x, 0, w, 0, null, 0, 2, Activation.RELU, new float[4], 0);
        ops.linearForward(2, 3, 2, x, 0, w, 0, null, 0, 2, Activation.RELU, new float[4], 0);
        assertEquals(before, driver.count("ctxSetCurrent"), "the constructing thread is already bound");
        Thread t = new Thread(() -> {
            ops.linearForward(2, 3, 2, x, 0, w, 0, null, 0, 2, Activation.RELU, new float[4], 0);
            ops.linearForward(2, 3, 2, x, 0, w, 0, null, 0, 2, Activation.RELU, new float[4], 0);
        });
        t.start();
        t.join();
        assertEquals(before + 1, driver.count("ctxSetCurrent"));
        assertEquals(2, driver.liveStreams);
        ops.close();
        assertEquals(0, driver.liveStreams);
        assertEquals(0, driver.liveAllocations());
        assertEquals(0, driver.liveHost);
        ops.close(); // idempotent
        assertEquals(1, driver.count("primaryCtxRelease"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ops.adamUpdate(1, new float[1], 0, new float[1], 0, new float[1], 0, new float[1], 0, 1, 0.9f, 0.9f, 1, 1));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void launchAndAsyncFaultsBecomeBackendFailuresWithTheOpShapesAndTheCudaCall() {
        float[] x = random(6, -1, 1), w = random(6, -1, 1);
        driver.failNext("launchKernel", 701);
        BackendFailureException f = assertThrows(BackendFailureException.class,
                () -> ops.linearForward(2, 3, 2, x, 0, w, 0, null, 0, 2, Activation.RELU, new float[4], 0));
        assertEquals("linearForward", f.op());
        assertEquals("n=2, in=3, out=2, rowsPerBias=no bias, act=RELU", f.shapes());
        assertEquals("cuda", f.backend());
        assertEquals("Simulated GPU 0, ordinal 0", f.device());
        assertEquals("cuLaunchKernel", f.call());
        assertEquals("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", f.statusName());
        assertEquals(701, f.status());
        CudaException e = assertInstanceOf(CudaException.class, f.getCause());
        assertEquals("cuLaunchKernel", e.call());
        assertEquals("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", e.statusName());
        assertTrue(e.getMessage().contains("erl_linear_forward_f32 grid (1, 1, 1) block (256, 1, 1)"), e.getMessage());
        assertTrue(e.getMessage().contains("(1, 2, 3, 2, dev#"), e.getMessage());
        // One line says it all: backend, device, op, shapes, call, status and the launch's arguments.
        assertTrue(f.getMessage().startsWith("cuda backend (Simulated GPU 0, ordinal 0) failed in linearForward(n=2,"
                + " in=3, out=2, rowsPerBias=no bias, act=RELU): cuLaunchKernel returned"
                + " CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES (701) [erl_linear_forward_f32 grid (1, 1, 1)"), f.getMessage());

        driver.failNext("streamSynchronize", 700);
        f = assertThrows(BackendFailureException.class, () -> ops.fusionScore(1, 1, new float[]{0.5f}, 0,
                new float[]{1}, 0, new float[]{0.1f}, 0, new float[1], 0));
        assertEquals("cuStreamSynchronize", f.call());
        assertTrue(f.getMessage().contains("fusionScore(n=1, k=1): cuStreamSynchronize returned"
                + " CUDA_ERROR_ILLEGAL_ADDRESS (700)"), f.getMessage());

        driver.failNext("memAlloc", 2);
        float[] big = new float[100_000];
        f = assertThrows(BackendFailureException.class, () -> ops.adamUpdate(big.length, big, 0, big.clone(), 0,
                big.clone(), 0, big.clone(), 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 1));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", f.statusName());
        assertTrue(f.getMessage().contains("adamUpdate(len=100000, step=1): cuMemAlloc returned"
                + " CUDA_ERROR_OUT_OF_MEMORY (2)") && f.getMessage().contains("bytes=400128")
                && f.getMessage().contains("params of"), f.getMessage());
    }

    @Test
    void aFailedPinnedAllocationLeavesTheStagingAreaUsable() {
        float[] x = random(64 * 33, -1, 1), w = random(33 * 7, -1, 1), y = new float[64 * 7], yRef = new float[64 * 7];
        driver.failNext("memHostAlloc", 2);
        assertThrows(BackendFailureException.class,
                () -> ops.linearForward(64, 33, 7, x, 0, w, 0, null, 0, 64, Activation.RELU, y, 0));
        // The device buffer allocated before the failed pinned one was freed, not left without its host twin.
        ops.linearForward(64, 33, 7, x, 0, w, 0, null, 0, 64, Activation.RELU, y, 0);
        ref.linearForward(64, 33, 7, x, 0, w, 0, null, 0, 64, Activation.RELU, yRef, 0);
        Tolerance.FP32.forReduction(33).assertClose("y after the fault", yRef, y);
        ops.close();
        assertEquals(0, driver.liveAllocations());
        assertEquals(0, driver.liveHost);
    }

    @Test
    void argumentsThatDoNotMatchTheSignatureAreRejectedBeforeTheDriver() {
        KernelArgs args = new KernelArgs().i32(1).i32(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ErlKernels.TOPK.checkArgs(args));
        assertTrue(e.getMessage().contains("erl_topk_f32: expected parameters [I32, PTR, PTR, PTR, I32, PTR]"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // resident weights (packWeights / linearForwardPacked)

    @Test
    void residentWeightsGiveTheSameResultWithoutUploadingW() {
        int n = 9, in = 13, out = 21;
        float[] x = random(n * in, -1, 1), w = random(2 + in * out, -1, 1), b = random(out, -1, 1);
        float[] plain = new float[n * out];
        float[] packed = new float[n * out];
        ops.linearForward(n, in, out, x, 0, w, 2, b, 0, n, Activation.RELU, plain, 0);
        long allocsBefore = driver.liveAllocations();
        float[] handle = ops.packWeights(in, out, w, 2);
        assertEquals(allocsBefore + 1, driver.liveAllocations(), "one device buffer for the weights");
        assertEquals(1, ops.residentWeights());
        long bytes = driver.bytesHtoD;
        long copies = driver.count("memcpyHtoDAsync");
        java.util.Arrays.fill(w, Float.NaN); // resident: the host copy is no longer read
        ops.linearForwardPacked(n, in, out, x, 0, w, 2, handle, b, 0, n, Activation.RELU, packed, 0);
        assertArrayEquals(plain, packed, "same emulated kernel, same bits");
        assertEquals(2, driver.count("memcpyHtoDAsync") - copies, "x and the bias only");
        assertEquals(4L * (n * in + out), driver.bytesHtoD - bytes);
        ops.close();
        assertEquals(0, ops.residentWeights());
        assertEquals(0, driver.liveAllocations(), "close frees the resident weights too");
    }

    @Test
    void aBadHandleIsRejectedNamingTheArgument() {
        float[] w = random(4 * 5, -1, 1);
        float[] handle = ops.packWeights(4, 5, w, 0);
        float[] x = random(2 * 4, -1, 1);
        float[] y = new float[2 * 5];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ops.linearForwardPacked(
                2, 4, 5, x, 0, w, 0, new float[7], null, 0, 1, Activation.IDENTITY, y, 0));
        assertTrue(e.getMessage().startsWith("packed: expected a 4-float handle from this backend's packWeights but"
                + " was 7 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ops.linearForwardPacked(
                2, 5, 4, x, 0, w, 0, handle, null, 0, 1, Activation.IDENTITY, y, 0));
        assertTrue(e.getMessage().contains("holds 4x5 weights but the call is in=5, out=4"), e.getMessage());
        float[] forged = {Float.intBitsToFloat(12345), 0, 4, 5};
        e = assertThrows(IllegalArgumentException.class, () -> ops.linearForwardPacked(
                2, 4, 5, x, 0, w, 0, forged, null, 0, 1, Activation.IDENTITY, y, 0));
        assertTrue(e.getMessage().contains("handle 12345 is not live on this cuda backend"), e.getMessage());
        assertEquals(null, ops.packWeights(0, 5, w, 0), "nothing to keep for an empty matrix");
    }

    @Test
    void residentWeightsAreFreedWhenTheHandleIsUnreachable() throws InterruptedException {
        ops.packWeights(6, 7, random(42, -1, 1), 0); // handle dropped at once (the first call also stages)
        long withHandle = driver.liveAllocations();
        assertEquals(1, ops.residentWeights());
        for (int i = 0; i < 200 && ops.residentWeights() > 0; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, ops.residentWeights(), "the Cleaner released the weights of an unreachable handle");
        assertEquals(withHandle - 1, driver.liveAllocations(), "and freed their device memory");
    }

    /**
     * The split forward of a served policy, once its weights are resident, runs in one call: three uploads (prefix
     * rows, per-row features, every bias), the layers chained on the device, one download and one synchronisation,
     * where the layer-by-layer path makes a round trip per layer (and uploads the weights when not resident).
     */
    @Test
    void theServedSplitForwardIsOneRoundTripWithResidentWeights() {
        io.enhancedrl.model.MlpSpec spec = io.enhancedrl.model.MlpSpec.of(12, new int[] {16, 8}, Activation.RELU, 6,
                Activation.TANH);
        io.enhancedrl.model.Mlp mlp = new io.enhancedrl.model.Mlp(spec);
        mlp.initialize(3);
        int n = 7, prefixWidth = 5, rowWidth = 12 - prefixWidth;
        float[] prefix = random(2 * prefixWidth, -1, 1), rows = random(n * rowWidth, -1, 1);
        io.enhancedrl.model.MlpWorkspace plain = new io.enhancedrl.model.MlpWorkspace(spec, n);
        io.enhancedrl.model.MlpWorkspace resident = new io.enhancedrl.model.MlpWorkspace(spec, n);
        io.enhancedrl.model.MlpWorkspace cpu = new io.enhancedrl.model.MlpWorkspace(spec, n);
        float[][] handles = mlp.packForSplit(ops, prefixWidth);
        // once each first: staging buffers that grow synchronise before freeing the old ones, which is not per call
        mlp.forwardSplit(ops, n, prefixWidth, prefix, 0, 4, rows, 0, plain);
        mlp.forwardSplit(ops, n, prefixWidth, prefix, 0, 4, rows, 0, resident, handles);
        String[] calls = {"memcpyHtoDAsync", "memcpyDtoHAsync", "streamSynchronize", "launchKernel"};
        long[] before = new long[calls.length];
        for (int i = 0; i < calls.length; i++) {
            before[i] = driver.count(calls[i]);
        }
        long b0 = driver.bytesHtoD;
        mlp.forwardSplit(ops, n, prefixWidth, prefix, 0, 4, rows, 0, plain); // two prefix rows: 4 + 3 rows
        long plainBytes = driver.bytesHtoD - b0;
        long[] plainCalls = new long[calls.length];
        for (int i = 0; i < calls.length; i++) {
            plainCalls[i] = driver.count(calls[i]) - before[i];
            before[i] = driver.count(calls[i]);
        }
        long b1 = driver.bytesHtoD;
        mlp.forwardSplit(ops, n, prefixWidth, prefix, 0, 4, rows, 0, resident, handles);
        long residentBytes = driver.bytesHtoD - b1;
        long[] residentCalls = new long[calls.length];
        for (int i = 0; i < calls.length; i++) {
            residentCalls[i] = driver.count(calls[i]) - before[i];
        }
        assertArrayEquals(new long[]{12, 4, 4, 4}, plainCalls, "layer by layer: copies in/out, syncs, launches");
        assertArrayEquals(new long[]{3, 1, 1, 4}, residentCalls, "resident: 3 copies in, 1 out, 1 sync, 4 launches");
        assertEquals(4L * (2 * prefixWidth + n * rowWidth + 16 + 8 + 6), residentBytes,
                "the inputs and the biases, nothing else");
        assertTrue(plainBytes > residentBytes + 4L * (12 * 16 + 16 * 8 + 8 * 6), "plain: weights and activations too");
        mlp.forwardSplit(io.enhancedrl.kernels.cpu.ScalarKernelOps.INSTANCE, n, prefixWidth, prefix, 0, 4, rows, 0, cpu);
        float[] expected = java.util.Arrays.copyOf(cpu.output(), n * 6);
        float[] layered = java.util.Arrays.copyOf(plain.output(), n * 6);
        io.enhancedrl.testing.Tolerance.FP32.forReduction(12).assertClose("layer by layer vs CPU", expected, layered);
        assertArrayEquals(layered, java.util.Arrays.copyOf(resident.output(), n * 6), "same kernels, same bits");
    }

    @Test
    void theResidentSplitForwardRefusesAHandleOfAnotherShapeBeforeQueueingWork() {
        io.enhancedrl.model.MlpSpec spec = io.enhancedrl.model.MlpSpec.of(12, new int[] {16}, Activation.RELU, 6,
                Activation.TANH);
        io.enhancedrl.model.Mlp mlp = new io.enhancedrl.model.Mlp(spec);
        mlp.initialize(4);
        float[][] handles = mlp.packForSplit(ops, 5);
        float[][] swapped = {handles[0], handles[2], handles[1]}; // layer 0's per-row weights where layer 1's belong
        long launches = driver.count("launchKernel");
        io.enhancedrl.model.MlpWorkspace ws = new io.enhancedrl.model.MlpWorkspace(spec, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mlp.forwardSplit(ops, 3, 5,
                random(5, -1, 1), 0, 3, random(3 * 7, -1, 1), 0, ws, swapped));
        assertTrue(e.getMessage().contains("holds 16x6 weights but the call is in=7, out=16"), e.getMessage());
        assertEquals(launches, driver.count("launchKernel"), "nothing was launched");
    }

    /** The device-buffer form of linearForward gives what the staged form gives, and checks its buffers. */
    @Test
    void linearForwardOnDeviceBuffersMatchesTheStagedCall() {
        int n = 6, in = 5, out = 9;
        float[] x = random(n * in, -1, 1), w = random(in * out, -1, 1), b = random(out, -1, 1);
        float[] staged = new float[n * out];
        float[] direct = new float[n * out];
        ops.linearForward(n, in, out, x, 0, w, 0, b, 0, n, Activation.TANH, staged, 0);
        CudaContext c = ops.context();
        try (CudaStream stream = new CudaStream(c, "device test");
             PinnedBuffer host = new PinnedBuffer(c, 4L * n * out, "host");
             DeviceBuffer dx = new DeviceBuffer(c, 4L * n * in, "x");
             DeviceBuffer dw = new DeviceBuffer(c, 4L * in * out, "w");
             DeviceBuffer db = new DeviceBuffer(c, 4L * out, "bias");
             DeviceBuffer dy = new DeviceBuffer(c, 4L * n * out, "y")) {
            for (Object[] up : new Object[][]{{dx, x}, {dw, w}, {db, b}}) {
                float[] data = (float[]) up[1];
                host.putFloats(data, 0, data.length);
                ((DeviceBuffer) up[0]).copyFrom(host, 4L * data.length, stream);
                stream.synchronize();
            }
            ops.linearForward(stream, n, in, out, dx, dw, db, Activation.TANH, dy);
            dy.copyTo(host, 4L * n * out, stream);
            stream.synchronize();
            host.getFloats(direct, 0, n * out);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ops.linearForward(stream, n + 1, in, out, dx, dw, db, Activation.TANH, dy));
            assertTrue(e.getMessage().startsWith("x: expected a device buffer of at least 140 bytes (35 floats)"),
                    e.getMessage());
        }
        assertArrayEquals(staged, direct);
    }
}
