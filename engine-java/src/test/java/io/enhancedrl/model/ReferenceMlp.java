package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;

import java.util.Random;

/**
 * The test oracle: an MLP forward pass in double precision, written directly from the definition
 * (y = act(x W + b) per layer, W[in][out] row-major, layout of {@link MlpSpec}), independent of the kernels.
 */
final class ReferenceMlp {

    private ReferenceMlp() {
    }

    static double act(Activation a, double z) {
        return switch (a) {
            case IDENTITY -> z;
            case RELU -> Math.max(0.0, z);
            case TANH -> Math.tanh(z);
        };
    }

    /** Output [n][outputWidth] of the MLP with parameters p (at pOff) on x [n][inputWidth]. */
    static double[] forward(MlpSpec spec, double[] p, int pOff, double[] x, int n) {
        double[] cur = x;
        for (int l = 0; l < spec.layerCount(); l++) {
            int in = spec.layerInput(l);
            int out = spec.layerOutput(l);
            int w = pOff + spec.weightOffset(l);
            int b = pOff + spec.biasOffset(l);
            double[] next = new double[n * out];
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < out; o++) {
                    double z = p[b + o];
                    for (int k = 0; k < in; k++) {
                        z += cur[i * in + k] * p[w + k * out + o];
                    }
                    next[i * out + o] = act(spec.layerActivation(l), z);
                }
            }
            cur = next;
        }
        return cur;
    }

    /** The scalar loss of the gradient checks: sum_{i,o} dOut[i][o] * output[i][o]. */
    static double loss(MlpSpec spec, double[] p, int pOff, double[] x, int n, double[] dOut, int dOutOff) {
        double[] y = forward(spec, p, pOff, x, n);
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += dOut[dOutOff + i] * y[i];
        }
        return s;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static double[] toDouble(float[] a, int off, int len) {
        double[] d = new double[len];
        for (int i = 0; i < len; i++) {
            d[i] = a[off + i];
        }
        return d;
    }

    static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    static float[] uniform(Random r, int len, float limit) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (2 * r.nextFloat() - 1) * limit;
        }
        return a;
    }

    /** Initialises the MLP and gives the biases small random values so that the bias path is exercised. */
    static void randomize(MlpSpec spec, float[] params, int off, long seed) {
        Initializers.initialize(spec, seed, params, off);
        Random r = new Random(seed ^ 0x5DEECE66DL);
        for (int l = 0; l < spec.layerCount(); l++) {
            int b = off + spec.biasOffset(l);
            for (int o = 0; o < spec.layerOutput(l); o++) {
                params[b + o] = (2 * r.nextFloat() - 1) * 0.2f;
            }
        }
    }
}
