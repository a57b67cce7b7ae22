package io.enhancedrl.jmh;

import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;

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

    /**
     * Throws when actual differs from expected beyond the parity tests' rule (io.enhancedrl.testing.Tolerance
     * FP32: |a - e| &lt;= 1e-5 sqrt(reduction) + 1e-4 |e|), repeated here because the test classes are not on
     * the benchmark class path.
     */
    static void check(String what, float[] expected, float[] actual, int count, int reduction) {
        double atol = 1e-5 * Math.sqrt(Math.max(1, reduction));
        for (int i = 0; i < count; i++) {
            double e = expected[i];
            double err = Math.abs(actual[i] - e);
            if (!(err <= atol + 1e-4 * Math.abs(e))) {
                throw new IllegalStateException(what + ": element " + i + " expected " + e + " but was " + actual[i]
                        + " (|diff| " + err + "); the benchmark would time a wrong kernel");
            }
        }
    }
}
