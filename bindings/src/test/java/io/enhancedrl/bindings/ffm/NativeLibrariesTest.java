package io.enhancedrl.bindings.ffm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeLibrariesTest {

    @Test
    void searchPathIsThePropertyThenLdLibraryPath() {
        assertEquals(List.of(Path.of("/a"), Path.of("/b"), Path.of("/c")), NativeLibraries.searchPath("/a:/b", ":/c:"));
        assertEquals(List.of(), NativeLibraries.searchPath(null, null));
    }

    @Test
    void aMissingLibraryListsEveryNameAndPathTried(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("libnotreal_erl.so.13"), "not an ELF file");
        NativeLibraryMissingException e = assertThrows(NativeLibraryMissingException.class,
                () -> NativeLibraries.load("NotReal", List.of(dir, Path.of("/nonexistent-erl")),
                        "libnotreal_erl.so.13", "libnotreal_erl.so.12"));
        List<String> tried = e.tried();
        assertEquals(6, tried.size(), String.join("\n", tried));
        assertTrue(tried.get(0).startsWith(dir.resolve("libnotreal_erl.so.13") + ": "), tried.get(0));
        assertTrue(tried.get(1).equals("/nonexistent-erl/libnotreal_erl.so.13: no such file"), tried.get(1));
        assertTrue(tried.get(4).startsWith("libnotreal_erl.so.13 (default lookup): "), tried.get(4));
        assertTrue(e.getMessage().startsWith("NotReal not found; tried 6 candidates:"), e.getMessage());
        assertTrue(e.getMessage().contains("fix: install it, or point -Derl.cuda.libpath"), e.getMessage());
    }

    @Test
    void aRealSystemLibraryLoads() {
        NativeSymbols libc = NativeLibraries.load("libc", List.of(), "libc.so.6");
        assertTrue(libc.find("strlen").address() != 0);
        assertThrows(UnsatisfiedLinkError.class, () -> libc.find("cublasLtCreate"));
    }
}
