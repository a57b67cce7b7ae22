package io.enhancedrl.model.fusion;

import io.enhancedrl.kernels.KernelOps;

/**
 * Actions to ranked lists: maps per-candidate actions to fusion parameters ({@link FusionSpace}), scores each
 * candidate with {@link KernelOps#fusionScore} and selects the top-l of each request with
 * {@link KernelOps#topK} (ties by item id). Holds preallocated scratch for up to {@code capacity} candidates,
 * so ranking allocates nothing. Not thread-safe (one per thread); the KernelOps may be shared.
 */
public final class FusionRanker {

    private final FusionSpace space;
    private final KernelOps ops;
    private final int capacity;
    private final float[] power;
    private final float[] bias;
    private final float[] scores;

    /**
     * @param capacity the largest number of candidates (all requests together) one call will rank
     */
    public FusionRanker(FusionSpace space, KernelOps ops, int capacity) {
        if (space == null || ops == null) {
            throw new IllegalArgumentException("FusionRanker: space and ops must not be null");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("FusionRanker: capacity expected >= 1 but was " + capacity);
        }
        this.space = space;
        this.ops = ops;
        this.capacity = capacity;
        int k = space.tasks();
        this.power = new float[Math.multiplyExact(capacity, k)];
        this.bias = new float[Math.multiplyExact(capacity, k)];
        this.scores = new float[capacity];
    }

    public FusionSpace space() {
        return space;
    }

    public KernelOps ops() {
        return ops;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Ranks {@code requests} requests of {@code perRequest} candidates each, stored one request after the other.
     *
     * @param mtl MTL scores [requests*perRequest][K] in (0,1)
     * @param actions actions [requests*perRequest][2K] in [-1,1]
     * @param ids item ids [requests*perRequest], used to break ties
     * @param listLength how many to show per request (&lt;= perRequest)
     * @param shown output [requests][listLength]: indices within each request (0..perRequest-1), best first
     */
    public void rank(int requests, int perRequest, float[] mtl, float[] actions, long[] ids, int listLength, int[] shown) {
        int n = Math.multiplyExact(requests, perRequest);
        int k = space.tasks();
        if (requests < 0 || perRequest < 1) {
            throw new IllegalArgumentException("rank: expected requests >= 0 and perRequest >= 1 but were "
                    + requests + " and " + perRequest);
        }
        if (n > capacity) {
            throw new IllegalArgumentException("rank: " + n + " candidates exceed the capacity " + capacity);
        }
        if (listLength < 0 || listLength > perRequest) {
            throw new IllegalArgumentException("rank: listLength expected in [0, " + perRequest + "] but was " + listLength);
        }
        requireLength("mtl", mtl, (long) n * k);
        requireLength("actions", actions, (long) n * 2 * k);
        requireLength("ids", ids.length, n);
        requireLength("shown", shown.length, (long) requests * listLength);
        space.map(n, actions, 0, power, 0, bias, 0);
        ops.fusionScore(n, k, mtl, 0, power, 0, bias, 0, scores, 0);
        for (int r = 0; r < requests; r++) {
            ops.topK(perRequest, scores, r * perRequest, ids, r * perRequest, listLength, shown, r * listLength);
        }
    }

    /** The fused scores of the last {@link #rank} call, [candidates]; valid until the next call. */
    public float[] scores() {
        return scores;
    }

    /** The powers of the last {@link #rank} call, [candidates][K]. */
    public float[] powers() {
        return power;
    }

    /** The biases of the last {@link #rank} call, [candidates][K]. */
    public float[] biases() {
        return bias;
    }

    private static void requireLength(String name, float[] a, long need) {
        requireLength(name, a.length, need);
    }

    private static void requireLength(String name, long have, long need) {
        if (have < need) {
            throw new IllegalArgumentException("rank: " + name + " has length " + have + " but at least " + need + " is needed");
        }
    }
}
