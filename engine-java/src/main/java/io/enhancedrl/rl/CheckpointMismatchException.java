package io.enhancedrl.rl;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint that is valid but was written by a different run (another config, seed or data set):
 * resuming from it would silently mix two trainings, so it is refused. The message names the file, every
 * differing fingerprint entry with both values, and what to do.
 */
public final class CheckpointMismatchException extends IOException {

    private final Path file;

    public CheckpointMismatchException(Path file, String differences) {
        super(file + ": checkpoint was written by a different training run (" + differences + "); resume with the "
                + "same settings, or use another checkpoint directory (or empty this one) to start afresh");
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
