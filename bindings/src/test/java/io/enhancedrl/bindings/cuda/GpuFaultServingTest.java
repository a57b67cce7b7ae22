package io.enhancedrl.bindings.cuda;

import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.api.RankerHealth;
import io.enhancedrl.api.RankerOptions;
import io.enhancedrl.api.ServingFixtures;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device faults while serving (issue 7): the CUDA backend on the stand-in driver, with driver errors injected
 * at chosen calls or at random; every request must still be answered, on the CPU fallback bit for bit as a
 * CPU ranker answers it, and the ranker's health must count what happened.
 */
class GpuFaultServingTest {

    /** d_u 8 + d_c 3 = 11 shared columns, d_i 6 + K 3 per candidate; actor 20-16-8-6. */
    static final FeatureLayout LAYOUT = new FeatureLayout(8, 3, 6, 3);
    static final int MAX_N = 256;

    private SimulatedCudaDriver driver;
    private CudaKernelOps cuda;
    private Ranker.Model model;

    @BeforeEach
    void open() {
        driver = new SimulatedCudaDriver();
        KernelEmulators.install(driver);
        cuda = new CudaKernelOps(CudaContext.open(driver, 0), new byte[]{1, 2, 3}, true);
        Mlp actor = new Mlp(MlpSpec.of(LAYOUT.stateWidth(), new int[]{16, 8}, Activation.RELU, LAYOUT.actionWidth(),
                Activation.TANH));
        actor.initialize(7);
        model = Ranker.Model.of(actor, LAYOUT, ServingFixtures.fusion(LAYOUT.tasks()), "fault test");
    }

    @AfterEach
    void close() {
        cuda.close();
    }

