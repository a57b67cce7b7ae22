package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.SplitForwardPlan;

/**
 * A multi-layer perceptron whose parameters live in one slab ({@link #params()}, layout of
 * {@link MlpSpec}: per layer W[in][out] then b[out]); layers are views by offset
 * ({@link MlpSpec#weightOffset}, {@link MlpSpec#biasOffset}). Gradients use the same layout, so the optimizer
 * and the model files treat parameters, gradients and moments as flat arrays.
 *
 * <p>Forward and backward run on a caller-supplied {@link KernelOps} and {@link MlpWorkspace} and allocate
 * nothing. The model itself holds only the parameters: several threads may run {@link #forward} at the same
 * time, each with its own workspace, as long as nobody writes the parameters meanwhile.
 */
public final class Mlp {

    private final MlpSpec spec;
    private final float[] params;
    /** The last plan made by {@link #splitPlan} (immutable; a benign race at worst makes it twice). */
    private volatile SplitForwardPlan lastPlan;

    /** A model with all parameters zero; call {@link #initialize(long)} or load a slab into {@link #params()}. */
    public Mlp(MlpSpec spec) {
        if (spec == null) {
            throw new NullPointerException("spec: expected an MlpSpec but was null");
        }
        this.spec = spec;
        this.params = new float[spec.parameterCount()];
    }

    public MlpSpec spec() {
        return spec;
    }

    /** The parameter slab itself (not a copy), length {@link MlpSpec#parameterCount()}. */
    public float[] params() {
        return params;
    }

    /**
     * Deterministic initialisation from a seed: He-uniform weights for ReLU layers, Xavier-uniform for tanh
     * and identity layers, zero biases (the exact rule and random stream are documented in
     * {@code Initializers}).
     */
    public void initialize(long seed) {
        Initializers.initialize(spec, seed, params, 0);
    }

    /** Copies every parameter of {@code other}, which must have the same spec. */
    public void copyFrom(Mlp other) {
        if (other == null) {
            throw new NullPointerException("other: expected an Mlp but was null");
        }
        Checks.sameSpec("other", spec, other.spec);
        System.arraycopy(other.params, 0, params, 0, params.length);
    }

    /**
     * Polyak averaging for target networks: {@code this = tau * online + (1 - tau) * this}, element-wise.
     *
     * @param tau in [0, 1]; 1 copies, 0 keeps
     */
    public void polyakUpdate(Mlp online, float tau) {
        if (online == null) {
            throw new NullPointerException("online: expected an Mlp but was null");
        }
        Checks.sameSpec("online", spec, online.spec);
        Checks.tau(tau);
        polyak(online.params, params, params.length, tau);
    }

    static void polyak(float[] online, float[] target, int len, float tau) {
        float keep = 1f - tau;
        for (int i = 0; i < len; i++) {
            target[i] = tau * online[i] + keep * target[i];
        }
    }

    /**
     * Forward pass over n rows of {@code x} ([n][inputWidth] at xOff). Every layer's output is written into
     * {@code ws} ({@link MlpWorkspace#layerOutput}); the result is {@link MlpWorkspace#output()}, [n][outputWidth].
     */
    public void forward(KernelOps ops, int n, float[] x, int xOff, MlpWorkspace ws) {
        checkCommon(ops, n, ws);
        Checks.block("x", x, xOff, (long) n * spec.inputWidth());
        int rowsPerBias = Math.max(1, n);
        ops.linearForward(n, spec.inputWidth(), spec.layerOutput(0), x, xOff,
                params, spec.weightOffset(0), params, spec.biasOffset(0), rowsPerBias,
                spec.layerActivation(0), ws.layerOutput(0), 0);
        forwardFromLayer1(ops, n, null, 0, ws);
    }

