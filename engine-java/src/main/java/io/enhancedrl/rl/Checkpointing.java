package io.enhancedrl.rl;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How a training run checkpoints: into which directory, every how many updates, and the caller's own
 * fingerprint entries (e.g. the fusion space or the data source) added to the ones the trainer computes
 * (config, seeds, encoding, layout, data), so that a checkpoint of a different run is refused.
 */
public record Checkpointing(CheckpointDirectory directory, int every, Map<String, String> callerFingerprint) {

    public Checkpointing {
        Objects.requireNonNull(directory, "directory");
        if (every < 1) {
            throw new IllegalArgumentException("every: expected >= 1 update between checkpoints but was " + every);
        }
        callerFingerprint = Map.copyOf(new TreeMap<>(Objects.requireNonNull(callerFingerprint, "callerFingerprint")));
    }

    public Checkpointing(CheckpointDirectory directory, int every) {
        this(directory, every, Map.of());
    }
}
