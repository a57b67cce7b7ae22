package io.enhancedrl.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a logged-data part with the engine's schema and footer metadata but without the writer's checks, so
 * that the Spark module's tests can hand Spark a file with one bad record (the engine's writer refuses them).
 */
public final class UncheckedParts {

    private UncheckedParts() {
    }

    public static void write(Path file, DataLayout layout, List<LoggedStep> steps) throws IOException {
        TestSteps.writeWithGroupApi(file, StepSchema.SCHEMA, TestSteps.metadata(layout), steps);
    }
}
