package io.enhancedrl.bindings.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The owners' life cycle and the checked-call rule, on the stand-in driver. */
class CudaOwnersTest {

    @Test
    void closeIsIdempotentAndUseAfterCloseNamesTheObject() {
        SimulatedCudaDriver d = new SimulatedCudaDriver();
        CudaContext ctx = CudaContext.open(d, 0);
        DeviceBuffer buf = new DeviceBuffer(ctx, 1024, "weights");
        PinnedBuffer pin = new PinnedBuffer(ctx, 1024, "staging");
        CudaStream stream = new CudaStream(ctx, "s0");
        CudaModule module = new CudaModule(ctx, new byte[]{1}, "fatbin");
        pin.putFloats(new float[]{1, 2, 3}, 0, 3);
        buf.copyFrom(pin, 12, stream);
        PinnedBuffer back = new PinnedBuffer(ctx, 16, "back");
        buf.copyTo(back, 12, stream);
        float[] out = new float[3];
        back.getFloats(out, 0, 3);
        assertEquals(3f, out[2]);
        assertEquals(module.function("k"), module.function("k"));
        assertEquals(1, d.count("moduleGetFunction"), "functions are looked up once");

        for (NativeOwner o : new NativeOwner[]{buf, pin, back, stream, module}) {
            o.close();
            o.close();
        }
        assertEquals(1, d.count("memFree"));
        assertEquals(2, d.count("memFreeHost"));
        assertEquals(1, d.count("streamDestroy"));
        assertEquals(1, d.count("moduleUnload"));
        IllegalStateException e = assertThrows(IllegalStateException.class, buf::handle);
        assertEquals("DeviceBuffer 'weights' (1024 bytes) is closed", e.getMessage());
        e = assertThrows(IllegalStateException.class, stream::synchronize);
        assertEquals("CudaStream 's0' is closed", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> pin.putFloats(new float[1], 0, 1));
        assertTrue(e.getMessage().startsWith("PinnedBuffer 'staging'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> module.function("k"));
        ctx.close();
        ctx.close();
        assertEquals(1, d.count("primaryCtxRelease"));
    }

    @Test
    void everyFailedCallIsACudaExceptionWithCallStatusAndArguments() {
        SimulatedCudaDriver d = new SimulatedCudaDriver();
        CudaContext ctx = CudaContext.open(d, 0);
        d.failNext("memAlloc", 2);
        CudaException e = assertThrows(CudaException.class, () -> new DeviceBuffer(ctx, 1L << 20, "acts"));
        assertEquals("cuMemAlloc", e.call());
        assertEquals(2, e.status());
        assertEquals("cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (2) [bytes=1048576, buffer 'acts']", e.getMessage());
        d.failNext("moduleGetFunction", 500);
        CudaModule m = new CudaModule(ctx, new byte[]{1}, "fatbin");
        e = assertThrows(CudaException.class, () -> m.function("erl_missing"));
        assertTrue(e.getMessage().contains("kernel erl_missing in CudaModule 'fatbin'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DeviceBuffer(ctx, 0, "empty"));
    }

    @Test
    void openChecksInitAndTheOrdinal() {
        SimulatedCudaDriver none = new SimulatedCudaDriver();
        none.devices = 0;
        CudaException e = assertThrows(CudaException.class, () -> CudaContext.open(none, 0));
        assertEquals("cuInit failed: CUDA_ERROR_NO_DEVICE (100) [flags=0]", e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> CudaContext.open(new SimulatedCudaDriver(), 3));
        assertEquals("device ordinal: expected 0..0 (1 CUDA devices) but was 3", bad.getMessage());
    }
}
