package io.enhancedrl.bindings.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A {@link CublasLt} whose native functions are the upcall stubs of {@link CublasLtStubTest}: every call is logged
 * ({@link #log()}) and the stub state is reset by {@link #stubbed()}. Public for the tests of code that drives
 * cuBLASLt from other packages (the CUDA backend's {@code CublasLtLinear}).
 */
public final class CublasLtStubs {

    private CublasLtStubs() {
    }

    /** A CublasLt bound to the stubs, with the log cleared and no failures armed. */
    public static CublasLt stubbed() {
        CublasLtStubTest.LOG.clear();
        CublasLtStubTest.failLayoutWith = 0;
        CublasLtStubTest.heuristicCount = 1;
        FunctionDescriptor aToI = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        FunctionDescriptor setAttr = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG);
        StubSymbols s = new StubSymbols(CublasLtStubTest.class)
                .stub("cublasLtGetStatusName", FunctionDescriptor.of(ADDRESS, JAVA_INT))
                .stub("cublasLtGetVersion", FunctionDescriptor.of(JAVA_LONG))
                .stub("cublasLtCreate", aToI).stub("cublasLtDestroy", aToI)
                .stub("cublasLtMatmulDescCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT))
                .stub("cublasLtMatmulDescSetAttribute", setAttr).stub("cublasLtMatmulDescDestroy", aToI)
                .stub("cublasLtMatrixLayoutCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG))
                .stub("cublasLtMatrixLayoutDestroy", aToI)
                .stub("cublasLtMatmulPreferenceCreate", aToI).stub("cublasLtMatmulPreferenceSetAttribute", setAttr)
                .stub("cublasLtMatmulPreferenceDestroy", aToI)
                .stub("cublasLtMatmulAlgoGetHeuristic", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                        ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS))
                .stub("cublasLtMatmul", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                        ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        return new CublasLt(s);
    }

    /** What the stubs were called with, in order ("create", "descSet 8 = 0x...", "matmul ... A 0x..."). */
    public static List<String> log() {
        return CublasLtStubTest.LOG;
    }
}
