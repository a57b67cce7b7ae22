package io.enhancedrl.bindings.cuda;

import io.enhancedrl.bindings.ffm.CublasLt;
import io.enhancedrl.bindings.ffm.CublasLtStubs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cuBLASLt on the JCuda layer's buffers, with the stand-in driver (raw addresses 0xD000_0000 + 0x1000 x handle,
 * streams 0x5000_0000 + handle) and cuBLASLt's upcall stubs: each device buffer reaches the operand it belongs
 * to as a raw address, on the caller's stream, with the workspace, and everything is freed.
 */
class CublasLtLinearStandInTest {

    private SimulatedCudaDriver driver;
    private CudaContext context;

    @BeforeEach
    void open() {
        driver = new SimulatedCudaDriver();
        context = CudaContext.open(driver, 0);
    }

    @AfterEach
    void close() {
        context.close();
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    @Test
    void theEngineBuffersReachCublasLtAsRawAddressesOnTheCallersStream() {
        CublasLt lt = CublasLtStubs.stubbed();
        int n = 5, in = 3, out = 4;
        try (CudaStream stream = new CudaStream(context, "s");
             DeviceBuffer x = new DeviceBuffer(context, 4L * n * in, "x");
             DeviceBuffer w = new DeviceBuffer(context, 4L * in * out, "w");
             DeviceBuffer b = new DeviceBuffer(context, 4L * out, "bias");
             DeviceBuffer y = new DeviceBuffer(context, 4L * n * out, "y");
             CublasLtLinear linear = new CublasLtLinear(context, lt, 1 << 20)) {
            linear.reluBiasForward(stream, n, in, out, x, w, b, y);
            List<String> log = CublasLtStubs.log();
            assertTrue(log.contains("descSet 8 = " + hex(b.address())), "bias pointer attribute: " + log);
            String matmul = log.stream().filter(l -> l.startsWith("matmul")).findFirst().orElseThrow();
            // row-major y = x W is column-major y^T = W^T x^T: A is W, B is x, C = D = y
            assertEquals("matmul alpha 1.0 beta 0.0 A " + hex(w.address()) + " B " + hex(x.address()) + " C "
                    + hex(y.address()) + " D " + hex(y.address()) + " ws 1048576 stream " + hex(stream.address()), matmul);
            assertTrue(w.address() >= 0xD000_0000L && w.address() != x.address(), "distinct raw addresses");
        }
        List<String> log = CublasLtStubs.log();
        assertEquals("destroy", log.getLast(), "the handle is destroyed at close");
        assertEquals(0, driver.liveAllocations(), "buffers and the workspace are freed");
    }

    @Test
    void aBufferTooSmallForItsOperandIsNamed() {
        CublasLt lt = CublasLtStubs.stubbed();
        try (CudaStream stream = new CudaStream(context, "s");
             DeviceBuffer x = new DeviceBuffer(context, 4L * 6, "x");
             DeviceBuffer w = new DeviceBuffer(context, 4L * 6, "w");
             DeviceBuffer b = new DeviceBuffer(context, 4L * 2, "bias");
             DeviceBuffer y = new DeviceBuffer(context, 4L * 5, "y");
             CublasLtLinear linear = new CublasLtLinear(context, lt, 0)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> linear.reluBiasForward(stream, 3, 2, 2, x, w, b, y));
            assertTrue(e.getMessage().startsWith("y: expected a device buffer of at least 24 bytes (6 floats) but"),
                    e.getMessage());
            assertTrue(CublasLtStubs.log().stream().noneMatch(l -> l.startsWith("matmul")), "nothing was launched");
        }
    }

    @Test
    void aRepeatedShapeReusesItsPlanAndOnlyUpdatesTheBiasPointer() {
        CublasLt lt = CublasLtStubs.stubbed();
        int n = 5, in = 3, out = 4;
        try (CudaStream stream = new CudaStream(context, "s");
             DeviceBuffer x = new DeviceBuffer(context, 4L * (n + 1) * in, "x");
             DeviceBuffer w = new DeviceBuffer(context, 4L * in * out, "w");
             DeviceBuffer b = new DeviceBuffer(context, 4L * out, "bias");
             DeviceBuffer b2 = new DeviceBuffer(context, 4L * out, "bias 2");
             DeviceBuffer y = new DeviceBuffer(context, 4L * (n + 1) * out, "y");
             CublasLtLinear linear = new CublasLtLinear(context, lt, 0)) {
            linear.reluBiasForward(stream, n, in, out, x, w, b, y);
            int before = CublasLtStubs.log().size();
            linear.reluBiasForward(stream, n, in, out, x, w, b, y);
            linear.reluBiasForward(stream, n, in, out, x, w, b2, y);
            List<String> again = List.copyOf(CublasLtStubs.log().subList(before, CublasLtStubs.log().size()));
            assertEquals(3, again.size(), "matmul, then the new bias pointer and matmul: " + again);
            assertTrue(again.get(0).startsWith("matmul") && again.get(2).startsWith("matmul"), again.toString());
            assertEquals("descSet 8 = " + hex(b2.address()), again.get(1));
            linear.reluBiasForward(stream, n + 1, in, out, x, w, b, y); // a new shape: a new plan
        }
        List<String> log = CublasLtStubs.log();
        assertEquals(2, log.stream().filter(l -> l.startsWith("heuristic")).count(), "one query per shape: " + log);
        assertEquals(log.stream().filter(l -> l.startsWith("layout ")).count(),
                log.stream().filter(l -> l.equals("layoutDestroy")).count(), "every layout destroyed: " + log);
        assertEquals(log.stream().filter(l -> l.startsWith("descCreate")).count(),
                log.stream().filter(l -> l.equals("descDestroy")).count(), "every descriptor destroyed: " + log);
        assertEquals(log.stream().filter(l -> l.equals("prefCreate")).count(),
                log.stream().filter(l -> l.equals("prefDestroy")).count(), "every preference destroyed: " + log);
    }
}
