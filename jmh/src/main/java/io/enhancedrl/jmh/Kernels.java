package io.enhancedrl.jmh;

import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.ParityRule;

import java.util.SplittableRandom;

/** Shared setup of the paired benchmarks: the backend by name, data, and the output check. */
final class Kernels {

    private Kernels() {
    }

    /** The backend named by the impl parameter; a backend that is not available fails the trial loudly. */
    static KernelOps byName(String impl) {
        return Backends.select(impl);
    }

    static float[] random(long seed, int len, float scale) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) rnd.nextDouble(-scale, scale);
        }
        return a;
    }

    /** Throws when actual differs from expected beyond the parity tests' rule ({@link ParityRule#FP32}). */
    static void check(String what, float[] expected, float[] actual, int count, int reduction) {
        ParityRule rule = ParityRule.FP32.forReduction(reduction);
        int i = rule.worstViolation(expected, 0, actual, 0, count);
        if (i >= 0) {
            throw new IllegalStateException(what + ": element " + i + " expected " + expected[i] + " but was "
                    + actual[i] + " (|diff| " + Math.abs(actual[i] - expected[i]) + " > " + rule.bound(expected[i])
                    + "); the benchmark would time a wrong kernel");
        }
    }
}
