package io.enhancedrl.bindings.cuda;

import io.enhancedrl.kernels.BackendProvider;
import io.enhancedrl.kernels.BackendProvider.Availability;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "cuda" provider's probe messages and its ServiceLoader registration. */
class CudaBackendProviderTest {

    private record Env(byte[] fatbin, String driverLibraryProblem, SimulatedCudaDriver sim, String cublasStatus)
            implements CudaBackendProvider.Environment {
        @Override
        public CudaDriver driver() {
            if (sim == null) {
                throw new UnsatisfiedLinkError("no libJCudaDriver in java.library.path");
            }
            return sim;
        }
    }

    @Test
    void onThisMachineTheRealProbeSaysWhyAndHowToFix() {
        Availability a = new CudaBackendProvider().probe();
        System.out.println("cuda probe here: " + a.describe());
        if (a.available()) {
            return; // a GPU machine: nothing to check here (the gpu-tagged tests cover it)
        }
        assertTrue(a.describe().contains("; fix: "), a.describe());
        assertTrue(a.detail().contains("libcuda.so.1") || a.detail().contains("fatbin") || a.detail().contains("cuInit"),
                a.detail());
    }

    @Test
    void theProviderIsFoundByServiceLoaderAndAutoFallsBackToTheCpu() {
        BackendProvider cuda = Backends.providers().stream().filter(p -> p.name().equals("cuda")).findFirst().orElseThrow();
        assertEquals(CudaBackendProvider.class, cuda.getClass());
        assertEquals(200, cuda.priority());
        assertEquals(cuda, Backends.providers().getFirst().getClass() == CudaBackendProvider.class ? cuda : null,
                "cuda must have the highest priority");
        if (!cuda.probe().available()) {
            KernelOps auto = Backends.select("auto");
            assertNotEquals("cuda", auto.name());
        }
    }

    @Test
    void eachProbeStepFailsWithItsOwnReasonAndFix() {
        SimulatedCudaDriver sim = new SimulatedCudaDriver();
        Availability a = new CudaBackendProvider(new Env(null, null, sim, "JCublas: -")).probe();
        assertFalse(a.available());
        assertTrue(a.detail().contains("no io/enhancedrl/native/enhancedrl.fatbin (nvcc was missing"), a.detail());
        assertTrue(a.fix().contains("nvcc"), a.fix());

        a = new CudaBackendProvider(new Env(new byte[]{1}, "libcuda.so.1: cannot open shared object file", sim, "-")).probe();
        assertTrue(a.detail().startsWith("libcuda.so.1 (the NVIDIA driver) cannot be loaded"), a.detail());
        assertTrue(a.fix().contains("nvidia-smi"), a.fix());

        a = new CudaBackendProvider(new Env(new byte[]{1}, null, null, "-")).probe();
        assertTrue(a.detail().startsWith("JCuda's native library failed to load"), a.detail());
        assertTrue(a.fix().contains("jcuda-natives"), a.fix());

        SimulatedCudaDriver none = new SimulatedCudaDriver();
        none.devices = 0;
        a = new CudaBackendProvider(new Env(new byte[]{1}, null, none, "-")).probe();
        assertEquals("cuInit failed with CUDA_ERROR_NO_DEVICE (100)", a.detail());
    }

    @Test
    void anAvailableProbeDescribesTheDeviceAndCreateSharesOneInstance() {
        SimulatedCudaDriver sim = new SimulatedCudaDriver();
        CudaBackendProvider p = new CudaBackendProvider(new Env(new byte[]{1, 2}, null, sim, "JCublas: unavailable (x)"));
        Availability a = p.probe();
        assertTrue(a.available(), a.describe());
        assertEquals("CUDA device 0 of 1: Simulated GPU 0, JCuda driver API, fatbin 2 bytes; JCublas: unavailable (x)",
                a.detail());
        KernelOps ops = p.create();
        assertEquals("cuda", ops.name());
        assertSame(ops, p.create());
        ((CudaKernelOps) ops).close();
    }

    @Test
    void jcublasStatusIsReported() {
        String s = JCublasProbe.status();
        assertTrue(s.startsWith("JCublas: "), s);
        if (CudaBackendProvider.libraryProblem("libcublas.so.12") != null) {
            assertTrue(s.contains("libcublas.so.12 cannot be loaded; fix:"), s);
        }
    }
}
