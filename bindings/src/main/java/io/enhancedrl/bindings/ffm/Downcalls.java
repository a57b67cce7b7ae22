package io.enhancedrl.bindings.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Downcall handles of one library, each resolved on first use and then kept (jextract's lazy holders). */
final class Downcalls {

    private static final Linker LINKER = Linker.nativeLinker();
    private final NativeSymbols symbols;
    private final Map<String, MethodHandle> handles = new ConcurrentHashMap<>();

    Downcalls(NativeSymbols symbols) {
        if (symbols == null) {
            throw new NullPointerException("symbols: expected NativeSymbols but was null");
        }
        this.symbols = symbols;
    }

    MethodHandle get(String name, FunctionDescriptor fd) {
        return handles.computeIfAbsent(name, n -> LINKER.downcallHandle(symbols.find(n), fd));
    }

    NativeSymbols symbols() {
        return symbols;
    }

    /** Wraps a Throwable from invokeExact (only Errors and RuntimeExceptions can occur). */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
