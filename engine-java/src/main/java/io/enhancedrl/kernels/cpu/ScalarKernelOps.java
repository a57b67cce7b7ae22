package io.enhancedrl.kernels.cpu;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;

/**
 * The reference implementation: plain loops that read like the definitions in {@link KernelOps}.
 * Accumulates in float in the natural loop order; every faster backend is checked against this within the
 * tolerance rule of the parity tests. Speed is not a goal here.
 */
public final class ScalarKernelOps implements KernelOps {

    public static final ScalarKernelOps INSTANCE = new ScalarKernelOps();

    private ScalarKernelOps() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void linearForward(int n, int in, int out, float[] x, int xOff, float[] w, int wOff,
                              float[] bias, int biasOff, int rowsPerBias, Activation act, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            int biasRow = biasOff + (i / rowsPerBias) * out;
            for (int o = 0; o < out; o++) {
                float acc = bias == null ? 0f : bias[biasRow + o];
                for (int k = 0; k < in; k++) {
                    acc += x[xOff + i * in + k] * w[wOff + k * out + o];
                }
                y[yOff + i * out + o] = act.apply(acc);
            }
        }
    }

    @Override
    public void linearBackward(int n, int in, int out, float[] x, int xOff, float[] w, int wOff,
                               float[] y, int yOff, float[] dy, int dyOff, Activation act,
                               float[] dx, int dxOff, float[] dw, int dwOff, float[] db, int dbOff,
                               boolean accumulate) {
        // dz = dy * act'(y), in place.
        for (int i = 0; i < n * out; i++) {
            dy[dyOff + i] *= act.derivativeFromOutput(y[yOff + i]);
        }
        for (int k = 0; k < in; k++) {
            for (int o = 0; o < out; o++) {
                float acc = accumulate ? dw[dwOff + k * out + o] : 0f;
                for (int i = 0; i < n; i++) {
                    acc += x[xOff + i * in + k] * dy[dyOff + i * out + o];
                }
                dw[dwOff + k * out + o] = acc;
            }
        }
        if (db != null) {
            for (int o = 0; o < out; o++) {
                float acc = accumulate ? db[dbOff + o] : 0f;
                for (int i = 0; i < n; i++) {
                    acc += dy[dyOff + i * out + o];
                }
                db[dbOff + o] = acc;
            }
        }
        if (dx != null) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < in; k++) {
                    float acc = 0f;
                    for (int o = 0; o < out; o++) {
                        acc += dy[dyOff + i * out + o] * w[wOff + k * out + o];
                    }
                    dx[dxOff + i * in + k] = acc;
                }
            }
        }
    }

    @Override
    public void adamUpdate(int len, float[] params, int pOff, float[] grads, int gOff, float[] m, int mOff,
                           float[] v, int vOff, float lr, float beta1, float beta2, float eps, int step) {
        float c1 = 1f - (float) Math.pow(beta1, step);
        float c2 = 1f - (float) Math.pow(beta2, step);
        for (int i = 0; i < len; i++) {
            float g = grads[gOff + i];
            float mi = beta1 * m[mOff + i] + (1f - beta1) * g;
            float vi = beta2 * v[vOff + i] + (1f - beta2) * g * g;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float mHat = mi / c1;
            float vHat = vi / c2;
            params[pOff + i] -= lr * mHat / ((float) Math.sqrt(vHat) + eps);
        }
    }

    @Override
    public void fusionScore(int n, int k, float[] p, int pOff, float[] power, int powOff, float[] bias, int biasOff,
                            float[] score, int scoreOff) {
        for (int i = 0; i < n; i++) {
            float s = 0f;
            for (int j = 0; j < k; j++) {
                int e = i * k + j;
                s += power[powOff + e] * (float) Math.log(p[pOff + e] + bias[biasOff + e]);
            }
            score[scoreOff + i] = s;
        }
    }

    @Override
    public void topK(int n, float[] scores, int scoreOff, long[] ids, int idsOff, int k, int[] outIdx, int outOff) {
        TopK.select(n, scores, scoreOff, ids, idsOff, k, outIdx, outOff);
    }
}