    /**
     * Layers 1.. of the forward pass over {@code rows} rows, reading layer 0's output from row 0 of its buffer;
     * hidden layers write from row 0, the last layer from row {@code lastRow}. {@code packed} as in
     * {@link #forwardSplit(KernelOps, int, int, float[], int, int, float[], int, MlpWorkspace, float[][])}, or null.
     */
    private void forwardFromLayer1(KernelOps ops, int rows, float[][] packed, int lastRow, MlpWorkspace ws) {
        int last = spec.layerCount() - 1;
        for (int l = 1; l <= last; l++) {
            ops.linearForwardPacked(rows, spec.layerInput(l), spec.layerOutput(l), ws.layerOutput(l - 1), 0,
                    params, spec.weightOffset(l), packed == null ? null : packed[l + 1], params, spec.biasOffset(l),
                    Math.max(1, rows), spec.layerActivation(l), ws.layerOutput(l),
                    l == last ? lastRow * spec.layerOutput(l) : 0);
        }
    }

    /**
     * Forward pass with the first layer split into a shared prefix and per-row features, for scoring many
     * candidates of one request: input row i is {@code [prefix[i / rowsPerPrefix]; rows[i]]}. The prefix part
     * {@code prefix . W1[0:prefixWidth] + b1} is computed once per prefix row and enters the product of the
     * remaining columns with {@code W1[prefixWidth:]} as its bias rows, which saves prefixWidth / inputWidth
     * of the first layer's work when rowsPerPrefix is large. Equal to {@link #forward} on the concatenated rows
     * up to float summation order. Inference only: {@link #backward} needs the concatenated input.
     *
     * @param prefixWidth columns taken from the prefix, 1..inputWidth-1
     * @param prefix prefix rows [ceil(n / rowsPerPrefix)][prefixWidth] at prefixOff
     * @param rowsPerPrefix consecutive rows sharing one prefix row (&gt;= 1)
     * @param rows per-row features [n][inputWidth - prefixWidth] at rowsOff
     */
    public void forwardSplit(KernelOps ops, int n, int prefixWidth, float[] prefix, int prefixOff, int rowsPerPrefix,
                             float[] rows, int rowsOff, MlpWorkspace ws) {
        forwardSplit(ops, n, prefixWidth, prefix, prefixOff, rowsPerPrefix, rows, rowsOff, ws, null);
    }

    /**
     * The weights of {@link #forwardSplit} packed by the backend ({@link KernelOps#packWeights}): entry 0 is
     * layer 0's prefix rows (W1[0:prefixWidth]), entry 1 its per-row rows (W1[prefixWidth:]), entry l + 1 layer
     * l for l &gt;= 1; null entries where the backend does not pack, and null overall when it packs none. Valid
     * while the parameters do not change: for serving a policy whose weights are fixed, as
     * {@link io.enhancedrl.api.Ranker.Model} does.
     */
    public float[][] packForSplit(KernelOps ops, int prefixWidth) {
        checkPrefixWidth(prefixWidth);
        int layers = spec.layerCount();
        int h1 = spec.layerOutput(0);
        float[][] packed = new float[layers + 1][];
        packed[0] = ops.packWeights(prefixWidth, h1, params, spec.weightOffset(0));
        boolean any = packed[0] != null;
        for (int l = 0; l < layers; l++) {
            int skip = l == 0 ? prefixWidth : 0;
            packed[l + 1] = ops.packWeights(spec.layerInput(l) - skip, spec.layerOutput(l), params,
                    spec.weightOffset(l) + skip * spec.layerOutput(l));
            any |= packed[l + 1] != null;
        }
        return any ? packed : null;
    }

