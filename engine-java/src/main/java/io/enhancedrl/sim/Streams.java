package io.enhancedrl.sim;

import java.util.SplittableRandom;

/**
 * Derivation of the simulator's independent random streams. Each stream is a SplittableRandom seeded by
 * mixing (seed, stream tag, index) with the SplitMix64 finaliser, so that streams for different purposes and
 * different sessions never share state: the trajectory of session s depends only on (userSeed, s) and the
 * actions taken for it, not on the batch size or on the other sessions running beside it.
 */
final class Streams {

    private Streams() {
    }

    static final long CATALOGUE = 0x43415441L;  // items, categories, projections
    static final long USERS = 0x55534552L;      // a session's user: interest, profile, context
    static final long CANDIDATES = 0x43414e44L; // retrieval of the candidates of each request
    static final long MTL = 0x4d544c5fL;        // MTL prediction noise
    static final long RESPONSES = 0x52455350L;  // true behaviours of shown items
    static final long LEAVING = 0x4c454156L;    // the leave decision after each step

    static SplittableRandom of(long seed, long tag, long index) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ tag);
        h = mix(h ^ index);
        return new SplittableRandom(h);
    }

    /** SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
