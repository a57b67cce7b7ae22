package io.enhancedrl.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Not a test: measures write and read throughput for the figures in docs/data-format.md.
 * Run from the worktree root after a test-compile:
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp engine-java/target/classes:engine-java/target/test-classes:$(cat cp.txt) \
 *     io.enhancedrl.data.LoggedDataThroughput [steps] [candidates] [random|quantized] [NONE,SNAPPY,ZSTD,GZIP]
 * </pre>
 * Features are "random" (uniform floats, the worst case for compression) or "quantized" (values on a
 * 1/256 grid, closer to bucketised recommender features).
 */
public final class LoggedDataThroughput {

    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int candidates = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        boolean quantized = args.length > 2 && args[2].equals("quantized");
        WriteOptions.Compression[] codecs = args.length > 3
                ? java.util.Arrays.stream(args[3].split(",")).map(WriteOptions.Compression::valueOf).toArray(WriteOptions.Compression[]::new)
                : WriteOptions.Compression.values();
        DataLayout layout = new DataLayout(32, 8, 24, 5, 5, 6);
        Path dir = Files.createTempDirectory("erl-throughput");
        SplittableRandom rng = new SplittableRandom(1);
        // A pool of distinct steps, cycled, so generation cost stays out of the timing. At C = 100 a 1 MiB
        // page of any per-candidate column holds fewer than 1024 steps, so a codec sees no repeat within
        // a page (pages are compressed independently) and compression is not flattered; the small
        // per-step columns (user, context, shown ...) do repeat, but they are under 2% of the bytes.
        LoggedStep[] pool = new LoggedStep[1024];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = TestSteps.random(layout, candidates, rng, i, 0);
            if (quantized) {
                quantize(pool[i].userFeatures);
                quantize(pool[i].contextFeatures);
                quantize(pool[i].itemFeatures);
            }
        }
        System.out.printf(Locale.ROOT, "layout %s, C=%d, %d steps, %s features%n", layout, candidates, steps,
                quantized ? "quantized" : "random");
        for (int rep = 0; rep < 2; rep++) { // first repetition warms the JIT
            for (WriteOptions.Compression c : codecs) {
                Path file = dir.resolve("t-" + c + ".parquet");
                Files.deleteIfExists(file);
                long t0 = System.nanoTime();
                try (LoggedDataWriter w = new LoggedDataWriter(file, layout, WriteOptions.defaults().withCompression(c))) {
                    for (int i = 0; i < steps; i++) {
                        LoggedStep s = pool[i % pool.length];
                        s.sessionId = i / 20;
                        s.stepIndex = i % 20;
                        w.write(s);
                    }
                }
                long t1 = System.nanoTime();
                long n = 0;
                double check = 0;
                try (LoggedDataReader r = LoggedDataReader.open(file)) {
                    LoggedStep s = new LoggedStep();
                    while (r.next(s)) {
                        n++;
                        check += s.itemFeatures[0];
                    }
                }
                long t2 = System.nanoTime();
                if (n != steps) {
                    throw new AssertionError("read " + n + " steps, wrote " + steps);
                }
                if (rep == 1) {
                    long bytes = Files.size(file);
                    System.out.printf(Locale.ROOT, "%-6s write %8.0f steps/s  read %8.0f steps/s  %7.1f MB  %6.0f B/step (check %.3f)%n",
                            c, steps / ((t1 - t0) / 1e9), steps / ((t2 - t1) / 1e9), bytes / 1e6, (double) bytes / steps, check);
                }
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    private static void quantize(float[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.round(v[i] / 1e6f * 256) / 256f;
        }
    }
}
