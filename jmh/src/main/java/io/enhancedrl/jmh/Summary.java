package io.enhancedrl.jmh;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns JMH results into the table of docs/performance.md: time per call, GFLOP/s (FLOPs per call from
 * {@link #flopsPerOp}) and the speed-up over the scalar run with the same other parameters.
 */
final class Summary {

    private Summary() {
    }

    /** FLOPs of one benchmark call, or 0 when the benchmark is not a FLOP-counted one. */
    static long flopsPerOp(BenchmarkParams p) {
        String bench = p.getBenchmark();
        int batch = p.getParam("batch") == null ? 0 : Integer.parseInt(p.getParam("batch"));
        if (bench.contains("ActorForwardBench")) {
            return ActorForwardBench.SPEC.forwardFlopsPerRow() * batch;
        }
        if (bench.contains("LinearForwardBench")) {
            return 2L * LinearForwardBench.IN * LinearForwardBench.OUT * batch;
        }
        if (bench.contains("LinearBackwardBench")) {
            // dW and dx are one GEMM each; dz and db are O(n*out) and not counted
            return 4L * LinearBackwardBench.IN * LinearBackwardBench.OUT * batch;
        }
        return 0;
    }

    static String markdown(Collection<RunResult> results) {
        Map<String, Double> scalarUs = new HashMap<>();
        for (RunResult r : results) {
            if ("scalar".equals(r.getParams().getParam("impl"))) {
                scalarUs.put(key(r.getParams()), micros(r));
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("| benchmark | impl | batch | us/op | +- | GFLOP/s | vector/scalar |");
        lines.add("|---|---|---:|---:|---:|---:|---:|");
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            double us = micros(r);
            Result<?> primary = r.getPrimaryResult();
            double err = primary.getScoreError() * us / primary.getScore();
            long flops = flopsPerOp(p);
            String gflops = flops == 0 ? "" : String.format(Locale.ROOT, "%.1f", flops / (us * 1e3));
            Double base = scalarUs.get(key(p));
            String ratio = base == null || "scalar".equals(p.getParam("impl")) ? ""
                    : String.format(Locale.ROOT, "%.1fx", base / us);
            String name = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.', p.getBenchmark().lastIndexOf('.') - 1) + 1);
            lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %s | %s |", name,
                    p.getParam("impl"), p.getParam("batch") == null ? "" : p.getParam("batch"), us,
                    Double.isNaN(err) ? 0.0 : err, gflops, ratio));
        }
        return String.join("\n", lines);
    }

    /** The benchmark and every parameter except impl. */
    private static String key(BenchmarkParams p) {
        StringBuilder sb = new StringBuilder(p.getBenchmark());
        for (String k : p.getParamsKeys()) {
            if (!k.equals("impl")) {
                sb.append(' ').append(k).append('=').append(p.getParam(k));
            }
        }
        return sb.toString();
    }

    /** The primary score in microseconds per call (the benchmarks use AverageTime). */
    private static double micros(RunResult r) {
        Result<?> res = r.getPrimaryResult();
        String unit = res.getScoreUnit();
        double s = res.getScore();
        return switch (unit) {
            case "ns/op" -> s / 1e3;
            case "us/op" -> s;
            case "ms/op" -> s * 1e3;
            case "s/op" -> s * 1e6;
            default -> throw new IllegalStateException("unexpected unit " + unit + " (use -bm avgt); "
                    + TimeUnit.MICROSECONDS);
        };
    }
}
