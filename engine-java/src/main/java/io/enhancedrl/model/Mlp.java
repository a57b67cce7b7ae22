package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;

import java.util.SplittableRandom;

/**
 * A multi-layer perceptron whose parameters live in one slab (layer l: W_l [in][out] then b_l [out], see
 * {@link MlpSpec}); forward, backward and the split first layer run on any {@link KernelOps}.
 *
 * <p>Thread safety: forward passes only read the parameters, so one instance may serve many threads at
 * once, each with its own {@link MlpWorkspace}, as long as nobody writes the parameters meanwhile (training
 * or {@link #copyFrom}); serving swaps whole instances instead of writing into a shared one.
 */
public final class Mlp {

    private final MlpSpec spec;
    private final float[] params;

    public Mlp(MlpSpec spec) {
        this.spec = spec;
        this.params = new float[spec.parameterCount()];
    }

    /** Wraps an existing slab (e.g. read from a model file); the array is used, not copied. */
    public Mlp(MlpSpec spec, float[] params) {
        if (params.length != spec.parameterCount()) {
            throw new IllegalArgumentException("params: expected length " + spec.parameterCount() + " for " + spec
                    + " but was " + params.length);
        }
        this.spec = spec;
        this.params = params;
    }

    public MlpSpec spec() {
        return spec;
    }

    public float[] params() {
        return params;
    }

    /**
     * He-uniform weights for ReLU layers, Xavier-uniform for tanh and identity layers, zero biases;
     * deterministic for a seed.
     */
    public void initialize(long seed) {
        initialize(spec, params, 0, new SplittableRandom(seed));
    }

