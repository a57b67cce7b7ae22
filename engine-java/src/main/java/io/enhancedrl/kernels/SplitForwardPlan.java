package io.enhancedrl.kernels;

/**
 * A split MLP forward ({@link io.enhancedrl.model.Mlp#forwardSplit}) described for a backend that runs it in one
 * call ({@link KernelOps#forwardSplitResident}): the layers' shapes, where their weights and biases are in
 * {@code params}, and the weights as that backend packed them. Made once per served model and backend
 * ({@link io.enhancedrl.model.Mlp#splitPlan}); immutable apart from the arrays, which must not change while it
 * is used (a served policy's parameters do not).
 *
 * <p>Input row i is {@code [prefix[i / rowsPerPrefix]; rows[i]]}. Layer 0 is computed in two parts: the prefix
 * part {@code prefix . W0[0:prefixWidth] + b0} once per prefix row (identity activation), which then enters the
 * per-row part {@code act0(rows . W0[prefixWidth:] + that)} as its bias rows; layers 1.. are plain.
 *
 * @param params the MLP's parameter slab
 * @param prefixWidth columns of layer 0's input taken from the prefix (1..inputWidth-1)
 * @param inputs inputs[l]: layer l's input width (layer 0: the whole input, prefix included)
 * @param outputs outputs[l]: layer l's output width
 * @param weightOffsets where W_l [inputs[l]][outputs[l]] starts in params
 * @param biasOffsets where b_l [outputs[l]] starts in params
 * @param activations layer l's activation
 * @param packed as {@link io.enhancedrl.model.Mlp#packForSplit}: entry 0 W0's prefix rows, entry 1 W0's per-row
 *               rows, entry l + 1 W_l; null entries where the backend did not pack
 */
public record SplitForwardPlan(float[] params, int prefixWidth, int[] inputs, int[] outputs, int[] weightOffsets,
                               int[] biasOffsets, Activation[] activations, float[][] packed) {

    public SplitForwardPlan {
        int layers = inputs.length;
        if (layers < 1 || outputs.length != layers || weightOffsets.length != layers || biasOffsets.length != layers
                || activations.length != layers || packed.length != layers + 1) {
            throw new IllegalArgumentException("plan: expected per-layer arrays of one length >= 1 and packed of that"
                    + " length + 1 but were inputs " + inputs.length + ", outputs " + outputs.length + ", weights "
                    + weightOffsets.length + ", biases " + biasOffsets.length + ", activations " + activations.length
                    + ", packed " + packed.length);
        }
        if (prefixWidth < 1 || prefixWidth >= inputs[0]) {
            throw new IllegalArgumentException("prefixWidth: expected 1.." + (inputs[0] - 1) + " but was " + prefixWidth);
        }
    }

    public int layers() {
        return inputs.length;
    }

    /** Width of the per-row features (layer 0's input minus the prefix). */
    public int rowWidth() {
        return inputs[0] - prefixWidth;
    }

    /** Output width of the last layer. */
    public int outputWidth() {
        return outputs[outputs.length - 1];
    }

    /** Whether every weight matrix was packed (for a device backend: is resident). */
    public boolean allPacked() {
        for (float[] p : packed) {
            if (p == null) {
                return false;
            }
        }
        return true;
    }
}
