package io.enhancedrl.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.enhancedrl.fuzz.FuzzScratch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target (Jazzer, docs/reliability.md): any byte string stored as a logged-data file is either read
 * to the end - every row valid for the file's layout, as many rows as the footer promises - or rejected with a
 * {@link DataFormatException} naming the file (and the row, when one is at fault). Anything else - a
 * RuntimeException of the Parquet library leaking through, an Error such as OutOfMemoryError from a size field
 * in a page header or footer, a hang - fails the test.
 *
 * <p>Parquet is read through a file, so the bytes are written to a scratch file first. In a normal test run
 * this replays the committed inputs in LoggedDataFuzzTargetTestInputs/readLoggedData (valid files of every codec,
 * truncations, a bad row, a Spark-style file; see {@link LoggedDataFuzzSeeds}) and every crash found so far;
 * with JAZZER_FUZZ=1 (ci/fuzz.sh) it fuzzes.
 */
class LoggedDataFuzzTargetTest {

    @FuzzTest(maxDuration = "60s")
    void readLoggedData(byte[] bytes) throws IOException {
        Path f = FuzzScratch.dir().resolve("fuzz.parquet").toAbsolutePath();
        Files.write(f, bytes);
        LoggedStep step = new LoggedStep();
        try (LoggedDataReader reader = LoggedDataReader.open(f)) {
            long rows = 0;
            while (reader.next(step)) {
                assertNull(StepValidator.problem(step, reader.layout(), true), "an accepted row must be valid");
                rows++;
            }
            assertEquals(reader.rowCount(), rows, "rows read vs the footer's count");
        } catch (DataFormatException rejected) {
            assertEquals(f, rejected.file());
            assertTrue(rejected.getMessage().startsWith(f + ": "), rejected.getMessage());
        }
    }
}
