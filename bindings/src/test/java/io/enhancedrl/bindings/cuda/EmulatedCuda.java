package io.enhancedrl.bindings.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The test hooks of the emulated CUDA driver (src/test/native/emulated_libcuda.c), reached through FFM in the
 * same libcuda.so.1 that JCuda's natives are linked against: inject a status into a later driver call, count
 * calls, count live device allocations. Only usable in the bindings' emulated-cuda test execution.
 */
final class EmulatedCuda {

    /** The stream object's first int in the emulated driver (what a CUstream points at there). */
    static final int STREAM_MAGIC = 0x57ea3;

    private static final SymbolLookup LIB = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle FAIL_AFTER = handle("erl_emu_fail_after",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle COUNT = handle("erl_emu_count", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle LIVE = handle("erl_emu_live_allocations", FunctionDescriptor.of(JAVA_INT));

    private EmulatedCuda() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor d) {
        MemorySegment symbol = LIB.find(name).orElseThrow(() -> new IllegalStateException(
                "libcuda.so.1 has no " + name + ": this is not the emulated driver (LD_LIBRARY_PATH?)"));
        return LINKER.downcallHandle(symbol, d);
    }

    /** The (skip+1)-th call of {@code call} (e.g. "cuLaunchKernel") from now returns {@code status}. */
    static void failAfter(String call, int skip, int status) {
        try (Arena a = Arena.ofConfined()) {
            int r = (int) FAIL_AFTER.invokeExact(a.allocateFrom(call), skip, status);
            if (r != 0) {
                throw new IllegalArgumentException("call: the emulated driver does not count '" + call + "'");
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** How often {@code call} was made so far. */
    static long count(String call) {
        try (Arena a = Arena.ofConfined()) {
            return (long) COUNT.invokeExact(a.allocateFrom(call));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Device allocations now live. */
    static int liveAllocations() {
        try {
            return (int) LIVE.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