    static RankRequest request(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] user = uniform(r, LAYOUT.userWidth());
        float[] ctx = uniform(r, LAYOUT.contextWidth());
        long[] ids = new long[n];
        float[] items = uniform(r, n * LAYOUT.itemWidth());
        float[] mtl = new float[n * LAYOUT.tasks()];
        for (int j = 0; j < n; j++) {
            ids[j] = 1_000 + r.nextInt(1 << 20);
        }
        for (int i = 0; i < mtl.length; i++) {
            mtl[i] = (float) r.nextDouble(0.001, 0.999);
        }
        return RankRequest.ofFlat(user, ctx, ids, items, mtl);
    }

    private static float[] uniform(SplittableRandom r, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) r.nextDouble(-2, 2);
        }
        return a;
    }

    private Ranker onCuda(KernelOps fallback) {
        return Ranker.create(model, new RankerOptions(MAX_N, 5, cuda, fallback));
    }

    private Ranker onCpu(KernelOps cpu) {
        return Ranker.create(model, new RankerOptions(MAX_N, 5, cpu));
    }

    @ParameterizedTest(name = "{0} fails after {1} good calls with {3}")
    @CsvSource({
            "launchKernel, 0, cuLaunchKernel, 700, CUDA_ERROR_ILLEGAL_ADDRESS",
            "launchKernel, 3, cuLaunchKernel, 719, CUDA_ERROR_LAUNCH_FAILED",   // the actor's last layer
            "launchKernel, 4, cuLaunchKernel, 719, CUDA_ERROR_LAUNCH_FAILED",   // the fusion score kernel
            "launchKernel, 5, cuLaunchKernel, 700, CUDA_ERROR_ILLEGAL_ADDRESS", // the top-k kernel
            "memcpyHtoDAsync, 5, cuMemcpyHtoDAsync, 700, CUDA_ERROR_ILLEGAL_ADDRESS",
            "memcpyDtoHAsync, 2, cuMemcpyDtoHAsync, 719, CUDA_ERROR_LAUNCH_FAILED",
            "streamSynchronize, 1, cuStreamSynchronize, 700, CUDA_ERROR_ILLEGAL_ADDRESS",
            "memAlloc, 2, cuMemAlloc, 2, CUDA_ERROR_OUT_OF_MEMORY",
    })
    void aFaultDuringARequestIsAnsweredOnTheCpuExactlyAndMarksTheDeviceUnhealthy(
            String call, int skip, String cuCall, int status, String statusName) {
        Ranker ranker = onCuda(ScalarKernelOps.INSTANCE);
        Ranker cpu = onCpu(ScalarKernelOps.INSTANCE);
        RankRequest q = request(37, 11);
        driver.failAfter(call, skip, status);

        RankResult r = ranker.rank(q);

        assertEquals(1, driver.injectedFaults(), "the fault was injected during the request");
        RankResult expected = cpu.rank(q);
        assertTrue(expected.contentEquals(r), "fallback result " + r + " must equal the CPU result " + expected);
        assertEquals("scalar", r.backend());
        RankerHealth h = ranker.health();
        assertEquals("cuda", h.backend());
        assertEquals("scalar", h.fallbackBackend());
        assertFalse(h.deviceHealthy());
        assertEquals(1, h.deviceFaults());
        assertEquals(1, h.cpuFallbackRequests());
        assertTrue(h.lastFault().contains(cuCall + " returned " + statusName + " (" + status + ")"), h.lastFault());
        assertTrue(h.lastFault().startsWith("cuda backend (Simulated GPU 0, ordinal 0) failed in "), h.lastFault());

        // Sticky: the next requests go to the CPU without touching the device.
        long launches = driver.count("launchKernel");
        RankRequest q2 = request(200, 12);
        RankResult r2 = ranker.rank(q2);
        assertTrue(cpu.rank(q2).contentEquals(r2));
        assertEquals(launches, driver.count("launchKernel"), "an unhealthy device gets no work");
        assertEquals(new RankerHealth("cuda", "scalar", false, 1, 2, h.lastFault()), ranker.health());

        // The operator's reset re-probes the (now fine) device; requests go to it again.
        assertTrue(ranker.resetDeviceHealth());
        RankResult r3 = ranker.rank(q2);
        assertEquals("cuda", r3.backend());
        assertTrue(driver.count("launchKernel") > launches);
        assertEquals(r2.size(), r3.size());
        for (int i = 0; i < r3.size(); i++) {
            assertEquals(r2.id(i), r3.id(i), "rank " + i);
            assertEquals(r2.score(i), r3.score(i), 1e-4 * (1 + Math.abs(r2.score(i))), "score at rank " + i);
        }
        assertEquals(new RankerHealth("cuda", "scalar", true, 1, 2, h.lastFault()), ranker.health());
    }

    @Test
    void theFaultMessageNamesTheOpShapesCudaCallAndStatus() {
        Ranker ranker = onCuda(ScalarKernelOps.INSTANCE);
        driver.failNext("launchKernel", 700); // the first launch: the split first layer's user/context product
        ranker.rank(request(5, 3));
        String m = ranker.health().lastFault();
        // the ranker serves with the weights resident on the device (packWeights at install), so the whole actor
        // runs as one op, and the launch named is the prefix part's (1 prefix row of 11 columns into 16)
        assertTrue(m.startsWith("cuda backend (Simulated GPU 0, ordinal 0) failed in forwardSplitResident(n=5,"
                + " layers=3, prefixWidth=11, rowsPerPrefix=5): cuLaunchKernel returned CUDA_ERROR_ILLEGAL_ADDRESS (700)"
                + " [erl_linear_forward_f32 grid (1, 1, 1) block (256, 1, 1) smem 0 args (1, 1, 11, 16,"), m);
    }

    @Test
    void aProbeThatFailsKeepsTheDeviceUnhealthyAndCountsTheFault() {
        Ranker ranker = onCuda(ScalarKernelOps.INSTANCE);
        driver.failNext("streamSynchronize", 700);
        ranker.rank(request(9, 1));
        driver.failAfter("launchKernel", 2, 719);
        assertFalse(ranker.resetDeviceHealth());
        RankerHealth h = ranker.health();
        assertFalse(h.deviceHealthy());
        assertEquals(2, h.deviceFaults());
        assertEquals(1, h.cpuFallbackRequests());
        assertTrue(h.lastFault().startsWith("health probe (N = 8, model v" + model.version() + "): cuda backend"),
                h.lastFault());
        assertTrue(h.lastFault().contains("cuLaunchKernel returned CUDA_ERROR_LAUNCH_FAILED (719)"), h.lastFault());
        assertTrue(ranker.resetDeviceHealth(), "the fault was a one-off: the next probe passes");
        assertTrue(ranker.health().deviceHealthy());
    }

    @Test
    void aProbeCatchesADeviceThatAnswersWrongWithoutAnError() {
        Ranker ranker = onCuda(ScalarKernelOps.INSTANCE);
        driver.failNext("launchKernel", 700);
        ranker.rank(request(9, 1));
        driver.emulators.put("erl_fusion_score_f32", l -> { }); // scores never written: stale device memory
        assertFalse(ranker.resetDeviceHealth());
        assertTrue(ranker.health().lastFault().contains("scored"), ranker.health().lastFault());
        assertEquals(2, ranker.health().deviceFaults());
    }

    @Test
    void theDefaultFallbackIsTheBestCpuBackend() {
        Ranker ranker = onCuda(null);
        assertSame(Backends.bestCpu(), ranker.fallbackOps());
        assertFalse(ranker.fallbackOps().isDevice());
        assertEquals(ranker.fallbackOps().name(), ranker.health().fallbackBackend());
    }

    @Test
    void aCpuRankerNeverCountsAnything() {
        Ranker cpu = onCpu(ScalarKernelOps.INSTANCE);
        cpu.rank(request(4, 2));
        assertTrue(cpu.resetDeviceHealth());
        assertEquals(new RankerHealth("scalar", "scalar", true, 0, 0, null), cpu.health());
    }

    /**
     * 4 threads x 2,000 requests of mixed N (1..200) on one Ranker over the CUDA stand-in, with 0.4 % of the
     * kernel launches failing (seeded) and the threads themselves re-enabling the device now and then (as an
     * operator would). Every request must be answered; each answer must equal, bit for bit, the single-threaded
     * answer of the backend that served it (CPU fallback or fault-free device); the counters must add up.
     */
    @Test
    void concurrentLoadWithRandomLaunchFaultsAnswersEveryRequestCorrectly() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        // Scalar, not the default Backends.bestCpu(): the Vector API's last bits depend on the JIT tier, and this
        // test compares bit for bit with answers computed before the load.
        KernelOps cpuOps = ScalarKernelOps.INSTANCE;
        Ranker ranker = onCuda(cpuOps);
        int[] sizes = {1, 2, 5, 17, 64, 200};
        RankRequest[] pool = new RankRequest[36];
        RankResult[] onCpuExpected = new RankResult[pool.length];
        RankResult[] onDeviceExpected = new RankResult[pool.length];
        Ranker cpu = onCpu(cpuOps);
        SimulatedCudaDriver cleanDriver = new SimulatedCudaDriver();
        KernelEmulators.install(cleanDriver);
        try (CudaKernelOps cleanCuda = new CudaKernelOps(CudaContext.open(cleanDriver, 0), new byte[]{1}, true)) {
            Ranker device = Ranker.create(model, new RankerOptions(MAX_N, 5, cleanCuda, cpuOps));
            for (int i = 0; i < pool.length; i++) {
                pool[i] = request(sizes[i % sizes.length], 100 + i);
                onCpuExpected[i] = cpu.rank(pool[i]).copy();
                onDeviceExpected[i] = device.rank(pool[i]).copy();
                assertEquals("cuda", onDeviceExpected[i].backend());
            }
        }
        driver.failRandomly("launchKernel", 719, 0.004, 2026);

        AtomicLong servedByDevice = new AtomicLong();
        AtomicLong servedByCpu = new AtomicLong();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().name("serving-" + t).start(() -> {
                RankResult reuse = new RankResult();
                for (int i = 0; i < perThread; i++) {
                    int k = (id * 7 + i * 13) % pool.length;
                    try {
                        RankResult r = ranker.rank(pool[k], reuse);
                        boolean device = r.backend().equals("cuda");
                        RankResult expected = device ? onDeviceExpected[k] : onCpuExpected[k];
                        if (!expected.contentEquals(r)) {
                            problems.add("thread " + id + " request " + i + " (pool " + k + ", by " + r.backend()
                                    + "): " + r + " but expected " + expected);
                        }
                        (device ? servedByDevice : servedByCpu).incrementAndGet();
                        if (i % 50 == 49 && !ranker.health().deviceHealthy()) {
                            ranker.resetDeviceHealth();
                        }
                    } catch (RuntimeException e) {
                        problems.add("thread " + id + " request " + i + " threw " + e);
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        driver.stopRandomFaults();

        assertTrue(problems.isEmpty(), problems.size() + " problems, first: " + problems.peek());
        RankerHealth h = ranker.health();
        assertEquals((long) threads * perThread, servedByDevice.get() + servedByCpu.get(), "every request answered");
        assertEquals(driver.injectedFaults(), h.deviceFaults(), "every injected fault counted once");
        assertEquals(servedByCpu.get(), h.cpuFallbackRequests());
        assertTrue(h.deviceFaults() >= 2, "faults injected: " + h.deviceFaults());
        assertTrue(servedByDevice.get() > 0 && servedByCpu.get() > 0, h.toString());
        System.out.printf("concurrent fault load: %d requests, %d on cuda, %d on %s, %d device faults%n",
                threads * perThread, servedByDevice.get(), servedByCpu.get(), h.fallbackBackend(), h.deviceFaults());
    }
}
