package io.enhancedrl.bindings.cuda;

import io.enhancedrl.kernels.Activation;

/**
 * The degenerate shapes of linearBackward (in == 0 or out == 0) where there is no weight matrix to launch a
 * GEMM over (a zero-sized grid is a launch error). Done on the host with the reference's meaning.
 */
final class ScalarFallback {

    private ScalarFallback() {
    }

    static void degenerateBackward(int n, int in, int out, float[] y, int yOff, float[] dy, int dyOff, Activation act,
                                   float[] dx, int dxOff, float[] db, int dbOff, boolean accumulate) {
        for (int i = 0; i < n * out; i++) {
            dy[dyOff + i] *= act.derivativeFromOutput(y[yOff + i]);
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
            java.util.Arrays.fill(dx, dxOff, dxOff + n * in, 0f);
        }
    }
}
