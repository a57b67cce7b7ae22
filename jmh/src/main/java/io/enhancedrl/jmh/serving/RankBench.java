package io.enhancedrl.jmh.serving;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.api.RankerOptions;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.ParityRule;
import io.enhancedrl.kernels.cpu.TopK;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.model.fusion.FusionSpace;
import io.enhancedrl.onnx.OnnxExporter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One serving request end to end: {@link Ranker#rank(RankRequest, RankResult)} (validation, split-first-layer
 * actor, fusion, top-5) for the paper-scale actor 149-256-128-64-10 (d_u 48 + d_c 12 = 60 shared columns,
 * d_i 84 + K 5 = 89 per candidate), paired in the same run with ONNX Runtime (CPU, one intra-op thread)
 * running the exported policy on the same inputs plus the same top-5 selection on its scores, and with the
 * scalar reference backend. Every impl is checked against the scalar Ranker in the trial's setup.
 *
 * <p>{@code one} runs on 1 thread, {@code two} on 2 threads sharing one Ranker / one ORT session.
 * Run with {@link ServingBenchMain} (it prints p50/p99 and throughput ratios vs ORT).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RankBench {

    public static final FeatureLayout LAYOUT = new FeatureLayout(48, 12, 84, 5);
    public static final MlpSpec SPEC = MlpSpec.of(LAYOUT.stateWidth(), new int[] {256, 128, 64}, Activation.RELU,
            LAYOUT.actionWidth(), Activation.TANH);
    public static final int LIST = 5;

    @Param({"vector", "scalar", "ort"})
    public String impl;

    @Param({"16", "128", "512", "2048"})
    public int n;

    Ranker ranker;
    OrtEnvironment env;
    OrtSession session;
    float[] user;
    float[] context;
    float[] items;
    float[] mtl;
    long[] ids;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Mlp actor = new Mlp(SPEC);
        actor.initialize(42);
        FusionSpace fusion = FusionSpace.defaults(LAYOUT.tasks());
        Inputs in = Inputs.draw(n);
        user = in.user();
        context = in.context();
        items = in.items();
        mtl = in.mtl();
        ids = in.ids();
        RankerOptions base = RankerOptions.defaults().withMaxCandidates(2048).withListLength(LIST);
        Ranker.Model model = Ranker.Model.of(actor, LAYOUT, fusion, "bench");
        Ranker reference = Ranker.create(model, base.withOps(Backends.select("scalar")));
        RankResult expected = reference.rank(RankRequest.ofFlat(user, context, ids, items, mtl));
        float[] got;
        if (impl.equals("ort")) {
            env = OrtEnvironment.getEnvironment();
            session = env.createSession(OnnxExporter.toBytes(actor, LAYOUT, fusion), ortOptions());
            Caller c = new Caller();
            c.setup(this);
            c.ort(this);
            got = new float[LIST];
            for (int i = 0; i < LIST; i++) {
                got[i] = c.scores[c.top[i]];
            }
            // ORT's ids must equal the reference's unless scores tie within the tolerance
            for (int i = 0; i < LIST; i++) {
                if (ids[c.top[i]] != expected.id(i) && Math.abs(got[i] - expected.score(i)) > 1e-4) {
                    throw new IllegalStateException("ort rank " + i + ": id " + ids[c.top[i]] + " but the engine has "
                            + expected.id(i));
                }
            }
            c.close();
        } else {
            ranker = Ranker.create(model, base.withOps(Backends.select(impl)));
            RankResult res = ranker.rank(RankRequest.ofFlat(user, context, ids, items, mtl));
            got = res.scores();
        }
        float[] want = expected.scores();
        ParityRule rule = ParityRule.FP32.forReduction(256); // the widest layer's sums
        for (int i = 0; i < LIST; i++) {
            if (!rule.accepts(want[i], got[i])) {
                throw new IllegalStateException(impl + " N=" + n + " rank " + i + ": score " + got[i]
                        + " but the scalar engine has " + want[i] + "; the benchmark would time a wrong result");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (session != null) {
            session.close();
        }
    }

    /** Per-thread request, result and (for ORT) input tensors over direct buffers, built once. */
    @State(Scope.Thread)
    public static class Caller {
        RankRequest request;
        RankResult result;
        Map<String, OnnxTensor> inputs;
        float[] scores;
        int[] top;

        @Setup(Level.Trial)
        public void setup(RankBench b) throws OrtException {
            request = RankRequest.ofFlat(b.user, b.context, b.ids, b.items, b.mtl);
            result = new RankResult();
            scores = new float[b.n];
            top = new int[LIST];
            if (b.env != null) {
                inputs = new HashMap<>();
                inputs.put(OnnxExporter.IN_USER, tensor(b.env, b.user, 1, LAYOUT.userWidth()));
                inputs.put(OnnxExporter.IN_CONTEXT, tensor(b.env, b.context, 1, LAYOUT.contextWidth()));
                inputs.put(OnnxExporter.IN_ITEMS, tensor(b.env, b.items, b.n, LAYOUT.itemWidth()));
                inputs.put(OnnxExporter.IN_MTL, tensor(b.env, b.mtl, b.n, LAYOUT.tasks()));
            }
        }

        /** ORT's run plus the same top-5 selection rank() does; returns the best index. */
        int ort(RankBench b) throws OrtException {
            try (OrtSession.Result out = b.session.run(inputs)) {
                FloatBuffer s = ((OnnxTensor) out.get(OnnxExporter.OUT_SCORE).orElseThrow()).getFloatBuffer();
                s.get(scores, 0, b.n);
            }
            TopK.select(b.n, scores, 0, b.ids, 0, LIST, top, 0);
            return top[0];
        }

        @TearDown(Level.Trial)
        public void close() {
            if (inputs != null) {
                inputs.values().forEach(OnnxTensor::close);
                inputs = null;
            }
        }
    }

    private Object call(Caller c) throws OrtException {
        if (session != null) {
            return c.ort(this);
        }
        return ranker.rank(c.request, c.result);
    }

    @Benchmark
    @Threads(1)
    public Object one(Caller c) throws OrtException {
        return call(c);
    }

    @Benchmark
    @Threads(2)
    public Object two(Caller c) throws OrtException {
        return call(c);
    }

    /** One request's inputs for n candidates, drawn from seed n (what every trial of N = n ranks). */
    record Inputs(float[] user, float[] context, float[] items, float[] mtl, long[] ids) {
        static Inputs draw(int n) {
            SplittableRandom r = new SplittableRandom(n);
            float[] user = gaussian(r, LAYOUT.userWidth());
            float[] context = gaussian(r, LAYOUT.contextWidth());
            float[] items = gaussian(r, n * LAYOUT.itemWidth());
            float[] mtl = new float[n * LAYOUT.tasks()];
            for (int i = 0; i < mtl.length; i++) {
                mtl[i] = (float) r.nextDouble(0.001, 0.999);
            }
            long[] ids = new long[n];
            for (int j = 0; j < n; j++) {
                ids[j] = 10_000 + r.nextInt(1 << 30);
            }
            return new Inputs(user, context, items, mtl, ids);
        }
    }

    /** ONNX Runtime's settings for one request on one core, like rank(): one intra- and one inter-op thread. */
    static OrtSession.SessionOptions ortOptions() throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(1);
        so.setInterOpNumThreads(1);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return so;
    }

    /** A [rows][cols] tensor over a direct buffer holding a copy of data. */
    static OnnxTensor tensor(OrtEnvironment env, float[] data, long rows, long cols) throws OrtException {
        FloatBuffer fb = ByteBuffer.allocateDirect(data.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        fb.put(data).flip();
        return OnnxTensor.createTensor(env, fb, new long[] {rows, cols});
    }

    private static float[] gaussian(SplittableRandom r, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
