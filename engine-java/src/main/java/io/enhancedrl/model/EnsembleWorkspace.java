package io.enhancedrl.model;

/**
 * Per-thread buffers of an {@link MlpEnsemble} for batches of up to maxRows rows. Not thread-safe.
 * Holds the packed first layer of all members ([in][M*h1]) and its output, each member's deeper layer
 * outputs, and the stacked final outputs [M][n][out].
 */
public final class EnsembleWorkspace {

    private final MlpSpec spec;
    private final int members;
    private final int maxRows;
    final float[] packedW1;      // [in][M*h1]
    final float[] packedB1;      // [M*h1]
    final float[] packedOut1;    // [maxRows][M*h1]
    final float[] packedGrad1;   // [maxRows][M*h1]
    final float[] packedDw1;     // [in][M*h1]
    final float[] packedDb1;     // [M*h1]
    final float[][][] outputs;   // [member][layer][maxRows*out_l]
    final float[] output;        // [M][maxRows... packed as M][n][out] for the current n
    final float[] memberDOut;    // [maxRows*out]
    final float[] gradA;
    final float[] gradB;
    final float[] dxScratch;     // [maxRows*h1] d/d(layer-1 output) of one member
    int packedVersion = -1;

    public EnsembleWorkspace(MlpSpec spec, int members, int maxRows) {
        if (members < 1 || maxRows < 1) {
            throw new IllegalArgumentException("members and maxRows: expected >= 1 but were " + members + ", " + maxRows);
        }
        this.spec = spec;
        this.members = members;
        this.maxRows = maxRows;
        int in = spec.inputWidth();
        int h1 = spec.layerOutput(0);
        packedW1 = new float[in * members * h1];
        packedB1 = new float[members * h1];
        packedOut1 = new float[maxRows * members * h1];
        packedGrad1 = new float[maxRows * members * h1];
        packedDw1 = new float[in * members * h1];
        packedDb1 = new float[members * h1];
        outputs = new float[members][spec.layerCount()][];
        for (int m = 0; m < members; m++) {
            for (int l = 0; l < spec.layerCount(); l++) {
                outputs[m][l] = new float[maxRows * spec.layerOutput(l)];
            }
        }
        output = new float[members * maxRows * spec.outputWidth()];
        memberDOut = new float[maxRows * spec.outputWidth()];
        int widest = Math.max(spec.maxWidth(), in);
        gradA = new float[maxRows * widest];
        gradB = new float[maxRows * widest];
        dxScratch = new float[maxRows * h1];
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

    /** Outputs of the last forward: member m's row i, column o at (m * n + i) * out + o. */
    public float[] output() {
        return output;
    }
}
