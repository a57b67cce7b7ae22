package io.enhancedrl.bindings.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Hand-written FFM binding of the cuBLASLt calls the engine needs (jextract's style: one class, one
 * downcall per C function, resolved lazily once), plus {@link #gemmReluBias}: y = relu(x W + b) for the
 * engine's row-major layout in one cublasLtMatmul with the RELU_BIAS epilogue.
 *
 * <p>Device pointers, handles and the stream are raw addresses ({@link MemorySegment}s). Every status is
 * checked; a failure is a {@link NativeCallException} with the status name from cublasLtGetStatusName.
 * Enum values are those of cublasLt.h (CUDA 12 and 13 agree on them).
 */
public final class CublasLt {

    /** Library file names, newest first. */
    public static final String[] LIBRARY_NAMES = {"libcublasLt.so.13", "libcublasLt.so.12"};

    public static final int CUBLAS_COMPUTE_32F = 68;
    public static final int CUDA_R_32F = 0;
    public static final int MATMUL_DESC_EPILOGUE = 7;
    public static final int MATMUL_DESC_BIAS_POINTER = 8;
    public static final int EPILOGUE_RELU_BIAS = 6;
    public static final int PREF_MAX_WORKSPACE_BYTES = 1;
    /** sizeof(cublasLtMatmulHeuristicResult_t): algo (64) + workspaceSize (8) + state (4) + wavesCount (4) + reserved (16). */
    public static final long HEURISTIC_RESULT_BYTES = 96;
    /** Offset of the state field in cublasLtMatmulHeuristicResult_t. */
    static final long HEURISTIC_STATE_OFFSET = 72;

    private static final FunctionDescriptor A_TO_I = FunctionDescriptor.of(JAVA_INT, ADDRESS);

    private final Downcalls calls;

    /** Binds to the given symbols (a loaded library, or stubs in tests). */
    public CublasLt(NativeSymbols symbols) {
        this.calls = new Downcalls(symbols);
    }

    /** Loads libcublasLt (.13, then .12) from the configured search path. */
    public static CublasLt load() {
        return new CublasLt(NativeLibraries.load("cuBLASLt", LIBRARY_NAMES));
    }

    private int call(String name, FunctionDescriptor fd, Object... args) {
        try {
            return (int) calls.get(name, fd).invokeWithArguments(args);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private void check(int status, String name, String context) {
        if (status != 0) {
            throw new NativeCallException(name, status, statusName(status), context);
        }
    }

    /** cublasLtGetStatusName, or "cublasStatus N" when that lookup fails. */
    public String statusName(int status) {
        try {
            MemorySegment s = (MemorySegment) calls.get("cublasLtGetStatusName", FunctionDescriptor.of(ADDRESS, JAVA_INT))
                    .invokeExact(status);
            return s.equals(MemorySegment.NULL) ? "cublasStatus " + status : s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "cublasStatus " + status;
        }
    }

    /** cublasLtGetVersion, e.g. 130000 for 13.0.0. */
    public long version() {
        try {
            return (long) calls.get("cublasLtGetVersion", FunctionDescriptor.of(JAVA_LONG)).invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private MemorySegment createOut(String name, FunctionDescriptor fd, String context, Object... rest) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            Object[] args = new Object[rest.length + 1];
            args[0] = out;
            System.arraycopy(rest, 0, args, 1, rest.length);
            check(call(name, fd, args), name, context);
            return out.get(ADDRESS, 0);
        }
    }

    /** cublasLtCreate. */
    public MemorySegment create() {
        return createOut("cublasLtCreate", A_TO_I, "");
    }

    /** cublasLtDestroy. */
    public void destroy(MemorySegment handle) {
        check(call("cublasLtDestroy", A_TO_I, handle), "cublasLtDestroy", "");
    }

    /** cublasLtMatmulDescCreate(desc*, computeType, scaleType). */
    public MemorySegment matmulDescCreate(int computeType, int scaleType) {
        return createOut("cublasLtMatmulDescCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                "computeType=" + computeType + ", scaleType=" + scaleType, computeType, scaleType);
    }

    /** cublasLtMatmulDescSetAttribute(desc, attr, buf, size). */
    public void matmulDescSetAttribute(MemorySegment desc, int attribute, MemorySegment value) {
        check(call("cublasLtMatmulDescSetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG),
                desc, attribute, value, value.byteSize()), "cublasLtMatmulDescSetAttribute", "attribute=" + attribute);
    }

    public void matmulDescDestroy(MemorySegment desc) {
        check(call("cublasLtMatmulDescDestroy", A_TO_I, desc), "cublasLtMatmulDescDestroy", "");
    }

    /** cublasLtMatrixLayoutCreate(layout*, type, rows, cols, ld): column-major rows x cols. */
    public MemorySegment matrixLayoutCreate(int type, long rows, long cols, long ld) {
        return createOut("cublasLtMatrixLayoutCreate",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                "rows=" + rows + ", cols=" + cols + ", ld=" + ld, type, rows, cols, ld);
    }

    public void matrixLayoutDestroy(MemorySegment layout) {
        check(call("cublasLtMatrixLayoutDestroy", A_TO_I, layout), "cublasLtMatrixLayoutDestroy", "");
    }

    public MemorySegment preferenceCreate() {
        return createOut("cublasLtMatmulPreferenceCreate", A_TO_I, "");
    }

    public void preferenceSetAttribute(MemorySegment pref, int attribute, MemorySegment value) {
        check(call("cublasLtMatmulPreferenceSetAttribute",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG), pref, attribute, value,
                value.byteSize()), "cublasLtMatmulPreferenceSetAttribute", "attribute=" + attribute);
    }

    public void preferenceDestroy(MemorySegment pref) {
        check(call("cublasLtMatmulPreferenceDestroy", A_TO_I, pref), "cublasLtMatmulPreferenceDestroy", "");
    }

    /** cublasLtMatmulAlgoGetHeuristic; returns how many results were written into {@code results}. */
    public int algoGetHeuristic(MemorySegment handle, MemorySegment desc, MemorySegment a, MemorySegment b,
                                MemorySegment c, MemorySegment d, MemorySegment pref, int requested,
                                MemorySegment results) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            check(call("cublasLtMatmulAlgoGetHeuristic", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                            ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS),
                    handle, desc, a, b, c, d, pref, requested, results, count), "cublasLtMatmulAlgoGetHeuristic",
                    "requested=" + requested);
            return count.get(JAVA_INT, 0);
        }
    }

    /** cublasLtMatmul: D = alpha op(A) op(B) + beta C, with the descriptor's epilogue. */
    public void matmul(MemorySegment handle, MemorySegment desc, MemorySegment alpha, MemorySegment a,
                       MemorySegment aDesc, MemorySegment b, MemorySegment bDesc, MemorySegment beta,
                       MemorySegment c, MemorySegment cDesc, MemorySegment d, MemorySegment dDesc,
                       MemorySegment algo, MemorySegment workspace, long workspaceBytes, MemorySegment stream,
                       String context) {
        check(call("cublasLtMatmul", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                        ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS),
                handle, desc, alpha, a, aDesc, b, bDesc, beta, c, cDesc, d, dDesc, algo, workspace, workspaceBytes, stream),
                "cublasLtMatmul", context);
    }

    /**
     * The descriptors, layouts and chosen algorithm of one RELU_BIAS GEMM shape, made once and reused by
     * {@link #run}: what a caller that runs a shape many times (a served layer, a benchmark) keeps, so that a launch
     * is one attribute update and one cublasLtMatmul rather than the descriptor set-up and the heuristic query.
     * Closing it destroys everything it holds (idempotent). Not thread-safe (like the handle it was made for).
     */
    public final class ReluBiasPlan implements AutoCloseable {
        final int n, in, out;
        final long workspaceBytes;
        private final String shape;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment desc, aDesc, bDesc, dDesc, algo, biasPtr, one, zero;
        private boolean closed;

        private ReluBiasPlan(MemorySegment handle, int n, int in, int out, MemorySegment bias, long workspaceBytes) {
            this.n = n;
            this.in = in;
            this.out = out;
            this.workspaceBytes = workspaceBytes;
            this.shape = "n=" + n + ", in=" + in + ", out=" + out;
            MemorySegment d = null, a = null, b = null, dd = null, pref = null;
            try {
                d = matmulDescCreate(CUBLAS_COMPUTE_32F, CUDA_R_32F);
                matmulDescSetAttribute(d, MATMUL_DESC_EPILOGUE, arena.allocateFrom(JAVA_INT, EPILOGUE_RELU_BIAS));
                biasPtr = arena.allocate(ADDRESS);
                // the heuristic reads the bias pointer's alignment: the first call's pointer; device allocations
                // share it (256 bytes), so later calls only change the value (run)
                biasPtr.set(ADDRESS, 0, bias);
                matmulDescSetAttribute(d, MATMUL_DESC_BIAS_POINTER, biasPtr);
                a = matrixLayoutCreate(CUDA_R_32F, out, in, out);
                b = matrixLayoutCreate(CUDA_R_32F, in, n, in);
                dd = matrixLayoutCreate(CUDA_R_32F, out, n, out);
                pref = preferenceCreate();
                preferenceSetAttribute(pref, PREF_MAX_WORKSPACE_BYTES, arena.allocateFrom(JAVA_LONG, workspaceBytes));
                algo = arena.allocate(MemoryLayout.sequenceLayout(HEURISTIC_RESULT_BYTES,
                        java.lang.foreign.ValueLayout.JAVA_BYTE).withByteAlignment(8));
                int found = algoGetHeuristic(handle, d, a, b, dd, dd, pref, 1, algo);
                if (found < 1) {
                    throw new NativeCallException("cublasLtMatmulAlgoGetHeuristic", 15, "CUBLAS_STATUS_NOT_SUPPORTED",
                            "no algorithm for RELU_BIAS FP32 GEMM " + shape + " within " + workspaceBytes
                                    + " workspace bytes");
                }
            } catch (RuntimeException e) {
                destroyAll(e, pref, dd, b, a, d);
                arena.close();
                throw e;
            }
            preferenceDestroy(pref);
            desc = d;
            aDesc = a;
            bDesc = b;
            dDesc = dd;
            one = arena.allocateFrom(JAVA_FLOAT, 1f);
            zero = arena.allocateFrom(JAVA_FLOAT, 0f);
        }

        /** Whether this plan is for that shape and workspace. */
        public boolean fits(int n, int in, int out, long workspaceBytes) {
            return this.n == n && this.in == in && this.out == out && this.workspaceBytes == workspaceBytes;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                destroyAll(null, null, dDesc, bDesc, aDesc, desc);
            } finally {
                arena.close();
            }
        }
    }

    /** Destroys the layouts and the descriptor (and a preference) that are not null, in that order. */
    private void destroyAll(RuntimeException cause, MemorySegment pref, MemorySegment d, MemorySegment b,
                            MemorySegment a, MemorySegment desc) {
        try {
            if (pref != null) {
                preferenceDestroy(pref);
            }
            for (MemorySegment l : new MemorySegment[]{d, b, a}) {
                if (l != null) {
                    matrixLayoutDestroy(l);
                }
            }
            if (desc != null) {
                matmulDescDestroy(desc);
            }
        } catch (RuntimeException e) {
            if (cause == null) {
                throw e;
            }
            cause.addSuppressed(e);
        }
    }

    /**
     * A plan for y[n][out] = relu(x[n][in] W[in][out] + bias[out]) ({@link #gemmReluBias}'s product), with the
     * algorithm chosen for {@code bias}'s alignment and the workspace size.
     */
    public ReluBiasPlan planReluBias(MemorySegment handle, int n, int in, int out, MemorySegment bias,
                                     long workspaceBytes) {
        if (n < 1 || in < 1 || out < 1) {
            throw new IllegalArgumentException("planReluBias: expected n, in, out >= 1 but was n=" + n + ", in=" + in
                    + ", out=" + out);
        }
        return new ReluBiasPlan(handle, n, in, out, bias, workspaceBytes);
    }

    /** Queues the plan's GEMM on stream: y = relu(x W + bias) for these device buffers. */
    public void run(MemorySegment handle, ReluBiasPlan p, MemorySegment stream, MemorySegment x, MemorySegment w,
                    MemorySegment bias, MemorySegment y, MemorySegment workspace) {
        if (p.closed) {
            throw new IllegalStateException("plan: closed");
        }
        if (p.biasPtr.get(JAVA_LONG, 0) != bias.address()) {
            p.biasPtr.set(ADDRESS, 0, bias);
            matmulDescSetAttribute(p.desc, MATMUL_DESC_BIAS_POINTER, p.biasPtr);
        }
        matmul(handle, p.desc, p.one, w, p.aDesc, x, p.bDesc, p.zero, y, p.dDesc, y, p.dDesc, p.algo, workspace,
                p.workspaceBytes, stream, p.shape);
    }

    /**
     * y[n][out] = relu(x[n][in] W[in][out] + bias[out]) on the device, row-major as in KernelOps.
     * Row-major y is column-major y^T (out x n) = W^T (out x in, which is W's memory with ld = out) times
     * x^T (in x n, x's memory with ld = in), so no transposes are needed and the bias runs along D's rows.
     *
     * @param workspace device workspace (may be NULL with 0 bytes)
     */
    public void gemmReluBias(MemorySegment handle, MemorySegment stream, int n, int in, int out, MemorySegment x,
                             MemorySegment w, MemorySegment bias, MemorySegment y, MemorySegment workspace,
                             long workspaceBytes) {
        try (ReluBiasPlan p = planReluBias(handle, n, in, out, bias, workspaceBytes)) {
            run(handle, p, stream, x, w, bias, y, workspace);
        }
    }
}
