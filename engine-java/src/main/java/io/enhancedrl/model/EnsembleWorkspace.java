package io.enhancedrl.model;

/**
 * Per-thread buffers of one {@link MlpEnsemble} for batches of up to {@link #maxRows()} rows. Besides the
 * per-member layer outputs it holds the packed first layer ({@code [in][M*h1]} weights, {@code [M*h1]} biases),
 * which {@link MlpEnsemble#forward} refreshes from the parameter slab on every call, so the packed copy can
 * never be stale and the ensemble itself stays free of mutable caches (see {@link MlpEnsemble} for why).
 *
 * <p>Layer outputs of a batch of n rows are stored member-major, [M][n][out_l] from offset 0 (member m at
 * m*n*out_l). Not thread-safe: give each thread its own workspace.
 */
public final class EnsembleWorkspace {

    private final MlpSpec spec;
    private final int members;
    private final int maxRows;
    private final float[][] layerOutputs;
    /** Layer 0 of all members side by side: W [in][M*h1], b [M*h1], output [n][M*h1]. */
    final float[] packedW1;
    final float[] packedB1;
    final float[] packedOut1;
    /** Backward of the packed layer: dy [n][M*h1] (becomes dz), dW [in][M*h1], db [M*h1]. */
    final float[] packedDy1;
    final float[] packedDw1;
    final float[] packedDb1;
    /** Per-member gradient ping-pong buffers [maxRows][maxWidth]. */
    final float[] gradA;
    final float[] gradB;

    /**
     * @param spec the architecture of every member
     * @param members the ensemble size M (&gt;= 1)
     * @param maxRows the largest batch (&gt;= 1)
     */
    public EnsembleWorkspace(MlpSpec spec, int members, int maxRows) {
        if (spec == null) {
            throw new NullPointerException("spec: expected an MlpSpec but was null");
        }
        if (members < 1) {
            throw new IllegalArgumentException("members: expected >= 1 but was " + members);
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows: expected >= 1 but was " + maxRows);
        }
        long largest = (long) members * maxRows * spec.maxWidth();
        if (largest > Integer.MAX_VALUE - 16 || (long) members * spec.inputWidth() * spec.layerOutput(0) > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("members x maxRows: " + members + " x " + maxRows + " rows of width "
                    + spec.maxWidth() + " exceed the largest Java array");
        }
        this.spec = spec;
        this.members = members;
        this.maxRows = maxRows;
        this.layerOutputs = new float[spec.layerCount()][];
        for (int l = 0; l < spec.layerCount(); l++) {
            layerOutputs[l] = new float[members * maxRows * spec.layerOutput(l)];
        }
        int in = spec.inputWidth();
        int packedWidth = members * spec.layerOutput(0);
        this.packedW1 = new float[in * packedWidth];
        this.packedB1 = new float[packedWidth];
        this.packedOut1 = new float[maxRows * packedWidth];
        this.packedDy1 = new float[maxRows * packedWidth];
        this.packedDw1 = new float[in * packedWidth];
        this.packedDb1 = new float[packedWidth];
        this.gradA = new float[maxRows * spec.maxWidth()];
        this.gradB = new float[maxRows * spec.maxWidth()];
    }

    public MlpSpec spec() {
        return spec;
    }

    public int members() {
        return members;
    }

    public int maxRows() {
        return maxRows;
    }

    /** Every member's output of the latest forward pass, [M][n][outputWidth] at offset 0. */
    public float[] output() {
        return layerOutputs[layerOutputs.length - 1];
    }

    /** Layer {@code layer}'s output of every member of the latest forward pass, [M][n][out_layer] at offset 0. */
    public float[] layerOutput(int layer) {
        if (layer < 0 || layer >= layerOutputs.length) {
            throw new IndexOutOfBoundsException("layer: expected 0.." + (layerOutputs.length - 1) + " but was " + layer);
        }
        return layerOutputs[layer];
    }
}