    /**
     * {@link #forwardSplit} with the weights pre-packed by {@link #packForSplit} for the same ops and prefixWidth
     * (or null: pack nothing). Same output to the bit. With packed weights the rows go through all layers in
     * blocks of {@link KernelOps#forwardRowBlock} rows (whole prefix groups), so that each layer's output is still
     * in cache when the next layer reads it, and only {@link MlpWorkspace#output()} holds every row afterwards:
     * the hidden layers' buffers serve as per-block scratch (inference needs no more).
     */
    public void forwardSplit(KernelOps ops, int n, int prefixWidth, float[] prefix, int prefixOff, int rowsPerPrefix,
                             float[] rows, int rowsOff, MlpWorkspace ws, float[][] packed) {
        checkCommon(ops, n, ws);
        if (packed != null && packed.length != spec.layerCount() + 1) {
            throw new IllegalArgumentException("packed: expected " + (spec.layerCount() + 1) + " entries (from"
                    + " packForSplit: the prefix part, then one per layer) but was " + packed.length);
        }
        int in = spec.inputWidth();
        checkPrefixWidth(prefixWidth);
        if (rowsPerPrefix < 1) {
            throw new IllegalArgumentException("rowsPerPrefix: expected >= 1 but was " + rowsPerPrefix);
        }
        int prefixRows = (n + rowsPerPrefix - 1) / rowsPerPrefix;
        int rowWidth = in - prefixWidth;
        Checks.block("prefix", prefix, prefixOff, (long) prefixRows * prefixWidth);
        Checks.block("rows", rows, rowsOff, (long) n * rowWidth);
        // A device runs the whole pass in one call when its weights are resident: one upload, one download.
        if (packed != null && ops.isDevice() && n > 0
                && ops.forwardSplitResident(splitPlan(prefixWidth, packed), n, prefix, prefixOff, rowsPerPrefix, rows,
                rowsOff, ws.output(), 0)) {
            return;
        }
        int h1 = spec.layerOutput(0);
        int w1 = spec.weightOffset(0);
        // Prefix part, pre-activation: [prefixRows][h1] = prefix . W1[0:prefixWidth] + b1 (b1 shared by all).
        ops.linearForwardPacked(prefixRows, prefixWidth, h1, prefix, prefixOff, params, w1, packed == null ? null
                : packed[0], params, spec.biasOffset(0), Math.max(1, prefixRows), Activation.IDENTITY, ws.prefixScratch, 0);
        // Per-row part (W1's rows prefixWidth.. start prefixWidth * h1 floats after W1), in blocks of rows through
        // all layers when the weights are packed: blocks of lcm(backend hint, prefix group) rows, whole prefix groups
        // (block rows i0.. take their prefix rows from i0 / rowsPerPrefix on; any block will do when all rows
        // share one prefix row) and a multiple of the hint, so that no block but the last leaves rows to the
        // backend's slower single-row path. Unpacked, one block of all rows.
        int block = Math.max(n, 1);
        if (packed != null) {
            long group = rowsPerPrefix >= n ? 1 : rowsPerPrefix;
            long hint = Math.max(1, ops.forwardRowBlock());
            long lcm = hint / gcd(hint, group) * group;
            block = lcm >= n ? block : (int) lcm;
        }
        // Only the last layer is kept for every row; hidden layers reuse rows [0, block) of their buffers, so a
        // block's activations stay in cache (writing them for all rows evicted the packed weights from L2: at
        // N = 2048 that was 3.75 MB per request).
        int last = spec.layerCount() - 1;
        for (int i0 = 0; i0 < n; i0 += block) {
            int blockRows = Math.min(block, n - i0);
            ops.linearForwardPacked(blockRows, rowWidth, h1, rows, rowsOff + i0 * rowWidth, params,
                    w1 + prefixWidth * h1, packed == null ? null : packed[1], ws.prefixScratch,
                    i0 / rowsPerPrefix * h1, rowsPerPrefix, spec.layerActivation(0), ws.layerOutput(0),
                    last == 0 ? i0 * h1 : 0);
            forwardFromLayer1(ops, blockRows, packed, i0, ws);
        }
    }

