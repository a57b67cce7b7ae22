package io.enhancedrl.jmh.serving;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.api.RankerOptions;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.cpu.TopK;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.fusion.FusionSpace;
import io.enhancedrl.onnx.OnnxExporter;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ratio ONNX Runtime time / rank() time, measured in pairs: one short batch of rank() calls, then one of
 * ORT runs on the same request, alternating in one JVM and one thread, so that both sides of every pair see the
 * same machine state. On the shared 2-vCPU machines here a noisy neighbour changes single timings by up to 2x
 * within seconds (it slows memory-bound code, not a pure FMA loop); separate JMH forks then disagree by more than
 * the effect being measured, while the per-pair ratio stays put. Not a replacement for {@link RankBench} (which
 * gives latency percentiles and throughput): a check of the ratio. Same model, inputs and ORT settings as
 * RankBench; the engine's result is checked against the scalar backend first.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp jmh/target/benchmarks.jar io.enhancedrl.jmh.serving.PairedRankRatio 16 128 512 2048
 * </pre>
 * Prints per N (each in a JVM of its own): the fastest and median batch time of each side, and the median
 * (quartiles) of the pair ratios.
 */
public final class PairedRankRatio {

    private PairedRankRatio() {
    }

    public static void main(String[] args) throws Exception {
        int pairs = Integer.getInteger("pairs", 41);
        if (args.length == 2 && args[0].equals("-child")) {
            System.out.println(run(Integer.parseInt(args[1]), pairs));
            return;
        }
        int[] sizes = args.length == 0 ? new int[] {16, 128, 512, 2048} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println("backend: " + Backends.select("vector").name() + "; " + pairs + " pairs per N;"
                + " times are microseconds per request");
        System.out.println("| N | rank() min | rank() median | ORT min | ORT median | ORT/rank() median (q1-q3) |");
        System.out.println("|---:|---:|---:|---:|---:|---|");
        if (sizes.length == 1) {
            System.out.println(run(sizes[0], pairs));
            return;
        }
        // One JVM per N, as JMH forks: C2 compiles the kernels for the first N's profile, and N = 512 measured
        // 25 % slower after an N = 16 warm-up than in a JVM of its own (docs/performance.md).
        for (int n : sizes) {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PairedRankRatio.class.getName(),
                    "-child", Integer.toString(n)));
            Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (child.waitFor() != 0) {
                throw new IllegalStateException("the run for N = " + n + " failed:\n" + out);
            }
            out.lines().filter(l -> l.startsWith("| ")).forEach(System.out::println);
        }
    }

    static String run(int n, int pairs) throws OrtException {
        Mlp actor = new Mlp(RankBench.SPEC);
        actor.initialize(42);
        FusionSpace fusion = FusionSpace.defaults(RankBench.LAYOUT.tasks());
        RankBench.Inputs inputs = RankBench.Inputs.draw(n);
        float[] user = inputs.user();
        float[] context = inputs.context();
        float[] items = inputs.items();
        float[] mtl = inputs.mtl();
        long[] ids = inputs.ids();
        RankerOptions base = RankerOptions.defaults().withMaxCandidates(2048).withListLength(RankBench.LIST);
        Ranker.Model model = Ranker.Model.of(actor, RankBench.LAYOUT, fusion, "paired");
        Ranker ranker = Ranker.create(model, base.withOps(Backends.select("vector")));
        Ranker reference = Ranker.create(model, base.withOps(Backends.select("scalar")));
        RankRequest q = RankRequest.ofFlat(user, context, ids, items, mtl);
        RankResult res = new RankResult();
        RankResult want = reference.rank(q);
        ranker.rank(q, res);
        for (int i = 0; i < res.size(); i++) {
            if (Math.abs(res.score(i) - want.score(i)) > 1e-3f * (1 + Math.abs(want.score(i)))) {
                throw new IllegalStateException("N=" + n + " rank " + i + ": vector score " + res.score(i)
                        + " but scalar " + want.score(i) + "; refusing to time a wrong result");
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] exported = OnnxExporter.toBytes(actor, RankBench.LAYOUT, fusion);
        try (OrtSession session = env.createSession(exported, RankBench.ortOptions())) {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put(OnnxExporter.IN_USER, RankBench.tensor(env, user, 1, user.length));
            in.put(OnnxExporter.IN_CONTEXT, RankBench.tensor(env, context, 1, context.length));
            in.put(OnnxExporter.IN_ITEMS, RankBench.tensor(env, items, n, RankBench.LAYOUT.itemWidth()));
            in.put(OnnxExporter.IN_MTL, RankBench.tensor(env, mtl, n, RankBench.LAYOUT.tasks()));
            float[] scores = new float[n];
            int[] top = new int[RankBench.LIST];
            Runnable engine = () -> ranker.rank(q, res);
            Runnable ort = () -> {
                try (OrtSession.Result out = session.run(in)) {
                    ((OnnxTensor) out.get(OnnxExporter.OUT_SCORE).orElseThrow()).getFloatBuffer().get(scores, 0, n);
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
                TopK.select(n, scores, 0, ids, 0, RankBench.LIST, top, 0);
            };
            int calls = (int) Math.max(5, Math.min(2000, 4_000_000L / ((long) n * 1000)));
            for (int w = 0; w < 40; w++) { // warm-up: both JIT-compiled, ORT's arena grown
                batch(engine, calls);
                batch(ort, calls);
            }
            double[] te = new double[pairs];
            double[] to = new double[pairs];
            double[] ratio = new double[pairs];
            for (int s = 0; s < pairs; s++) {
                te[s] = batch(engine, calls);
                to[s] = batch(ort, calls);
                ratio[s] = to[s] / te[s];
            }
            in.values().forEach(OnnxTensor::close);
            Arrays.sort(te);
            Arrays.sort(to);
            Arrays.sort(ratio);
            return String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %.2f (%.2f-%.2f) |", n, te[0] / 1e3,
                    te[pairs / 2] / 1e3, to[0] / 1e3, to[pairs / 2] / 1e3, ratio[pairs / 2], ratio[pairs / 4],
                    ratio[3 * pairs / 4]);
        }
    }

    /** Nanoseconds per call over {@code calls} back-to-back calls. */
    private static double batch(Runnable r, int calls) {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            r.run();
        }
        return (System.nanoTime() - t0) / (double) calls;
    }
}
