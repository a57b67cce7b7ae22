package io.enhancedrl.spark;

import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.data.DataFormatException;
import io.enhancedrl.data.DataLayout;
import io.enhancedrl.data.LoggedStep;
import io.enhancedrl.eval.OfflineGauc;
import io.enhancedrl.eval.OfflineMetrics;
import io.enhancedrl.rl.PolicyActions;
import io.enhancedrl.sim.Tasks;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * Distributed offline evaluation: MTF-GAUC and the data counts of {@link OfflineMetrics} as a Spark
 * aggregation. Steps are shuffled by session (a user's samples must meet in one place: MTF-GAUC is an AUC per
 * user), sorted by (session, step) within each partition, and each partition folds its users into an
 * {@link OfflineMetrics} partial with the single-machine code ({@link OfflineGauc} on one user at a time);
 * the partials are merged by a reduce. Sums are exact (see {@link io.enhancedrl.eval.GaucPartial}), so the
 * result equals the single-machine evaluation bit for bit, whatever the partitioning.
 */
public final class DistributedEvaluation {

    private DistributedEvaluation() {
    }

    /** Evaluates the policy in `model` on the logged steps; `partitions` is the shuffle's partition count. */
    public static OfflineMetrics evaluate(SparkSession spark, SparkLoggedData data, Path model, String backend,
                                          int partitions) throws IOException {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions: expected >= 1 but was " + partitions);
        }
        ShippedPolicy shipped = BatchScoring.ship(spark, data, model, backend);
        Dataset<Row> steps = data.steps();
        var schema = steps.schema();
        DataLayout layout = data.layout();
        List<OfflineMetrics> partials = steps.repartition(partitions, col("session_id"))
                .sortWithinPartitions("session_id", "step_index")
                .javaRDD()
                .mapPartitions(rows -> List.of(evaluatePartition(shipped, schema, layout, rows)).iterator())
                .collect();
        OfflineMetrics total = OfflineMetrics.EMPTY;
        for (OfflineMetrics p : partials) {
            total = total.merge(p);
        }
        return total;
    }

    private static OfflineMetrics evaluatePartition(ShippedPolicy shipped, org.apache.spark.sql.types.StructType schema,
                                                    DataLayout layout, Iterator<Row> rows) {
        UserFolder folder = new UserFolder(ExecutorEngines.policy(shipped));
        StepRows reader = new StepRows(schema);
        LoggedStep step = new LoggedStep();
        while (rows.hasNext()) {
            try {
                folder.add(reader.readChecked(rows.next(), step, layout));
            } catch (DataFormatException e) {
                // fails the task; the driver's SparkException carries this message (file, row, column)
                throw new UncheckedIOException(e);
            }
        }
        return folder.finish();
    }

    /** Folds steps sorted by (session, step) into metrics, one user at a time (bounded memory). */
    private static final class UserFolder {
        private final ExecutorEngines.Engine engine;
        private final FeatureLayout layout;
        private OfflineMetrics total = OfflineMetrics.EMPTY;
        private OfflineGauc user;
        private long session;
        private int userMaxShown;
        private int actorRows;
        private OfflineGauc.ActionSource actions;

        UserFolder(ExecutorEngines.Engine engine) {
            this.engine = engine;
            this.layout = engine.policy().layout();
        }

        void add(LoggedStep step) {
            if (user == null || step.sessionId != session) {
                flush();
                user = new OfflineGauc(layout.itemWidth(), layout.tasks(), Tasks.VALID_PLAY);
                session = step.sessionId;
                userMaxShown = 0;
            }
            userMaxShown = Math.max(userMaxShown, step.shown.length);
            user.add(step, step.behaviours.length / Math.max(1, step.shown.length));
        }

        private void flush() {
            if (user == null || user.size() == 0) {
                return;
            }
            if (actions == null || userMaxShown > actorRows) {
                // the actor's workspace is sized for the longest shown list seen so far
                actorRows = userMaxShown;
                actions = PolicyActions.pairActor(engine.policy().actor(), engine.ops(), actorRows);
            }
            total = total.merge(user.metrics(actions, engine.policy().fusion(), engine.ops()));
            user = null;
        }

        OfflineMetrics finish() {
            flush();
            return total;
        }
    }
}
