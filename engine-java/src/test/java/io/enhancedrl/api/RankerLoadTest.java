package io.enhancedrl.api;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load test of the serving facade (tagged slow; run with {@code -Dgroups=slow -Dtest=RankerLoadTest}):
 * 4 threads x 100,000 requests of mixed N (1..512), the policy reloaded from file and swapped every second
 * between two models; no errors, and every result identical to the single-threaded one of its model.
 */
@Tag("slow")
class RankerLoadTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void fourThreadsHundredThousandRequestsEachWithSwapsEverySecond(String backend) throws Exception {
        long t0 = System.nanoTime();
        ServingLoad.Stats s = ServingLoad.run(ServingLoad.twoPolicies(dir, new int[] {64, 32}, new int[] {48}),
                ServingLoad.SIZES, backend, 4, 100_000, 1_000, 0);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("RankerLoadTest (" + backend + "): %d requests in %.1f s (%.0f/s), %d swaps, served by model files %s%n",
                s.requests(), seconds, s.requests() / seconds, s.swaps(), java.util.Arrays.toString(s.servedBy()));
        assertEquals(0, s.errors(), () -> s.errors() + " bad results; first: " + s.firstError());
        assertEquals(400_000, s.requests());
        if (seconds > 3) {
            assertTrue(s.swaps() >= 1 && s.servedBy()[1] > 0, "a run of " + seconds + " s must have swapped at least once");
        }
    }
}
