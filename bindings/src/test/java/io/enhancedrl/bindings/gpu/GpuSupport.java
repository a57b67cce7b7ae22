package io.enhancedrl.bindings.gpu;

import io.enhancedrl.bindings.cuda.CudaBackendProvider;
import io.enhancedrl.bindings.cuda.CudaKernelOps;
import io.enhancedrl.kernels.BackendProvider.Availability;
import org.junit.jupiter.api.Assumptions;

/**
 * The gate of the gpu-tagged tests (run by ci/gpu-check.sh with -Derl.gpu.tests=true): without a usable
 * CUDA device they are skipped with the probe's reason and fix, never failed.
 *
 * <p>The bindings' emulated-cuda test execution (-Derl.cuda.emulated=PATH of the emulated libcuda.so.1) runs
 * the same tests with the emulated driver (src/test/native/emulated_libcuda.c): JCuda's real natives, kernels run
 * by the C reference on the CPU. There the tests skip when that library was not built (no C compiler), and the
 * probe must find it when it was, or the run is misconfigured and fails.
 */
public final class GpuSupport {

    private static CudaKernelOps ops;

    private GpuSupport() {
    }

    /** Whether this JVM runs with the emulated driver (the bindings' emulated-cuda execution). */
    static boolean emulated() {
        return !System.getProperty("erl.cuda.emulated", "").isEmpty();
    }

    /**
     * In the emulated-cuda execution: skips (with the reason) when the emulated driver was not built; elsewhere
     * does nothing.
     */
    public static void skipUnlessTheEmulatedDriverWasBuilt() {
        if (emulated()) {
            java.nio.file.Path lib = java.nio.file.Path.of(System.getProperty("erl.cuda.emulated"));
            Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(lib), "emulated cuda skipped: " + lib
                    + " was not built (no C compiler: gcc, cc or CC; see bindings/src/test/native/build-emulated-cuda.sh)");
        }
    }

    static synchronized CudaKernelOps cudaOrSkip() {
        skipUnlessTheEmulatedDriverWasBuilt();
        if (ops == null) {
            CudaBackendProvider p = new CudaBackendProvider();
            Availability a = p.probe();
            String reason = "cuda skipped: " + a.describe();
            if (!a.available()) {
                System.out.println(reason);
            }
            if (emulated() && !a.available()) {
                throw new IllegalStateException("-Derl.cuda.emulated=true but the emulated driver was not found ("
                        + a.describe() + "); is a C compiler installed (bindings/src/test/native/build-emulated-cuda.sh)?");
            }
            Assumptions.assumeTrue(a.available(), reason);
            System.out.println("cuda: " + a.detail() + (emulated() ? " [EMULATED driver on the CPU, not a GPU]" : ""));
            ops = (CudaKernelOps) p.create();
        }
        return ops;
    }
}
