package io.enhancedrl.sim;

/**
 * What happened at one step, per row of the observation the step acted on (views over preallocated
 * buffers, valid until the next step). Row r here is row r of that observation, even when its session
 * ended and the slot now holds a new one.
 *
 * <p>Layouts: shown [rows][l] candidate indices within the row's request (0..C-1), best first;
 * behaviours [rows][l][B] in {@link Tasks} order (valid play 0/1, watch seconds, like, share, follow 0/1);
 * rewards [rows][l][2] (group 0 = watch-time reward, group 1 = the other behaviours).
 */
public final class StepResult {

    private final int l;
    private final int c;
    final int[] shown;
    final long[] shownIds;
    final float[] behaviours;
    final float[] rewards;
    final float[] stepReward;
    final boolean[] done;
    final boolean[] truncated;
    final long[] sessionIds;
    final int[] stepIndex;
    float[] fusedScores;
    Observation observation;
    int rows;

    StepResult(int capacityRows, int listLength, int candidatesPerRequest) {
        this.l = listLength;
        this.c = candidatesPerRequest;
        shown = new int[capacityRows * listLength];
        shownIds = new long[capacityRows * listLength];
        behaviours = new float[capacityRows * listLength * Tasks.BEHAVIOURS];
        rewards = new float[capacityRows * listLength * Tasks.REWARD_GROUPS];
        stepReward = new float[capacityRows];
        done = new boolean[capacityRows];
        truncated = new boolean[capacityRows];
        sessionIds = new long[capacityRows];
        stepIndex = new int[capacityRows];
    }

    /** Rows of this step (the observation's activeSessions()). */
    public int rows() {
        return rows;
    }

    /** List length l. */
    public int listLength() {
        return l;
    }

    /** Candidate index (0..C-1, within the row's request) shown at rank (0 = top) of row r. */
    public int shown(int row, int rank) {
        return shown[idx(row, rank)];
    }

    /** Index into the step's candidate arrays (row * C + shown(row, rank)). */
    public int shownCandidate(int row, int rank) {
        return row * c + shown[idx(row, rank)];
    }

    /** Item id shown at rank of row r. */
    public long shownItemId(int row, int rank) {
        return shownIds[idx(row, rank)];
    }

    /** Behaviour b ({@link Tasks} order) of the item shown at rank of row r. */
    public float behaviour(int row, int rank, int b) {
        if (b < 0 || b >= Tasks.BEHAVIOURS) {
            throw new IndexOutOfBoundsException("behaviour " + b + " is outside [0, " + Tasks.BEHAVIOURS + ")");
        }
        return behaviours[idx(row, rank) * Tasks.BEHAVIOURS + b];
    }

    /** Reward of group g (0 watch, 1 other) of the item shown at rank of row r. */
    public float reward(int row, int rank, int g) {
        if (g < 0 || g >= Tasks.REWARD_GROUPS) {
            throw new IndexOutOfBoundsException("group " + g + " is outside [0, " + Tasks.REWARD_GROUPS + ")");
        }
        return rewards[idx(row, rank) * Tasks.REWARD_GROUPS + g];
    }

    /** Step reward of row r: the sum of both groups over the shown list. */
    public float stepReward(int row) {
        checkRow(row);
        return stepReward[row];
    }

    /** Whether row r's session ended after this step (left, or reached the step cap). */
    public boolean done(int row) {
        checkRow(row);
        return done[row];
    }

    /** Whether row r's session ended only because it reached the step cap (a time limit, not a leave). */
    public boolean truncated(int row) {
        checkRow(row);
        return truncated[row];
    }

    public long sessionId(int row) {
        checkRow(row);
        return sessionIds[row];
    }

    public int stepIndex(int row) {
        checkRow(row);
        return stepIndex[row];
    }

    /** Raw views: shown [rows][l]. */
    public int[] shownArray() {
        return shown;
    }

    /** Raw views: behaviours [rows][l][B]. */
    public float[] behaviourArray() {
        return behaviours;
    }

    /** Raw views: rewards [rows][l][2]. */
    public float[] rewardArray() {
        return rewards;
    }

    /** The observation this step acted on (still intact: the run double-buffers observations). */
    public Observation observation() {
        return observation;
    }

    /** The fused score of every candidate of the step [rows * C] (for MTF-GAUC and debugging). */
    public float[] fusedScores() {
        return fusedScores;
    }

    private int idx(int row, int rank) {
        checkRow(row);
        if (rank < 0 || rank >= l) {
            throw new IndexOutOfBoundsException("rank " + rank + " is outside [0, " + l + ")");
        }
        return row * l + rank;
    }

    private void checkRow(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " is outside [0, " + rows + ")");
        }
    }
}
