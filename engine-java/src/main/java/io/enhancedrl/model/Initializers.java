package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;

/**
 * Weight initialisation of one MLP slab, shared by {@link Mlp} and {@link MlpEnsemble} so that ensemble
 * member m is bit-identical to a single MLP initialised with {@link MlpEnsemble#memberSeed(long, int)}.
 *
 * <p>Rule: a layer followed by ReLU draws W uniformly in +-sqrt(6 / fan_in) (He et al. 2015, uniform form,
 * variance 2 / fan_in, which keeps the activation scale through rectifiers); a layer followed by tanh or
 * identity draws W uniformly in +-sqrt(6 / (fan_in + fan_out)) (Glorot and Bengio 2010). Biases are zero.
 * Weights are drawn layer by layer in slab order (W[k][o] row-major) from one SplitMix64 stream.
 */
final class Initializers {

    private Initializers() {
    }

    /** The half-width of the uniform distribution for the weights of a layer. */
    static float limit(Activation act, int fanIn, int fanOut) {
        double l = act == Activation.RELU ? Math.sqrt(6.0 / fanIn) : Math.sqrt(6.0 / (fanIn + fanOut));
        return (float) l;
    }

    static void initialize(MlpSpec spec, long seed, float[] params, int off) {
        SplitMix64 rng = new SplitMix64(seed);
        for (int l = 0; l < spec.layerCount(); l++) {
            int in = spec.layerInput(l);
            int out = spec.layerOutput(l);
            float a = limit(spec.layerActivation(l), in, out);
            int w = off + spec.weightOffset(l);
            for (int i = 0; i < in * out; i++) {
                params[w + i] = rng.nextSymmetric(a);
            }
            int b = off + spec.biasOffset(l);
            java.util.Arrays.fill(params, b, b + out, 0f);
        }
    }
}
