package io.enhancedrl.bindings.cuda;

import io.enhancedrl.api.FeatureLayout;
import io.enhancedrl.api.RankRequest;
import io.enhancedrl.api.RankResult;
import io.enhancedrl.api.Ranker;
import io.enhancedrl.api.RankerOptions;
import io.enhancedrl.api.ServingFixtures;
import io.enhancedrl.bindings.gpu.GpuSupport;
import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.BackendFailureException;
import io.enhancedrl.kernels.Backends;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only the emulated driver can show without a GPU: the real JCuda natives and {@link JCudaDriverApi} under
 * the engine (backend selection by ServiceLoader, raw addresses handed to other libraries, driver errors
 * coming back through JNI with their names, memory given back). Runs in the emulated-cuda execution only
 * (LD_LIBRARY_PATH holds the emulated libcuda.so.1); the gpu-tagged tests run there too.
 */
@Tag("emulated-cuda")
class EmulatedCudaDriverTest {

    private static CudaKernelOps cuda;

    @BeforeAll
    static void open() {
        GpuSupport.skipUnlessTheEmulatedDriverWasBuilt();
        CudaBackendProvider provider = new CudaBackendProvider();
        var a = provider.probe();
        assertTrue(a.available(), "the emulated driver must be found: " + a.describe());
        assertTrue(a.detail().contains("emulated"), a.detail());
        cuda = new CudaKernelOps(CudaContext.open(new JCudaDriverApi(), 0), CudaBackendProvider.readFatbin(), true);
    }

    @AfterAll
    static void close() {
        if (cuda != null) {
            cuda.close();
        }
    }

    @Test
    void autoSelectionPicksTheDeviceBackendThroughServiceLoader() {
        KernelOps auto = Backends.select("auto");
        assertEquals("cuda", auto.name());
        assertTrue(auto.isDevice());
        float[] y = new float[2], yr = new float[2];
        float[] x = {1, 2, 3}, w = {1, 0, 0, 1, 1, 1};
        auto.linearForward(1, 3, 2, x, 0, w, 0, null, 0, 1, Activation.IDENTITY, y, 0);
        ScalarKernelOps.INSTANCE.linearForward(1, 3, 2, x, 0, w, 0, null, 0, 1, Activation.IDENTITY, yr, 0);
        assertArrayEquals(yr, y);
    }

    @Test
    void aDriverErrorComesBackThroughJniWithItsName() {
        float[] x = new float[4 * 3], w = new float[3 * 2], y = new float[4 * 2];
        EmulatedCuda.failAfter("cuLaunchKernel", 0, 719);
        BackendFailureException e = assertThrows(BackendFailureException.class,
                () -> cuda.linearForward(4, 3, 2, x, 0, w, 0, null, 0, 4, Activation.RELU, y, 0));
        CudaException c = assertInstanceOf(CudaException.class, e.getCause());
        assertEquals("cuLaunchKernel", c.call());
        assertEquals(719, c.status());
        assertEquals("CUDA_ERROR_LAUNCH_FAILED", c.statusName(), "the name from cuGetErrorName through JCuda");
        assertTrue(e.getMessage().contains("linearForward(n=4, in=3, out=2"), e.getMessage());
        // the backend stays usable
        cuda.linearForward(4, 3, 2, x, 0, w, 0, null, 0, 4, Activation.RELU, y, 0);
    }

    @Test
    void aFaultWhileRankingIsAnsweredOnTheCpuExactly() {
        FeatureLayout layout = ServingFixtures.SIM;
        Ranker.Model m = Ranker.Model.of(ServingFixtures.actor(layout, new int[]{32, 16}, 3), layout,
                ServingFixtures.fusion(layout.tasks()), "emulated fault");
        Ranker ranker = Ranker.create(m, new RankerOptions(512, 5, cuda, ScalarKernelOps.INSTANCE));
        Ranker cpu = Ranker.create(m, new RankerOptions(512, 5, ScalarKernelOps.INSTANCE));
        RankRequest q = ServingFixtures.request(layout, 77, 5);
        assertEquals("cuda", ranker.rank(q).backend());
        EmulatedCuda.failAfter("cuMemcpyDtoHAsync", 1, 700);
        RankResult r = ranker.rank(q);
        assertEquals("scalar", r.backend());
        assertTrue(cpu.rank(q).contentEquals(r), "the fallback answer is the CPU's, bit for bit");
        assertEquals(1, ranker.health().deviceFaults());
        assertTrue(ranker.resetDeviceHealth(), "the emulated device works again");
        assertEquals("cuda", ranker.rank(q).backend());
    }

