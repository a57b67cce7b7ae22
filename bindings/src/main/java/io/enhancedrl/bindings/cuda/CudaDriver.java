package io.enhancedrl.bindings.cuda;

import java.nio.ByteBuffer;

/**
 * The CUDA driver API calls the engine uses, and nothing more, so that the owners ({@link DeviceBuffer},
 * {@link CudaStream}, ...) and the backend can run against either the real driver ({@link JCudaDriverApi})
 * or a Java stand-in in tests.
 *
 * <p>Every method returns the raw {@code CUresult} (0 = CUDA_SUCCESS) and writes results into one-element
 * out arrays, like the C API; callers never look at a status themselves but go through
 * {@link CudaContext#check}, which turns a failure into a {@link CudaException} with the call's context.
 * Handles (context, module, function, stream, device allocation) are opaque {@code long}s owned by the
 * implementation; device memory is addressed as (allocation handle, byte offset). Host staging memory is a
 * direct {@link ByteBuffer} returned by {@link #memHostAlloc} (page-locked on the real driver).
 */
public interface CudaDriver {

    /** CUDA_SUCCESS. */
    int SUCCESS = 0;

    /** cuInit. */
    int init(int flags);

    /** cuDeviceGetCount. */
    int deviceGetCount(int[] count);

    /** cuDeviceGet. */
    int deviceGet(int[] device, int ordinal);

    /** cuDeviceGetName (for the probe's log line). */
    int deviceGetName(String[] name, int device);

    /** cuDevicePrimaryCtxRetain: the device's primary context, shared with every other user in the process. */
    int primaryCtxRetain(long[] context, int device);

    /** cuDevicePrimaryCtxRelease. */
    int primaryCtxRelease(int device);

    /** cuCtxSetCurrent for the calling thread. */
    int ctxSetCurrent(long context);

    /** cuModuleLoadData from a fatbin/cubin/PTX image. */
    int moduleLoadData(long[] module, byte[] image);

    /** cuModuleUnload. */
    int moduleUnload(long module);

    /** cuModuleGetFunction. */
    int moduleGetFunction(long[] function, long module, String name);

    /** cuLaunchKernel with kernelParams built from {@code args} (in the kernel's parameter order). */
    int launchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                     int sharedMemBytes, long stream, KernelArgs args);

    /** cuMemAlloc. */
    int memAlloc(long[] allocation, long bytes);

    /** cuMemFree. */
    int memFree(long allocation);

    /** cuMemcpyHtoDAsync from {@code src[srcOffset, srcOffset+bytes)} into the allocation at dstOffset. */
    int memcpyHtoDAsync(long dst, long dstOffset, ByteBuffer src, long srcOffset, long bytes, long stream);

    /** cuMemcpyDtoHAsync from the allocation at srcOffset into {@code dst[dstOffset, dstOffset+bytes)}. */
    int memcpyDtoHAsync(ByteBuffer dst, long dstOffset, long src, long srcOffset, long bytes, long stream);

    /**
     * The raw device address of an allocation (cuPointerGetAttribute with CU_POINTER_ATTRIBUTE_DEVICE_POINTER),
     * for libraries that take device pointers themselves (cuBLASLt through FFM).
     */
    int pointerAddress(long[] address, long allocation);

    /** cuStreamCreate. */
    int streamCreate(long[] stream, int flags);

    /** The raw CUstream of a stream handle (what cudaStream_t arguments of other libraries expect). */
    long streamAddress(long stream);

    /** cuStreamSynchronize. */
    int streamSynchronize(long stream);

    /** cuStreamDestroy. */
    int streamDestroy(long stream);

    /** cuMemHostAlloc: page-locked host memory as a direct buffer of exactly {@code bytes}. */
    int memHostAlloc(ByteBuffer[] host, long bytes, int flags);

    /** cuMemFreeHost of a buffer returned by {@link #memHostAlloc}. */
    int memFreeHost(ByteBuffer host);

    /** cuGetErrorName, e.g. "CUDA_ERROR_OUT_OF_MEMORY"; a descriptive fallback for unknown codes. */
    String errorName(int status);
}
