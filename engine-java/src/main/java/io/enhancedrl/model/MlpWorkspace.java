package io.enhancedrl.model;

/**
 * Per-thread buffers of one {@link Mlp} for batches of up to {@link #maxRows()} rows: every layer's output
 * (kept by the forward pass for the backward pass), two gradient buffers the backward pass alternates
 * between, and the per-prefix scratch of {@link Mlp#forwardSplit}. Allocated once, so that forward and
 * backward allocate nothing.
 *
 * <p>Layer outputs of a batch of n rows are stored [n][out_l] from offset 0 (row stride out_l, not maxRows).
 * Not thread-safe: give each thread its own workspace. One workspace serves any {@link Mlp} of the same spec.
 */
public final class MlpWorkspace {

    private final MlpSpec spec;
    private final int maxRows;
    private final float[][] layerOutputs;
    /** Gradient ping-pong buffers [maxRows][maxWidth]: dx of layer l is dy of layer l-1. */
    final float[] gradA;
    final float[] gradB;
    /** forwardSplit: prefix . W1[0:prefixWidth] + b1, one row per prefix row, [maxRows][hidden1]. */
    final float[] prefixScratch;

    /**
     * @param spec the architecture the workspace serves
     * @param maxRows the largest batch (&gt;= 1)
     */
    public MlpWorkspace(MlpSpec spec, int maxRows) {
        if (spec == null) {
            throw new NullPointerException("spec: expected an MlpSpec but was null");
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows: expected >= 1 but was " + maxRows);
        }
        long largest = (long) maxRows * spec.maxWidth();
        if (largest > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxRows: " + maxRows + " rows of width " + spec.maxWidth()
                    + " exceed the largest Java array");
        }
        this.spec = spec;
        this.maxRows = maxRows;
        this.layerOutputs = new float[spec.layerCount()][];
        for (int l = 0; l < spec.layerCount(); l++) {
            layerOutputs[l] = new float[maxRows * spec.layerOutput(l)];
        }
        this.gradA = new float[maxRows * spec.maxWidth()];
        this.gradB = new float[maxRows * spec.maxWidth()];
        this.prefixScratch = new float[maxRows * spec.layerOutput(0)];
    }

    public MlpSpec spec() {
        return spec;
    }

    public int maxRows() {
        return maxRows;
    }

    /** The last layer's output of the latest forward pass, [n][outputWidth] at offset 0. */
    public float[] output() {
        return layerOutputs[layerOutputs.length - 1];
    }

    /** Layer {@code layer}'s output (after its activation) of the latest forward pass, [n][out_layer] at offset 0. */
    public float[] layerOutput(int layer) {
        if (layer < 0 || layer >= layerOutputs.length) {
            throw new IndexOutOfBoundsException("layer: expected 0.." + (layerOutputs.length - 1) + " but was " + layer);
        }
        return layerOutputs[layer];
    }
}
