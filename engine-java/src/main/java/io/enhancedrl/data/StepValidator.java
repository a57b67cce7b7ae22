package io.enhancedrl.data;

/**
 * Checks one step against a layout. Shared by the writer (which throws IllegalArgumentException naming
 * the Java field) and the reader (which throws DataFormatException naming the column, file and row), so
 * that what can be written and what is accepted on reading are the same set.
 *
 * <p>Checks: step index >= 0; every array present with the length the layout implies for its
 * candidate count; all floats finite; MTL scores in [0, 1]; actions and box centres in [-1, 1]
 * (tanh outputs, spec section 2); shown indices in [0, C) and distinct.
 */
final class StepValidator {

    private StepValidator() {
    }

    /** Returns null when {@code s} is valid for {@code layout}, else one sentence naming the field. */
    static String problem(LoggedStep s, DataLayout layout, boolean columnNames) {
        if (s.stepIndex < 0) {
            return StepField.STEP_INDEX.label(columnNames) + ": expected >= 0 but was " + s.stepIndex;
        }
        int c = s.candidates;
        if (c < 1 || c > DataLayout.MAX_WIDTH) {
            return StepField.CANDIDATES.label(columnNames) + ": expected in [1, " + DataLayout.MAX_WIDTH
                    + "] but was " + c;
        }
        int shownLength = layout.shownLength(c);
        String p;
        if ((p = floats(StepField.USER_FEATURES, s.userFeatures, 1, layout.userWidth(), "user_width", c, -Float.MAX_VALUE, Float.MAX_VALUE, columnNames)) != null
                || (p = floats(StepField.CONTEXT_FEATURES, s.contextFeatures, 1, layout.contextWidth(), "context_width", c, -Float.MAX_VALUE, Float.MAX_VALUE, columnNames)) != null
                || (p = length(StepField.ITEM_IDS, s.itemIds == null ? -1 : s.itemIds.length, c, 1, "candidates", c, columnNames)) != null
                || (p = floats(StepField.ITEM_FEATURES, s.itemFeatures, c, layout.itemWidth(), "item_width", c, -Float.MAX_VALUE, Float.MAX_VALUE, columnNames)) != null
                || (p = floats(StepField.MTL_SCORES, s.mtlScores, c, layout.tasks(), "tasks", c, 0f, 1f, columnNames)) != null
                || (p = floats(StepField.ACTIONS, s.actions, c, layout.actionWidth(), "2*tasks", c, -1f, 1f, columnNames)) != null
                || (p = floats(StepField.BOX_CENTRES, s.boxCentres, c, layout.actionWidth(), "2*tasks", c, -1f, 1f, columnNames)) != null
                || (p = shown(s.shown, c, shownLength, layout.listLength(), columnNames)) != null
                || (p = floats(StepField.BEHAVIOURS, s.behaviours, shownLength, layout.behaviours(), "behaviours", c, -Float.MAX_VALUE, Float.MAX_VALUE, columnNames)) != null
                || (p = floats(StepField.REWARDS, s.rewards, shownLength, DataLayout.REWARD_GROUPS, "reward_groups", c, -Float.MAX_VALUE, Float.MAX_VALUE, columnNames)) != null) {
            return p;
        }
        return null;
    }

    /**
     * A [rows][width] float matrix: length rows*width, every value finite and in [lo, hi]. The rows
     * count is 1 for a vector, C for per-candidate data, min(l, C) for per-shown-item data.
     */
    private static String floats(StepField f, float[] v, int rows, int width, String widthName, int candidates,
                                 float lo, float hi, boolean columnNames) {
        String p = length(f, v == null ? -1 : v.length, rows, width, widthName, candidates, columnNames);
        if (p != null) {
            return p;
        }
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            if (!(x >= lo && x <= hi)) { // also true for NaN
                String where = rows == 1 ? "" : " (" + entityName(f) + " " + i / width + ", entry " + i % width + ")";
                String rule = Float.isFinite(x) ? "must be in [" + lo + ", " + hi + "]" : "values must be finite";
                return f.label(columnNames) + "[" + i + "] = " + x + where + ": " + rule;
            }
        }
        return null;
    }

    private static String length(StepField f, int actual, int rows, int width, String widthName, int candidates,
                                 boolean columnNames) {
        long expected = (long) rows * width;
        if (actual == expected) {
            return null;
        }
        String rowsName = rowsName(f, candidates);
        String formula = rowsName == null ? widthName + " = " + expected
                : rowsName + " * " + widthName + " = " + rows + " * " + width + " = " + expected;
        return f.label(columnNames) + ": expected " + formula + " values but "
                + (actual < 0 ? "it is missing (null)" : "got " + actual);
    }

    private static String entityName(StepField f) {
        return f == StepField.BEHAVIOURS || f == StepField.REWARDS ? "shown item" : "candidate";
    }

    private static String rowsName(StepField f, int candidates) {
        return switch (f) {
            case USER_FEATURES, CONTEXT_FEATURES, ITEM_IDS -> null; // the width alone says it: d_u, d_c, C
            case BEHAVIOURS, REWARDS -> "shown length min(list_length, candidates=" + candidates + ")";
            default -> "candidates";
        };
    }

    private static String shown(int[] shown, int candidates, int shownLength, int listLength, boolean columnNames) {
        String name = StepField.SHOWN.label(columnNames);
        if (shown == null) {
            return name + ": missing (null); expected " + shownLength + " candidate indices";
        }
        if (shown.length != shownLength) {
            return name + ": expected min(list_length, candidates) = min(" + listLength + ", " + candidates + ") = "
                    + shownLength + " indices but got " + shown.length;
        }
        for (int i = 0; i < shown.length; i++) {
            int j = shown[i];
            if (j < 0 || j >= candidates) {
                return name + "[" + i + "] = " + j + " is out of range [0, candidates=" + candidates + ")";
            }
        }
        // The list is short (l = 5 by default): a quadratic scan beats allocating a set per step.
        if (shown.length <= 64) {
            for (int i = 1; i < shown.length; i++) {
                for (int k = 0; k < i; k++) {
                    if (shown[k] == shown[i]) {
                        return duplicate(name, shown, i, k);
                    }
                }
            }
        } else {
            int[] firstAt = new int[candidates];
            java.util.Arrays.fill(firstAt, -1);
            for (int i = 0; i < shown.length; i++) {
                if (firstAt[shown[i]] >= 0) {
                    return duplicate(name, shown, i, firstAt[shown[i]]);
                }
                firstAt[shown[i]] = i;
            }
        }
        return null;
    }

    private static String duplicate(String name, int[] shown, int i, int k) {
        return name + "[" + i + "] = " + shown[i] + " duplicates " + name + "[" + k + "]: shown indices must be distinct";
    }
}
