package io.enhancedrl.bindings.ffm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;

/**
 * Where a binding finds its C functions: a loaded library in production, a table of upcall stubs of Java
 * methods in tests (so the marshalling runs for real without the library).
 */
public interface NativeSymbols {

    /** The address of {@code name}; throws {@link UnsatisfiedLinkError} naming the symbol and library when absent. */
    MemorySegment find(String name);

    /** The library the symbols come from (for messages). */
    String library();

    /** Symbols of a loaded library. */
    static NativeSymbols of(String library, SymbolLookup lookup) {
        return new NativeSymbols() {
            @Override
            public MemorySegment find(String name) {
                return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError(
                        "symbol " + name + " not found in " + library + " (library too old?)"));
            }

            @Override
            public String library() {
                return library;
            }
        };
    }
}
