package io.enhancedrl.model.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.enhancedrl.api.PolicyFile;
import io.enhancedrl.fuzz.FuzzScratch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target (Jazzer, docs/reliability.md): any byte string handed to {@link ModelFile#load} is either
 * a valid bundle (which saves and reloads equal, and which {@link PolicyFile#fromBundle} either accepts or
 * rejects with a {@link ModelFileException}) or is rejected with a {@link ModelFileException} whose message
 * starts with the file. Anything else - an unchecked exception, an Error such as OutOfMemoryError from a
 * trusted length field, a hang - fails the test.
 *
 * <p>In a normal test run this replays the committed inputs in ModelFileFuzzTargetTestInputs/loadModelFile (the
 * broken-file corpus of {@link BrokenModelFiles} plus every crash found so far); with JAZZER_FUZZ=1
 * (ci/fuzz.sh) it fuzzes.
 */
class ModelFileFuzzTargetTest {

    @FuzzTest(maxDuration = "60s")
    void loadModelFile(byte[] bytes) throws IOException {
        Path dir = FuzzScratch.dir();
        Path f = dir.resolve("fuzz.safetensors");
        Files.write(f, bytes);
        ModelBundle bundle;
        try {
            bundle = ModelFile.load(f);
        } catch (ModelFileException rejected) {
            assertTrue(rejected.getMessage().startsWith(f.toString()), rejected.getMessage());
            return;
        }
        // Accepted: must be a consistent bundle the writer can write back and the reader reads back equal.
        Path again = dir.resolve("fuzz-resaved.safetensors");
        ModelFile.save(again, bundle);
        assertEquals(bundle, ModelFile.load(again));
        try {
            PolicyFile.fromBundle(f, bundle);
        } catch (ModelFileException notAPolicy) {
            assertTrue(notAPolicy.getMessage().startsWith(f.toString()), notAPolicy.getMessage());
        }
    }
}
