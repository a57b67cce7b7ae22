package io.enhancedrl.cli;

import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.api.PolicyFile;
import io.enhancedrl.data.DataLayout;
import io.enhancedrl.data.LoggedDataset;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.rl.CheckpointDirectory;
import io.enhancedrl.rl.Checkpointing;
import io.enhancedrl.rl.Encoding;
import io.enhancedrl.rl.LoggedData;
import io.enhancedrl.rl.ProgressiveTrainer;
import io.enhancedrl.rl.RlConfig;
import io.enhancedrl.rl.StepRecord;
import io.enhancedrl.rl.UpdateStats;
import io.enhancedrl.sim.FixedFusionPolicy;
import io.enhancedrl.sim.SimConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Trains an EnhancedRL policy (per-pair actor) offline on logged data",
                "(Parquet, e.g. from `simulate --out`) and saves it as a policy model file",
                "(safetensors) that `evaluate` and `rank` load.",
                "With --checkpoint-dir, training is crash-safe: every --checkpoint-every",
                "updates a checkpoint (all networks, optimizer and sampler state) is written",
                "atomically, the last two are kept, and running the same command again",
                "resumes from the newest one automatically, ending with the same policy, bit",
                "for bit, as an uninterrupted run. A checkpoint of a different run (other",
                "data, config or seed) is refused."})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "Logged data: a Parquet file or a folder of part files.")
    Path data;

    @Option(names = "--out", required = true, description = "Policy model file to write (atomically).")
    Path out;

    @Option(names = "--updates", defaultValue = "3000", description = "Gradient steps (default: ${DEFAULT-VALUE}).")
    int updates;

    @Option(names = "--rl-config", description = "RL config JSON (missing keys take defaults).")
    Path rlConfig;

    @Option(names = "--sim-config", description = "Simulator config JSON: the fusion ranges and the production fusion the actor starts from.")
    Path simConfig;

    @Option(names = "--seed", defaultValue = "17", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint-dir", description = {"Checkpoint folder (created if missing). If it holds a checkpoint of "
            + "this run, training resumes from it."})
    Path checkpointDir;

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "Updates between checkpoints "
            + "(default: ${DEFAULT-VALUE}); the last update is always checkpointed.")
    int checkpointEvery;

    @Override
    public Integer call() throws Exception {
        KernelOps ops = Backends.select();
        RlConfig rl = rlConfig == null ? RlConfig.defaults() : RlConfig.load(rlConfig);
        SimConfig sc = simConfig == null ? SimConfig.defaults() : SimConfig.load(simConfig);
        LoggedDataset dataset = LoggedDataset.open(data);
        DataLayout layout = dataset.layout();
        List<StepRecord> records = LoggedData.load(dataset, rl, seed);
        int candidates = records.stream().mapToInt(r -> r.kept).max().orElse(1);
        float[] production = FixedFusionPolicy.production(sc.fusionSpace()).action();
        ProgressiveTrainer trainer = new ProgressiveTrainer(rl, Encoding.PAIR, layout, Math.max(candidates,
                layout.listLength()), sc.fusionSpace(), production, ops, seed);
        trainer.addData(records);
        System.out.printf("training on %d logged steps (%d parts) for %d updates%n", records.size(),
                dataset.parts().size(), updates);
        Checkpointing ckpt = null;
        if (checkpointDir != null) {
            if (checkpointEvery < 1) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--checkpoint-every: expected >= 1 but was " + checkpointEvery);
            }
            ckpt = new Checkpointing(new CheckpointDirectory(checkpointDir, 2), checkpointEvery,
                    Map.of("fusion_space", sc.fusionSpace().toString()));
        }
        UpdateStats last;
        try (Progress p = Progress.start("train", updates)) {
            last = trainer.train(updates, seed + 1, new ProgressiveTrainer.Listener() {
                @Override
                public void trained(int n, UpdateStats s) {
                    p.step(n);
                }

                @Override
                public void resumed(Path dir, int round, long done, boolean complete) {
                    p.step(done);
                    System.out.printf("resuming from the checkpoint in %s after %d updates%n", dir, done);
                }
            }, ckpt);
        }
        if (last == null) {
            System.out.println("no updates left: the checkpoint had finished training");
        } else {
            System.out.printf("last step: critic TD error %.4f, actor loss %.4f, ensemble std %.4f, box penalty %.4f%n",
                    last.tdError(), last.actorLoss(), last.ensembleStd(), last.boxPenalty());
        }
        if (ckpt != null && ckpt.directory().written() > 0) {
            CheckpointDirectory d = ckpt.directory();
            System.out.printf("checkpoints: %d written to %s, %.1f KiB each, %.1f ms per write on average%n",
                    d.written(), d.directory(), d.lastBytes() / 1024.0, d.writeNanos() / 1e6 / d.written());
        }
        PolicyFile.save(out, trainer.learner().actor(),
                new FeatureLayout(layout.userWidth(), layout.contextWidth(), layout.itemWidth(), layout.tasks()),
                sc.fusionSpace());
        System.out.println("policy: " + out);
        return 0;
    }
}
