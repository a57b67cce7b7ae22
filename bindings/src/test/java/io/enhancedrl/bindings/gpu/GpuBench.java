package io.enhancedrl.bindings.gpu;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.BackendProvider;
import io.enhancedrl.kernels.KernelOps;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The short benchmark of ci/gpu-check.sh: mean wall time of one linearForward (the actor's first layer,
 * 149 -> 256, ReLU) per available backend at n = 512 and 16,384, host arrays in and out (so the CUDA column
 * includes staging copies and synchronisation). Prints "backend n us/call GFLOP/s" rows.
 */
public final class GpuBench {

    private GpuBench() {
    }

    public static void main(String[] args) {
        int in = 149, out = 256;
        SplittableRandom rnd = new SplittableRandom(1);
        System.out.printf("%-8s %7s %12s %9s%n", "backend", "n", "us/call", "GFLOP/s");
        for (BackendProvider p : Backends.providers()) {
            if (!p.probe().available()) {
                System.out.printf("%-8s %7s %12s %9s  (%s)%n", p.name(), "-", "-", "-", p.probe().detail());
                continue;
            }
            KernelOps ops = p.create();
            for (int n : new int[]{512, 16_384}) {
                float[] x = new float[n * in], w = new float[in * out], b = new float[out], y = new float[n * out];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextDouble(-1, 1);
                }
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) rnd.nextDouble(-0.1, 0.1);
                }
                int reps = p.name().equals("scalar") ? 3 : 20;
                for (int r = 0; r < 3; r++) {
                    ops.linearForward(n, in, out, x, 0, w, 0, b, 0, n, Activation.RELU, y, 0);
                }
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    ops.linearForward(n, in, out, x, 0, w, 0, b, 0, n, Activation.RELU, y, 0);
                }
                double us = (System.nanoTime() - t0) / 1e3 / reps;
                System.out.printf(Locale.ROOT, "%-8s %7d %12.1f %9.1f%n", p.name(), n, us, 2.0 * n * in * out / us / 1e3);
            }
        }
    }
}
