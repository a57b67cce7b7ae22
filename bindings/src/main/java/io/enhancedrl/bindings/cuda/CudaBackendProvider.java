package io.enhancedrl.bindings.cuda;

import io.enhancedrl.kernels.BackendProvider;
import io.enhancedrl.kernels.KernelOps;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/**
 * The "cuda" backend for {@link io.enhancedrl.kernels.Backends} (registered in
 * META-INF/services/io.enhancedrl.kernels.BackendProvider), priority 200, above vector.
 *
 * <p>The probe checks, in order and without loading JCuda's JNI code before the driver is known to exist:
 * the fatbin resource, libcuda.so.1 (through FFM, which only dlopens it), JCuda's natives, cuInit and the
 * device count. Each failure names the reason and the fix. The device is {@value #DEVICE_PROPERTY}
 * (default 0).
 */
public final class CudaBackendProvider implements BackendProvider {

    public static final String NAME = "cuda";
    /** The classpath resource built by native-kernels/build.sh. */
    public static final String FATBIN_RESOURCE = "/io/enhancedrl/native/enhancedrl.fatbin";
    /** The device ordinal to use. */
    public static final String DEVICE_PROPERTY = "erl.cuda.device";
    static final String DRIVER_LIBRARY = "libcuda.so.1";

    /** Where the probe's inputs come from; replaced in tests. */
    interface Environment {
        /** The fatbin image, or null when the resource is missing. */
        byte[] fatbin();

        /** Null when the driver library loads, else why not. */
        String driverLibraryProblem();

        /** The driver binding (may throw LinkageError when its natives cannot load). */
        CudaDriver driver();

        /** One line about the optional JCublas library. */
        String cublasStatus();
    }

    private final Environment env;
    private CudaKernelOps created;
    private CudaDriver probedDriver;

    /** The ServiceLoader constructor: the real resource, library and JCuda. */
    public CudaBackendProvider() {
        this(new SystemEnvironment());
    }

    CudaBackendProvider(Environment env) {
        this.env = env;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 200;
    }

    @Override
    public synchronized Availability probe() {
        byte[] fatbin = env.fatbin();
        if (fatbin == null || fatbin.length == 0) {
            return Availability.unavailable("the native-kernels jar has no " + FATBIN_RESOURCE.substring(1)
                            + " (nvcc was missing when it was built)",
                    "rebuild native-kernels where the CUDA toolkit's nvcc is on PATH or NVCC points to it "
                            + "(native-kernels/build.sh), or use the CPU backends");
        }
        String lib = env.driverLibraryProblem();
        if (lib != null) {
            return Availability.unavailable(DRIVER_LIBRARY + " (the NVIDIA driver) cannot be loaded: " + lib,
                    "run on a machine with an NVIDIA GPU and its driver (nvidia-smi must work), "
                            + "or add the driver's directory to LD_LIBRARY_PATH");
        }
        CudaDriver driver;
        try {
            driver = env.driver();
        } catch (LinkageError | RuntimeException e) {
            return Availability.unavailable("JCuda's native library failed to load (" + e + ")",
                    "put org.jcuda:jcuda-natives:12.6.0 (classifier linux-x86_64) on the class path; "
                            + "the bindings' Maven dependencies bring it");
        }
        int status = driver.init(0);
        if (status != CudaDriver.SUCCESS) {
            return Availability.unavailable("cuInit failed with " + driver.errorName(status) + " (" + status + ")",
                    "check that nvidia-smi lists a GPU and that CUDA_VISIBLE_DEVICES does not hide it");
        }
        int[] count = new int[1];
        status = driver.deviceGetCount(count);
        if (status != CudaDriver.SUCCESS || count[0] == 0) {
            return Availability.unavailable("no CUDA device (cuDeviceGetCount: "
                            + (status == 0 ? "0 devices" : driver.errorName(status)) + ")",
                    "run on a GPU machine, or check CUDA_VISIBLE_DEVICES");
        }
        int ordinal = deviceOrdinal();
        if (ordinal < 0 || ordinal >= count[0]) {
            return Availability.unavailable("-D" + DEVICE_PROPERTY + "=" + ordinal + " but there are " + count[0]
                    + " devices", "set " + DEVICE_PROPERTY + " to 0.." + (count[0] - 1));
        }
        String[] name = new String[1];
        int[] dev = new int[1];
        String devName = driver.deviceGet(dev, ordinal) == 0 && driver.deviceGetName(name, dev[0]) == 0
                ? name[0] : "device " + ordinal;
        probedDriver = driver;
        return Availability.available("CUDA device " + ordinal + " of " + count[0] + ": " + devName + ", JCuda driver API, "
                + "fatbin " + fatbin.length + " bytes; " + env.cublasStatus());
    }

    static int deviceOrdinal() {
        String v = System.getProperty(DEVICE_PROPERTY, "0");
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(DEVICE_PROPERTY + ": expected a device ordinal (0, 1, ...) but was '" + v + "'");
        }
    }

    /** The shared CUDA kernels (one context, module and per-thread streams for the JVM). */
    @Override
    public synchronized KernelOps create() {
        if (created == null) {
            CudaDriver driver = probedDriver != null ? probedDriver : env.driver();
            byte[] fatbin = env.fatbin();
            if (fatbin == null) {
                throw new IllegalStateException("backend 'cuda': " + FATBIN_RESOURCE + " is missing; run probe() first");
            }
            CudaContext ctx = CudaContext.open(driver, deviceOrdinal());
            try {
                created = new CudaKernelOps(ctx, fatbin, true);
            } catch (RuntimeException e) {
                ctx.close();
                throw e;
            }
        }
        return created;
    }

    /** The real environment. */
    static final class SystemEnvironment implements Environment {

        @Override
        public byte[] fatbin() {
            return readFatbin();
        }

        @Override
        public String driverLibraryProblem() {
            return libraryProblem(DRIVER_LIBRARY);
        }

        @Override
        public CudaDriver driver() {
            return new JCudaDriverApi();
        }

        @Override
        public String cublasStatus() {
            return JCublasProbe.status();
        }
    }

    /** The fatbin bytes from the class path, or null. */
    public static byte[] readFatbin() {
        try (InputStream in = CudaBackendProvider.class.getResourceAsStream(FATBIN_RESOURCE)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** Null when dlopen of {@code name} works, else the loader's message (FFM; no JNI code is loaded). */
    static String libraryProblem(String name) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(name, arena);
            return null;
        } catch (IllegalArgumentException | IllegalCallerException e) {
            return String.valueOf(e.getMessage());
        }
    }

}
