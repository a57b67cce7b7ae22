package io.enhancedrl.jmh;

import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The element-wise ops: one Adam step over the actor's parameter slab and the fusion score of 512
 * candidates with 8 predictions each. Mainly here for {@code -prof gc} (allocation must be 0 B/op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmallOpsBench {

    static final int CANDIDATES = 512;
    static final int K = 8;

    @Param({"scalar", "vector"})
    public String impl;

    private KernelOps ops;
    private float[] params, grads, m, v;
    private float[] p, power, bias, score;
    private int step;

    @Setup
    public void setup() {
        ops = Kernels.byName(impl);
        int len = ActorForwardBench.SPEC.parameterCount();
        params = Kernels.random(1, len, 1f);
        grads = Kernels.random(2, len, 1f);
        m = new float[len];
        v = new float[len];
        p = Kernels.random(3, CANDIDATES * K, 0.49f);
        for (int i = 0; i < p.length; i++) {
            p[i] += 0.5f;
        }
        power = Kernels.random(4, CANDIDATES * K, 1f);
        bias = Kernels.random(5, CANDIDATES * K, 0.4f);
        for (int i = 0; i < bias.length; i++) {
            bias[i] += 0.5f;
        }
        score = new float[CANDIDATES];
        float[] ref = new float[CANDIDATES];
        ScalarKernelOps.INSTANCE.fusionScore(CANDIDATES, K, p, 0, power, 0, bias, 0, ref, 0);
        fusionScore();
        Kernels.check(impl + " fusion score", ref, score, CANDIDATES, K);
    }

    @Benchmark
    public float[] adam() {
        // the step only changes the bias correction; keep it bounded so the numbers stay finite
        step = step % 1000 + 1;
        ops.adamUpdate(params.length, params, 0, grads, 0, m, 0, v, 0, 1e-6f, 0.9f, 0.999f, 1e-8f, step);
        return params;
    }

    @Benchmark
    public float[] fusionScore() {
        ops.fusionScore(CANDIDATES, K, p, 0, power, 0, bias, 0, score, 0);
        return score;
    }

}
