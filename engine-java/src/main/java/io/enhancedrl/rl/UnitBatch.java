package io.enhancedrl.rl;

/**
 * One training batch in the shape the learner consumes, for both the per-pair (EnhancedRL) and the
 * per-request (user-level RL) encodings. Preallocated and refilled for every gradient step.
 *
 * <p>A <em>transition</em> is one logged step t with its successor t+1. It owns
 * <ul>
 *   <li><b>units</b>: the decisions of step t that the critics are trained on (pairs (t, j), or the request);
 *       each has a state row, the logged action, the box centre, a reward per group, a loss weight and a
 *       bootstrap coefficient (1/l for a shown pair, 0 for an unshown one, 1 for a request), and whether it
 *       was shown;</li>
 *   <li><b>next units</b>: the decisions of step t+1 over which V'(t+1) = sum w phi Q'(s', mu'(s')) is taken,
 *       each with its state row, box centre and sampling weight.</li>
 * </ul>
 * Arrays are row-major; per-unit arrays are indexed by unit, per-transition arrays by transition.
 */
public final class UnitBatch {

    public final int stateWidth;
    public final int actionWidth;
    public final int maxTransitions;
    public final int maxUnits;
    public final int maxNext;

    public int transitions;
    public int units;
    public int nextUnits;

    // per transition
    public final float[] notDone;        // 1 - done_t
    // per unit
    public final float[] states;         // [units][stateWidth]
    public final float[] actions;        // [units][actionWidth]
    public final float[] centres;        // [units][actionWidth]
    public final float[] rewards;        // [units][GROUPS]
    public final float[] weights;        // [units] loss weight
    public final float[] bootstrap;      // [units] coefficient of V'(t+1) in the target
    public final boolean[] shown;        // [units]
    public final int[] unitTransition;   // [units] owning transition
    // per next unit
    public final float[] nextStates;     // [nextUnits][stateWidth]
    public final float[] nextCentres;    // [nextUnits][actionWidth]
    public final float[] nextWeights;    // [nextUnits]
    public final boolean[] nextShown;    // [nextUnits] shown by the behaviour policy at t+1
    public final long[] nextItemIds;     // [nextUnits] for the target actor's own top-l
    public final int[] nextTransition;   // [nextUnits] owning transition

    public UnitBatch(int stateWidth, int actionWidth, int maxTransitions, int maxUnits, int maxNext) {
        this.stateWidth = stateWidth;
        this.actionWidth = actionWidth;
        this.maxTransitions = maxTransitions;
        this.maxUnits = maxUnits;
        this.maxNext = maxNext;
        notDone = new float[maxTransitions];
        states = new float[maxUnits * stateWidth];
        actions = new float[maxUnits * actionWidth];
        centres = new float[maxUnits * actionWidth];
        rewards = new float[maxUnits * RlConfig.GROUPS];
        weights = new float[maxUnits];
        bootstrap = new float[maxUnits];
        shown = new boolean[maxUnits];
        unitTransition = new int[maxUnits];
        nextStates = new float[maxNext * stateWidth];
        nextCentres = new float[maxNext * actionWidth];
        nextWeights = new float[maxNext];
        nextShown = new boolean[maxNext];
        nextItemIds = new long[maxNext];
        nextTransition = new int[maxNext];
    }

    public void clear() {
        transitions = 0;
        units = 0;
        nextUnits = 0;
    }

    /** Starts a transition; returns its index. */
    public int beginTransition(boolean done) {
        if (transitions >= maxTransitions) {
            throw new IllegalStateException("batch full: " + maxTransitions + " transitions");
        }
        notDone[transitions] = done ? 0f : 1f;
        return transitions++;
    }

    /** Appends a unit to the current transition; returns its index (fill states/actions/centres rows). */
    public int addUnit(float rewardGroup0, float rewardGroup1, float weight, float bootstrapCoef, boolean isShown) {
        if (units >= maxUnits) {
            throw new IllegalStateException("batch full: " + maxUnits + " units");
        }
        int u = units++;
        rewards[u * RlConfig.GROUPS] = rewardGroup0;
        rewards[u * RlConfig.GROUPS + 1] = rewardGroup1;
        weights[u] = weight;
        bootstrap[u] = bootstrapCoef;
        shown[u] = isShown;
        unitTransition[u] = transitions - 1;
        return u;
    }

    /** Appends a next unit to the current transition; returns its index (fill nextStates/nextCentres rows). */
    public int addNext(float weight, boolean isShown, long itemId) {
        if (nextUnits >= maxNext) {
            throw new IllegalStateException("batch full: " + maxNext + " next units");
        }
        int u = nextUnits++;
        nextWeights[u] = weight;
        nextShown[u] = isShown;
        nextItemIds[u] = itemId;
        nextTransition[u] = transitions - 1;
        return u;
    }

    public boolean hasRoomFor(int moreUnits, int moreNext) {
        return transitions < maxTransitions && units + moreUnits <= maxUnits && nextUnits + moreNext <= maxNext;
    }
}
