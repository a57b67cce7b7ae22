package io.enhancedrl.model;

/**
 * Per-thread buffers of one {@link Mlp} for batches of up to {@link #maxRows()} rows: every layer's output
 * (kept for the backward pass) and scratch for gradients and the split first layer. Allocated once; a
 * forward or backward pass allocates nothing. Not thread-safe: one workspace per thread.
 */
public final class MlpWorkspace {

    private final MlpSpec spec;
    private final int maxRows;
    final float[][] outputs;   // [layer][maxRows * out_l]
    final float[] gradA;       // [maxRows * maxWidth] ping
    final float[] gradB;       // [maxRows * maxWidth] pong
    final float[] prefixBias;  // [maxRows * out_0] split first layer

    public MlpWorkspace(MlpSpec spec, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows: expected >= 1 but was " + maxRows);
        }
        this.spec = spec;
        this.maxRows = maxRows;
        outputs = new float[spec.layerCount()][];
        for (int l = 0; l < spec.layerCount(); l++) {
            outputs[l] = new float[maxRows * spec.layerOutput(l)];
        }
        int widest = Math.max(spec.maxWidth(), spec.inputWidth());
        gradA = new float[maxRows * widest];
        gradB = new float[maxRows * widest];
        prefixBias = new float[maxRows * spec.layerOutput(0)];
    }

    public MlpSpec spec() {
        return spec;
    }

    public int maxRows() {
        return maxRows;
    }

    /** The last layer's output [n][outputWidth] at offset 0, valid after a forward pass. */
    public float[] output() {
        return outputs[outputs.length - 1];
    }

    /** Layer l's output [n][out_l] at offset 0. */
    public float[] layerOutput(int layer) {
        return outputs[layer];
    }
}
