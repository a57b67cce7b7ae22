package io.enhancedrl.bindings.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.HashMap;
import java.util.Map;

/**
 * "Native" functions that are upcall stubs of static Java methods (named like the C functions): the
 * bindings' downcall handles call them through real native code, so argument order, descriptors and
 * marshalling are exercised without the CUDA libraries.
 */
final class StubSymbols implements NativeSymbols {

    private final Map<String, MemorySegment> table = new HashMap<>();
    private final Class<?> impl;

    StubSymbols(Class<?> impl) {
        this.impl = impl;
    }

    StubSymbols stub(String name, FunctionDescriptor fd) {
        try {
            var mh = MethodHandles.lookup().findStatic(impl, name, fd.toMethodType());
            table.put(name, Linker.nativeLinker().upcallStub(mh, fd, Arena.global()));
            return this;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("stub " + name + ": " + e, e);
        }
    }

    @Override
    public MemorySegment find(String name) {
        MemorySegment s = table.get(name);
        if (s == null) {
            throw new UnsatisfiedLinkError("symbol " + name + " not stubbed");
        }
        return s;
    }

    @Override
    public String library() {
        return "stubs of " + impl.getSimpleName();
    }
}
