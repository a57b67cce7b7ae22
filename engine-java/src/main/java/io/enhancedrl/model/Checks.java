package io.enhancedrl.model;

/**
 * Argument checks of the model facades ("the facade checks, the kernel trusts"): each message names the
 * argument and gives the expected and the actual value, so a shape bug is located from the message alone.
 */
final class Checks {

    private Checks() {
    }

    static void rows(int n, int maxRows) {
        if (n < 0 || n > maxRows) {
            throw new IllegalArgumentException("n: expected 0.." + maxRows + " (workspace maxRows) but was " + n);
        }
    }

    /** The array holds a block of {@code count} floats starting at {@code off}. */
    static void block(String name, float[] a, int off, long count) {
        if (a == null) {
            throw new NullPointerException(name + ": expected an array of at least " + count + " floats but was null");
        }
        if (off < 0) {
            throw new IllegalArgumentException(name + "Off: expected >= 0 but was " + off);
        }
        if (off + count > a.length) {
            throw new IllegalArgumentException(name + ": expected length >= " + (off + count) + " (offset " + off
                    + " + " + count + " floats) but was " + a.length);
        }
    }

    static void exactLength(String name, float[] a, int expected) {
        if (a == null) {
            throw new NullPointerException(name + ": expected an array of " + expected + " floats but was null");
        }
        if (a.length != expected) {
            throw new IllegalArgumentException(name + ": expected length " + expected + " but was " + a.length);
        }
    }

    static void sameSpec(String name, MlpSpec expected, MlpSpec actual) {
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException(name + ": expected spec " + expected + " but was " + actual);
        }
    }

    static void tau(float tau) {
        if (!(tau >= 0f && tau <= 1f)) {
            throw new IllegalArgumentException("tau: expected in [0, 1] but was " + tau);
        }
    }
}
