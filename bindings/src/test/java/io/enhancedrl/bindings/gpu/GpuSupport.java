package io.enhancedrl.bindings.gpu;

import io.enhancedrl.bindings.cuda.CudaBackendProvider;
import io.enhancedrl.bindings.cuda.CudaKernelOps;
import io.enhancedrl.kernels.BackendProvider.Availability;
import org.junit.jupiter.api.Assumptions;

/**
 * The gate of the gpu-tagged tests (run by ci/gpu-check.sh with -Derl.gpu.tests=true): without a usable
 * CUDA device they are skipped with the probe's reason and fix, never failed.
 *
 * <p>The bindings' emulated-cuda test execution (-Derl.cuda.emulated=true) runs the same tests with the
 * emulated driver (src/test/native/emulated_libcuda.c) as libcuda.so.1: JCuda's real natives, kernels run by
 * the C reference on the CPU. There the probe must find that driver, or the run is misconfigured and fails.
 */
final class GpuSupport {

    private static CudaKernelOps ops;

    private GpuSupport() {
    }

    /** Whether this JVM runs with the emulated driver (the bindings' emulated-cuda execution). */
    static boolean emulated() {
        return Boolean.getBoolean("erl.cuda.emulated");
    }

    static synchronized CudaKernelOps cudaOrSkip() {
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
