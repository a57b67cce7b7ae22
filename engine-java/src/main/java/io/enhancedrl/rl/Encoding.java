package io.enhancedrl.rl;

/**
 * How logged steps become learner units: per user-item pair (EnhancedRL) or per request (user-level RL,
 * UnifiedRL-style). The rest of the learning procedure is shared.
 */
public enum Encoding {
    PAIR,
    REQUEST;

    public int stateWidth(int du, int dc, int di, int k) {
        return this == PAIR ? du + dc + di + k : du + dc + k;
    }

    /** Units one transition contributes to a batch (upper bound). */
    int unitsOf(StepRecord r, RlConfig cfg) {
        return this == REQUEST ? 1 : (cfg.criticMode() == CriticMode.LIST_SUM ? r.shownCount() : r.kept);
    }

    int nextUnitsOf(StepRecord r, RlConfig cfg) {
        if (r.next == null || r.done) {
            return 0;
        }
        if (this == REQUEST) {
            return 1;
        }
        boolean logged = cfg.criticMode() == CriticMode.LIST_SUM && cfg.listSumNext() == ListSumNext.LOGGED;
        return logged ? r.next.shownCount() : r.next.kept;
    }

    /** Appends the transition (r, r.next) to the batch. */
    void encode(StepRecord r, RlConfig cfg, int listLength, UnitBatch b) {
        b.beginTransition(r.done || r.next == null);
        int sw = b.stateWidth;
        int aw = b.actionWidth;
        int pw = r.prefix.length;
        if (this == REQUEST) {
            int u = b.addUnit(r.stepRewards[0], r.stepRewards[1], 1f, 1f, true);
            writeRequestState(r, b.states, u * sw);
            System.arraycopy(r.requestAction, 0, b.actions, u * aw, aw);
            System.arraycopy(r.requestCentre, 0, b.centres, u * aw, aw);
            if (!r.done && r.next != null) {
                int nx = b.addNext(1f, true, 0);
                writeRequestState(r.next, b.nextStates, nx * sw);
                System.arraycopy(r.next.requestCentre, 0, b.nextCentres, nx * aw, aw);
            }
            return;
        }
        boolean listSum = cfg.criticMode() == CriticMode.LIST_SUM;
        int rw = sw - pw;
        for (int j = 0; j < r.kept; j++) {
            if (listSum && !r.shown[j]) {
                continue;
            }
            float boot = r.shown[j] ? 1f / listLength : 0f;
            int u = b.addUnit(r.rewards[j * 2], r.rewards[j * 2 + 1], r.weights[j], boot, r.shown[j]);
            System.arraycopy(r.prefix, 0, b.states, u * sw, pw);
            System.arraycopy(r.rows, j * rw, b.states, u * sw + pw, rw);
            System.arraycopy(r.actions, j * aw, b.actions, u * aw, aw);
            System.arraycopy(r.centres, j * aw, b.centres, u * aw, aw);
        }
        if (r.done || r.next == null) {
            return;
        }
        StepRecord n = r.next;
        boolean loggedOnly = listSum && cfg.listSumNext() == ListSumNext.LOGGED;
        for (int j = 0; j < n.kept; j++) {
            if (loggedOnly && !n.shown[j]) {
                continue;
            }
            int nx = b.addNext(listSum ? 1f : n.weights[j], n.shown[j], n.ids[j]);
            System.arraycopy(n.prefix, 0, b.nextStates, nx * sw, pw);
            System.arraycopy(n.rows, j * rw, b.nextStates, nx * sw + pw, rw);
            System.arraycopy(n.centres, j * aw, b.nextCentres, nx * aw, aw);
        }
    }

    private static void writeRequestState(StepRecord r, float[] out, int off) {
        System.arraycopy(r.prefix, 0, out, off, r.prefix.length);
        System.arraycopy(r.meanMtl, 0, out, off + r.prefix.length, r.meanMtl.length);
    }
}
