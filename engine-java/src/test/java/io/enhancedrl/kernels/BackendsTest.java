package io.enhancedrl.kernels;

import io.enhancedrl.kernels.cpu.ScalarKernelOps;
import io.enhancedrl.kernels.cpu.VectorKernelOps;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backend selection. In this JVM (the tests run with --add-modules jdk.incubator.vector and without the
 * bindings jar) auto must pick vector and cuda must be reported missing; child JVMs started with other
 * flags show the fallbacks and their log lines.
 */
class BackendsTest {

    @Test
    void forcedScalarWorks() {
        KernelOps ops = Backends.select("scalar");
        assertSame(ScalarKernelOps.INSTANCE, ops);
        assertSame(ops, Backends.select(" SCALAR "), "names are trimmed and case-insensitive, and cached");
    }

    @Test
    void autoPicksVectorWhenTheModuleIsPresent() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "precondition: surefire runs the tests with --add-modules jdk.incubator.vector");
        assertSame(VectorKernelOps.INSTANCE, Backends.select("auto"));
        assertSame(VectorKernelOps.INSTANCE, Backends.select("vector"));
    }

    @Test
    void selectHonoursTheSystemProperty() {
        String old = System.getProperty(Backends.PROPERTY);
        try {
            System.setProperty(Backends.PROPERTY, "scalar");
            assertEquals("scalar", Backends.select().name());
            System.setProperty(Backends.PROPERTY, "vector");
            assertEquals("vector", Backends.select().name());
            System.clearProperty(Backends.PROPERTY);
            assertEquals("vector", Backends.select().name(), "the default is auto");
        } finally {
            if (old == null) {
                System.clearProperty(Backends.PROPERTY);
            } else {
                System.setProperty(Backends.PROPERTY, old);
            }
        }
    }

    @Test
    void unknownNameIsAnErrorListingTheKnownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select("gpu2"));
        String msg = e.getMessage();
        assertTrue(msg.contains("erl.backend") && msg.contains("'gpu2'"), msg);
        assertTrue(msg.contains("auto") && msg.contains("scalar") && msg.contains("vector") && msg.contains("cuda"), msg);
        assertThrows(IllegalArgumentException.class, () -> Backends.select(" "));
    }

    @Test
    void forcedCudaWithoutProviderNamesTheFix() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.select("cuda"));
        String msg = e.getMessage();
        assertTrue(msg.contains("'cuda'") && msg.contains("no CUDA backend on the class path")
                && msg.contains("fix: put the enhancedrl bindings jar on the class path"), msg);
        // not cached: asking again fails again
        assertThrows(IllegalStateException.class, () -> Backends.select("cuda"));
    }

    @Test
    void serviceLoaderProvidersAreListedByPriority() {
        List<BackendProvider> providers = Backends.providers();
        List<String> names = providers.stream().map(BackendProvider::name).toList();
        assertEquals(List.of("cuda", "vector", "scalar", FakeBackendProvider.NAME), names);
        assertSame(ScalarKernelOps.INSTANCE, Backends.select(FakeBackendProvider.NAME));
    }

    @Test
    void availabilityRequiresAFixWhenUnavailable() {
        assertThrows(IllegalArgumentException.class, () -> BackendProvider.Availability.unavailable("broken", " "));
        assertEquals("broken; fix: do x", BackendProvider.Availability.unavailable("broken", "do x").describe());
    }

    // ---- child JVMs: the log lines and the fallbacks -------------------------------------------------

    @Test
    void childWithVectorModuleLogsTheChoiceAndTheSkippedCuda() throws Exception {
        Result r = runChild("--add-modules=jdk.incubator.vector");
        assertEquals(0, r.exit, r.toString());
        assertEquals("vector", r.stdout.strip(), r.toString());
        assertTrue(r.stderr.contains("kernel backend cuda skipped: no CUDA backend on the class path; fix: "), r.toString());
        assertTrue(r.stderr.matches("(?s).*kernel backend: vector \\(Vector API, FloatVector \\d+ bits.*chosen by erl.backend=auto.*"),
                r.toString());
        assertEquals(1, count(r.stderr, "kernel backend: "), "one line for the choice: " + r);
    }

    @Test
    void childWithoutVectorModuleFallsBackToScalarNamingTheFlag() throws Exception {
        Result r = runChild();
        assertEquals(0, r.exit, r.toString());
        assertEquals("scalar", r.stdout.strip(), r.toString());
        assertTrue(r.stderr.contains("kernel backend vector skipped") && r.stderr.contains("pass --add-modules jdk.incubator.vector"),
                r.toString());
        assertTrue(r.stderr.contains("WARNING: kernel backend: scalar"), "the slow fallback is a warning: " + r);
    }

    @Test
    void childWithC2DisabledFallsBackToScalar() throws Exception {
        Result r = runChild("--add-modules=jdk.incubator.vector", "-XX:TieredStopAtLevel=1");
        assertEquals("scalar", r.stdout.strip(), r.toString());
        assertTrue(r.stderr.contains("C2 is disabled (-XX:TieredStopAtLevel=1)"), r.toString());
    }

    @Test
    void childForcingVectorWithoutTheModuleFails() throws Exception {
        Result r = runChild("-Derl.backend=vector");
        assertEquals(3, r.exit, r.toString());
        assertTrue(r.stderr.contains("IllegalStateException: kernel backend 'vector' was forced")
                && r.stderr.contains("pass --add-modules jdk.incubator.vector"), r.toString());
        assertFalse(r.stdout.contains("vector"), r.toString());
    }

    private record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private static Result runChild(String... jvmArgs) throws IOException, InterruptedException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // surefire puts the real class path here (java.class.path may be a manifest-only booter jar)
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.add("-Xshare:auto");
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", cp, BackendsMain.class.getName()));
        Path out = Files.createTempFile("erl-backends", ".out");
        Path err = Files.createTempFile("erl-backends", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("child JVM did not finish in 60 s: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static int count(String s, String sub) {
        int c = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            c++;
        }
        return c;
    }
}
