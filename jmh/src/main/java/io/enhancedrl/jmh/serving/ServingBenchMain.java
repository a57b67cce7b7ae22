package io.enhancedrl.jmh.serving;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the serving benchmarks ({@link RankBench} by default) with the engine's JVM flags and prints the
 * table of docs/serving.md: p50 / p99 latency (SampleTime), throughput, and the ratios vs ONNX Runtime.
 * BenchMain's table is AverageTime-only, hence this entry point.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar io.enhancedrl.jmh.serving.ServingBenchMain -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
public final class ServingBenchMain {

    private ServingBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cmd = new CommandLineOptions(args);
        List<String> flags = new ArrayList<>(engineJvmFlags());
        if (cmd.getJvmArgsAppend().hasValue()) {
            flags.addAll(cmd.getJvmArgsAppend().get());
        }
        OptionsBuilder b = new OptionsBuilder();
        b.parent(cmd);
        if (cmd.getIncludes().isEmpty()) {
            b.include(RankBench.class.getName());
        }
        Options opts = b.jvmArgsAppend(flags.toArray(String[]::new)).build();
        Collection<RunResult> results = new Runner(opts).run();
        System.out.println();
        System.out.println(table(results));
    }

    static List<String> engineJvmFlags() throws java.io.IOException {
        try (InputStream in = ServingBenchMain.class.getResourceAsStream("/io/enhancedrl/jvm-flags.txt")) {
            if (in == null) {
                throw new IllegalStateException("resource /io/enhancedrl/jvm-flags.txt missing; build with "
                        + "mvn -B -q -ntp -pl jmh -am package -DskipTests");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\s+"));
        }
    }

    /** One row per (method, impl, n): p50, p99 (us), throughput (ops/s), and impl/ort ratios. */
    static String table(Collection<RunResult> results) {
        Map<String, double[]> rows = new LinkedHashMap<>(); // key -> {p50, p99, opsPerSec}
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            String key = method(p) + "|" + p.getParam("impl") + "|" + p.getParam("n");
            double[] v = rows.computeIfAbsent(key, k -> new double[] {Double.NaN, Double.NaN, Double.NaN});
            Result<?> res = r.getPrimaryResult();
            if (p.getMode() == org.openjdk.jmh.annotations.Mode.SampleTime) {
                Statistics s = res.getStatistics();
                v[0] = toMicros(s.getPercentile(50), res.getScoreUnit());
                v[1] = toMicros(s.getPercentile(99), res.getScoreUnit());
            } else if (p.getMode() == org.openjdk.jmh.annotations.Mode.Throughput) {
                v[2] = toOpsPerSecond(res.getScore(), res.getScoreUnit());
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("| threads | impl | N | p50 us | p99 us | ops/s (all threads) | throughput / ORT | p99 ORT / p99 |");
        lines.add("|---:|---|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, double[]> e : rows.entrySet()) {
            String[] k = e.getKey().split("\\|");
            double[] v = e.getValue();
            double[] ort = rows.get(k[0] + "|ort|" + k[2]);
            String tr = ort == null || k[1].equals("ort") ? "" : String.format(Locale.ROOT, "%.2fx", v[2] / ort[2]);
            String lr = ort == null || k[1].equals("ort") ? "" : String.format(Locale.ROOT, "%.2fx", ort[1] / v[1]);
            lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %.1f | %.0f | %s | %s |",
                    k[0].equals("one") ? "1" : "2", k[1], k[2], v[0], v[1], v[2], tr, lr));
        }
        return String.join("\n", lines);
    }

    private static String method(BenchmarkParams p) {
        String b = p.getBenchmark();
        return b.substring(b.lastIndexOf('.') + 1);
    }

    private static double toMicros(double v, String unit) {
        return switch (unit) {
            case "ns/op" -> v / 1e3;
            case "us/op" -> v;
            case "ms/op" -> v * 1e3;
            case "s/op" -> v * 1e6;
            default -> throw new IllegalStateException("unexpected SampleTime unit " + unit);
        };
    }

    private static double toOpsPerSecond(double v, String unit) {
        return switch (unit) {
            case "ops/ns" -> v * 1e9;
            case "ops/us" -> v * 1e6;
            case "ops/ms" -> v * 1e3;
            case "ops/s" -> v;
            default -> throw new IllegalStateException("unexpected Throughput unit " + unit);
        };
    }
}
