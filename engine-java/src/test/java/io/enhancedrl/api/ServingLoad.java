package io.enhancedrl.api;

import io.enhancedrl.model.fusion.FusionSpace;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.enhancedrl.api.ServingFixtures.SIM;

/**
 * Many threads share one {@link Ranker} while its policy is hot-swapped between two models; every result is
 * compared bit for bit with the single-threaded result of the model that served it (found by the version the
 * result carries).
 */
final class ServingLoad {

    /** Mixed request sizes, small ones more frequent as in serving. */
    static final int[] SIZES = {1, 3, 16, 16, 40, 128, 128, 300, 512};
    /** The same mix without the large requests, for the fast test. */
    static final int[] SMALL_SIZES = {1, 3, 16, 16, 40, 128};

    record Stats(long requests, long errors, String firstError, long swaps, long[] servedBy) {
    }

    private ServingLoad() {
    }

    /**
     * @param files the two policy files to alternate between; each swap loads the file again (a new model
     *              version), as a deployment that pushes a new file would
     * @param sizes request sizes N to mix
     * @param backend "scalar" (results compared bit for bit) or "vector" (within 1e-5 relative)
     * @param swapEveryMillis period of the timed swapper thread
     * @param selfSwapEvery thread 0 also swaps after every this many of its requests (0: never), so that swaps
     *                      land mid-run whatever the timing
     */
    static Stats run(Path[] files, int[] sizes, String backend, int threads, int perThread, long swapEveryMillis, int selfSwapEvery)
            throws Exception {
        int requests = 64;
        RankRequest[] pool = new RankRequest[requests];
        for (int i = 0; i < requests; i++) {
            RankRequest q = ServingFixtures.request(SIM, sizes[i % sizes.length], 1000 + i);
            pool[i] = i % 2 == 0 ? q : ServingFixtures.flat(q);
        }
        RankerOptions options = RankerOptions.defaults().withMaxCandidates(512).withListLength(20).withBackend(backend);
        // the scalar backend is bit-reproducible; the vector one only up to its last bits (see differences)
        double relTol = backend.equals("scalar") ? 0 : 1e-5;
        // expected[f][i]: request i ranked single-threaded by file f's model
        RankResult[][] expected = new RankResult[files.length][requests];
        for (int f = 0; f < files.length; f++) {
            Ranker single = Ranker.load(files[f], options);
            for (int i = 0; i < requests; i++) {
                expected[f][i] = single.rank(pool[i]);
            }
        }
        Map<Long, Integer> fileOfVersion = new ConcurrentHashMap<>();
        Ranker.Model first = Ranker.Model.load(files[0]);
        fileOfVersion.put(first.version(), 0);
        Ranker ranker = Ranker.create(first, options);
        AtomicInteger nextFile = new AtomicInteger(1);
        AtomicLong swaps = new AtomicLong();
        Runnable swap = () -> {
            int f = nextFile.getAndIncrement() % files.length;
            try {
                Ranker.Model m = Ranker.Model.load(files[f]); // what swap(Path) does, with the version noted first
                fileOfVersion.put(m.version(), f);
                ranker.swap(m);
                swaps.incrementAndGet();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong done = new AtomicLong();
        long[][] served = new long[threads][files.length];
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        Thread swapper = Thread.ofPlatform().name("swapper").start(() -> {
            while (running.get()) {
                try {
                    Thread.sleep(swapEveryMillis);
                } catch (InterruptedException e) {
                    return;
                }
                if (running.get()) {
                    swap.run();
                }
            }
        });
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers[t] = Thread.ofPlatform().name("rank-" + t).start(() -> {
                RankResult reuse = new RankResult();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    int q = (i * 7 + me * 13) % requests;
                    try {
                        ranker.rank(pool[q], reuse);
                        Integer f = fileOfVersion.get(reuse.modelVersion());
                        if (f == null) {
                            fail(errors, firstError, "request " + q + " served by unknown model v" + reuse.modelVersion());
                        } else {
                            served[me][f]++;
                            String diff = ServingFixtures.differences(expected[f][q], reuse, relTol);
                            if (diff != null) {
                                fail(errors, firstError, "thread " + me + " request " + q + " (N=" + pool[q].ids.length
                                        + ", model file " + f + "): " + diff);
                            }
                        }
                    } catch (RuntimeException e) {
                        fail(errors, firstError, "thread " + me + " request " + q + ": " + e);
                    }
                    done.incrementAndGet();
                    if (me == 0 && selfSwapEvery > 0 && (i + 1) % selfSwapEvery == 0) {
                        swap.run();
                    }
                }
            });
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        running.set(false);
        swapper.interrupt();
        swapper.join();
        long[] byFile = new long[files.length];
        for (long[] s : served) {
            for (int f = 0; f < files.length; f++) {
                byFile[f] += s[f];
            }
        }
        return new Stats(done.get(), errors.get(), firstError.get(), swaps.get(), byFile);
    }

    private static void fail(AtomicLong errors, AtomicReference<String> first, String message) {
        errors.incrementAndGet();
        first.compareAndSet(null, message);
    }

    /** Two policy files in {@code dir} with different architectures (hiddenA, hiddenB) and fusion ranges. */
    static Path[] twoPolicies(Path dir, int[] hiddenA, int[] hiddenB) throws Exception {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        PolicyFile.save(a, ServingFixtures.actor(SIM, hiddenA, 101), SIM, ServingFixtures.fusion(5));
        PolicyFile.save(b, ServingFixtures.actor(SIM, hiddenB, 202), SIM, FusionSpace.defaults(5));
        return new Path[] {a, b};
    }
}
