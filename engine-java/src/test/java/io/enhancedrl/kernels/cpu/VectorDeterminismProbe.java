package io.enhancedrl.kernels.cpu;

import io.enhancedrl.kernels.Activation;

import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * A fixed workload of the vector backend (forward with tanh and ReLU, backward with the dot-product input
 * gradient, odd sizes, a larger layer on the packed paths with and without pre-packed weights) reduced to a CRC
 * of its output bits. {@link VectorDeterminismTest} runs it in this JVM after warm-up (C2-compiled kernels), in a
 * child JVM with {@code -Xint} (the Vector API's Java fallbacks) and in one with narrower vectors: the CRCs must
 * be equal. Main prints the CRC and the vector width.
 */
public final class VectorDeterminismProbe {

    private VectorDeterminismProbe() {
    }

    public static void main(String[] args) {
        System.out.println("vector bits " + VectorKernelOps.vectorBits());
        System.out.println(Long.toHexString(checksum()));
    }

    static long checksum() {
        VectorKernelOps ops = VectorKernelOps.INSTANCE;
        SplittableRandom rng = new SplittableRandom(2026);
        int n = 13;
        int in = 37;
        int hid = 29;
        int out = 11;
        float[] x = fill(rng, n * in, 1.5f);
        float[] w1 = fill(rng, in * hid, 0.4f);
        float[] b1 = fill(rng, hid, 0.1f);
        float[] w2 = fill(rng, hid * out, 0.9f);
        float[] b2 = fill(rng, out, 0.1f);
        float[] h = new float[n * hid];
        float[] y = new float[n * out];
        ops.linearForward(n, in, hid, x, 0, w1, 0, b1, 0, n, Activation.RELU, h, 0);
        ops.linearForward(n, hid, out, h, 0, w2, 0, b2, 0, n, Activation.TANH, y, 0);
        float[] dy = fill(rng, n * out, 1f);
        float[] dh = new float[n * hid];
        float[] dw2 = new float[hid * out];
        float[] db2 = new float[out];
        ops.linearBackward(n, hid, out, h, 0, w2, 0, y, 0, dy, 0, Activation.TANH, dh, 0, dw2, 0, db2, 0, false);
        float[] t = fill(rng, 64, 9f);
        float[] ty = new float[64];
        ops.linearForward(1, 64, 64, t, 0, eye(64), 0, null, 0, 1, Activation.TANH, ty, 0);
        // A larger layer that takes the packed paths (row tiles, packed panels, a padded tail), computed with and
        // without pre-packed weights, and its backward (packed x^T and dz panels).
        int bn = 53;
        int bin = 89;
        int bout = 43;
        float[] bx = fill(rng, bn * bin, 1f);
        float[] bw = fill(rng, bin * bout, 0.2f);
        float[] bb = fill(rng, bout, 0.1f);
        float[] by = new float[bn * bout];
        float[] byPacked = new float[bn * bout];
        ops.linearForward(bn, bin, bout, bx, 0, bw, 0, bb, 0, bn, Activation.RELU, by, 0);
        ops.linearForwardPacked(bn, bin, bout, bx, 0, bw, 0, ops.packWeights(bin, bout, bw, 0), bb, 0, bn,
                Activation.RELU, byPacked, 0);
        float[] bdy = fill(rng, bn * bout, 1f);
        float[] bdx = new float[bn * bin];
        float[] bdw = new float[bin * bout];
        float[] bdb = new float[bout];
        ops.linearBackward(bn, bin, bout, bx, 0, bw, 0, by, 0, bdy, 0, Activation.RELU, bdx, 0, bdw, 0, bdb, 0, false);
        CRC32C crc = new CRC32C();
        for (float[] a : new float[][]{h, y, dh, dw2, db2, ty, by, byPacked, bdx, bdw, bdb}) {
            for (float v : a) {
                int bits = Float.floatToRawIntBits(v);
                crc.update(new byte[]{(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)});
            }
        }
        return crc.getValue();
    }

    private static float[] fill(SplittableRandom rng, int len, float scale) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) (rng.nextDouble(-1, 1) * scale);
        }
        return a;
    }

    private static float[] eye(int k) {
        float[] a = new float[k * k];
        for (int i = 0; i < k; i++) {
            a[i * k + i] = 1f;
        }
        return a;
    }
}
