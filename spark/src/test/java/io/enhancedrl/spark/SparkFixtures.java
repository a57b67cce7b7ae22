package io.enhancedrl.spark;

import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.api.PolicyFile;
import io.enhancedrl.data.LoggedStep;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.rl.RlConfig;
import io.enhancedrl.sim.SimConfig;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The shared local[2] session and small fixtures of the Spark tests. */
final class SparkFixtures {

    private SparkFixtures() {
    }

    static SparkSession localSession(String name) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(name)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.warehouse.dir", "target/spark-warehouse")
                .getOrCreate();
    }

    /** A policy file with the RL config's actor architecture, seeded weights (untrained: equality is the point). */
    static Path policy(Path dir, SimConfig sc, long seed) throws IOException {
        FeatureLayout layout = new FeatureLayout(sc.userWidth(), sc.contextWidth(), sc.itemWidth(), sc.tasks());
        int[] hidden = RlConfig.defaults().actorHidden().stream().mapToInt(Integer::intValue).toArray();
        Mlp actor = new Mlp(MlpSpec.of(layout.stateWidth(), hidden, Activation.RELU, layout.actionWidth(),
                Activation.TANH));
        actor.initialize(seed);
        Path file = dir.resolve("policy-" + seed + ".safetensors");
        PolicyFile.save(file, actor, layout, sc.fusionSpace());
        return file;
    }

    static List<LoggedStep> sorted(List<LoggedStep> steps) {
        List<LoggedStep> s = new ArrayList<>(steps);
        s.sort(Comparator.<LoggedStep>comparingLong(x -> x.sessionId).thenComparingInt(x -> x.stepIndex));
        return s;
    }
}
