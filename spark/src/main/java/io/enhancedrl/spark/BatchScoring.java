package io.enhancedrl.spark;

import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.data.DataFormatException;
import io.enhancedrl.data.DataLayout;
import io.enhancedrl.data.LoggedStep;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Distributed batch scoring: a trained policy ranks every candidate of every step of a logged-data set.
 * The model file is shipped to the executors once ({@code addFile}); inside {@code mapPartitions} each
 * executor JVM uses one {@link Ranker} ({@link ExecutorEngines}), shared by its task threads. Each output row
 * is one step: its key and all C candidates in the policy's rank order with their fused scores
 * ({@link #SCHEMA}). {@link #scoreStep} is the one definition of a step's scores, used by the executors and by
 * the single-machine path alike.
 */
public final class BatchScoring {

    /** One scored step: the candidates' ids in rank order and their fused scores (descending). */
    public static final StructType SCHEMA = new StructType()
            .add("session_id", DataTypes.LongType, false)
            .add("step_index", DataTypes.IntegerType, false)
            .add("ranked_ids", DataTypes.createArrayType(DataTypes.LongType, false), false)
            .add("ranked_scores", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private BatchScoring() {
    }

    /** Ships the model file and scores every step of `steps` (rows of a logged-data set). */
    public static Dataset<Row> score(SparkSession spark, SparkLoggedData data, Path model, String backend)
            throws IOException {
        ShippedPolicy shipped = ship(spark, data, model, backend);
        // only the columns a ranking reads (and the rows' locations, for errors): Spark then decodes (and boxes)
        // about half of each row
        String[] columns = java.util.Arrays.copyOf(StepRows.SCORING_COLUMNS, StepRows.SCORING_COLUMNS.length + 2);
        columns[columns.length - 2] = SparkLoggedData.FILE_COLUMN;
        columns[columns.length - 1] = SparkLoggedData.ROW_COLUMN;
        Dataset<Row> needed = data.steps().select(columns[0], java.util.Arrays.copyOfRange(columns, 1, columns.length));
        StructType in = needed.schema();
        return needed.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> scorePartition(shipped, in, rows),
                Encoders.row(SCHEMA));
    }

    /**
     * Loads the model on the driver (a missing, corrupt or incompatible model fails here, before any task), checks
     * that its feature layout is the data set's, registers the file with Spark (sent to every executor once) and
     * hashes it.
     */
    public static ShippedPolicy ship(SparkSession spark, SparkLoggedData data, Path model, String backend)
            throws IOException {
        FeatureLayout p = ExecutorEngines.load(model, backend).policy().layout();
        DataLayout d = data.layout();
        if (p.userWidth() != d.userWidth() || p.contextWidth() != d.contextWidth() || p.itemWidth() != d.itemWidth()
                || p.tasks() != d.tasks()) {
            throw new IllegalArgumentException("model " + model + ": its feature layout " + p
                    + " does not match the data set's " + d);
        }
        Path abs = model.toAbsolutePath();
        String hash = ShippedPolicy.sha256(abs);
        spark.sparkContext().addFile(abs.toUri().toString());
        return new ShippedPolicy(abs.getFileName().toString(), hash, backend);
    }

    private static Iterator<Row> scorePartition(ShippedPolicy shipped, StructType in, Iterator<Row> rows) {
        Ranker ranker = ExecutorEngines.policy(shipped).ranker();
        StepRows reader = new StepRows(in, true);
        LoggedStep step = new LoggedStep();
        RankRequest request = new RankRequest();
        RankResult result = new RankResult();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row row = rows.next();
                try {
                    reader.readForScoring(row, step);
                    scoreStep(ranker, step, request, result);
                } catch (IllegalArgumentException | ClassCastException e) {
                    // the ranker's own message (argument, expected, actual) with the record it came from
                    throw new UncheckedIOException(new DataFormatException(
                            reader.file(row), reader.rowIndex(row), e.getMessage(), e));
                }
                return RowFactory.create(step.sessionId, step.stepIndex, result.ids(),
                        result.scores());
            }
        };
    }

    /**
     * Ranks all candidates of a logged step with the ranker (which must rank every candidate:
     * {@code RankerOptions.withAllCandidates()}); the result holds ids and scores in rank order.
     */
    public static RankResult scoreStep(Ranker ranker, LoggedStep step, RankRequest request, RankResult result) {
        request.setFlat(step.userFeatures, step.contextFeatures, step.itemIds, step.itemFeatures, step.mtlScores);
        ranker.rank(request, result);
        if (result.size() != step.candidates) {
            throw new IllegalArgumentException("ranker: expected every candidate ranked (RankerOptions.withAllCandidates)"
                    + " but got " + result.size() + " of " + step.candidates);
        }
        return result;
    }
}
