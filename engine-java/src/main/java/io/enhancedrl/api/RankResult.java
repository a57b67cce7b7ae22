package io.enhancedrl.api;

import java.util.Arrays;

/**
 * The ranked list of one request: the best {@link #size()} candidates in order (best first), each with its
 * id, its index in the request, its fused score {@code sum_k power_k ln(p_k + bias_k)} and the fusion
 * parameters the policy chose for it (power and bias per task); plus the version of the model that served
 * the request.
 *
 * <p>Mutable and reusable: {@link Ranker#rank(RankRequest, RankResult)} overwrites a caller-owned result,
 * growing its arrays only when a request needs more room than any before, so a thread that keeps one result
 * ranks without allocating. Not thread-safe: one per thread, read it before the next rank call on it.
 */
public final class RankResult {

    private long modelVersion = -1;
    private String backend = "";
    private int size;
    private int candidates;
    private int tasks;
    private long[] ids = new long[0];
    private int[] indices = new int[0];
    private float[] scores = new float[0];
    private float[] power = new float[0];
    private float[] bias = new float[0];

    /** An empty result, to pass to {@link Ranker#rank(RankRequest, RankResult)}. */
    public RankResult() {
    }

    /** Makes room for {@code size} entries of {@code k} tasks; allocates only when growing. */
    void prepare(long version, String backendName, int size, int candidates, int k) {
        if (ids.length < size) {
            ids = new long[size];
            indices = new int[size];
            scores = new float[size];
        }
        if (power.length < size * k) {
            power = new float[size * k];
            bias = new float[size * k];
        }
        this.modelVersion = version;
        this.backend = backendName;
        this.size = size;
        this.candidates = candidates;
        this.tasks = k;
    }

    /** Writes entry {@code rank}: candidate {@code index} of the request. */
    void put(int rank, int index, long id, float score, float[] pw, float[] bs, int paramOff) {
        ids[rank] = id;
        indices[rank] = index;
        scores[rank] = score;
        System.arraycopy(pw, paramOff, power, rank * tasks, tasks);
        System.arraycopy(bs, paramOff, bias, rank * tasks, tasks);
    }

    /** The {@link Ranker.Model#version()} of the model that ranked this request; -1 before the first use. */
    public long modelVersion() {
        return modelVersion;
    }

    /** Entries in the result: min(listLength, N). */
    public int size() {
        return size;
    }

    /** N, the number of candidates of the request. */
    public int candidateCount() {
        return candidates;
    }

    /** K, the number of tasks (fusion parameters per task: one power, one bias). */
    public int tasks() {
        return tasks;
    }

    /** The id of the candidate at position {@code rank} (0 = best). */
    public long id(int rank) {
        check(rank);
        return ids[rank];
    }

    /** The candidate's index in the request (0..N-1). */
    public int index(int rank) {
        check(rank);
        return indices[rank];
    }

    /** The fused score. */
    public float score(int rank) {
        check(rank);
        return scores[rank];
    }

    /** The power the policy chose for this candidate and task. */
    public float power(int rank, int task) {
        check(rank);
        checkTask(task);
        return power[rank * tasks + task];
    }

    /** The bias the policy chose for this candidate and task. */
    public float bias(int rank, int task) {
        check(rank);
        checkTask(task);
        return bias[rank * tasks + task];
    }

    /** A copy of the ids in rank order (allocates). */
    public long[] ids() {
        return Arrays.copyOf(ids, size);
    }

    /** A copy of the scores in rank order (allocates). */
    public float[] scores() {
        return Arrays.copyOf(scores, size);
    }

    /**
     * The name of the kernel backend that computed this result: the ranker's backend, or its CPU fallback
     * when the device failed on this request or is marked unhealthy (see {@link Ranker#health()}); "" before
     * the first use. Not part of {@link #contentEquals}.
     */
    public String backend() {
        return backend;
    }

    /**
     * true when {@code other} holds the same entries bit for bit (ids, indices, scores, powers, biases),
     * the same N and the same model version.
     */
    public boolean contentEquals(RankResult other) {
        if (other == null || other.size != size || other.candidates != candidates || other.tasks != tasks
                || other.modelVersion != modelVersion) {
            return false;
        }
        int pk = size * tasks;
        return Arrays.equals(ids, 0, size, other.ids, 0, size)
                && Arrays.equals(indices, 0, size, other.indices, 0, size)
                && Arrays.equals(scores, 0, size, other.scores, 0, size)
                && Arrays.equals(power, 0, pk, other.power, 0, pk)
                && Arrays.equals(bias, 0, pk, other.bias, 0, pk);
    }

    /** A copy holding exactly this result's entries. */
    public RankResult copy() {
        RankResult r = new RankResult();
        r.prepare(modelVersion, backend, size, candidates, tasks);
        System.arraycopy(ids, 0, r.ids, 0, size);
        System.arraycopy(indices, 0, r.indices, 0, size);
        System.arraycopy(scores, 0, r.scores, 0, size);
        System.arraycopy(power, 0, r.power, 0, size * tasks);
        System.arraycopy(bias, 0, r.bias, 0, size * tasks);
        return r;
    }

    private void check(int rank) {
        if (rank < 0 || rank >= size) {
            throw new IndexOutOfBoundsException("rank: expected 0.." + (size - 1) + " but was " + rank);
        }
    }

    private void checkTask(int task) {
        if (task < 0 || task >= tasks) {
            throw new IndexOutOfBoundsException("task: expected 0.." + (tasks - 1) + " but was " + task);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RankResult{model v").append(modelVersion).append(", ").append(size)
                .append(" of ").append(candidates).append(':');
        for (int r = 0; r < Math.min(size, 10); r++) {
            sb.append(' ').append(ids[r]).append('=').append(scores[r]);
        }
        return sb.append(size > 10 ? " ...}" : "}").toString();
    }
}
