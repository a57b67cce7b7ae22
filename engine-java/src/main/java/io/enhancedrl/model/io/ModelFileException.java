package io.enhancedrl.model.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model or safetensors file whose <em>content</em> is invalid: truncated, malformed header, unsupported
 * dtype, inconsistent offsets, non-finite values, or an architecture that disagrees with the tensors.
 *
 * <p>Plain I/O failures (file missing, permission denied) are reported as the underlying
 * {@link IOException}, so callers can tell "cannot read" from "read but rejected". The message always
 * starts with the file, then the problem, e.g. {@code model.safetensors: tensor 'actor.layer0.weight':
 * dtype F16 is not supported (expected F32)}.
 */
public final class ModelFileException extends IOException {

    private final Path file;
    private final String problem;

    public ModelFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file that was rejected. */
    public Path file() {
        return file;
    }

    /** The problem alone, without the file name prefix. */
    public String problem() {
        return problem;
    }
}