    /**
     * This MLP's split forward as a {@link SplitForwardPlan} over its parameters and the weights packed by
     * {@link #packForSplit} (for {@link KernelOps#forwardSplitResident}); the last plan is kept, so asking again
     * with the same prefixWidth and packed allocates nothing.
     */
    public SplitForwardPlan splitPlan(int prefixWidth, float[][] packed) {
        SplitForwardPlan p = lastPlan;
        if (p != null && p.prefixWidth() == prefixWidth && p.packed() == packed) {
            return p;
        }
        checkPrefixWidth(prefixWidth);
        int layers = spec.layerCount();
        int[] inputs = new int[layers], outputs = new int[layers], w = new int[layers], b = new int[layers];
        Activation[] acts = new Activation[layers];
        for (int l = 0; l < layers; l++) {
            inputs[l] = spec.layerInput(l);
            outputs[l] = spec.layerOutput(l);
            w[l] = spec.weightOffset(l);
            b[l] = spec.biasOffset(l);
            acts[l] = spec.layerActivation(l);
        }
        p = new SplitForwardPlan(params, prefixWidth, inputs, outputs, w, b, acts,
                packed == null ? new float[layers + 1][] : packed);
        lastPlan = p;
        return p;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private void checkPrefixWidth(int prefixWidth) {
        int in = spec.inputWidth();
        if (prefixWidth < 1 || prefixWidth >= in) {
            throw new IllegalArgumentException("prefixWidth: expected 1.." + (in - 1) + " (inputWidth " + in
                    + " minus at least one per-row column) but was " + prefixWidth);
        }
    }

    /**
     * Backward pass after {@link #forward} on the same {@code x} and {@code ws}, for an upstream gradient
     * {@code dOut} = dL/d(output), [n][outputWidth] at dOutOff (overwritten: used as scratch).
     *
     * @param grads receives dL/d(params), same layout as {@link #params()}; length parameterCount
     * @param accumulate true adds to {@code grads}, false overwrites them
     * @param dx receives dL/dx [n][inputWidth] at dxOff (overwritten), or null when not needed
     */
    public void backward(KernelOps ops, int n, float[] x, int xOff, MlpWorkspace ws, float[] dOut, int dOutOff,
                         float[] grads, boolean accumulate, float[] dx, int dxOff) {
        checkCommon(ops, n, ws);
        Checks.block("x", x, xOff, (long) n * spec.inputWidth());
        Checks.block("dOut", dOut, dOutOff, (long) n * spec.outputWidth());
        Checks.exactLength("grads", grads, params.length);
        if (dx != null) {
            Checks.block("dx", dx, dxOff, (long) n * spec.inputWidth());
        }
        float[] dy = dOut;
        int dyOff = dOutOff;
        for (int l = spec.layerCount() - 1; l >= 0; l--) {
            float[] layerIn = l == 0 ? x : ws.layerOutput(l - 1);
            int layerInOff = l == 0 ? xOff : 0;
            // dx of layer l is dy of layer l-1; alternate buffers so that it never overlaps the dy being read.
            float[] dIn = l == 0 ? dx : (dy == ws.gradA ? ws.gradB : ws.gradA);
            int dInOff = l == 0 ? dxOff : 0;
            ops.linearBackward(n, spec.layerInput(l), spec.layerOutput(l), layerIn, layerInOff,
                    params, spec.weightOffset(l), ws.layerOutput(l), 0, dy, dyOff, spec.layerActivation(l),
                    dIn, dInOff, grads, spec.weightOffset(l), grads, spec.biasOffset(l), accumulate);
            dy = dIn;
            dyOff = 0;
        }
    }

    private void checkCommon(KernelOps ops, int n, MlpWorkspace ws) {
        if (ops == null) {
            throw new NullPointerException("ops: expected a KernelOps but was null");
        }
        if (ws == null) {
            throw new NullPointerException("ws: expected an MlpWorkspace but was null");
        }
        Checks.sameSpec("ws", spec, ws.spec());
        Checks.rows(n, ws.maxRows());
    }

    @Override
    public String toString() {
        return "Mlp[" + spec + ", " + params.length + " params]";
    }
}
