package io.enhancedrl.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One scratch directory per JVM for the fuzz targets, whose readers need a file: a fuzz run executes the target
 * hundreds of thousands of times, and a JUnit @TempDir per execution would cost more than the target itself.
 * The directory is deleted when the JVM exits.
 */
public final class FuzzScratch {

    private static Path dir;

    private FuzzScratch() {
    }

    /** The directory (created on first use); targets overwrite fixed names in it. */
    public static synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("erl-fuzz");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the fuzz scratch directory", e);
            }
            Path d = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
        }
        return dir;
    }

    private static void deleteTree(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit: a leftover temp directory is harmless
        }
    }
}
