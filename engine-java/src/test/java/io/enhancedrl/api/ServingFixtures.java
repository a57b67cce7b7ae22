package io.enhancedrl.api;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.model.MlpWorkspace;
import io.enhancedrl.model.fusion.FusionSpace;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Shared data of the serving tests: actors, requests, a brute-force reference ranking, allocation counts. Public
 * for the bindings module's serving tests (through the engine's test jar).
 */
public final class ServingFixtures {

    /** The simulator's layout: d_u 24, d_c 4, d_i 24, K 5 (state 57). */
    public static final FeatureLayout SIM = new FeatureLayout(24, 4, 24, 5);

    private ServingFixtures() {
    }

    public static Mlp actor(FeatureLayout l, int[] hidden, long seed) {
        Mlp m = new Mlp(MlpSpec.of(l.stateWidth(), hidden, Activation.RELU, l.actionWidth(), Activation.TANH));
        m.initialize(seed);
        // non-zero biases, so that a bias mix-up in the split first layer would show
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int layer = 0; layer < m.spec().layerCount(); layer++) {
            int off = m.spec().biasOffset(layer);
            for (int o = 0; o < m.spec().layerOutput(layer); o++) {
                m.params()[off + o] = (float) r.nextDouble(-0.2, 0.2);
            }
        }
        return m;
    }

    /** Per-task ranges that differ by task, so a task mix-up shows. */
    public static FusionSpace fusion(int k) {
        double[] pmin = new double[k];
        double[] pmax = new double[k];
        double[] bmin = new double[k];
        double[] bmax = new double[k];
        for (int t = 0; t < k; t++) {
            pmin[t] = 0.1 * t;
            pmax[t] = 1.5 + 0.2 * t;
            bmin[t] = 0.01 + 0.01 * t;
            bmax[t] = 0.4 + 0.05 * t;
        }
        return new FusionSpace(pmin, pmax, bmin, bmax);
    }

    public static RankRequest request(FeatureLayout l, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] user = gaussian(r, l.userWidth());
        float[] ctx = gaussian(r, l.contextWidth());
        long[] ids = new long[n];
        float[][] items = new float[n][];
        float[][] mtl = new float[n][l.tasks()];
        for (int j = 0; j < n; j++) {
            ids[j] = 1_000_000L + r.nextInt(1 << 30); // duplicates are possible and allowed
            items[j] = gaussian(r, l.itemWidth());
            for (int t = 0; t < l.tasks(); t++) {
                mtl[j][t] = (float) r.nextDouble(0.001, 0.999);
            }
        }
        return RankRequest.of(user, ctx, ids, items, mtl);
    }

    /** The same request in the flat form. */
    static RankRequest flat(RankRequest q) {
        int n = q.ids.length;
        int di = n == 0 ? 0 : q.items[0].length;
        int k = n == 0 ? 0 : q.mtl[0].length;
        float[] items = new float[n * di];
        float[] mtl = new float[n * k];
        for (int j = 0; j < n; j++) {
            System.arraycopy(q.items[j], 0, items, j * di, di);
            System.arraycopy(q.mtl[j], 0, mtl, j * k, k);
        }
        return RankRequest.ofFlat(q.user, q.context, q.ids, items, mtl);
    }

    static float[] gaussian(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** What the ranker must compute, the slow way: full state rows, Mlp.forward on the scalar reference. */
    record Reference(float[] actions, float[] power, float[] bias, float[] scores, int[] order) {
    }

    static Reference reference(Mlp actor, FeatureLayout l, FusionSpace f, RankRequest q) {
        int n = q.ids.length;
        int d = l.stateWidth();
        int k = l.tasks();
        float[] x = new float[n * d];
        for (int j = 0; j < n; j++) {
            int o = j * d;
            System.arraycopy(q.user, 0, x, o, l.userWidth());
            System.arraycopy(q.context, 0, x, o + l.userWidth(), l.contextWidth());
            System.arraycopy(q.items[j], 0, x, o + l.prefixWidth(), l.itemWidth());
            System.arraycopy(q.mtl[j], 0, x, o + l.prefixWidth() + l.itemWidth(), k);
        }
        MlpWorkspace ws = new MlpWorkspace(actor.spec(), n);
        actor.forward(ScalarKernelOps.INSTANCE, n, x, 0, ws);
        float[] actions = java.util.Arrays.copyOf(ws.output(), n * 2 * k);
        float[] power = new float[n * k];
        float[] bias = new float[n * k];
        f.map(n, actions, 0, power, 0, bias, 0);
        float[] scores = new float[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int t = 0; t < k; t++) {
                s += power[j * k + t] * Math.log(q.mtl[j][t] + (double) bias[j * k + t]);
            }
            scores[j] = (float) s;
        }
        Integer[] idx = new Integer[n];
        for (int j = 0; j < n; j++) {
            idx[j] = j;
        }
        java.util.Arrays.sort(idx, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a])
                : q.ids[a] != q.ids[b] ? Long.compare(q.ids[a], q.ids[b]) : Integer.compare(a, b));
        int[] order = new int[n];
        for (int j = 0; j < n; j++) {
            order[j] = idx[j];
        }
        return new Reference(actions, power, bias, scores, order);
    }

    /** Bytes the current thread allocates in {@code calls} runs of {@code r}, after as many warm-up runs. */
    public static long bytesAllocatedBy(Runnable r, int calls) {
        return bytesAllocatedBy(r, calls, calls);
    }

    /**
     * Bytes the current thread allocates in each of up to {@code rounds} windows of {@code calls} runs of r,
     * after 5 x {@code calls} warm-up runs; stops at the first window with 0 bytes. Returns the windows measured, so a
     * test can assert that the last is 0 and print them all. Why windows: compiler activity that happens to fall
     * into one window (a method reaching C2, a deoptimization) can allocate a few hundred bytes once, which is
     * not a per-call allocation; a call that allocates shows in every window.
     */
    public static long[] bytesAllocatedPerWindow(Runnable r, int calls, int rounds) {
        long[] windows = new long[rounds];
        for (int w = 0; w < rounds; w++) {
            // the first window does the warm-up too: 5 windows' worth, so that the JIT has compiled the path
            windows[w] = bytesAllocatedBy(r, w == 0 ? 5 * calls : 0, calls);
            if (windows[w] == 0) {
                return java.util.Arrays.copyOf(windows, w + 1);
            }
        }
        return windows;
    }

    private static long bytesAllocatedBy(Runnable r, int warmUp, int calls) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counting unavailable on this JVM");
        for (int i = 0; i < warmUp; i++) {
            r.run();
        }
        long before = bean.getThreadAllocatedBytes(Thread.currentThread().threadId());
        for (int i = 0; i < calls; i++) {
            r.run();
        }
        return bean.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
    }

    /**
     * null when the two results hold the same entries (model version aside), else the first difference.
     * {@code relTol} 0 compares bit for bit. A positive one allows for backends whose last bits depend on the
     * JIT tier (the Vector API's ln is an SVML intrinsic once compiled and StrictMath before, and its lane
     * reductions may reorder): scores and fusion parameters then agree within relTol (plus 1e-6 absolute),
     * and two candidates may swap places only when their scores tie within that bound.
     */
    public static String differences(RankResult expected, RankResult actual, double relTol) {
        if (expected.size() != actual.size() || expected.candidateCount() != actual.candidateCount()) {
            return "size " + actual.size() + " of " + actual.candidateCount() + ", expected " + expected.size() + " of "
                    + expected.candidateCount();
        }
        double atol = relTol == 0 ? 0 : 1e-6;
        for (int r = 0; r < expected.size(); r++) {
            boolean sameCandidate = expected.index(r) == actual.index(r) && expected.id(r) == actual.id(r);
            if (!sameCandidate && relTol == 0 || !close(expected.score(r), actual.score(r), relTol, atol)) {
                return "rank " + r + ": id " + actual.id(r) + " score " + actual.score(r) + ", expected id "
                        + expected.id(r) + " score " + expected.score(r);
            }
            if (!sameCandidate) {
                continue; // a near tie ranked the other way round: its parameters belong to another candidate
            }
            for (int t = 0; t < expected.tasks(); t++) {
                if (!close(expected.power(r, t), actual.power(r, t), relTol, atol)
                        || !close(expected.bias(r, t), actual.bias(r, t), relTol, atol)) {
                    return "rank " + r + " task " + t + ": power/bias " + actual.power(r, t) + "/" + actual.bias(r, t)
                            + ", expected " + expected.power(r, t) + "/" + expected.bias(r, t);
                }
            }
        }
        return null;
    }

    private static boolean close(float e, float a, double relTol, double atol) {
        if (relTol == 0) {
            return Float.compare(e, a) == 0;
        }
        return Math.abs(a - e) <= atol + relTol * Math.abs(e);
    }
}
