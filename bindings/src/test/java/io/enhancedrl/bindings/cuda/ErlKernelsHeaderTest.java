package io.enhancedrl.bindings.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java signature table against the C contract native-kernels/src/main/cuda/erl_kernels.h. */
class ErlKernelsHeaderTest {

    static final Path HEADER = Path.of("..", "native-kernels", "src", "main", "cuda", "erl_kernels.h");

    @Test
    void everyLaunchedKernelHasTheHeadersParameterKindsInOrder() throws IOException {
        assertTrue(Files.exists(HEADER), "header not found at " + HEADER.toAbsolutePath());
        String text = Files.readString(HEADER).replaceAll("/\\*.*?\\*/", " ");
        for (ErlKernels k : ErlKernels.values()) {
            Matcher m = Pattern.compile("ERL_KERNEL\\s+void\\s+" + k.symbol + "\\s*\\(([^)]*)\\)", Pattern.DOTALL).matcher(text);
            assertTrue(m.find(), k.symbol + " is not declared in " + HEADER);
            List<KernelArgs.Kind> kinds = new ArrayList<>();
            for (String p : m.group(1).split(",")) {
                String decl = p.trim().replaceAll("\\s+", " ");
                kinds.add(decl.contains("*") ? KernelArgs.Kind.PTR
                        : decl.startsWith("long long") ? KernelArgs.Kind.I64
                        : decl.startsWith("float") ? KernelArgs.Kind.F32
                        : decl.startsWith("int") ? KernelArgs.Kind.I32 : null);
                assertTrue(kinds.getLast() != null, "unknown C type in " + k.symbol + ": " + decl);
            }
            assertEquals(kinds, k.parameters(), k.symbol);
        }
    }

    @Test
    void launchConfigurationsFollowTheHeader() {
        assertEquals(new LaunchConfig(4, 5, 2, 256, 1, 1, 0), ErlKernels.linearForward(2, 257, 255));
        assertEquals(new LaunchConfig(1, 1, 1, 256, 1, 1, 0), ErlKernels.linearForward(1, 1, 1));
        assertEquals(new LaunchConfig(4, 2, 3, 256, 1, 1, 0), ErlKernels.linearBackwardDx(3, 65, 256));
        assertEquals(new LaunchConfig(1, 4, 6, 256, 1, 1, 0), ErlKernels.linearBackwardDw(3, 2, 255, 33));
        assertEquals(new LaunchConfig(8, 2, 1, 32, 8, 1, 0), ErlKernels.biasBackward(2, 256));
        assertEquals(LaunchConfig.linear(2, 256), ErlKernels.elementwise(257));
        assertEquals(LaunchConfig.linear(5, 256), ErlKernels.topK(5));
    }
}
