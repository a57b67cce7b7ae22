package io.enhancedrl.bindings.cuda;

import jcuda.CudaException;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link CudaDriver} on JCuda 12.6 (the driver API through JNI). JCuda's exceptions are switched off: every
 * call returns its CUresult, which {@link CudaContext#check} turns into our {@link io.enhancedrl.bindings.cuda.CudaException}.
 *
 * <p>JCuda's handle objects cannot be rebuilt from an address, so this class keeps them in a table and
 * hands out table ids as the opaque {@code long} handles of the interface (0 stays NULL).
 *
 * <p>Loading this class loads JCuda's JNI library, which needs libcuda.so.1: only create it after
 * {@link CudaBackendProvider}'s probe found the driver.
 */
public final class JCudaDriverApi implements CudaDriver {

    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, NativePointerObject> handles = new ConcurrentHashMap<>();
    private final Map<Integer, CUdevice> devices = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, Pointer> hostAllocations = new IdentityHashMap<>();

    public JCudaDriverApi() {
        JCudaDriver.setExceptionsEnabled(false);
    }

    private long register(NativePointerObject o) {
        long id = nextId.getAndIncrement();
        handles.put(id, o);
        return id;
    }

    @SuppressWarnings("unchecked")
    private <T extends NativePointerObject> T lookup(long id, Class<T> type) {
        NativePointerObject o = handles.get(id);
        if (!type.isInstance(o)) {
            throw new IllegalArgumentException("handle " + id + ": expected a live " + type.getSimpleName() + " but was "
                    + (o == null ? "unknown or freed" : o.getClass().getSimpleName()));
        }
        return (T) o;
    }

    private CUdevice device(int d) {
        CUdevice dev = devices.get(d);
        if (dev == null) {
            throw new IllegalArgumentException("device " + d + ": not obtained through cuDeviceGet");
        }
        return dev;
    }

    private Pointer devicePointer(long allocation, long offset) {
        if (allocation == 0) {
            return new CUdeviceptr();
        }
        CUdeviceptr p = lookup(allocation, CUdeviceptr.class);
        return offset == 0 ? p : p.withByteOffset(offset);
    }

    @Override
    public int init(int flags) {
        return JCudaDriver.cuInit(flags);
    }

    @Override
    public int deviceGetCount(int[] count) {
        return JCudaDriver.cuDeviceGetCount(count);
    }

    @Override
    public int deviceGet(int[] device, int ordinal) {
        CUdevice dev = new CUdevice();
        int s = JCudaDriver.cuDeviceGet(dev, ordinal);
        if (s == SUCCESS) {
            devices.put(ordinal, dev);
            device[0] = ordinal;
        }
        return s;
    }

    @Override
    public int deviceGetName(String[] name, int device) {
        byte[] buf = new byte[256];
        int s = JCudaDriver.cuDeviceGetName(buf, buf.length, device(device));
        if (s == SUCCESS) {
            int len = 0;
            while (len < buf.length && buf[len] != 0) {
                len++;
            }
            name[0] = new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8);
        }
        return s;
    }

    @Override
    public int primaryCtxRetain(long[] context, int device) {
        CUcontext ctx = new CUcontext();
        int s = JCudaDriver.cuDevicePrimaryCtxRetain(ctx, device(device));
        if (s == SUCCESS) {
            context[0] = register(ctx);
        }
        return s;
    }

    @Override
    public int primaryCtxRelease(int device) {
        return JCudaDriver.cuDevicePrimaryCtxRelease(device(device));
    }

    @Override
    public int ctxSetCurrent(long context) {
        return JCudaDriver.cuCtxSetCurrent(lookup(context, CUcontext.class));
    }

    @Override
    public int moduleLoadData(long[] module, byte[] image) {
        CUmodule m = new CUmodule();
        int s = JCudaDriver.cuModuleLoadData(m, image);
        if (s == SUCCESS) {
            module[0] = register(m);
        }
        return s;
    }

    @Override
    public int moduleUnload(long module) {
        int s = JCudaDriver.cuModuleUnload(lookup(module, CUmodule.class));
        if (s == SUCCESS) {
            handles.remove(module);
        }
        return s;
    }

    @Override
    public int moduleGetFunction(long[] function, long module, String name) {
        CUfunction f = new CUfunction();
        int s = JCudaDriver.cuModuleGetFunction(f, lookup(module, CUmodule.class), name);
        if (s == SUCCESS) {
            function[0] = register(f);
        }
        return s;
    }

    @Override
    public int launchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                            int sharedMemBytes, long stream, KernelArgs args) {
        // kernelParams is void*[]: each entry points at the host copy of one argument value.
        Pointer[] params = new Pointer[args.size()];
        for (int i = 0; i < params.length; i++) {
            KernelArgs.Arg a = args.get(i);
            params[i] = switch (a.kind()) {
                case I32 -> Pointer.to(new int[]{a.asInt()});
                case I64 -> Pointer.to(new long[]{a.value()});
                case F32 -> Pointer.to(new float[]{a.asFloat()});
                case PTR -> Pointer.to(devicePointer(a.value(), a.offset()));
            };
        }
        return JCudaDriver.cuLaunchKernel(lookup(function, CUfunction.class), gridX, gridY, gridZ,
                blockX, blockY, blockZ, sharedMemBytes, lookup(stream, CUstream.class), Pointer.to(params), null);
    }

    @Override
    public int memAlloc(long[] allocation, long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        int s = JCudaDriver.cuMemAlloc(p, bytes);
        if (s == SUCCESS) {
            allocation[0] = register(p);
        }
        return s;
    }

    @Override
    public int memFree(long allocation) {
        int s = JCudaDriver.cuMemFree(lookup(allocation, CUdeviceptr.class));
        if (s == SUCCESS) {
            handles.remove(allocation);
        }
        return s;
    }

    @Override
    public int memcpyHtoDAsync(long dst, long dstOffset, ByteBuffer src, long srcOffset, long bytes, long stream) {
        CUdeviceptr d = lookup(dst, CUdeviceptr.class);
        return JCudaDriver.cuMemcpyHtoDAsync(dstOffset == 0 ? d : d.withByteOffset(dstOffset),
                Pointer.to(src).withByteOffset(srcOffset), bytes, lookup(stream, CUstream.class));
    }

    @Override
    public int memcpyDtoHAsync(ByteBuffer dst, long dstOffset, long src, long srcOffset, long bytes, long stream) {
        CUdeviceptr s = lookup(src, CUdeviceptr.class);
        return JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(dst).withByteOffset(dstOffset),
                srcOffset == 0 ? s : s.withByteOffset(srcOffset), bytes, lookup(stream, CUstream.class));
    }

    @Override
    public int pointerAddress(long[] address, long allocation) {
        return JCudaDriver.cuPointerGetAttribute(Pointer.to(address),
                jcuda.driver.CUpointer_attribute.CU_POINTER_ATTRIBUTE_DEVICE_POINTER, lookup(allocation, CUdeviceptr.class));
    }

    /**
     * JCuda keeps the CUstream's value in {@code NativePointerObject.nativePointer} behind a protected getter and
     * the driver has no call that returns it, so it is read reflectively (the jar is on the class path, an
     * unnamed module, where setAccessible is allowed).
     */
    @Override
    public long streamAddress(long stream) {
        CUstream st = lookup(stream, CUstream.class);
        try {
            java.lang.reflect.Method m = jcuda.NativePointerObject.class.getDeclaredMethod("getNativePointer");
            m.setAccessible(true);
            return (long) m.invoke(st);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("stream " + stream + ": cannot read the CUstream's address from JCuda ("
                    + e + "); cuBLASLt cannot run on this stream", e);
        }
    }

    @Override
    public int streamCreate(long[] stream, int flags) {
        CUstream st = new CUstream();
        int s = JCudaDriver.cuStreamCreate(st, flags);
        if (s == SUCCESS) {
            stream[0] = register(st);
        }
        return s;
    }

    @Override
    public int streamSynchronize(long stream) {
        return JCudaDriver.cuStreamSynchronize(lookup(stream, CUstream.class));
    }

    @Override
    public int streamDestroy(long stream) {
        int s = JCudaDriver.cuStreamDestroy(lookup(stream, CUstream.class));
        if (s == SUCCESS) {
            handles.remove(stream);
        }
        return s;
    }

    @Override
    public int memHostAlloc(ByteBuffer[] host, long bytes, int flags) {
        Pointer p = new Pointer();
        int s = JCudaDriver.cuMemHostAlloc(p, bytes, flags);
        if (s == SUCCESS) {
            ByteBuffer b = p.getByteBuffer(0, bytes);
            synchronized (hostAllocations) {
                hostAllocations.put(b, p);
            }
            host[0] = b;
        }
        return s;
    }

    @Override
    public int memFreeHost(ByteBuffer host) {
        Pointer p;
        synchronized (hostAllocations) {
            p = hostAllocations.get(host);
        }
        if (p == null) {
            throw new IllegalArgumentException("host buffer: not allocated by cuMemHostAlloc here (or already freed)");
        }
        int s = JCudaDriver.cuMemFreeHost(p);
        if (s == SUCCESS) {
            synchronized (hostAllocations) {
                hostAllocations.remove(host);
            }
        }
        return s;
    }

    @Override
    public String errorName(int status) {
        String[] name = new String[1];
        int s;
        try {
            s = JCudaDriver.cuGetErrorName(status, name);
        } catch (CudaException e) {
            s = -1;
        }
        return s == SUCCESS && name[0] != null ? name[0] : "CUresult " + status;
    }
}
