package io.enhancedrl.sim;

/**
 * What a fusion policy sees at one step, for all active sessions of a run: views over the run's
 * preallocated buffers. Do not modify the arrays. The run double-buffers its observations: the observation
 * a step acted on stays intact while that step's {@link StepResult} is read (also after {@code step}
 * returned, beside the next observation) and is overwritten only by the step after that.
 *
 * <p>Rows: the active sessions, indexed 0..activeSessions()-1 (in slot order). Candidates: row r owns
 * candidates r*C .. r*C+C-1 (C = candidatesPerRequest). Arrays may be longer than the used part.
 * The enhanced state of candidate j of row r is {@code [user(r); context(r); item(j); mtl(j)]}, of width
 * {@link #stateWidth()}.
 */
public final class Observation {

    private final int c;
    private final int du;
    private final int dc;
    private final int di;
    private final int k;
    final float[] user;
    final float[] context;
    final float[] item;
    final float[] mtl;
    final long[] ids;
    final long[] sessionIds;
    final int[] stepIndex;
    final int[] slotOfRow;
    /** Hidden: catalogue index of each candidate [n]. */
    final int[] itemIdx;
    /** Hidden: true logits of each candidate before the slate effect [n][5] (validPlay, watch fraction, like, share, follow). */
    final float[] truth;
    int rows;

    Observation(int capacityRows, int candidatesPerRequest, int du, int dc, int di, int k) {
        this.c = candidatesPerRequest;
        this.du = du;
        this.dc = dc;
        this.di = di;
        this.k = k;
        int n = capacityRows * candidatesPerRequest;
        user = new float[capacityRows * du];
        context = new float[capacityRows * dc];
        item = new float[n * di];
        mtl = new float[n * k];
        ids = new long[n];
        sessionIds = new long[capacityRows];
        stepIndex = new int[capacityRows];
        slotOfRow = new int[capacityRows];
        itemIdx = new int[n];
        truth = new float[n * Tasks.BEHAVIOURS];
    }

    /** Number of active sessions (rows) at this step; 0 when the run has finished. */
    public int activeSessions() {
        return rows;
    }

    /** Candidates per request C (the same for every row). */
    public int candidatesPerRequest() {
        return c;
    }

    /** activeSessions() * candidatesPerRequest(). */
    public int totalCandidates() {
        return rows * c;
    }

    /** d_u. */
    public int userWidth() {
        return du;
    }

    /** d_c. */
    public int contextWidth() {
        return dc;
    }

    /** d_i. */
    public int itemWidth() {
        return di;
    }

    /** K. */
    public int tasks() {
        return k;
    }

    /** 2K. */
    public int actionWidth() {
        return 2 * k;
    }

    /** d = d_u + d_c + d_i + K. */
    public int stateWidth() {
        return du + dc + di + k;
    }

    /** Observed user features [activeSessions][d_u] (profile and in-session statistics). */
    public float[] userFeatures() {
        return user;
    }

    /** Context features [activeSessions][d_c]. */
    public float[] contextFeatures() {
        return context;
    }

    /** Observed item features [totalCandidates][d_i]. */
    public float[] itemFeatures() {
        return item;
    }

    /** MTL predictions [totalCandidates][K], each in (0,1); task order in {@link Tasks}. */
    public float[] mtlScores() {
        return mtl;
    }

    /** Item ids [totalCandidates]. */
    public long[] itemIds() {
        return ids;
    }

    /** The session id of row r (session ids count up from 0 in user order). */
    public long sessionId(int row) {
        checkRow(row);
        return sessionIds[row];
    }

    /** The 0-based step index of row r's session at this step. */
    public int stepIndex(int row) {
        checkRow(row);
        return stepIndex[row];
    }

    /** The slot (0..batchSize-1) that row r occupies. */
    public int slotOf(int row) {
        checkRow(row);
        return slotOfRow[row];
    }

    /** Offset of row r's first candidate: r * C. */
    public int candidateOffset(int row) {
        checkRow(row);
        return row * c;
    }

    /**
     * Copies the enhanced state of candidate j (0..totalCandidates-1) into out at off:
     * {@code [user(r); context(r); item(j); mtl(j)]} with r = j / C. For tests and simple policies; batched
     * actors should use the split arrays directly.
     */
    public void writeState(int j, float[] out, int off) {
        if (j < 0 || j >= totalCandidates()) {
            throw new IndexOutOfBoundsException("candidate " + j + " is outside [0, " + totalCandidates() + ")");
        }
        int r = j / c;
        System.arraycopy(user, r * du, out, off, du);
        System.arraycopy(context, r * dc, out, off + du, dc);
        System.arraycopy(item, j * di, out, off + du + dc, di);
        System.arraycopy(mtl, j * k, out, off + du + dc + di, k);
    }

    private void checkRow(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " is outside [0, " + rows + ")");
        }
    }
}
