package io.enhancedrl.model;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;

import java.io.PrintStream;

/**
 * A small end-to-end demonstration of the model stack (init, forward, backward, Adam): fit an MLP
 * 2-32-32-1 (tanh) to the nonlinear function {@code f(a, b) = sin(2a) cos(1.5b) + 0.3ab} on 1024 points drawn
 * uniformly from [-1.5, 1.5]^2, with minibatches of 64 and a mean squared error loss. Deterministic for a
 * seed and a backend. The loss curve it returns (and prints) should fall by orders of magnitude.
 */
public final class TrainToyRegression {

    /** The architecture fitted. */
    public static final MlpSpec SPEC = MlpSpec.of(2, new int[] {32, 32}, Activation.TANH, 1, Activation.IDENTITY);
    static final int POINTS = 1024;
    static final int BATCH = 64;
    static final float LEARNING_RATE = 3e-3f;

    private TrainToyRegression() {
    }

    /** The function being fitted. */
    static double target(double a, double b) {
        return Math.sin(2 * a) * Math.cos(1.5 * b) + 0.3 * a * b;
    }

    /**
     * Trains for {@code epochs} passes over the data.
     *
     * @param log receives one line every {@code printEvery} epochs (and the last), or null for silence
     * @return the mean squared error on the whole training set before training (index 0) and after each epoch
     */
    public static double[] run(KernelOps ops, int epochs, long seed, int printEvery, PrintStream log) {
        if (ops == null) {
            throw new NullPointerException("ops: expected a KernelOps but was null");
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs: expected >= 0 but was " + epochs);
        }
        if (printEvery < 1) {
            throw new IllegalArgumentException("printEvery: expected >= 1 but was " + printEvery);
        }
        SplitMix64 rng = new SplitMix64(seed);
        float[] x = new float[POINTS * 2];
        float[] y = new float[POINTS];
        for (int i = 0; i < POINTS; i++) {
            x[2 * i] = rng.nextSymmetric(1.5f);
            x[2 * i + 1] = rng.nextSymmetric(1.5f);
            y[i] = (float) target(x[2 * i], x[2 * i + 1]);
        }
        Mlp mlp = new Mlp(SPEC);
        mlp.initialize(rng.nextLong());
        Adam adam = new Adam(SPEC.parameterCount(), LEARNING_RATE);
        MlpWorkspace ws = new MlpWorkspace(SPEC, POINTS);
        float[] grads = new float[SPEC.parameterCount()];
        float[] bx = new float[BATCH * 2];
        float[] by = new float[BATCH];
        float[] dOut = new float[BATCH];
        int[] order = new int[POINTS];
        for (int i = 0; i < POINTS; i++) {
            order[i] = i;
        }
        double[] curve = new double[epochs + 1];
        curve[0] = mse(ops, mlp, x, y, ws);
        if (log != null) {
            log.printf("toy regression: MLP %s, %d params, %d points, batch %d, Adam lr %.0e, backend %s%n",
                    SPEC, SPEC.parameterCount(), POINTS, BATCH, LEARNING_RATE, ops.name());
            log.printf("epoch %4d  mse %.6f%n", 0, curve[0]);
        }
        for (int epoch = 1; epoch <= epochs; epoch++) {
            shuffle(order, rng);
            for (int start = 0; start + BATCH <= POINTS; start += BATCH) {
                for (int r = 0; r < BATCH; r++) {
                    int p = order[start + r];
                    bx[2 * r] = x[2 * p];
                    bx[2 * r + 1] = x[2 * p + 1];
                    by[r] = y[p];
                }
                mlp.forward(ops, BATCH, bx, 0, ws);
                float[] out = ws.output();
                // d/d(out) of mean((out - y)^2) over the batch.
                for (int r = 0; r < BATCH; r++) {
                    dOut[r] = 2f * (out[r] - by[r]) / BATCH;
                }
                mlp.backward(ops, BATCH, bx, 0, ws, dOut, 0, grads, false, null, 0);
                adam.step(ops, mlp.params(), grads);
            }
            curve[epoch] = mse(ops, mlp, x, y, ws);
            if (log != null && (epoch % printEvery == 0 || epoch == epochs)) {
                log.printf("epoch %4d  mse %.6f%n", epoch, curve[epoch]);
            }
        }
        return curve;
    }

    private static double mse(KernelOps ops, Mlp mlp, float[] x, float[] y, MlpWorkspace ws) {
        mlp.forward(ops, POINTS, x, 0, ws);
        float[] out = ws.output();
        double sum = 0;
        for (int i = 0; i < POINTS; i++) {
            double d = out[i] - y[i];
            sum += d * d;
        }
        return sum / POINTS;
    }

    private static void shuffle(int[] a, SplitMix64 rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = (int) Long.remainderUnsigned(rng.nextLong(), i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** {@code TrainToyRegression [epochs=200] [seed=1]}: trains on the scalar backend and prints the curve. */
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1L;
        double[] curve = run(ScalarKernelOps.INSTANCE, epochs, seed, 20, System.out);
        System.out.printf("mse %.6f -> %.6f (%.0fx lower)%n", curve[0], curve[epochs], curve[0] / curve[epochs]);
    }
}
