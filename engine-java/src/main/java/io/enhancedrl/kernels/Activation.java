package io.enhancedrl.kernels;

/**
 * Element-wise activations the kernels fuse into a linear layer.
 *
 * <p>The derivative is expressed through the activation's <em>output</em> y (not its input), so that a
 * backward pass needs only the stored layer outputs: ReLU' = [y &gt; 0], tanh' = 1 - y^2, identity' = 1.
 * The CUDA kernels use the same convention.
 */
public enum Activation {
    IDENTITY(0),
    RELU(1),
    TANH(2);

    /** The code the native kernels take for this activation (see native-kernels/src/main/cuda/erl_common.cuh). */
    public final int code;

    Activation(int code) {
        this.code = code;
    }

    /** The scalar definition, used by the reference implementation. */
    public float apply(float z) {
        return switch (this) {
            case IDENTITY -> z;
            case RELU -> z > 0f ? z : 0f;
            case TANH -> (float) Math.tanh(z);
        };
    }

    /** d act / dz, written in terms of the output y = act(z). */
    public float derivativeFromOutput(float y) {
        return switch (this) {
            case IDENTITY -> 1f;
            case RELU -> y > 0f ? 1f : 0f;
            case TANH -> 1f - y * y;
        };
    }

    public static Activation parse(String name) {
        for (Activation a : values()) {
            if (a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation: expected one of identity, relu, tanh but was '" + name + "'");
    }
}
