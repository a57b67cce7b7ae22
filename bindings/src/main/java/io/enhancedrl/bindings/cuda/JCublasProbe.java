package io.enhancedrl.bindings.cuda;

/**
 * Whether JCublas (org.jcuda:jcublas 12.6) can be used here. Its JNI library links against
 * libcublas.so.12, which a CUDA 13 machine may not have; this reports that instead of failing later.
 * The CUDA backend does not need cuBLAS (its GEMMs are the fatbin's); the status is logged for the GEMM
 * ladder (docs/kernels.md, v3).
 */
public final class JCublasProbe {

    static final String LIBRARY = "libcublas.so.12";
    private static volatile String status;

    private JCublasProbe() {
    }

    /** "JCublas: ready" or "JCublas: unavailable (reason; fix: ...)", computed once. */
    public static String status() {
        String s = status;
        if (s == null) {
            status = s = compute();
        }
        return s;
    }

    private static String compute() {
        try {
            Class.forName("jcuda.jcublas.JCublas2", false, JCublasProbe.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return "JCublas: unavailable (jcuda.jcublas classes not on the class path; fix: add org.jcuda:jcublas)";
        }
        String problem = CudaBackendProvider.libraryProblem(LIBRARY);
        if (problem != null) {
            return "JCublas: unavailable (" + LIBRARY + " cannot be loaded; fix: install the CUDA 12 cuBLAS runtime "
                    + "or add its directory to LD_LIBRARY_PATH)";
        }
        try {
            jcuda.jcublas.JCublas2.setExceptionsEnabled(false);
            return "JCublas: ready (" + LIBRARY + ")";
        } catch (LinkageError e) {
            return "JCublas: unavailable (its JNI library failed to load: " + e.getMessage()
                    + "; fix: put org.jcuda:jcublas-natives on the class path)";
        }
    }
}
