package io.enhancedrl.model;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Measures heap allocation of the current thread (HotSpot's per-thread counter). */
final class Allocations {

    private Allocations() {
    }

    /** Bytes allocated by {@code calls} runs of {@code r} after the same number of warm-up runs. */
    static long bytesAllocatedBy(Runnable r, int calls) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counting unavailable on this JVM");
        for (int i = 0; i < calls; i++) {
            r.run();
        }
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            r.run();
        }
        return bean.getCurrentThreadAllocatedBytes() - before;
    }
}
