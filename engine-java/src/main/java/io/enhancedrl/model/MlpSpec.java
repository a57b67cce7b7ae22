package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;

import java.util.List;

/**
 * The architecture of a multi-layer perceptron: input width, hidden widths (each followed by the hidden
 * activation) and an output layer with its own activation. Parameters of layer l are W_l [in_l][out_l]
 * followed by b_l [out_l], layers in order, in one slab (see {@link #weightOffset(int)}).
 */
public record MlpSpec(int inputWidth, List<Integer> hiddenWidths, Activation hiddenActivation,
                      int outputWidth, Activation outputActivation) {

    public MlpSpec {
        if (inputWidth < 1) {
            throw new IllegalArgumentException("inputWidth: expected >= 1 but was " + inputWidth);
        }
        if (outputWidth < 1) {
            throw new IllegalArgumentException("outputWidth: expected >= 1 but was " + outputWidth);
        }
        hiddenWidths = List.copyOf(hiddenWidths);
        for (int i = 0; i < hiddenWidths.size(); i++) {
            if (hiddenWidths.get(i) < 1) {
                throw new IllegalArgumentException("hiddenWidths[" + i + "]: expected >= 1 but was " + hiddenWidths.get(i));
            }
        }
        if (hiddenActivation == null || outputActivation == null) {
            throw new IllegalArgumentException("activations must not be null");
        }
    }

    public static MlpSpec of(int input, int[] hidden, Activation hiddenAct, int output, Activation outputAct) {
        return new MlpSpec(input, java.util.Arrays.stream(hidden).boxed().toList(), hiddenAct, output, outputAct);
    }

    /** Number of linear layers (hidden layers + the output layer). */
    public int layerCount() {
        return hiddenWidths.size() + 1;
    }

    public int layerInput(int layer) {
        checkLayer(layer);
        return layer == 0 ? inputWidth : hiddenWidths.get(layer - 1);
    }

    public int layerOutput(int layer) {
        checkLayer(layer);
        return layer == hiddenWidths.size() ? outputWidth : hiddenWidths.get(layer);
    }

    public Activation layerActivation(int layer) {
        checkLayer(layer);
        return layer == hiddenWidths.size() ? outputActivation : hiddenActivation;
    }

    /** Offset of W_layer in the parameter slab. */
    public int weightOffset(int layer) {
        checkLayer(layer);
        int off = 0;
        for (int l = 0; l < layer; l++) {
            off += layerInput(l) * layerOutput(l) + layerOutput(l);
        }
        return off;
    }

    /** Offset of b_layer in the parameter slab (right after W_layer). */
    public int biasOffset(int layer) {
        return weightOffset(layer) + layerInput(layer) * layerOutput(layer);
    }

    public int parameterCount() {
        return weightOffset(layerCount() - 1) + layerInput(layerCount() - 1) * outputWidth + outputWidth;
    }

    /** The widest layer output (sizes the activation workspaces). */
    public int maxWidth() {
        int m = outputWidth;
        for (int h : hiddenWidths) {
            m = Math.max(m, h);
        }
        return m;
    }

    /** Multiply-adds per row of a forward pass, times two: the FLOP count used in benchmark tables. */
    public long forwardFlopsPerRow() {
        long f = 0;
        for (int l = 0; l < layerCount(); l++) {
            f += 2L * layerInput(l) * layerOutput(l);
        }
        return f;
    }

    private void checkLayer(int layer) {
        if (layer < 0 || layer >= layerCount()) {
            throw new IndexOutOfBoundsException("layer: expected 0.." + (layerCount() - 1) + " but was " + layer);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(inputWidth);
        for (int h : hiddenWidths) {
            sb.append('-').append(h);
        }
        return sb.append('-').append(outputWidth).append(" (").append(hiddenActivation.name().toLowerCase())
                .append(", out ").append(outputActivation.name().toLowerCase()).append(')').toString();
    }
}
