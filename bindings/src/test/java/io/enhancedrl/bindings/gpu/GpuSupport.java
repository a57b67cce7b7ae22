package io.enhancedrl.bindings.gpu;

import io.enhancedrl.bindings.cuda.CudaBackendProvider;
import io.enhancedrl.bindings.cuda.CudaKernelOps;
import io.enhancedrl.kernels.BackendProvider.Availability;
import org.junit.jupiter.api.Assumptions;

/**
 * The gate of the gpu-tagged tests (run by ci/gpu-check.sh with -Derl.gpu.tests=true): without a usable
 * CUDA device they are skipped with the probe's reason and fix, never failed.
 */
final class GpuSupport {

    private static CudaKernelOps ops;

    private GpuSupport() {
    }

    static synchronized CudaKernelOps cudaOrSkip() {
        if (ops == null) {
            CudaBackendProvider p = new CudaBackendProvider();
            Availability a = p.probe();
            String reason = "cuda skipped: " + a.describe();
            if (!a.available()) {
                System.out.println(reason);
            }
            Assumptions.assumeTrue(a.available(), reason);
            System.out.println("cuda: " + a.detail());
            ops = (CudaKernelOps) p.create();
        }
        return ops;
    }
}
