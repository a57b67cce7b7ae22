package io.enhancedrl.jmh;

import io.enhancedrl.kernels.Activation;
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

/** One linear layer, 256 -> 256 with bias and ReLU: the GEMM kernel alone. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1) // the engine's JVM flags are appended by BenchMain, not declared here
public class LinearForwardBench {

    static final int IN = 256;
    static final int OUT = 256;

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"1", "16", "128", "512", "2048"})
    public int batch;

    private KernelOps ops;
    private float[] x;
    private float[] w;
    private float[] b;
    private float[] y;

    @Setup
    public void setup() {
        ops = Kernels.byName(impl);
        x = Kernels.random(1, batch * IN, 1f);
        w = Kernels.random(2, IN * OUT, 0.0625f);
        b = Kernels.random(3, OUT, 0.1f);
        y = new float[batch * OUT];
        float[] ref = new float[batch * OUT];
        ScalarKernelOps.INSTANCE.linearForward(batch, IN, OUT, x, 0, w, 0, b, 0, batch, Activation.RELU, ref, 0);
        forward();
        Kernels.check(impl + " linear forward", ref, y, ref.length, IN);
    }

    @Benchmark
    public float[] forward() {
        ops.linearForward(batch, IN, OUT, x, 0, w, 0, b, 0, batch, Activation.RELU, y, 0);
        return y;
    }
}
