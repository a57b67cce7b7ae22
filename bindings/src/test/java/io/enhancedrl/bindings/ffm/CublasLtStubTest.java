package io.enhancedrl.bindings.ffm;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CublasLt's marshalling through upcall stubs standing in for libcublasLt. */
class CublasLtStubTest {

    static final List<String> LOG = new ArrayList<>();
    static int failLayoutWith;
    static int heuristicCount = 1;
    private static long next = 0x1000;

    private static MemorySegment handleOut(MemorySegment out) {
        out.reinterpret(8).set(ADDRESS, 0, MemorySegment.ofAddress(next += 0x10));
        return out;
    }

    static MemorySegment cublasLtGetStatusName(int s) {
        return Arena.global().allocateFrom(s == 7 ? "CUBLAS_STATUS_INVALID_VALUE" : "CUBLAS_STATUS_" + s);
    }

    static long cublasLtGetVersion() {
        return 130000L;
    }

    static int cublasLtCreate(MemorySegment out) {
        handleOut(out);
        LOG.add("create");
        return 0;
    }

    static int cublasLtDestroy(MemorySegment h) {
        LOG.add("destroy");
        return 0;
    }

    static int cublasLtMatmulDescCreate(MemorySegment out, int compute, int scale) {
        handleOut(out);
        LOG.add("descCreate " + compute + " " + scale);
        return 0;
    }

    static int cublasLtMatmulDescSetAttribute(MemorySegment d, int attr, MemorySegment buf, long size) {
        MemorySegment b = buf.reinterpret(size);
        LOG.add("descSet " + attr + " = " + (size == 4 ? b.get(JAVA_INT, 0) : "0x" + Long.toHexString(b.get(JAVA_LONG, 0))));
        return 0;
    }

    static int cublasLtMatmulDescDestroy(MemorySegment d) {
        LOG.add("descDestroy");
        return 0;
    }

    static int cublasLtMatrixLayoutCreate(MemorySegment out, int type, long rows, long cols, long ld) {
        if (failLayoutWith != 0) {
            return failLayoutWith;
        }
        handleOut(out);
        LOG.add("layout " + type + " " + rows + "x" + cols + " ld " + ld);
        return 0;
    }

    static int cublasLtMatrixLayoutDestroy(MemorySegment l) {
        LOG.add("layoutDestroy");
        return 0;
    }

    static int cublasLtMatmulPreferenceCreate(MemorySegment out) {
        handleOut(out);
        LOG.add("prefCreate");
        return 0;
    }

    static int cublasLtMatmulPreferenceSetAttribute(MemorySegment p, int attr, MemorySegment buf, long size) {
        LOG.add("prefSet " + attr + " = " + buf.reinterpret(size).get(JAVA_LONG, 0));
        return 0;
    }

    static int cublasLtMatmulPreferenceDestroy(MemorySegment p) {
        LOG.add("prefDestroy");
        return 0;
    }

    static int cublasLtMatmulAlgoGetHeuristic(MemorySegment h, MemorySegment d, MemorySegment a, MemorySegment b,
                                              MemorySegment c, MemorySegment dd, MemorySegment pref, int requested,
                                              MemorySegment results, MemorySegment count) {
        count.reinterpret(4).set(JAVA_INT, 0, heuristicCount);
        LOG.add("heuristic requested " + requested + " C==D " + c.equals(dd));
        return 0;
    }

    static int cublasLtMatmul(MemorySegment h, MemorySegment desc, MemorySegment alpha, MemorySegment a,
                              MemorySegment aDesc, MemorySegment b, MemorySegment bDesc, MemorySegment beta,
                              MemorySegment c, MemorySegment cDesc, MemorySegment d, MemorySegment dDesc,
                              MemorySegment algo, MemorySegment ws, long wsBytes, MemorySegment stream) {
        LOG.add("matmul alpha " + alpha.reinterpret(4).get(JAVA_FLOAT, 0) + " beta " + beta.reinterpret(4).get(JAVA_FLOAT, 0)
                + " A 0x" + Long.toHexString(a.address()) + " B 0x" + Long.toHexString(b.address())
                + " C 0x" + Long.toHexString(c.address()) + " D 0x" + Long.toHexString(d.address())
                + " ws " + wsBytes + " stream 0x" + Long.toHexString(stream.address()));
        return 0;
    }

    private CublasLt lt;

    @BeforeEach
    void bind() {
        lt = CublasLtStubs.stubbed();
    }

    @Test
    void gemmReluBiasMapsTheRowMajorLayoutAndEpilogueAndFreesEverything() {
        MemorySegment h = lt.create();
        lt.gemmReluBias(h, MemorySegment.ofAddress(0x5000), 257, 33, 7, MemorySegment.ofAddress(0xA000),
                MemorySegment.ofAddress(0xB000), MemorySegment.ofAddress(0xC000), MemorySegment.ofAddress(0xD000),
                MemorySegment.NULL, 0);
        lt.destroy(h);
        assertEquals(List.of(
                "create",
                "descCreate 68 0",
                "descSet 7 = 6",
                "descSet 8 = 0xc000",
                "layout 0 7x33 ld 7",
                "layout 0 33x257 ld 33",
                "layout 0 7x257 ld 7",
                "prefCreate",
                "prefSet 1 = 0",
                "heuristic requested 1 C==D true",
                "prefDestroy", // the plan keeps the chosen algorithm, not the preference
                "matmul alpha 1.0 beta 0.0 A 0xb000 B 0xa000 C 0xd000 D 0xd000 ws 0 stream 0x5000",
                "layoutDestroy", "layoutDestroy", "layoutDestroy", "descDestroy",
                "destroy"), LOG);
        assertEquals(130000L, lt.version());
    }

    @Test
    void aFailedStatusIsNamedAndResourcesAreStillReleased() {
        failLayoutWith = 7;
        NativeCallException e = assertThrows(NativeCallException.class, () -> lt.gemmReluBias(MemorySegment.ofAddress(1),
                MemorySegment.NULL, 3, 1, 255, MemorySegment.ofAddress(2), MemorySegment.ofAddress(3),
                MemorySegment.ofAddress(4), MemorySegment.ofAddress(5), MemorySegment.NULL, 0));
        assertEquals("cublasLtMatrixLayoutCreate failed: CUBLAS_STATUS_INVALID_VALUE (7) [rows=255, cols=1, ld=255]",
                e.getMessage());
        assertEquals("descDestroy", LOG.getLast(), "the matmul descriptor must be destroyed after a failure");

        failLayoutWith = 0;
        heuristicCount = 0;
        e = assertThrows(NativeCallException.class, () -> lt.gemmReluBias(MemorySegment.ofAddress(1), MemorySegment.NULL,
                3, 1, 255, MemorySegment.ofAddress(2), MemorySegment.ofAddress(3), MemorySegment.ofAddress(4),
                MemorySegment.ofAddress(5), MemorySegment.NULL, 0));
        assertTrue(e.getMessage().contains("no algorithm for RELU_BIAS FP32 GEMM n=3, in=1, out=255"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lt.gemmReluBias(MemorySegment.NULL, MemorySegment.NULL, 0, 1, 1,
                MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, 0));
    }

    @Test
    void aMissingSymbolNamesIt() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> new CublasLt(new StubSymbols(CublasLtStubTest.class)).create());
        assertTrue(e.getMessage().contains("cublasLtCreate"), e.getMessage());
    }
}
