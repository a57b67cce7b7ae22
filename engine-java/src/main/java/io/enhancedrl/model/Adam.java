package io.enhancedrl.model;

import io.enhancedrl.kernels.KernelOps;

/**
 * Adam (Kingma and Ba 2015, with bias correction) over one contiguous parameter slab: the first and second
 * moments live in one slab {@code [m; v]} of 2 * length floats, next to a step counter, so that a checkpoint
 * is {@link #moments()} plus {@link #stepCount()}. The update itself is {@link KernelOps#adamUpdate}.
 * Not thread-safe.
 */
public final class Adam {

    private final int length;
    private final float[] moments;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private float lr;
    private int step;

    /** Adam with beta1 = 0.9, beta2 = 0.999, eps = 1e-8. */
    public Adam(int length, float lr) {
        this(length, lr, 0.9f, 0.999f, 1e-8f);
    }

    /**
     * @param length number of parameters the optimizer updates (&gt;= 1)
     * @param lr learning rate, finite and &gt; 0
     * @param beta1 first-moment decay in [0, 1)
     * @param beta2 second-moment decay in [0, 1)
     * @param eps denominator guard, finite and &gt; 0
     */
    public Adam(int length, float lr, float beta1, float beta2, float eps) {
        if (length < 1 || length > (Integer.MAX_VALUE - 16) / 2) {
            throw new IllegalArgumentException("length: expected 1.." + (Integer.MAX_VALUE - 16) / 2 + " but was " + length);
        }
        checkLr(lr);
        if (!(beta1 >= 0f && beta1 < 1f)) {
            throw new IllegalArgumentException("beta1: expected in [0, 1) but was " + beta1);
        }
        if (!(beta2 >= 0f && beta2 < 1f)) {
            throw new IllegalArgumentException("beta2: expected in [0, 1) but was " + beta2);
        }
        if (!(eps > 0f && Float.isFinite(eps))) {
            throw new IllegalArgumentException("eps: expected finite and > 0 but was " + eps);
        }
        this.length = length;
        this.moments = new float[2 * length];
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.lr = lr;
    }

    /** Number of parameters updated. */
    public int length() {
        return length;
    }

    /** One step over whole arrays: {@code params} and {@code grads} must have exactly {@link #length()} floats. */
    public void step(KernelOps ops, float[] params, float[] grads) {
        Checks.exactLength("params", params, length);
        Checks.exactLength("grads", grads, length);
        step(ops, params, 0, grads, 0);
    }

    /** One step over {@link #length()} floats of {@code params} at pOff with gradients at gOff. */
    public void step(KernelOps ops, float[] params, int pOff, float[] grads, int gOff) {
        if (ops == null) {
            throw new NullPointerException("ops: expected a KernelOps but was null");
        }
        Checks.block("params", params, pOff, length);
        Checks.block("grads", grads, gOff, length);
        if (step == Integer.MAX_VALUE) {
            throw new IllegalStateException("step counter overflow after " + step + " steps");
        }
        step++;
        ops.adamUpdate(length, params, pOff, grads, gOff, moments, 0, moments, length, lr, beta1, beta2, eps, step);
    }

    /** Steps taken so far (the t of the bias correction of the last step). */
    public int stepCount() {
        return step;
    }

    /** The moment slab itself, {@code [m (length); v (length)]}, for checkpoints. */
    public float[] moments() {
        return moments;
    }

    /** Restores a checkpoint: copies {@code moments} ([m; v], 2 * length floats) and sets the step counter. */
    public void restore(float[] moments, int step) {
        Checks.exactLength("moments", moments, 2 * length);
        if (step < 0) {
            throw new IllegalArgumentException("step: expected >= 0 but was " + step);
        }
        System.arraycopy(moments, 0, this.moments, 0, moments.length);
        this.step = step;
    }

    public void setLearningRate(float lr) {
        checkLr(lr);
        this.lr = lr;
    }

    public float learningRate() {
        return lr;
    }

    public float beta1() {
        return beta1;
    }

    public float beta2() {
        return beta2;
    }

    public float eps() {
        return eps;
    }

    private static void checkLr(float lr) {
        if (!(lr > 0f && Float.isFinite(lr))) {
            throw new IllegalArgumentException("lr: expected finite and > 0 but was " + lr);
        }
    }
}
