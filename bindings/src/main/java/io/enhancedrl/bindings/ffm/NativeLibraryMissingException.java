package io.enhancedrl.bindings.ffm;

import java.util.List;

/** No candidate of a native library could be loaded; the message lists every name and path tried and why. */
public final class NativeLibraryMissingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> tried;

    public NativeLibraryMissingException(String library, List<String> tried) {
        super(library + " not found; tried " + tried.size() + " candidates:\n  " + String.join("\n  ", tried)
                + "\nfix: install it, or point -D" + NativeLibraries.PATH_PROPERTY
                + "=DIR[:DIR...] or LD_LIBRARY_PATH at its directory");
        this.tried = List.copyOf(tried);
    }

    /** "path: reason" per attempt, in order. */
    public List<String> tried() {
        return tried;
    }
}
