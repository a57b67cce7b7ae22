package io.enhancedrl.bindings.cuda;

/**
 * One device's primary context: initialises the driver, retains the primary context (shared with any other
 * CUDA user in the process, e.g. cuBLASLt through the runtime) and makes it current on each thread that
 * uses it, once per thread. All driver calls of the owners and the backend go through {@link #check}, so no
 * status is ever ignored.
 */
public final class CudaContext implements AutoCloseable {

    private final CudaDriver driver;
    private final int ordinal;
    private final int device;
    private final String deviceName;
    private final long handle;
    private final ThreadLocal<Boolean> boundOnThread = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private volatile boolean closed;

    private CudaContext(CudaDriver driver, int ordinal, int device, String deviceName, long handle) {
        this.driver = driver;
        this.ordinal = ordinal;
        this.device = device;
        this.deviceName = deviceName;
        this.handle = handle;
    }

    /**
     * cuInit, then the primary context of device {@code ordinal}.
     *
     * @throws CudaException when the driver has no such device or a call fails
     */
    public static CudaContext open(CudaDriver driver, int ordinal) {
        if (driver == null) {
            throw new NullPointerException("driver: expected a CudaDriver but was null");
        }
        checkStatic(driver, driver.init(0), "cuInit", "flags=0");
        int[] count = new int[1];
        checkStatic(driver, driver.deviceGetCount(count), "cuDeviceGetCount", "");
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new IllegalArgumentException("device ordinal: expected 0.." + (count[0] - 1) + " (" + count[0]
                    + " CUDA devices) but was " + ordinal);
        }
        int[] dev = new int[1];
        checkStatic(driver, driver.deviceGet(dev, ordinal), "cuDeviceGet", "ordinal=" + ordinal);
        String[] name = new String[1];
        checkStatic(driver, driver.deviceGetName(name, dev[0]), "cuDeviceGetName", "device=" + dev[0]);
        long[] ctx = new long[1];
        checkStatic(driver, driver.primaryCtxRetain(ctx, dev[0]), "cuDevicePrimaryCtxRetain", "device=" + dev[0]);
        return new CudaContext(driver, ordinal, dev[0], name[0], ctx[0]);
    }

    public CudaDriver driver() {
        return driver;
    }

    public int ordinal() {
        return ordinal;
    }

    public String deviceName() {
        return deviceName;
    }

    /** Makes the primary context current on the calling thread, once per thread (cuCtxSetCurrent). */
    public void bindCurrentThread() {
        if (closed) {
            throw new IllegalStateException("CudaContext of device " + ordinal + " (" + deviceName + ") is closed");
        }
        if (!boundOnThread.get()) {
            check(driver.ctxSetCurrent(handle), "cuCtxSetCurrent", "device " + ordinal + ", thread "
                    + Thread.currentThread().getName());
            boundOnThread.set(Boolean.TRUE);
        }
    }

    /** Throws a {@link CudaException} naming the call, the CUDA status and {@code context} unless status is 0. */
    public void check(int status, String call, String context) {
        checkStatic(driver, status, call, context);
    }

    static void checkStatic(CudaDriver driver, int status, String call, String context) {
        if (status != CudaDriver.SUCCESS) {
            throw exception(driver, status, call, context);
        }
    }

    /** The exception for a failed call, with the status's name from the driver (or its number if that fails). */
    private static CudaException exception(CudaDriver driver, int status, String call, String context) {
        String name;
        try {
            name = driver.errorName(status);
        } catch (RuntimeException | LinkageError e) {
            name = "CUresult " + status;
        }
        return new CudaException(call, status, name, context);
    }

    /**
     * The exception for a failed call (for hot paths, which test the status themselves so that the message is
     * only built on failure: {@code if (s != SUCCESS) throw context.failure(s, call, details)}).
     */
    public CudaException failure(int status, String call, String context) {
        if (status == CudaDriver.SUCCESS) {
            throw new IllegalArgumentException("status: expected a failure but was CUDA_SUCCESS (" + call + ")");
        }
        return exception(driver, status, call, context);
    }

    /**
     * cuLaunchKernel of {@code function} on the stream with the arguments and configuration in {@code args};
     * the message of a failure names kernel, configuration and arguments. Allocates nothing when it succeeds.
     */
    public void launch(String kernel, long function, CudaStream stream, KernelArgs args) {
        int s = driver.launchKernel(function, args.gridX(), args.gridY(), args.gridZ(), args.blockX(), args.blockY(),
                args.blockZ(), args.sharedBytes(), stream.handle(), args);
        if (s != CudaDriver.SUCCESS) {
            throw failure(s, "cuLaunchKernel", kernel + " " + args.config() + " args " + args);
        }
    }

    /** Releases the primary context (idempotent); owners made from it must be closed first. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        check(driver.primaryCtxRelease(device), "cuDevicePrimaryCtxRelease", "device=" + device);
    }
}
