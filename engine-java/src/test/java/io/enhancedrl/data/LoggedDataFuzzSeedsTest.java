package io.enhancedrl.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed seed corpus of {@link LoggedDataFuzzTargetTest} holds what it claims: every "valid_" seed reads to
 * the end with rows, every other seed is rejected with a {@link DataFormatException}, and every generated seed
 * is committed. Run with {@code -Derl.regenerateSeeds=true} (from engine-java, the surefire default) to rewrite
 * the generated seeds after a deliberate format change; crash inputs the fuzzer added stay.
 */
class LoggedDataFuzzSeedsTest {

    static final Path SOURCE_DIR = Path.of("src/test/resources/io/enhancedrl/data/LoggedDataFuzzTargetTestInputs/readLoggedData");

    @TempDir
    Path dir;

    @Test
    void committedSeedsAreValidOrRejectedAsTheirNamesSay() throws Exception {
        Map<String, byte[]> generated = LoggedDataFuzzSeeds.generate(dir);
        if (Boolean.getBoolean("erl.regenerateSeeds")) {
            Files.createDirectories(SOURCE_DIR);
            for (Map.Entry<String, byte[]> e : generated.entrySet()) {
                Files.write(SOURCE_DIR.resolve(e.getKey()), e.getValue());
            }
        }
        Path committed = committedDir();
        List<Path> seeds;
        try (Stream<Path> s = Files.list(committed)) {
            seeds = s.sorted().toList();
        }
        for (String name : generated.keySet()) {
            assertTrue(Files.exists(committed.resolve(name)), "seed " + name + " is not committed; regenerate");
        }
        int valid = 0;
        for (Path seed : seeds) {
            if (seed.getFileName().toString().startsWith(LoggedDataFuzzSeeds.VALID_PREFIX)) {
                assertTrue(readAll(seed) > 0, seed + " has rows");
                valid++;
            } else {
                LoggedDataRejectionTest.rejectOnRead(seed);
            }
        }
        assertTrue(valid >= WriteOptions.Compression.values().length, "one valid seed per codec at least");
    }

    private static long readAll(Path file) throws IOException {
        try (LoggedDataReader r = LoggedDataReader.open(file)) {
            LoggedStep s = new LoggedStep();
            long n = 0;
            while (r.next(s)) {
                n++;
            }
            return n;
        }
    }

    private static Path committedDir() throws URISyntaxException {
        URL url = LoggedDataFuzzSeedsTest.class.getResource("LoggedDataFuzzTargetTestInputs/readLoggedData");
        assertNotNull(url, "seed corpus on the test class path");
        Path p = Path.of(url.toURI());
        assertFalse(p.toString().isEmpty());
        return p;
    }
}
