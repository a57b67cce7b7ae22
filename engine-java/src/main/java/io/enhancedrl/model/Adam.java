package io.enhancedrl.model;

import io.enhancedrl.kernels.KernelOps;

/**
 * Adam (Kingma and Ba) over one parameter slab. Its state, the first and second moments, is one slab
 * [m; v] of twice the parameter length, plus the step counter, so a checkpoint is one array and one int.
 */
public final class Adam {

    private final int length;
    private final float[] moments;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private float lr;
    private int step;

    public Adam(int length, float lr) {
        this(length, lr, 0.9f, 0.999f, 1e-8f);
    }

    public Adam(int length, float lr, float beta1, float beta2, float eps) {
        if (length < 0) {
            throw new IllegalArgumentException("length: expected >= 0 but was " + length);
        }
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
            throw new IllegalArgumentException("Adam: expected lr >= 0, beta1 and beta2 in [0,1), eps > 0 but was lr "
                    + lr + ", beta1 " + beta1 + ", beta2 " + beta2 + ", eps " + eps);
        }
        this.length = length;
        this.moments = new float[2 * length];
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** One step: increments the step counter and updates params in place from grads. */
    public void step(KernelOps ops, float[] params, float[] grads) {
        if (params.length < length || grads.length < length) {
            throw new IllegalArgumentException("Adam.step: expected params and grads of length >= " + length
                    + " but were " + params.length + " and " + grads.length);
        }
        step++;
        ops.adamUpdate(length, params, 0, grads, 0, moments, 0, moments, length, lr, beta1, beta2, eps, step);
    }

    public int stepCount() {
        return step;
    }

    /** The optimizer state [m; v] (live, not a copy). */
    public float[] moments() {
        return moments;
    }

    public void restore(float[] savedMoments, int savedStep) {
        if (savedMoments.length != moments.length || savedStep < 0) {
            throw new IllegalArgumentException("Adam.restore: expected " + moments.length + " moments and step >= 0 but was "
                    + savedMoments.length + " and " + savedStep);
        }
        System.arraycopy(savedMoments, 0, moments, 0, moments.length);
        step = savedStep;
    }

    public float learningRate() {
        return lr;
    }

    public void setLearningRate(float lr) {
        if (!(lr >= 0)) {
            throw new IllegalArgumentException("lr: expected >= 0 but was " + lr);
        }
        this.lr = lr;
    }
}
