package io.enhancedrl.bindings.gpu;

import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.api.RankerOptions;
import io.enhancedrl.api.ServingFixtures;
import io.enhancedrl.bindings.cuda.CudaKernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.model.Mlp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Threads ranking on the device while another thread swaps in new models (each one's weights uploaded at the swap,
 * the dropped ones' freed by the Cleaner as the collector finds them): every answer comes from the device and equals
 * the CPU's answer for the model version it names.
 */
@Tag("gpu")
class CudaSwapUnderLoadGpuTest {

    static final FeatureLayout LAYOUT = ServingFixtures.SIM;

    @Test
    void swapsUnderConcurrentRequestsNeverMixModelsOrLeakDeviceMemory() throws Exception {
        CudaKernelOps cuda = GpuSupport.cudaOrSkip();
        // the actors by model version (not the models: those must become unreachable after their swap-out)
        Map<Long, Mlp> actors = new ConcurrentHashMap<>();
        int residentBefore = cuda.residentWeights();
        Ranker ranker = Ranker.create(model(0, actors), new RankerOptions(512, 8, cuda, ScalarKernelOps.INSTANCE));
        int threads = 4, perThread = 120, swaps = 25;
        RankRequest[] requests = new RankRequest[16];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = ServingFixtures.request(LAYOUT, 1 + (i * 41) % 300, 500 + i);
        }
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            Future<?> swapper = pool.submit(() -> {
                for (int s = 1; s <= swaps; s++) {
                    ranker.swap(model(s, actors));
                    if (s % 5 == 0) {
                        System.gc(); // let the Cleaner see dropped models' weights
                    }
                    Thread.sleep(2);
                }
                return null;
            });
            List<Future<List<RankResult>>> rankers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                rankers.add(pool.submit(() -> {
                    List<RankResult> results = new ArrayList<>();
                    for (int i = 0; i < perThread && !done.get(); i++) {
                        RankResult r = ranker.rank(requests[(seed * 7 + i) % requests.length]);
                        results.add(r);
                    }
                    return results;
                }));
            }
            swapper.get();
            int checked = 0;
            for (int t = 0; t < threads; t++) {
                List<RankResult> results = rankers.get(t).get();
                for (int i = 0; i < results.size(); i++) {
                    RankResult r = results.get(i);
                    assertEquals("cuda", r.backend(), "every answer from the device");
                    Mlp actor = actors.get(r.modelVersion());
                    Ranker cpu = Ranker.create(Ranker.Model.of(actor, LAYOUT, ServingFixtures.fusion(LAYOUT.tasks()),
                            "cpu twin"), new RankerOptions(512, 8, ScalarKernelOps.INSTANCE));
                    RankResult expected = cpu.rank(requests[(t * 7 + i) % requests.length]);
                    assertNull(ServingFixtures.differences(expected, r, CudaServingGpuTest.REL_TOL),
                            "thread " + t + " request " + i + " on model v" + r.modelVersion());
                    checked++;
                }
            }
            assertEquals(threads * perThread, checked);
            assertEquals(0, ranker.health().deviceFaults());
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
        assertTrue(actors.size() >= swaps + 1);
        // Only the serving model's weights stay on the device: 3 layers and the prefix part. The dropped models'
        // are freed once the collector finds them (earlier tests' models too, hence at most, and the loop).
        int expected = 4;
        for (int i = 0; i < 100 && cuda.residentWeights() > expected; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(cuda.residentWeights() <= Math.max(expected, residentBefore + expected),
                "resident weight matrices after " + swaps + " swaps: " + cuda.residentWeights() + " (before: "
                        + residentBefore + ")");
        assertEquals("swap " + swaps, ranker.model().source());
    }

    /** A new model (its own seed) registered under its version. */
    private static Ranker.Model model(int seed, Map<Long, Mlp> actors) {
        Mlp actor = ServingFixtures.actor(LAYOUT, new int[]{48, 24}, 100 + seed);
        Ranker.Model m = Ranker.Model.of(actor, LAYOUT, ServingFixtures.fusion(LAYOUT.tasks()), "swap " + seed);
        actors.put(m.version(), actor);
        return m;
    }
}
