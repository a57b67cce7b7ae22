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
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** A JCuda handle object, and for a device allocation its raw device address (kernel arguments). */
    private record Handle(NativePointerObject object, long address) {
    }

    /**
     * JCuda's handle objects by the opaque ids of the {@link CudaDriver} interface (JCuda's objects cannot be
     * rebuilt from an address). A {@link HandleTable}: lookups on the launch and copy paths box nothing.
     */
    private final HandleTable<Handle> handles = new HandleTable<>();
    private final Map<Integer, CUdevice> devices = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, Pointer> hostAllocations = new IdentityHashMap<>();
    /** Per thread: kernel parameter values and the void** arrays pointing at them (see launchKernel). */
    private final ThreadLocal<LaunchParams> launchParams = ThreadLocal.withInitial(LaunchParams::new);

    public JCudaDriverApi() {
        JCudaDriver.setExceptionsEnabled(false);
    }

    private long register(NativePointerObject o) {
        return handles.add(new Handle(o, 0));
    }

    private void unregister(long id) {
        handles.remove(id);
    }

    /** Slots in the handle table (for tests: bounded by the most handles alive at once). */
    int handleSlots() {
        return handles.slots();
    }

    @SuppressWarnings("unchecked")
    private <T extends NativePointerObject> T lookup(long id, Class<T> type) {
        Handle h = handles.get(id);
        NativePointerObject o = h == null ? null : h.object();
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

    /** JCuda's object for a device allocation handle (for JCublas, which takes JCuda pointers). */
    CUdeviceptr devicePointer(long allocation) {
        return lookup(allocation, CUdeviceptr.class);
    }

    /** JCuda's object for a stream handle (for JCublas's cublasSetStream). */
    CUstream cuStream(long stream) {
        return lookup(stream, CUstream.class);
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
            unregister(module);
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

    /**
     * Built once per thread: kernelParams is void*[n] whose entry i points at 8-byte slot i of a direct buffer
     * holding argument i's value (an int, long, float's bits or raw device address, at the slot's start, which
     * is little-endian on every host the engine runs on). A launch writes the values and passes the array of
     * its arity, so it allocates nothing on the Java heap.
     */
    private static final class LaunchParams {
        final ByteBuffer values = ByteBuffer.allocateDirect(KernelArgs.MAX_ARGS * Long.BYTES).order(ByteOrder.nativeOrder());
        final Pointer[] byArity = new Pointer[KernelArgs.MAX_ARGS + 1];

        LaunchParams() {
            Pointer base = Pointer.to(values);
            Pointer[] slots = new Pointer[KernelArgs.MAX_ARGS];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = base.withByteOffset((long) i * Long.BYTES);
            }
            for (int n = 0; n <= KernelArgs.MAX_ARGS; n++) {
                byArity[n] = Pointer.to(Arrays.copyOf(slots, n));
            }
        }
    }

    @Override
    public int launchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                            int sharedMemBytes, long stream, KernelArgs args) {
        LaunchParams p = launchParams.get();
        for (int i = 0; i < args.size(); i++) {
            int at = i * Long.BYTES;
            long v = args.value(i);
            switch (args.kind(i)) {
                case I32, F32 -> p.values.putInt(at, (int) v);
                case I64 -> p.values.putLong(at, v);
                case PTR -> p.values.putLong(at, v == 0 ? 0 : deviceAddress(v) + args.offset(i));
            }
        }
        return JCudaDriver.cuLaunchKernel(lookup(function, CUfunction.class), gridX, gridY, gridZ,
                blockX, blockY, blockZ, sharedMemBytes, lookup(stream, CUstream.class), p.byArity[args.size()], null);
    }

    private long deviceAddress(long allocation) {
        Handle h = handles.get(allocation);
        if (h == null || !(h.object() instanceof CUdeviceptr)) {
            lookup(allocation, CUdeviceptr.class); // throws, naming what the handle is
        }
        return h.address();
    }

    @Override
    public int memAlloc(long[] allocation, long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        int s = JCudaDriver.cuMemAlloc(p, bytes);
        if (s == SUCCESS) {
            long[] address = new long[1];
            s = JCudaDriver.cuPointerGetAttribute(Pointer.to(address),
                    jcuda.driver.CUpointer_attribute.CU_POINTER_ATTRIBUTE_DEVICE_POINTER, p);
            if (s != SUCCESS) {
                JCudaDriver.cuMemFree(p);
                return s;
            }
            allocation[0] = handles.add(new Handle(p, address[0]));
        }
        return s;
    }

    @Override
    public int memFree(long allocation) {
        int s = JCudaDriver.cuMemFree(lookup(allocation, CUdeviceptr.class));
        if (s == SUCCESS) {
            unregister(allocation);
        }
        return s;
    }

    @Override
    public int memcpyHtoDAsync(long dst, long dstOffset, ByteBuffer src, long srcOffset, long bytes, long stream) {
        CUdeviceptr d = lookup(dst, CUdeviceptr.class);
        Pointer h = hostPointer(src);
        return JCudaDriver.cuMemcpyHtoDAsync(dstOffset == 0 ? d : d.withByteOffset(dstOffset),
                srcOffset == 0 ? h : h.withByteOffset(srcOffset), bytes, lookup(stream, CUstream.class));
    }

    @Override
    public int memcpyDtoHAsync(ByteBuffer dst, long dstOffset, long src, long srcOffset, long bytes, long stream) {
        CUdeviceptr s = lookup(src, CUdeviceptr.class);
        Pointer h = hostPointer(dst);
        return JCudaDriver.cuMemcpyDtoHAsync(dstOffset == 0 ? h : h.withByteOffset(dstOffset),
                srcOffset == 0 ? s : s.withByteOffset(srcOffset), bytes, lookup(stream, CUstream.class));
    }

    /**
     * The JCuda pointer of a staging buffer: the one cuMemHostAlloc returned (no allocation per copy); a direct
     * buffer not from memHostAlloc (pageable) gets a new one.
     */
    private Pointer hostPointer(ByteBuffer b) {
        Pointer p;
        synchronized (hostAllocations) {
            p = hostAllocations.get(b);
        }
        return p != null ? p : Pointer.to(b);
    }

    @Override
    public int pointerAddress(long[] address, long allocation) {
        // asked of the driver (cuPointerGetAttribute) once, when the allocation was made; kernel arguments use it too
        address[0] = deviceAddress(allocation);
        return SUCCESS;
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
            unregister(stream);
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
