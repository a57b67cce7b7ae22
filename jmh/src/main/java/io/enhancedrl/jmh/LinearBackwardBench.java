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

/**
 * Backward of one 256 -> 256 ReLU layer (dz, dW, db, dx) at a training batch. The activation derivative
 * is applied to dy in place, so each call first restores dy from a copy (n*out floats, small next to the
 * two GEMMs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LinearBackwardBench {

    static final int IN = 256;
    static final int OUT = 256;

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"512"})
    public int batch;

    private KernelOps ops;
    private float[] x, w, y, dy0, dy, dx, dw, db;

    @Setup
    public void setup() {
        ops = Kernels.byName(impl);
        x = Kernels.random(1, batch * IN, 1f);
        w = Kernels.random(2, IN * OUT, 0.0625f);
        y = Kernels.random(3, batch * OUT, 1f);
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.max(0f, y[i]);
        }
        dy0 = Kernels.random(4, batch * OUT, 1f);
        dy = new float[dy0.length];
        dx = new float[batch * IN];
        dw = new float[IN * OUT];
        db = new float[OUT];
        backward();
        float[] rdy = dy0.clone();
        float[] rdx = new float[dx.length];
        float[] rdw = new float[dw.length];
        float[] rdb = new float[db.length];
        ScalarKernelOps.INSTANCE.linearBackward(batch, IN, OUT, x, 0, w, 0, y, 0, rdy, 0, Activation.RELU,
                rdx, 0, rdw, 0, rdb, 0, false);
        Kernels.check(impl + " dW", rdw, dw, dw.length, batch);
        Kernels.check(impl + " db", rdb, db, db.length, batch);
        Kernels.check(impl + " dx", rdx, dx, dx.length, OUT);
    }

    @Benchmark
    public float[] backward() {
        System.arraycopy(dy0, 0, dy, 0, dy.length);
        ops.linearBackward(batch, IN, OUT, x, 0, w, 0, y, 0, dy, 0, Activation.RELU, dx, 0, dw, 0, db, 0, false);
        return dw;
    }
}
