package io.enhancedrl.bindings.ffm;

import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a versioned native library (e.g. libcublasLt.so.13, then .so.12): in the directories of
 * {@value #PATH_PROPERTY}, then of LD_LIBRARY_PATH, then by name through the system's default lookup
 * (ldconfig cache). Libraries are loaded into the global arena: they stay loaded for the JVM's life.
 */
public final class NativeLibraries {

    /** Colon-separated directories searched first. */
    public static final String PATH_PROPERTY = "erl.cuda.libpath";

    private NativeLibraries() {
    }

    /** The search directories in order: the property's, then LD_LIBRARY_PATH's. */
    public static List<Path> searchPath(String property, String ldLibraryPath) {
        List<Path> dirs = new ArrayList<>();
        for (String list : new String[]{property, ldLibraryPath}) {
            if (list == null) {
                continue;
            }
            for (String d : list.split(File.pathSeparator)) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d.trim()));
                }
            }
        }
        return dirs;
    }

    /** Loads the first candidate that works, from the system property and environment. */
    public static NativeSymbols load(String library, String... names) {
        return load(library, searchPath(System.getProperty(PATH_PROPERTY), System.getenv("LD_LIBRARY_PATH")), names);
    }

    /** Loads the first of {@code names} found in {@code dirs}, then by name; lists every attempt on failure. */
    public static NativeSymbols load(String library, List<Path> dirs, String... names) {
        List<String> tried = new ArrayList<>();
        for (String name : names) {
            for (Path dir : dirs) {
                Path p = dir.resolve(name);
                if (!Files.exists(p)) {
                    tried.add(p + ": no such file");
                    continue;
                }
                try {
                    return NativeSymbols.of(p.toString(), SymbolLookup.libraryLookup(p, Arena.global()));
                } catch (IllegalArgumentException e) {
                    tried.add(p + ": " + e.getMessage());
                }
            }
        }
        for (String name : names) {
            try {
                return NativeSymbols.of(name, SymbolLookup.libraryLookup(name, Arena.global()));
            } catch (IllegalArgumentException e) {
                tried.add(name + " (default lookup): " + e.getMessage());
            }
        }
        throw new NativeLibraryMissingException(library, tried);
    }
}
