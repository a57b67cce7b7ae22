package io.enhancedrl.bindings.ffm;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Cudnn's marshalling through upcall stubs standing in for libcudnn. */
class CudnnStubTest {

    static final List<String> LOG = new ArrayList<>();

    static MemorySegment cudnnGetErrorString(int s) {
        return Arena.global().allocateFrom(s == 2000 ? "CUDNN_STATUS_BAD_PARAM" : "CUDNN_STATUS_" + s);
    }

    static int cudnnCreate(MemorySegment out) {
        out.reinterpret(8).set(ADDRESS, 0, MemorySegment.ofAddress(0x77));
        return 0;
    }

    static int cudnnCreateTensorDescriptor(MemorySegment out) {
        out.reinterpret(8).set(ADDRESS, 0, MemorySegment.ofAddress(0x88));
        return 0;
    }

    static int cudnnSetTensor4dDescriptor(MemorySegment d, int format, int type, int n, int c, int h, int w) {
        LOG.add("tensor " + format + " " + type + " " + n + "x" + c + "x" + h + "x" + w);
        return n > 0 ? 0 : 2000;
    }

    static int cudnnCreateActivationDescriptor(MemorySegment out) {
        out.reinterpret(8).set(ADDRESS, 0, MemorySegment.ofAddress(0x99));
        return 0;
    }

    static int cudnnSetActivationDescriptor(MemorySegment d, int mode, int nan, double coef) {
        LOG.add("activation " + mode + " " + nan + " " + coef);
        return 0;
    }

    static int cudnnActivationForward(MemorySegment h, MemorySegment act, MemorySegment alpha, MemorySegment xd,
                                      MemorySegment x, MemorySegment beta, MemorySegment yd, MemorySegment y) {
        LOG.add("forward h 0x" + Long.toHexString(h.address()) + " act 0x" + Long.toHexString(act.address())
                + " alpha " + alpha.reinterpret(4).get(JAVA_FLOAT, 0) + " x 0x" + Long.toHexString(x.address())
                + " beta " + beta.reinterpret(4).get(JAVA_FLOAT, 0) + " y 0x" + Long.toHexString(y.address()));
        return 0;
    }

    @Test
    void activationForwardPassesItsArgumentsInOrderAndStatusesAreNamed() {
        FunctionDescriptor aToI = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        Cudnn dnn = new Cudnn(new StubSymbols(CudnnStubTest.class)
                .stub("cudnnGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT))
                .stub("cudnnCreate", aToI).stub("cudnnCreateTensorDescriptor", aToI)
                .stub("cudnnSetTensor4dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_INT, JAVA_INT, JAVA_INT))
                .stub("cudnnCreateActivationDescriptor", aToI)
                .stub("cudnnSetActivationDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_DOUBLE))
                .stub("cudnnActivationForward", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                        ADDRESS, ADDRESS, ADDRESS)));
        LOG.clear();
        MemorySegment h = dnn.create();
        MemorySegment t = dnn.tensor4d(257, 33, 1, 1);
        MemorySegment act = dnn.activation(Cudnn.ACTIVATION_RELU, 0.0);
        dnn.activationForward(h, act, 1f, t, MemorySegment.ofAddress(0xA0), 0.5f, t, MemorySegment.ofAddress(0xB0));
        assertEquals(List.of("tensor 0 0 257x33x1x1", "activation 1 0 0.0",
                "forward h 0x77 act 0x99 alpha 1.0 x 0xa0 beta 0.5 y 0xb0"), LOG);
        NativeCallException e = assertThrows(NativeCallException.class, () -> dnn.tensor4d(0, 1, 1, 1));
        assertEquals("cudnnSetTensor4dDescriptor failed: CUDNN_STATUS_BAD_PARAM (2000) [n=0, c=1, h=1, w=1]", e.getMessage());
    }
}
