package io.enhancedrl.data;

import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The fields of a logged step, in column order: the one place that ties a {@link LoggedStep} field to
 * its Parquet column name and physical type. Scalars are required primitives; arrays are standard
 * three-level Parquet LISTs of a required primitive (what Spark reads as array&lt;float&gt; etc.).
 */
enum StepField {
    SESSION_ID("sessionId", "session_id", PrimitiveTypeName.INT64, false),
    STEP_INDEX("stepIndex", "step_index", PrimitiveTypeName.INT32, false),
    USER_FEATURES("userFeatures", "user_features", PrimitiveTypeName.FLOAT, true),
    CONTEXT_FEATURES("contextFeatures", "context_features", PrimitiveTypeName.FLOAT, true),
    CANDIDATES("candidates", "candidates", PrimitiveTypeName.INT32, false),
    ITEM_IDS("itemIds", "item_ids", PrimitiveTypeName.INT64, true),
    ITEM_FEATURES("itemFeatures", "item_features", PrimitiveTypeName.FLOAT, true),
    MTL_SCORES("mtlScores", "mtl_scores", PrimitiveTypeName.FLOAT, true),
    ACTIONS("actions", "actions", PrimitiveTypeName.FLOAT, true),
    BOX_CENTRES("boxCentres", "box_centres", PrimitiveTypeName.FLOAT, true),
    SHOWN("shown", "shown", PrimitiveTypeName.INT32, true),
    BEHAVIOURS("behaviours", "behaviours", PrimitiveTypeName.FLOAT, true),
    REWARDS("rewards", "rewards", PrimitiveTypeName.FLOAT, true),
    DONE("done", "done", PrimitiveTypeName.BOOLEAN, false);

    final String javaName;
    final String column;
    final PrimitiveTypeName type;
    final boolean list;

    StepField(String javaName, String column, PrimitiveTypeName type, boolean list) {
        this.javaName = javaName;
        this.column = column;
        this.type = type;
        this.list = list;
    }

    /** The name to show in a message: the column for file problems, the Java field for writer callers. */
    String label(boolean columnNames) {
        return columnNames ? column : javaName;
    }

    /** "list<float>" or "int64": the expected type, as a message shows it. */
    String typeDescription() {
        String t = type.name().toLowerCase(java.util.Locale.ROOT);
        return list ? "list<" + t + ">" : t;
    }
}
