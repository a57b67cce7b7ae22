package io.enhancedrl.model;

/**
 * The random source of weight initialisation: SplitMix64 (Steele, Lea and Flood, 2014), written out here
 * rather than taken from {@link java.util.Random} or {@link java.util.SplittableRandom} so that an
 * initialisation is a documented function of its seed, reproducible by any backend or language (a
 * CUDA or Python re-implementation needs only these few lines), and unaffected by JDK changes.
 */
final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    /** The SplitMix64 finaliser: a bijective mixing of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [0, 1) with 24 random bits: every value is exactly representable as a float. */
    float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [-limit, limit). */
    float nextSymmetric(float limit) {
        return (2f * nextFloat() - 1f) * limit;
    }
}