    @Test
    void aLaunchPastTheEndOfABufferIsAnIllegalAddress() {
        // The emulator checks every pointer's extent; this guards the guard (a launch that reads past x).
        CudaContext ctx = cuda.context();
        try (CudaModule module = new CudaModule(ctx, CudaBackendProvider.readFatbin(), "bounds test");
             CudaStream stream = new CudaStream(ctx, "bounds test");
             DeviceBuffer x = new DeviceBuffer(ctx, 4 * 3 * Float.BYTES, "x");
             DeviceBuffer w = new DeviceBuffer(ctx, 3 * 2 * Float.BYTES, "w");
             DeviceBuffer y = new DeviceBuffer(ctx, 8 * 2 * Float.BYTES, "y")) {
            int n = 8; // x holds 4 rows
            KernelArgs args = new KernelArgs().i32(1).i32(n).i32(3).i32(2).ptr(x).i64(0).ptr(w).i64(0).nullPtr().i64(0)
                    .i32(n).i32(1).ptr(y).i64(0);
            ErlKernels.linearForward(args, 1, n, 2);
            long f = module.function(ErlKernels.LINEAR_FORWARD.symbol);
            CudaException e = assertThrows(CudaException.class, () -> ctx.launch("erl_linear_forward_f32", f, stream, args));
            assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", e.statusName());
            // and a launch with the wrong grid is refused as the header's rule says
            ErlKernels.linearForward(args.clear().i32(1).i32(4).i32(3).i32(2).ptr(x).i64(0).ptr(w).i64(0).nullPtr().i64(0)
                    .i32(4).i32(1).ptr(y).i64(0), 1, 4, 2).launch(2, 1, 1, 256, 1, 1, 0);
            CudaException g = assertThrows(CudaException.class, () -> ctx.launch("erl_linear_forward_f32", f, stream, args));
            assertEquals("CUDA_ERROR_INVALID_VALUE", g.statusName());
        }
    }

    @Test
    void rawAddressesForOtherLibrariesAreTheDriversOwn() {
        // cuBLASLt receives DeviceBuffer.address() and CudaStream.address() (read reflectively from JCuda):
        // under the emulator device memory is host memory and a CUstream points at the stream object, so both
        // can be read back here.
        CudaContext ctx = cuda.context();
        try (DeviceBuffer d = new DeviceBuffer(ctx, 64, "address test");
             PinnedBuffer h = new PinnedBuffer(ctx, 64, "address test");
             CudaStream stream = new CudaStream(ctx, "address test")) {
            h.putFloats(new float[]{1.5f, -2f, 3.25f}, 0, 3);
            d.copyFrom(h, 12, stream);
            stream.synchronize();
            MemorySegment mem = MemorySegment.ofAddress(d.address()).reinterpret(12);
            assertArrayEquals(new float[]{1.5f, -2f, 3.25f}, mem.toArray(ValueLayout.JAVA_FLOAT));
            MemorySegment st = MemorySegment.ofAddress(stream.address()).reinterpret(4);
            assertEquals(EmulatedCuda.STREAM_MAGIC, st.get(ValueLayout.JAVA_INT, 0), "CudaStream.address() is the CUstream");
        }
    }

    @Test
    void closingTheBackendGivesEveryAllocationBack() {
        int before = EmulatedCuda.liveAllocations();
        CudaKernelOps ops = new CudaKernelOps(CudaContext.open(new JCudaDriverApi(), 0), CudaBackendProvider.readFatbin(),
                true);
        float[] w = new float[33 * 7];
        float[] packed = ops.packWeights(33, 7, w, 0);
        float[] x = new float[5 * 33], y = new float[5 * 7];
        ops.linearForwardPacked(5, 33, 7, x, 0, w, 0, packed, null, 0, 5, Activation.RELU, y, 0);
        assertTrue(EmulatedCuda.liveAllocations() > before);
        long frees = EmulatedCuda.count("cuMemFree");
        ops.close();
        assertEquals(before, EmulatedCuda.liveAllocations(), "resident weights and staging buffers are freed");
        assertTrue(EmulatedCuda.count("cuMemFree") > frees);
    }

    @Test
    void freedHandlesAreReusedAndAStaleOneIsRefused() {
        CudaContext ctx = cuda.context();
        JCudaDriverApi driver = (JCudaDriverApi) ctx.driver();
        DeviceBuffer first = new DeviceBuffer(ctx, 64, "stale test");
        long stale = first.handle();
        first.close();
        int slots = driver.handleSlots();
        for (int i = 0; i < 10_000; i++) {
            try (DeviceBuffer d = new DeviceBuffer(ctx, 64, "churn")) {
                assertTrue(d.handle() != stale, "a reused slot gets a new id");
            }
        }
        assertTrue(driver.handleSlots() <= slots + 1, "10,000 buffers made and freed one at a time grow the handle"
                + " table from " + slots + " to " + driver.handleSlots() + " slots");
        long[] out = new long[1];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> driver.pointerAddress(out, stale));
        assertTrue(e.getMessage().contains("unknown or freed"), e.getMessage());
    }
}
