package io.enhancedrl.data;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Random valid steps, and a test-only Parquet writer that bypasses the engine's validation. */
final class TestSteps {

    private TestSteps() {
    }

    /** A valid random step; floats include the awkward ones (-0.0, subnormals, extremes) now and then. */
    static LoggedStep random(DataLayout layout, int candidates, SplittableRandom rng, long session, int stepIndex) {
        LoggedStep s = LoggedStep.allocate(layout, candidates);
        s.sessionId = session;
        s.stepIndex = stepIndex;
        fill(s.userFeatures, rng, -1e6f, 1e6f);
        fill(s.contextFeatures, rng, -1e6f, 1e6f);
        for (int j = 0; j < candidates; j++) {
            s.itemIds[j] = rng.nextInt(10) == 0 ? (rng.nextBoolean() ? Long.MAX_VALUE - j : Long.MIN_VALUE + j) : rng.nextLong();
        }
        fill(s.itemFeatures, rng, -1e6f, 1e6f);
        fill(s.mtlScores, rng, 0f, 1f);
        fill(s.actions, rng, -1f, 1f);
        fill(s.boxCentres, rng, -1f, 1f);
        // shown: a random distinct subset in random order
        int[] perm = new int[candidates];
        for (int i = 0; i < candidates; i++) {
            perm[i] = i;
        }
        for (int i = candidates - 1; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[k];
            perm[k] = t;
        }
        System.arraycopy(perm, 0, s.shown, 0, s.shown.length);
        fill(s.behaviours, rng, -1e6f, 1e6f);
        fill(s.rewards, rng, -1e6f, 1e6f);
        s.done = rng.nextBoolean();
        return s;
    }

    static void fill(float[] v, SplittableRandom rng, float lo, float hi) {
        for (int i = 0; i < v.length; i++) {
            int pick = rng.nextInt(40);
            float x = switch (pick) {
                case 0 -> lo <= 0 && hi >= 0 ? -0.0f : lo;
                case 1 -> lo <= 0 && hi >= 0 ? Float.MIN_VALUE : hi; // smallest subnormal
                case 2 -> hi;
                case 3 -> lo;
                case 4 -> Math.nextDown(hi);
                default -> lo + (float) rng.nextDouble() * (hi - lo);
            };
            v[i] = Math.max(lo, Math.min(hi, x));
            if (pick == 0 && lo <= 0 && hi >= 0) {
                v[i] = -0.0f; // Math.max(lo, -0.0f) may not keep the sign of zero
            }
        }
    }

    static List<LoggedStep> randomSteps(DataLayout layout, int count, int maxCandidates, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<LoggedStep> steps = new ArrayList<>();
        long session = 1000;
        int stepIndex = 0;
        for (int i = 0; i < count; i++) {
            LoggedStep s = random(layout, 1 + rng.nextInt(maxCandidates), rng, session, stepIndex);
            steps.add(s);
            if (s.done) {
                session += 1 + rng.nextInt(3);
                stepIndex = 0;
            } else {
                stepIndex++;
            }
        }
        return steps;
    }

    /** The format's schema with every column and list element optional: what Spark writes. */
    static MessageType optionalSchema() {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (StepField f : StepField.values()) {
            if (f.list) {
                b.addField(Types.optionalList().optionalElement(f.type).named(f.column));
            } else {
                b.addField(Types.optional(f.type).named(f.column));
            }
        }
        return b.named("spark_schema");
    }

    /** The format's schema with one column replaced by a list of doubles. */
    static MessageType schemaWithDoubleColumn(String column) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (StepField f : StepField.values()) {
            if (f.column.equals(column)) {
                b.addField(Types.requiredList().requiredElement(PrimitiveTypeName.DOUBLE).named(f.column));
            } else if (f.list) {
                b.addField(Types.requiredList().requiredElement(f.type).named(f.column));
            } else {
                b.addField(Types.required(f.type).named(f.column));
            }
        }
        return b.named(StepSchema.MESSAGE_NAME);
    }

    /** The key-value metadata a correct file of {@code layout} has. */
    static Map<String, String> metadata(DataLayout layout) {
        return StepSchema.metadata(layout, Map.of());
    }

    /**
     * Writes {@code steps} with parquet's example Group API: no validation at all, so tests can store
     * rows the engine's writer would refuse. Array fields that are null are left out (null values).
     */
    static void writeWithGroupApi(Path file, MessageType schema, Map<String, String> metadata, List<LoggedStep> steps)
            throws IOException {
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withType(schema)
                .withExtraMetaData(metadata)
                .build()) {
            SimpleGroupFactory factory = new SimpleGroupFactory(schema);
            for (LoggedStep s : steps) {
                Group g = factory.newGroup();
                g.append(StepField.SESSION_ID.column, s.sessionId);
                g.append(StepField.STEP_INDEX.column, s.stepIndex);
                floats(g, StepField.USER_FEATURES, s.userFeatures, schema);
                floats(g, StepField.CONTEXT_FEATURES, s.contextFeatures, schema);
                g.append(StepField.CANDIDATES.column, s.candidates);
                if (s.itemIds != null) {
                    Group list = g.addGroup(StepField.ITEM_IDS.column);
                    for (long x : s.itemIds) {
                        list.addGroup("list").append("element", x);
                    }
                }
                floats(g, StepField.ITEM_FEATURES, s.itemFeatures, schema);
                floats(g, StepField.MTL_SCORES, s.mtlScores, schema);
                floats(g, StepField.ACTIONS, s.actions, schema);
                floats(g, StepField.BOX_CENTRES, s.boxCentres, schema);
                if (s.shown != null) {
                    Group list = g.addGroup(StepField.SHOWN.column);
                    for (int x : s.shown) {
                        list.addGroup("list").append("element", x);
                    }
                }
                floats(g, StepField.BEHAVIOURS, s.behaviours, schema);
                floats(g, StepField.REWARDS, s.rewards, schema);
                g.append(StepField.DONE.column, s.done);
                w.write(g);
            }
        }
    }

    private static void floats(Group g, StepField f, float[] v, MessageType schema) {
        if (v == null) {
            return;
        }
        Group list = g.addGroup(f.column);
        boolean asDouble = schema.getType(f.column).asGroupType().getType(0).asGroupType().getType(0)
                .asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.DOUBLE;
        for (float x : v) {
            if (asDouble) {
                list.addGroup("list").append("element", (double) x);
            } else {
                list.addGroup("list").append("element", x);
            }
        }
    }

}
