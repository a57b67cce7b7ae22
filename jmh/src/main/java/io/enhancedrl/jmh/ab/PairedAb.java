package io.enhancedrl.jmh.ab;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Two builds of the engine side by side in one JVM: each jar in its own class loader (child-first over this
 * benchmark jar, which supplies {@link AbWorkload}), the same workload built in each, and short batches of
 * calls alternating A, B, A, B... The ratio of each adjacent pair cancels the shared machines' slow drifts
 * (a noisy neighbour changes single timings by up to 2x, enough to reverse separate JMH forks), so the median
 * pair ratio is what docs/performance.md quotes for code changes. JMH's own benchmarks stay the reference for
 * absolute numbers on a quiet machine.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar io.enhancedrl.jmh.ab.PairedAb \
 *      old-engine.jar new-engine.jar train:16 train:512 forward:512 rank:16 rank:512
 * </pre>
 * Prints per workload: the fastest and median batch time of A and B (microseconds per call) and the median
 * (quartiles) of time(A) / time(B): above 1 means B is faster. Give one workload per run: C2 compiles the
 * kernels for the profile of what ran first (see {@link io.enhancedrl.jmh.serving.PairedRankRatio}).
 */
public final class PairedAb {

    private PairedAb() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: PairedAb A.jar B.jar kind:n [kind:n ...]   (kind: forward, train, rank)");
            System.exit(2);
        }
        int pairs = Integer.getInteger("pairs", 41);
        URL self = PairedAb.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader a = loader(Path.of(args[0]), self);
        ClassLoader b = loader(Path.of(args[1]), self);
        System.out.println("A = " + args[0] + ", B = " + args[1] + "; " + pairs + " pairs; us per call");
        System.out.println("| workload | A min | A median | B min | B median | A/B median (q1-q3) |");
        System.out.println("|---|---:|---:|---:|---:|---|");
        for (String spec : Arrays.copyOfRange(args, 2, args.length)) {
            String[] kn = spec.split(":");
            int n = Integer.parseInt(kn[1]);
            Runnable ra = workload(a, kn[0], n);
            Runnable rb = workload(b, kn[0], n);
            // warm-up by wall time (C2 needs thousands of calls), then batches of about 5 ms
            long end = System.nanoTime() + 3_000_000_000L;
            long warm = 0;
            while (System.nanoTime() < end) {
                ra.run();
                rb.run();
                warm++;
            }
            long perCall = Math.max(1, time(ra, (int) Math.min(warm, 1000)) / Math.min(warm, 1000));
            int calls = (int) Math.max(3, Math.min(100_000, 5_000_000L / perCall));
            double[] ta = new double[pairs];
            double[] tb = new double[pairs];
            double[] ratio = new double[pairs];
            for (int s = 0; s < pairs; s++) {
                ta[s] = time(ra, calls) / (double) calls;
                tb[s] = time(rb, calls) / (double) calls;
                ratio[s] = ta[s] / tb[s];
            }
            Arrays.sort(ta);
            Arrays.sort(tb);
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.2f (%.2f-%.2f) |%n", spec, ta[0] / 1e3,
                    ta[pairs / 2] / 1e3, tb[0] / 1e3, tb[pairs / 2] / 1e3, ratio[pairs / 2], ratio[pairs / 4],
                    ratio[3 * pairs / 4]);
        }
    }

    private static ClassLoader loader(Path engineJar, URL self) throws Exception {
        if (!Files.isRegularFile(engineJar)) {
            throw new IllegalArgumentException("engine jar: expected a file but " + engineJar + " is missing");
        }
        List<URL> urls = new ArrayList<>(List.of(engineJar.toUri().toURL(), self));
        return new ChildFirst(urls.toArray(URL[]::new));
    }

    private static Runnable workload(ClassLoader l, String kind, int n) throws Exception {
        Class<?> c = Class.forName(AbWorkload.class.getName(), true, l);
        return (Runnable) c.getConstructor(String.class, int.class).newInstance(kind, n);
    }

    /** Nanoseconds for {@code calls} back-to-back calls. */
    private static long time(Runnable r, int calls) {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            r.run();
        }
        return System.nanoTime() - t0;
    }

    /** Loads the engine (and this workload) from its own URLs before asking the platform loader. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }
    }
}
