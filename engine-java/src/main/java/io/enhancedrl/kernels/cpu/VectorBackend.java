package io.enhancedrl.kernels.cpu;

import io.enhancedrl.kernels.BackendProvider;
import io.enhancedrl.kernels.KernelOps;

import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * The Vector API backend. Its probe refuses (as Lucene's VectorizationProvider does) when the incubator
 * module is not readable, when C2 is off (the Vector API is then interpreted or C1-compiled, boxes every
 * vector and runs many times slower than the scalar loops) and when the CPU has no SIMD worth using.
 *
 * <p>This class never names a {@code jdk.incubator.vector} type: those live in {@link VectorProbe} and
 * {@link VectorKernelOps}, which are loaded only after the module check passed.
 */
public final class VectorBackend implements BackendProvider {

    public static final String NAME = "vector";
    static final String MODULE = "jdk.incubator.vector";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability probe() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return Availability.unavailable("the module " + MODULE + " is not in the boot layer",
                    "pass --add-modules " + MODULE + " to java (ci/erl and the JMH runner do)");
        }
        String c2 = c2Problem();
        if (c2 != null) {
            return Availability.unavailable(c2 + ", so the Vector API would run unoptimized (slower than scalar)",
                    "remove -Xint / -XX:TieredStopAtLevel / -XX:-UseCompiler from the JVM flags");
        }
        int bits;
        try {
            bits = VectorProbe.preferredBits();
        } catch (LinkageError | RuntimeException e) {
            return Availability.unavailable("the Vector API failed to load (" + e + ")",
                    "pass --add-modules " + MODULE + " and use a JDK 25 HotSpot VM");
        }
        if (bits < 128) {
            return Availability.unavailable("the preferred float vector is only " + bits + " bits (no usable SIMD)",
                    "use the scalar backend (or remove a too small -XX:MaxVectorSize)");
        }
        return Availability.available("Vector API, FloatVector " + bits + " bits = " + (bits / 32)
                + " floats, " + (bits >= 512 ? 6 : 4) + "x2 register tiles"); // VectorKernelOps.MR, without loading it
    }

    @Override
    public KernelOps create() {
        return VectorKernelOps.INSTANCE;
    }

    /** Why C2 will not compile the Vector API intrinsics here, or null when it will. */
    static String c2Problem() {
        String info = System.getProperty("java.vm.info", "");
        if (info.contains("interpreted mode")) {
            return "the JVM runs in interpreted mode (-Xint)";
        }
        if ("false".equals(vmOption("UseCompiler").orElse("true"))) {
            return "the JIT is off (-XX:-UseCompiler)";
        }
        boolean tiered = !"false".equals(vmOption("TieredCompilation").orElse("true"));
        String stop = vmOption("TieredStopAtLevel").orElse("4");
        if (tiered && !stop.equals("4")) {
            return "C2 is disabled (-XX:TieredStopAtLevel=" + stop + ")";
        }
        if ("true".equals(vmOption("UseJVMCICompiler").orElse("false"))) {
            return "the JIT is the JVMCI compiler, which does not intrinsify the Vector API";
        }
        return null;
    }

    /** A HotSpot flag's value, or empty when there is no HotSpot diagnostic bean or no such flag. */
    private static Optional<String> vmOption(String flag) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? Optional.empty() : Optional.of(bean.getVMOption(flag).getValue());
        } catch (IllegalArgumentException | LinkageError | SecurityException e) {
            return Optional.empty();
        }
    }
}
