package io.enhancedrl.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One ranker shared by 4 threads while its policy is swapped between two models of different architectures:
 * every result equals the single-threaded result of the model that served it. The fast version of
 * {@link RankerLoadTest}.
 */
class RankerConcurrencyTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void fourThreadsWithSwapsMatchSingleThreadedResults(String backend) throws Exception {
        ServingLoad.Stats s = ServingLoad.run(ServingLoad.twoPolicies(dir, new int[] {16, 8}, new int[] {12}),
                ServingLoad.SMALL_SIZES, backend, 4, 2_000, 5, 150);
        assertEquals(0, s.errors(), () -> s.errors() + " bad results; first: " + s.firstError());
        assertEquals(8_000, s.requests());
        assertTrue(s.swaps() >= 13, "thread 0 alone swaps 13 times, got " + s.swaps());
        assertTrue(s.servedBy()[0] > 0 && s.servedBy()[1] > 0,
                "both models must have served requests: " + java.util.Arrays.toString(s.servedBy()));
    }
}
