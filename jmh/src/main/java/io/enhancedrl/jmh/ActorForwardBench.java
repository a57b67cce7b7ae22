package io.enhancedrl.jmh;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.model.MlpSpec;
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
 * The forward pass of the reference actor (149 -> 256 -> 128 -> 64 ReLU -> 10 tanh) as a chain of
 * linearForward calls over the spec's layers, parameters in one slab, activations in preallocated
 * buffers: what the model does per batch, without depending on the model classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ActorForwardBench {

    static final MlpSpec SPEC = MlpSpec.of(149, new int[]{256, 128, 64}, Activation.RELU, 10, Activation.TANH);

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"1", "16", "128", "512", "2048"})
    public int batch;

    private KernelOps ops;
    private float[] params;
    /** acts[l] is the input of layer l; acts[layerCount] the output. */
    private float[][] acts;

    @Setup
    public void setup() {
        ops = Kernels.byName(impl);
        params = new float[SPEC.parameterCount()];
        for (int l = 0; l < SPEC.layerCount(); l++) {
            int in = SPEC.layerInput(l);
            int out = SPEC.layerOutput(l);
            // He-like scale keeps activations O(1) through the ReLU layers, as a trained net would
            float[] wl = Kernels.random(10 + l, in * out, (float) Math.sqrt(6.0 / in));
            System.arraycopy(wl, 0, params, SPEC.weightOffset(l), wl.length);
            float[] bl = Kernels.random(20 + l, out, 0.1f);
            System.arraycopy(bl, 0, params, SPEC.biasOffset(l), bl.length);
        }
        acts = new float[SPEC.layerCount() + 1][];
        acts[0] = Kernels.random(1, batch * SPEC.inputWidth(), 1f);
        for (int l = 0; l < SPEC.layerCount(); l++) {
            acts[l + 1] = new float[batch * SPEC.layerOutput(l)];
        }
        float[] mine = forward().clone();
        KernelOps saved = ops;
        ops = ScalarKernelOps.INSTANCE;
        float[] ref = forward().clone();
        ops = saved;
        // each layer's error is a reduction over its input; the widest one bounds the whole chain
        Kernels.check(impl + " actor forward", ref, mine, ref.length, 256);
    }

    @Benchmark
    public float[] forward() {
        for (int l = 0; l < SPEC.layerCount(); l++) {
            ops.linearForward(batch, SPEC.layerInput(l), SPEC.layerOutput(l), acts[l], 0,
                    params, SPEC.weightOffset(l), params, SPEC.biasOffset(l), batch,
                    SPEC.layerActivation(l), acts[l + 1], 0);
        }
        return acts[SPEC.layerCount()];
    }
}