    static void initialize(MlpSpec spec, float[] slab, int off, SplittableRandom rng) {
        for (int l = 0; l < spec.layerCount(); l++) {
            int in = spec.layerInput(l);
            int out = spec.layerOutput(l);
            double limit = spec.layerActivation(l) == Activation.RELU
                    ? Math.sqrt(6.0 / in)
                    : Math.sqrt(6.0 / (in + out));
            int w = off + spec.weightOffset(l);
            for (int i = 0; i < in * out; i++) {
                slab[w + i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
            }
            int b = off + spec.biasOffset(l);
            java.util.Arrays.fill(slab, b, b + out, 0f);
        }
    }

    public void copyFrom(Mlp other) {
        requireSameSpec(other.spec);
        System.arraycopy(other.params, 0, params, 0, params.length);
    }

    /** this = tau * online + (1 - tau) * this. */
    public void polyakUpdate(Mlp online, float tau) {
        requireSameSpec(online.spec);
        polyak(params, online.params, params.length, tau);
    }

    static void polyak(float[] target, float[] online, int len, float tau) {
        float keep = 1f - tau;
        for (int i = 0; i < len; i++) {
            target[i] = keep * target[i] + tau * online[i];
        }
    }

    private void requireSameSpec(MlpSpec other) {
        if (!spec.equals(other)) {
            throw new IllegalArgumentException("network: expected architecture " + spec + " but was " + other);
        }
    }

    /** Forward over n rows of x [n][inputWidth] at xOff; every layer's output goes into ws. */
    public void forward(KernelOps ops, int n, float[] x, int xOff, MlpWorkspace ws) {
        checkRows(n, ws);
        checkArray("x", x, xOff, (long) n * spec.inputWidth());
        float[] in = x;
        int inOff = xOff;
        for (int l = 0; l < spec.layerCount(); l++) {
            ops.linearForward(n, spec.layerInput(l), spec.layerOutput(l), in, inOff, params, spec.weightOffset(l),
                    params, spec.biasOffset(l), Math.max(1, n), spec.layerActivation(l), ws.outputs[l], 0);
            in = ws.outputs[l];
            inOff = 0;
        }
    }

    /**
     * Forward with the first layer split (spec section 7): input row i is
     * [prefix[i / rowsPerPrefix] ; rows[i]]. The prefix part of the first layer (prefix . W1[0:p] + b1) is
     * computed once per prefix row and broadcast as the bias of the remaining product, which saves
     * p / inputWidth of the first layer's work when many rows share a prefix (the candidates of a request).
     */
    public void forwardSplit(KernelOps ops, int n, int prefixWidth, float[] prefix, int prefixOff, int rowsPerPrefix,
                             float[] rows, int rowsOff, MlpWorkspace ws) {
        checkRows(n, ws);
        if (prefixWidth < 0 || prefixWidth > spec.inputWidth()) {
            throw new IllegalArgumentException("prefixWidth: expected 0.." + spec.inputWidth() + " but was " + prefixWidth);
        }
        if (rowsPerPrefix < 1) {
            throw new IllegalArgumentException("rowsPerPrefix: expected >= 1 but was " + rowsPerPrefix);
        }
        int prefixRows = n == 0 ? 0 : (n + rowsPerPrefix - 1) / rowsPerPrefix;
        int rest = spec.inputWidth() - prefixWidth;
        checkArray("prefix", prefix, prefixOff, (long) prefixRows * prefixWidth);
        checkArray("rows", rows, rowsOff, (long) n * rest);
        int h = spec.layerOutput(0);
        int w1 = spec.weightOffset(0);
        ops.linearForward(prefixRows, prefixWidth, h, prefix, prefixOff, params, w1, params, spec.biasOffset(0),
                Math.max(1, prefixRows), Activation.IDENTITY, ws.prefixBias, 0);
        ops.linearForward(n, rest, h, rows, rowsOff, params, w1 + prefixWidth * h, ws.prefixBias, 0, rowsPerPrefix,
                spec.layerActivation(0), ws.outputs[0], 0);
        for (int l = 1; l < spec.layerCount(); l++) {
            ops.linearForward(n, spec.layerInput(l), spec.layerOutput(l), ws.outputs[l - 1], 0, params,
                    spec.weightOffset(l), params, spec.biasOffset(l), Math.max(1, n), spec.layerActivation(l),
                    ws.outputs[l], 0);
        }
    }

    /**
     * Backward after {@link #forward} on the same x and ws. dOut [n][outputWidth] is used as scratch.
     * Parameter gradients go into grads (same layout as params; overwritten unless accumulate), and
     * d/dx into dx [n][inputWidth] when dx is not null.
     */
    public void backward(KernelOps ops, int n, float[] x, int xOff, MlpWorkspace ws, float[] dOut, int dOutOff,
                         float[] grads, boolean accumulate, float[] dx, int dxOff) {
        checkRows(n, ws);
        checkArray("x", x, xOff, (long) n * spec.inputWidth());
        checkArray("dOut", dOut, dOutOff, (long) n * spec.outputWidth());
        checkArray("grads", grads, 0, params.length);
        if (dx != null) {
            checkArray("dx", dx, dxOff, (long) n * spec.inputWidth());
        }
        backwardInto(ops, spec, params, 0, n, x, xOff, ws.outputs, dOut, dOutOff, grads, 0, accumulate, dx, dxOff,
                ws.gradA, ws.gradB, 0);
    }

    /**
     * The backward pass over layers [firstLayer, last] of a network whose parameters start at pOff.
     * Layer firstLayer's input is x (for firstLayer 0) or outputs[firstLayer - 1]; its dx goes to dx.
     */
    static void backwardInto(KernelOps ops, MlpSpec spec, float[] params, int pOff, int n, float[] x, int xOff,
                             float[][] outputs, float[] dOut, int dOutOff, float[] grads, int gOff, boolean accumulate,
                             float[] dx, int dxOff, float[] gradA, float[] gradB, int firstLayer) {
        float[] dy = dOut;
        int dyOff = dOutOff;
        float[] next = gradA;
        for (int l = spec.layerCount() - 1; l >= firstLayer; l--) {
            boolean bottom = l == firstLayer;
            float[] in = l == 0 ? x : outputs[l - 1];
            int inOff = l == 0 ? xOff : 0;
            float[] dxTarget = bottom ? dx : next;
            int dxTargetOff = bottom ? dxOff : 0;
            ops.linearBackward(n, spec.layerInput(l), spec.layerOutput(l), in, inOff, params, pOff + spec.weightOffset(l),
                    outputs[l], 0, dy, dyOff, spec.layerActivation(l), dxTarget, dxTargetOff,
                    grads, gOff + spec.weightOffset(l), grads, gOff + spec.biasOffset(l), accumulate);
            if (!bottom) {
                dy = next;
                dyOff = 0;
                next = next == gradA ? gradB : gradA;
            }
        }
    }

    private void checkRows(int n, MlpWorkspace ws) {
        if (!ws.spec().equals(spec)) {
            throw new IllegalArgumentException("workspace: expected one made for " + spec + " but it was made for "
                    + ws.spec());
        }
        if (n < 0 || n > ws.maxRows()) {
            throw new IllegalArgumentException("n: expected 0.." + ws.maxRows() + " (workspace rows) but was " + n);
        }
    }

    static void checkArray(String name, float[] a, int off, long needed) {
        if (a == null) {
            throw new IllegalArgumentException(name + ": expected an array but was null");
        }
        if (off < 0 || off + needed > a.length) {
            throw new IllegalArgumentException(name + ": expected at least " + needed + " floats from offset " + off
                    + " but the array has length " + a.length);
        }
    }
}
