package io.enhancedrl.bindings.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Hand-written FFM binding of the cuDNN calls the engine may use (handle, stream, 4-d tensor descriptors,
 * activation forward/backward, add tensor, op tensor), jextract style, downcalls resolved lazily once.
 * cuDNN's major version is not CUDA's: the library is libcudnn.so.9 (CUDA 12 and 13), then .8. Status names
 * come from cudnnGetErrorString. alpha/beta are host floats (FP32 tensors).
 */
public final class Cudnn {

    public static final String[] LIBRARY_NAMES = {"libcudnn.so.9", "libcudnn.so.8"};

    public static final int TENSOR_NCHW = 0;
    public static final int DATA_FLOAT = 0;
    public static final int ACTIVATION_RELU = 1;
    public static final int ACTIVATION_TANH = 2;
    public static final int ACTIVATION_IDENTITY = 5;
    public static final int NOT_PROPAGATE_NAN = 0;
    public static final int OP_TENSOR_ADD = 0;
    public static final int OP_TENSOR_MUL = 1;

    private static final FunctionDescriptor A_TO_I = FunctionDescriptor.of(JAVA_INT, ADDRESS);

    private final Downcalls calls;

    public Cudnn(NativeSymbols symbols) {
        this.calls = new Downcalls(symbols);
    }

    /** Loads libcudnn (.9, then .8) from the configured search path. */
    public static Cudnn load() {
        return new Cudnn(NativeLibraries.load("cuDNN", LIBRARY_NAMES));
    }

    private void call(String name, FunctionDescriptor fd, String context, Object... args) {
        int status;
        try {
            status = (int) calls.get(name, fd).invokeWithArguments(args);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        if (status != 0) {
            throw new NativeCallException(name, status, statusName(status), context);
        }
    }

    /** cudnnGetErrorString, e.g. "CUDNN_STATUS_BAD_PARAM". */
    public String statusName(int status) {
        try {
            MemorySegment s = (MemorySegment) calls.get("cudnnGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT))
                    .invokeExact(status);
            return s.equals(MemorySegment.NULL) ? "cudnnStatus " + status : s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "cudnnStatus " + status;
        }
    }

    public long version() {
        try {
            return (long) calls.get("cudnnGetVersion", FunctionDescriptor.of(JAVA_LONG)).invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private MemorySegment create(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            call(name, A_TO_I, "", out);
            return out.get(ADDRESS, 0);
        }
    }

    public MemorySegment create() {
        return create("cudnnCreate");
    }

    public void destroy(MemorySegment handle) {
        call("cudnnDestroy", A_TO_I, "", handle);
    }

    /** cudnnSetStream(handle, cudaStream_t). */
    public void setStream(MemorySegment handle, MemorySegment stream) {
        call("cudnnSetStream", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "", handle, stream);
    }

    /** A float NCHW descriptor for an [n][c] matrix viewed as n x c x 1 x 1. */
    public MemorySegment tensor4d(int n, int c, int h, int w) {
        MemorySegment d = create("cudnnCreateTensorDescriptor");
        call("cudnnSetTensor4dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT), "n=" + n + ", c=" + c + ", h=" + h + ", w=" + w,
                d, TENSOR_NCHW, DATA_FLOAT, n, c, h, w);
        return d;
    }

    public void destroyTensor(MemorySegment desc) {
        call("cudnnDestroyTensorDescriptor", A_TO_I, "", desc);
    }

    public MemorySegment activation(int mode, double coef) {
        MemorySegment d = create("cudnnCreateActivationDescriptor");
        call("cudnnSetActivationDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_DOUBLE),
                "mode=" + mode, d, mode, NOT_PROPAGATE_NAN, coef);
        return d;
    }

    public void destroyActivation(MemorySegment desc) {
        call("cudnnDestroyActivationDescriptor", A_TO_I, "", desc);
    }

    /** y = alpha act(x) + beta y. */
    public void activationForward(MemorySegment handle, MemorySegment act, float alpha, MemorySegment xDesc,
                                  MemorySegment x, float beta, MemorySegment yDesc, MemorySegment y) {
        try (Arena a = Arena.ofConfined()) {
            call("cudnnActivationForward", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                    ADDRESS, ADDRESS, ADDRESS), "", handle, act, a.allocateFrom(JAVA_FLOAT, alpha), xDesc, x,
                    a.allocateFrom(JAVA_FLOAT, beta), yDesc, y);
        }
    }

    /** dx = alpha act'(x) dy + beta dx. */
    public void activationBackward(MemorySegment handle, MemorySegment act, float alpha, MemorySegment yDesc,
                                   MemorySegment y, MemorySegment dyDesc, MemorySegment dy, MemorySegment xDesc,
                                   MemorySegment x, float beta, MemorySegment dxDesc, MemorySegment dx) {
        try (Arena a = Arena.ofConfined()) {
            call("cudnnActivationBackward", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                    ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS), "", handle, act,
                    a.allocateFrom(JAVA_FLOAT, alpha), yDesc, y, dyDesc, dy, xDesc, x, a.allocateFrom(JAVA_FLOAT, beta),
                    dxDesc, dx);
        }
    }

    /** C = alpha A + beta C (A broadcast over C's dimensions of size 1: the bias add). */
    public void addTensor(MemorySegment handle, float alpha, MemorySegment aDesc, MemorySegment a, float beta,
                          MemorySegment cDesc, MemorySegment c) {
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnAddTensor", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                    ADDRESS, ADDRESS), "", handle, arena.allocateFrom(JAVA_FLOAT, alpha), aDesc, a,
                    arena.allocateFrom(JAVA_FLOAT, beta), cDesc, c);
        }
    }

    public MemorySegment opTensor(int op) {
        MemorySegment d = create("cudnnCreateOpTensorDescriptor");
        call("cudnnSetOpTensorDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT),
                "op=" + op, d, op, DATA_FLOAT, NOT_PROPAGATE_NAN);
        return d;
    }

    public void destroyOpTensor(MemorySegment desc) {
        call("cudnnDestroyOpTensorDescriptor", A_TO_I, "", desc);
    }

    /** C = op(alpha1 A, alpha2 B) + beta C. */
    public void opTensor(MemorySegment handle, MemorySegment opDesc, float alpha1, MemorySegment aDesc, MemorySegment a,
                         float alpha2, MemorySegment bDesc, MemorySegment b, float beta, MemorySegment cDesc,
                         MemorySegment c) {
        try (Arena arena = Arena.ofConfined()) {
            call("cudnnOpTensor", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                    ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS), "", handle, opDesc,
                    arena.allocateFrom(JAVA_FLOAT, alpha1), aDesc, a, arena.allocateFrom(JAVA_FLOAT, alpha2), bDesc, b,
                    arena.allocateFrom(JAVA_FLOAT, beta), cDesc, c);
        }
    }
}
