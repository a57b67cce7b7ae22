package io.enhancedrl.data;

import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.RecordConsumer;

import java.util.Map;

/**
 * Emits one {@link LoggedStep} as one Parquet record, straight from its arrays (no intermediate row
 * object). Assumes the step was validated: it writes whatever lengths the arrays have.
 */
final class StepWriteSupport extends WriteSupport<LoggedStep> {

    private static final String LIST = "list";
    private static final String ELEMENT = "element";

    private final Map<String, String> metadata;
    private RecordConsumer out;

    StepWriteSupport(Map<String, String> metadata) {
        this.metadata = metadata;
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(StepSchema.SCHEMA, metadata);
    }

    /** The Hadoop entry point; never called because the writer passes a PlainParquetConfiguration. */
    @Override
    @SuppressWarnings("deprecation") // abstract in parquet 1.17, so it must be implemented
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
        return new WriteContext(StepSchema.SCHEMA, metadata);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(LoggedStep s) {
        out.startMessage();
        int i = 0;
        for (StepField f : StepField.values()) {
            out.startField(f.column, i);
            switch (f) {
                case SESSION_ID -> out.addLong(s.sessionId);
                case STEP_INDEX -> out.addInteger(s.stepIndex);
                case USER_FEATURES -> floats(s.userFeatures);
                case CONTEXT_FEATURES -> floats(s.contextFeatures);
                case CANDIDATES -> out.addInteger(s.candidates);
                case ITEM_IDS -> longs(s.itemIds);
                case ITEM_FEATURES -> floats(s.itemFeatures);
                case MTL_SCORES -> floats(s.mtlScores);
                case ACTIONS -> floats(s.actions);
                case BOX_CENTRES -> floats(s.boxCentres);
                case SHOWN -> ints(s.shown);
                case BEHAVIOURS -> floats(s.behaviours);
                case REWARDS -> floats(s.rewards);
                case DONE -> out.addBoolean(s.done);
            }
            out.endField(f.column, i);
            i++;
        }
        out.endMessage();
    }

    // A three-level LIST: the outer group is always present (the column is required); an empty array
    // writes the group with no "list" field, which is how Parquet encodes an empty (non-null) list.

    private void floats(float[] v) {
        out.startGroup();
        if (v.length > 0) {
            out.startField(LIST, 0);
            for (float x : v) {
                out.startGroup();
                out.startField(ELEMENT, 0);
                out.addFloat(x);
                out.endField(ELEMENT, 0);
                out.endGroup();
            }
            out.endField(LIST, 0);
        }
        out.endGroup();
    }

    private void ints(int[] v) {
        out.startGroup();
        if (v.length > 0) {
            out.startField(LIST, 0);
            for (int x : v) {
                out.startGroup();
                out.startField(ELEMENT, 0);
                out.addInteger(x);
                out.endField(ELEMENT, 0);
                out.endGroup();
            }
            out.endField(LIST, 0);
        }
        out.endGroup();
    }

    private void longs(long[] v) {
        out.startGroup();
        if (v.length > 0) {
            out.startField(LIST, 0);
            for (long x : v) {
                out.startGroup();
                out.startField(ELEMENT, 0);
                out.addLong(x);
                out.endField(ELEMENT, 0);
                out.endGroup();
            }
            out.endField(LIST, 0);
        }
        out.endGroup();
    }
}
