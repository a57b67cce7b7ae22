package io.enhancedrl.model;

/**
 * SplitMix64 (Steele, Lea and Flood, 2014), written out here rather than taken from {@link java.util.Random}
 * or {@link java.util.SplittableRandom} for two reasons: a sequence is a documented function of its seed,
 * reproducible by any backend or language (a CUDA or Python re-implementation needs only these few lines)
 * and unaffected by JDK changes; and its whole state is one {@code long} that {@link #state()} returns and
 * {@link #fromState} restores, so a training checkpoint can save a generator mid-stream and continue it
 * bit for bit ({@code SplittableRandom} hides its state). Used for weight initialisation and for the
 * trainer's batch sampling. Not thread-safe.
 */
public final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    /** A generator whose first output is {@code mix(seed + GOLDEN_GAMMA)} (the reference splitmix64.c). */
    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** A generator that continues exactly where the one whose {@link #state()} was taken left off. */
    public static SplitMix64 fromState(long state) {
        return new SplitMix64(state);
    }

    /** The whole state: {@code fromState(state())} produces the same sequence from here on. */
    public long state() {
        return state;
    }

    /** The SplitMix64 finaliser: a bijective mixing of 64 bits. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [0, 1) with 24 random bits: every value is exactly representable as a float. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [-limit, limit). */
    public float nextSymmetric(float limit) {
        return (2f * nextFloat() - 1f) * limit;
    }

    /**
     * Uniform in [0, bound), without modulo bias: Lemire's multiply-shift on the high 32 bits of an output,
     * redrawing the rare low products that would favour some values (Lemire 2019, "Fast random integer
     * generation in an interval"). Written out for the same reproducibility reason as the generator.
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound: expected > 0 but was " + bound);
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }
}
