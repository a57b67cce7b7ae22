package io.enhancedrl.bindings.gpu;

import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.api.RankerOptions;
import io.enhancedrl.api.ServingFixtures;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The serving path on the CUDA backend: the same rankings as a ranker on the CPU reference (one thread and
 * several sharing the ranker), answered by the device and not by the fallback, with no allocation per request.
 */
@Tag("gpu")
class CudaServingGpuTest {

    static final FeatureLayout LAYOUT = ServingFixtures.SIM;
    static final int[] SIZES = {1, 2, 17, 64, 257, 1000};
    /** Summation order differs between the GPU's kernels and the CPU reference: scores agree within this. */
    static final double REL_TOL = 1e-4;

    private static Ranker.Model model() {
        return Ranker.Model.of(ServingFixtures.actor(LAYOUT, new int[]{64, 32}, 5), LAYOUT,
                ServingFixtures.fusion(LAYOUT.tasks()), "cuda serving test");
    }

    private static Ranker ranker(Ranker.Model m, KernelOps ops) {
        return Ranker.create(m, new RankerOptions(1024, 10, ops, ScalarKernelOps.INSTANCE));
    }

    @Test
    void rankingsMatchTheCpuReferenceAndComeFromTheDevice() {
        KernelOps cuda = GpuSupport.cudaOrSkip();
        Ranker.Model m = model();
        Ranker gpu = ranker(m, cuda);
        Ranker cpu = Ranker.create(m, new RankerOptions(1024, 10, ScalarKernelOps.INSTANCE));
        for (int n : SIZES) {
            for (long seed = 1; seed <= 3; seed++) {
                RankRequest q = ServingFixtures.request(LAYOUT, n, seed * 1_000 + n);
                RankResult r = gpu.rank(q);
                assertEquals("cuda", r.backend(), "N=" + n + ": answered by the device, not the fallback");
                assertNull(ServingFixtures.differences(cpu.rank(q), r, REL_TOL), "N=" + n + " seed " + seed);
            }
        }
        assertEquals(0, gpu.health().deviceFaults(), "no device fault on the way");
    }

    @Test
    void threadsSharingTheRankerGetTheCpuRankings() throws Exception {
        KernelOps cuda = GpuSupport.cudaOrSkip();
        Ranker.Model m = model();
        Ranker gpu = ranker(m, cuda);
        Ranker cpu = Ranker.create(m, new RankerOptions(1024, 10, ScalarKernelOps.INSTANCE));
        int threads = 4, perThread = 60;
        RankRequest[] requests = new RankRequest[threads * perThread];
        RankResult[] expected = new RankResult[requests.length];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = ServingFixtures.request(LAYOUT, 1 + (i * 37) % 300, 77 + i);
            expected[i] = cpu.rank(requests[i]).copy();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                done.add(pool.submit(() -> {
                    RankResult reuse = new RankResult();
                    for (int i = first; i < first + perThread; i++) {
                        RankResult r = gpu.rank(requests[i], reuse);
                        String d = ServingFixtures.differences(expected[i], r, REL_TOL);
                        if (d != null || !"cuda".equals(r.backend())) {
                            return "request " + i + " on " + r.backend() + ": " + d;
                        }
                    }
                    return null;
                }));
            }
            for (Future<String> f : done) {
                assertNull(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, gpu.health().deviceFaults());
    }

    @Test
    void aRequestAllocatesNothingOnTheJavaHeap() {
        KernelOps cuda = GpuSupport.cudaOrSkip();
        Ranker gpu = ranker(model(), cuda);
        RankResult reuse = new RankResult();
        for (int n : new int[]{1, 257}) {
            RankRequest q = ServingFixtures.request(LAYOUT, n, 9);
            CudaAllocationGpuTest.assertNoAllocation("requests of N=" + n + " on cuda", () -> gpu.rank(q, reuse));
        }
    }
}
