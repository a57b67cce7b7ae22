package io.enhancedrl.spark;

import io.enhancedrl.data.DataFormatException;
import io.enhancedrl.data.DataLayout;
import io.enhancedrl.data.LoggedStep;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.List;

/**
 * Reads Spark rows of a logged-data set (docs/data-format.md; what {@code spark.read().parquet(dir)} returns for
 * a data set written by the engine or by {@link DistributedCollection}) into the engine's {@link LoggedStep}.
 * Columns are found by name once per schema; extra columns are ignored, a missing one or a null value is an
 * error naming the column.
 */
public final class StepRows implements Serializable {

    private final int sessionId;
    private final int stepIndex;
    private final int user;
    private final int context;
    private final int candidates;
    private final int itemIds;
    private final int items;
    private final int mtl;
    private final int actions;
    private final int centres;
    private final int shown;
    private final int behaviours;
    private final int rewards;
    private final int done;
    /** {@link SparkLoggedData#FILE_COLUMN} and {@link SparkLoggedData#ROW_COLUMN}, or -1 when absent. */
    private final int fileColumn;
    private final int rowColumn;

    /** The columns batch scoring reads; scoring selects only these, so Spark decodes no others. */
    public static final String[] SCORING_COLUMNS = {"session_id", "step_index", "user_features", "context_features",
            "candidates", "item_ids", "item_features", "mtl_scores"};

    /** Reads every column of the format (a missing one is an error). */
    public StepRows(StructType schema) {
        this(schema, false);
    }

    /**
     * @param scoringOnly only the {@link #SCORING_COLUMNS} are required; use {@link #readForScoring}
     */
    public StepRows(StructType schema, boolean scoringOnly) {
        sessionId = index(schema, "session_id");
        stepIndex = index(schema, "step_index");
        user = index(schema, "user_features");
        context = index(schema, "context_features");
        candidates = index(schema, "candidates");
        itemIds = index(schema, "item_ids");
        items = index(schema, "item_features");
        mtl = index(schema, "mtl_scores");
        actions = scoringOnly ? -1 : index(schema, "actions");
        centres = scoringOnly ? -1 : index(schema, "box_centres");
        shown = scoringOnly ? -1 : index(schema, "shown");
        behaviours = scoringOnly ? -1 : index(schema, "behaviours");
        rewards = scoringOnly ? -1 : index(schema, "rewards");
        done = scoringOnly ? -1 : index(schema, "done");
        fileColumn = optionalIndex(schema, SparkLoggedData.FILE_COLUMN);
        rowColumn = optionalIndex(schema, SparkLoggedData.ROW_COLUMN);
    }

    private static int optionalIndex(StructType schema, String name) {
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The file a row came from, or "logged-data row" when the rows carry no location. */
    public java.nio.file.Path file(Row row) {
        return java.nio.file.Path.of(fileColumn >= 0 && !row.isNullAt(fileColumn) ? row.getString(fileColumn)
                : "logged-data row");
    }

    /** The row's index in its file, or {@link DataFormatException#NO_ROW}. */
    public long rowIndex(Row row) {
        return rowColumn >= 0 && !row.isNullAt(rowColumn) ? row.getLong(rowColumn) : DataFormatException.NO_ROW;
    }

    /**
     * Reads a row and checks it against the layout exactly as the engine's reader checks its rows (lengths,
     * finite values, score and action ranges, shown indices).
     *
     * @throws DataFormatException naming the file, the row and the column
     */
    public LoggedStep readChecked(Row row, LoggedStep into, DataLayout layout) throws DataFormatException {
        try {
            read(row, into);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new DataFormatException(file(row), rowIndex(row), e.getMessage(), e);
        }
        String problem = layout.problem(into);
        if (problem != null) {
            throw new DataFormatException(file(row), rowIndex(row), problem);
        }
        return into;
    }

    /** Copies the {@link #SCORING_COLUMNS} of a row into the holder; its other fields are left as they were. */
    public LoggedStep readForScoring(Row row, LoggedStep into) {
        into.sessionId = row.getLong(nonNull(row, sessionId));
        into.stepIndex = row.getInt(nonNull(row, stepIndex));
        into.userFeatures = floats(row, user, into.userFeatures);
        into.contextFeatures = floats(row, context, into.contextFeatures);
        into.candidates = row.getInt(nonNull(row, candidates));
        into.itemIds = longs(row, itemIds, into.itemIds);
        into.itemFeatures = floats(row, items, into.itemFeatures);
        into.mtlScores = floats(row, mtl, into.mtlScores);
        return into;
    }

    private static int index(StructType schema, String name) {
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("logged-data rows: expected a column '" + name
                + "' (docs/data-format.md) but the schema is " + schema.simpleString());
    }

    /** Copies a row into the holder (arrays reallocated only when a length changes). */
    public LoggedStep read(Row row, LoggedStep into) {
        if (done < 0) {
            throw new IllegalStateException("read: this StepRows was built for scoring only; use readForScoring");
        }
        into.sessionId = row.getLong(nonNull(row, sessionId));
        into.stepIndex = row.getInt(nonNull(row, stepIndex));
        into.userFeatures = floats(row, user, into.userFeatures);
        into.contextFeatures = floats(row, context, into.contextFeatures);
        into.candidates = row.getInt(nonNull(row, candidates));
        into.itemIds = longs(row, itemIds, into.itemIds);
        into.itemFeatures = floats(row, items, into.itemFeatures);
        into.mtlScores = floats(row, mtl, into.mtlScores);
        into.actions = floats(row, actions, into.actions);
        into.boxCentres = floats(row, centres, into.boxCentres);
        into.shown = ints(row, shown, into.shown);
        into.behaviours = floats(row, behaviours, into.behaviours);
        into.rewards = floats(row, rewards, into.rewards);
        into.done = row.getBoolean(nonNull(row, done));
        return into;
    }

    public long sessionId(Row row) {
        return row.getLong(nonNull(row, sessionId));
    }

    private static int nonNull(Row row, int i) {
        if (row.isNullAt(i)) {
            throw new IllegalArgumentException("logged-data row: column '" + row.schema().fields()[i].name()
                    + "' expected a value but was null");
        }
        return i;
    }

    private static List<Object> list(Row row, int i) {
        return row.getList(nonNull(row, i));
    }

    private static float[] floats(Row row, int i, float[] reuse) {
        List<Object> l = list(row, i);
        float[] a = reuse.length == l.size() ? reuse : new float[l.size()];
        for (int j = 0; j < a.length; j++) {
            a[j] = (Float) element(row, i, l, j);
        }
        return a;
    }

    private static long[] longs(Row row, int i, long[] reuse) {
        List<Object> l = list(row, i);
        long[] a = reuse.length == l.size() ? reuse : new long[l.size()];
        for (int j = 0; j < a.length; j++) {
            a[j] = (Long) element(row, i, l, j);
        }
        return a;
    }

    private static int[] ints(Row row, int i, int[] reuse) {
        List<Object> l = list(row, i);
        int[] a = reuse.length == l.size() ? reuse : new int[l.size()];
        for (int j = 0; j < a.length; j++) {
            a[j] = (Integer) element(row, i, l, j);
        }
        return a;
    }

    private static Object element(Row row, int i, List<Object> l, int j) {
        Object v = l.get(j);
        if (v == null) {
            throw new IllegalArgumentException("logged-data row: " + row.schema().fields()[i].name() + "[" + j
                    + "] expected a value but was null");
        }
        return v;
    }
}
