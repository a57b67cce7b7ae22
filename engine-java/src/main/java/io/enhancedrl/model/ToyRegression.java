package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;

import java.util.SplittableRandom;

/**
 * A small end-to-end exercise of the training primitives: fit y = sin(3 x0) * x1 + 0.5 x2^2 with an MLP and
 * Adam on mini-batches; returns the mean squared error per epoch. Used by tests and as a CLI smoke command.
 */
public final class ToyRegression {

    private ToyRegression() {
    }

    public static double[] train(KernelOps ops, int epochs, long seed) {
        int n = 64;
        MlpSpec spec = MlpSpec.of(3, new int[]{32, 32}, Activation.RELU, 1, Activation.IDENTITY);
        Mlp mlp = new Mlp(spec);
        mlp.initialize(seed);
        Adam adam = new Adam(spec.parameterCount(), 3e-3f);
        MlpWorkspace ws = new MlpWorkspace(spec, n);
        float[] x = new float[n * 3];
        float[] y = new float[n];
        float[] dOut = new float[n];
        float[] grads = new float[spec.parameterCount()];
        SplittableRandom rng = new SplittableRandom(seed);
        double[] curve = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 3; k++) {
                    x[i * 3 + k] = (float) (rng.nextDouble() * 2 - 1);
                }
                y[i] = (float) (Math.sin(3 * x[i * 3]) * x[i * 3 + 1] + 0.5 * x[i * 3 + 2] * x[i * 3 + 2]);
            }
            mlp.forward(ops, n, x, 0, ws);
            double mse = 0;
            for (int i = 0; i < n; i++) {
                float d = ws.output()[i] - y[i];
                mse += d * d;
                dOut[i] = 2 * d / n;
            }
            curve[e] = mse / n;
            mlp.backward(ops, n, x, 0, ws, dOut, 0, grads, false, null, 0);
            adam.step(ops, mlp.params(), grads);
        }
        return curve;
    }
}
