package io.enhancedrl.data;

import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;

import java.util.Arrays;

/**
 * Assembles one Parquet record of the projected step schema into growable buffers; {@link #finish}
 * then moves them into the caller's {@link LoggedStep}. Nulls (possible when the file has optional
 * columns, as Spark writes them) are recorded, not guessed around: a missing column value or a null list
 * element makes {@link #finish} report the column.
 */
final class StepMaterializer extends RecordMaterializer<LoggedStep> {

    private static final StepField[] FIELDS = StepField.values();
    private static final int ALL_SEEN = (1 << FIELDS.length) - 1;

    // Scalars of the current record.
    private long sessionId;
    private int stepIndex;
    private int candidates;
    private boolean done;
    // Arrays of the current record, indexed by StepField ordinal (null for scalar fields).
    private final FloatBuf[] floats = new FloatBuf[FIELDS.length];
    private final IntBuf shown = new IntBuf();
    private final LongBuf itemIds = new LongBuf();
    /** Bit i set when field i had a (non-null) value in the current record. */
    private int seen;
    /** The first list field with a null element in the current record, or null. */
    private StepField nullElement;

    private final Root root;

    StepMaterializer() {
        for (StepField f : FIELDS) {
            if (f.list && f.type == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT) {
                floats[f.ordinal()] = new FloatBuf();
            }
        }
        root = new Root(); // after the buffers: its converters capture them
    }

    @Override
    public LoggedStep getCurrentRecord() {
        // The caller collects the record through finish(); returning null would make the record reader
        // treat the row as filtered out, so hand back a marker.
        return MARKER;
    }

    private static final LoggedStep MARKER = new LoggedStep();

    @Override
    public GroupConverter getRootConverter() {
        return root;
    }

    /** Moves the assembled record into {@code into}; returns null or the problem with the record. */
    String finish(LoggedStep into) {
        if (seen != ALL_SEEN) {
            for (StepField f : FIELDS) {
                if ((seen & (1 << f.ordinal())) == 0) {
                    return "column '" + f.column + "' is null";
                }
            }
        }
        if (nullElement != null) {
            return "column '" + nullElement.column + "' has a null element";
        }
        into.sessionId = sessionId;
        into.stepIndex = stepIndex;
        into.candidates = candidates;
        into.done = done;
        into.userFeatures = floats[StepField.USER_FEATURES.ordinal()].moveTo(into.userFeatures);
        into.contextFeatures = floats[StepField.CONTEXT_FEATURES.ordinal()].moveTo(into.contextFeatures);
        into.itemIds = itemIds.moveTo(into.itemIds);
        into.itemFeatures = floats[StepField.ITEM_FEATURES.ordinal()].moveTo(into.itemFeatures);
        into.mtlScores = floats[StepField.MTL_SCORES.ordinal()].moveTo(into.mtlScores);
        into.actions = floats[StepField.ACTIONS.ordinal()].moveTo(into.actions);
        into.boxCentres = floats[StepField.BOX_CENTRES.ordinal()].moveTo(into.boxCentres);
        into.shown = shown.moveTo(into.shown);
        into.behaviours = floats[StepField.BEHAVIOURS.ordinal()].moveTo(into.behaviours);
        into.rewards = floats[StepField.REWARDS.ordinal()].moveTo(into.rewards);
        return null;
    }

    private final class Root extends GroupConverter {
        private final Converter[] children = new Converter[FIELDS.length];

        Root() {
            for (StepField f : FIELDS) {
                children[f.ordinal()] = f.list ? new ListConverter(f) : new ScalarConverter(f);
            }
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return children[fieldIndex];
        }

        @Override
        public void start() {
            seen = 0;
            nullElement = null;
        }

        @Override
        public void end() {
        }
    }

    private final class ScalarConverter extends PrimitiveConverter {
        private final StepField field;
        private final int bit;

        ScalarConverter(StepField field) {
            this.field = field;
            this.bit = 1 << field.ordinal();
        }

        @Override
        public void addLong(long value) {
            sessionId = value; // the only int64 scalar
            seen |= bit;
        }

        @Override
        public void addInt(int value) {
            if (field == StepField.STEP_INDEX) {
                stepIndex = value;
            } else {
                candidates = value;
            }
            seen |= bit;
        }

        @Override
        public void addBoolean(boolean value) {
            done = value;
            seen |= bit;
        }
    }

    /** The outer LIST group: clears the buffer on start, marks the field present on end. */
    private final class ListConverter extends GroupConverter {
        private final int bit;
        private final Repeated repeated;
        private final Runnable clear;

        ListConverter(StepField field) {
            this.bit = 1 << field.ordinal();
            PrimitiveConverter element;
            switch (field.type) {
                case FLOAT -> {
                    FloatBuf buf = floats[field.ordinal()];
                    clear = buf::clear;
                    element = new PrimitiveConverter() {
                        @Override
                        public void addFloat(float value) {
                            buf.add(value);
                            repeatedHasElement();
                        }
                    };
                }
                case INT32 -> {
                    clear = shown::clear;
                    element = new PrimitiveConverter() {
                        @Override
                        public void addInt(int value) {
                            shown.add(value);
                            repeatedHasElement();
                        }
                    };
                }
                case INT64 -> {
                    clear = itemIds::clear;
                    element = new PrimitiveConverter() {
                        @Override
                        public void addLong(long value) {
                            itemIds.add(value);
                            repeatedHasElement();
                        }
                    };
                }
                default -> throw new AssertionError(field);
            }
            this.repeated = new Repeated(field, element);
        }

        private void repeatedHasElement() {
            repeated.hasElement = true;
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return repeated;
        }

        @Override
        public void start() {
            clear.run();
        }

        @Override
        public void end() {
            seen |= bit;
        }
    }

    /** The repeated middle group of a LIST: one per element; notices elements that are null. */
    private final class Repeated extends GroupConverter {
        private final StepField field;
        private final PrimitiveConverter element;
        boolean hasElement;

        Repeated(StepField field, PrimitiveConverter element) {
            this.field = field;
            this.element = element;
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return element;
        }

        @Override
        public void start() {
            hasElement = false;
        }

        @Override
        public void end() {
            if (!hasElement && nullElement == null) {
                nullElement = field;
            }
        }
    }

    // Growable primitive buffers: one per column, reused across records, so assembling a row allocates
    // nothing once the buffers have grown to the largest row.

    private static final class FloatBuf {
        float[] a = new float[64];
        int n;

        void clear() {
            n = 0;
        }

        void add(float x) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = x;
        }

        float[] moveTo(float[] target) {
            float[] t = target != null && target.length == n ? target : new float[n];
            System.arraycopy(a, 0, t, 0, n);
            return t;
        }
    }

    private static final class IntBuf {
        int[] a = new int[16];
        int n;

        void clear() {
            n = 0;
        }

        void add(int x) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = x;
        }

        int[] moveTo(int[] target) {
            int[] t = target != null && target.length == n ? target : new int[n];
            System.arraycopy(a, 0, t, 0, n);
            return t;
        }
    }

    private static final class LongBuf {
        long[] a = new long[64];
        int n;

        void clear() {
            n = 0;
        }

        void add(long x) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = x;
        }

        long[] moveTo(long[] target) {
            long[] t = target != null && target.length == n ? target : new long[n];
            System.arraycopy(a, 0, t, 0, n);
            return t;
        }
    }
}
