package io.enhancedrl.data;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Parquet schema of a logged-step file and its key-value metadata (format name, version, layout).
 * docs/data-format.md is the human-readable copy of what this class defines; change both together.
 */
final class StepSchema {

    static final String MESSAGE_NAME = "logged_step";

    static final String KEY_FORMAT = "enhancedrl.format";
    static final String FORMAT_NAME = "enhancedrl-logged-steps";
    static final String KEY_VERSION = "enhancedrl.format.version";
    static final int VERSION = 1;
    static final String KEY_USER_WIDTH = "enhancedrl.layout.user_width";
    static final String KEY_CONTEXT_WIDTH = "enhancedrl.layout.context_width";
    static final String KEY_ITEM_WIDTH = "enhancedrl.layout.item_width";
    static final String KEY_TASKS = "enhancedrl.layout.tasks";
    static final String KEY_LIST_LENGTH = "enhancedrl.layout.list_length";
    static final String KEY_BEHAVIOURS = "enhancedrl.layout.behaviours";
    static final String KEY_REWARD_GROUPS = "enhancedrl.layout.reward_groups";
    /** Keys a caller may not set through {@link WriteOptions#extraMetadata()}. */
    static final String RESERVED_PREFIX = "enhancedrl.";

    /** Every column required; arrays as standard three-level LISTs of required elements. */
    static final MessageType SCHEMA = build();

    private StepSchema() {
    }

    private static MessageType build() {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (StepField f : StepField.values()) {
            if (f.list) {
                b.addField(Types.requiredList().requiredElement(f.type).named(f.column));
            } else {
                b.addField(Types.required(f.type).named(f.column));
            }
        }
        return b.named(MESSAGE_NAME);
    }

    /** The metadata a file of {@code layout} carries, plus the caller's extra keys. */
    static Map<String, String> metadata(DataLayout layout, Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>(extra);
        m.put(KEY_FORMAT, FORMAT_NAME);
        m.put(KEY_VERSION, Integer.toString(VERSION));
        m.put(KEY_USER_WIDTH, Integer.toString(layout.userWidth()));
        m.put(KEY_CONTEXT_WIDTH, Integer.toString(layout.contextWidth()));
        m.put(KEY_ITEM_WIDTH, Integer.toString(layout.itemWidth()));
        m.put(KEY_TASKS, Integer.toString(layout.tasks()));
        m.put(KEY_LIST_LENGTH, Integer.toString(layout.listLength()));
        m.put(KEY_BEHAVIOURS, Integer.toString(layout.behaviours()));
        m.put(KEY_REWARD_GROUPS, Integer.toString(DataLayout.REWARD_GROUPS));
        return m;
    }

    /** Reads format name, version and layout from a file's metadata, or says what is wrong. */
    static DataLayout layoutFrom(Map<String, String> meta, Path file) throws DataFormatException {
        String format = meta.get(KEY_FORMAT);
        if (format == null) {
            throw new DataFormatException(file, "not an EnhancedRL logged-step file: the Parquet key-value metadata has no '"
                    + KEY_FORMAT + "' key (keys present: " + meta.keySet() + ")");
        }
        if (!FORMAT_NAME.equals(format)) {
            throw new DataFormatException(file, "metadata '" + KEY_FORMAT + "' is '" + format + "', expected '" + FORMAT_NAME + "'");
        }
        String version = meta.get(KEY_VERSION);
        if (version == null) {
            throw new DataFormatException(file, "metadata '" + KEY_VERSION + "' is missing");
        }
        if (!version.equals(Integer.toString(VERSION))) {
            throw new DataFormatException(file, "format version '" + version + "' (metadata '" + KEY_VERSION
                    + "') is not supported; this reader reads version " + VERSION);
        }
        int groups = intKey(meta, KEY_REWARD_GROUPS, file);
        if (groups != DataLayout.REWARD_GROUPS) {
            throw new DataFormatException(file, "metadata '" + KEY_REWARD_GROUPS + "' is " + groups + ", expected "
                    + DataLayout.REWARD_GROUPS);
        }
        try {
            return new DataLayout(intKey(meta, KEY_USER_WIDTH, file), intKey(meta, KEY_CONTEXT_WIDTH, file),
                    intKey(meta, KEY_ITEM_WIDTH, file), intKey(meta, KEY_TASKS, file),
                    intKey(meta, KEY_LIST_LENGTH, file), intKey(meta, KEY_BEHAVIOURS, file));
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, DataFormatException.NO_ROW, "layout metadata is invalid: " + e.getMessage(), e);
        }
    }

    private static int intKey(Map<String, String> meta, String key, Path file) throws DataFormatException {
        String v = meta.get(key);
        if (v == null) {
            throw new DataFormatException(file, "metadata '" + key + "' is missing");
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, "metadata '" + key + "' is '" + v + "', expected an integer");
        }
    }

    /**
     * Checks that {@code fileSchema} has every column with the right type and returns the projection to
     * read: our columns in our order, with the file's own repetitions. Optional columns and elements are
     * accepted (Spark writes nullable columns) and a null found on reading is a row error; extra columns
     * are ignored.
     */
    static MessageType projection(MessageType fileSchema, Path file) throws DataFormatException {
        List<Type> fields = new ArrayList<>();
        for (StepField f : StepField.values()) {
            if (!fileSchema.containsField(f.column)) {
                throw new DataFormatException(file, "missing column '" + f.column + "' (expected " + f.typeDescription()
                        + "); the file's schema is: " + oneLine(fileSchema));
            }
            Type t = fileSchema.getType(f.column);
            if (!hasType(t, f)) {
                throw new DataFormatException(file, "column '" + f.column + "' has type '" + oneLine(t) + "', expected "
                        + f.typeDescription() + (f.list ? " (a LIST group of " + f.type.name().toLowerCase(java.util.Locale.ROOT)
                        + " elements)" : ""));
            }
            fields.add(t);
        }
        return new MessageType(fileSchema.getName(), fields);
    }

    private static boolean hasType(Type t, StepField f) {
        if (t.isRepetition(Type.Repetition.REPEATED)) {
            return false;
        }
        if (!f.list) {
            return t.isPrimitive() && t.asPrimitiveType().getPrimitiveTypeName() == f.type;
        }
        if (t.isPrimitive() || !(t.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)) {
            return false;
        }
        GroupType outer = t.asGroupType();
        if (outer.getFieldCount() != 1) {
            return false;
        }
        Type repeated = outer.getType(0);
        if (repeated.isPrimitive() || !repeated.isRepetition(Type.Repetition.REPEATED)
                || repeated.asGroupType().getFieldCount() != 1) {
            return false;
        }
        Type element = repeated.asGroupType().getType(0);
        return element.isPrimitive() && !element.isRepetition(Type.Repetition.REPEATED)
                && element.asPrimitiveType().getPrimitiveTypeName() == f.type;
    }

    private static String oneLine(Type t) {
        return t.toString().replaceAll("\\s+", " ").trim();
    }
}
