package io.enhancedrl.bindings.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A Java stand-in for the CUDA driver: device memory is heap byte buffers, streams run everything at once
 * (so an asynchronous copy is done when it returns), kernels are Java "emulators" registered by name.
 * It records every call and injects faults: {@link #failNext} makes the next call of a given name return an
 * error code, {@link #failAfter} the call after some more of that name, {@link #failRandomly} each call of a
 * name with a probability (from a seed); {@link #injectedFaults()} counts what was injected.
 */
final class SimulatedCudaDriver implements CudaDriver {

    /** One recorded launch: kernel name, configuration and a copy of the arguments. */
    record Launch(String kernel, LaunchConfig config, List<KernelArgs.Arg> args) {
    }

    final List<String> calls = new ArrayList<>();
    final List<Launch> launches = new ArrayList<>();
    final Map<String, Consumer<Launch>> emulators = new HashMap<>();
    private final Map<Long, ByteBuffer> memory = new HashMap<>();
    private final Map<Long, String> functions = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, int[]> countdowns = new HashMap<>(); // call -> {calls to let through, status}
    private SplittableRandom faultRandom;
    private String randomCall;
    private int randomStatus;
    private double randomProbability;
    private long injected;
    private long next = 1;
    int devices = 1;
    int liveStreams;
    int liveHost;
    /** Bytes copied host to device so far. */
    long bytesHtoD;

    /** The next call named {@code call} (e.g. "memAlloc") returns {@code status}. */
    void failNext(String call, int status) {
        failures.put(call, status);
    }

    /** The call named {@code call} after the next {@code skip} successful ones returns {@code status}. */
    synchronized void failAfter(String call, int skip, int status) {
        countdowns.put(call, new int[]{skip, status});
    }

    /** From now on each call named {@code call} returns {@code status} with the given probability. */
    synchronized void failRandomly(String call, int status, double probability, long seed) {
        faultRandom = new SplittableRandom(seed);
        randomCall = call;
        randomStatus = status;
        randomProbability = probability;
    }

    synchronized void stopRandomFaults() {
        randomCall = null;
    }

    /** How many calls returned an injected error so far. */
    synchronized long injectedFaults() {
        return injected;
    }

    private synchronized int enter(String call) {
        calls.add(call);
        Integer s = failures.remove(call);
        int[] countdown = s == null ? countdowns.get(call) : null;
        if (countdown != null && countdown[0]-- == 0) {
            countdowns.remove(call);
            s = countdown[1];
        }
        if (s == null && call.equals(randomCall) && faultRandom.nextDouble() < randomProbability) {
            s = randomStatus;
        }
        if (s != null) {
            injected++;
        }
        return s == null ? SUCCESS : s;
    }

    long count(String call) {
        synchronized (this) {
            return calls.stream().filter(call::equals).count();
        }
    }

    synchronized int liveAllocations() {
        return memory.size();
    }

    /** The bytes of a device pointer argument, positioned at its offset (little-endian). */
    ByteBuffer at(KernelArgs.Arg ptr) {
        ByteBuffer b = memory.get(ptr.value());
        if (b == null) {
            throw new IllegalStateException("kernel argument is not a live allocation: " + ptr);
        }
        return b.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) ptr.offset()).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public int init(int flags) {
        int s = enter("init");
        return s != 0 ? s : devices == 0 ? 100 : SUCCESS;
    }

    @Override
    public int deviceGetCount(int[] count) {
        int s = enter("deviceGetCount");
        count[0] = devices;
        return s;
    }

    @Override
    public int deviceGet(int[] device, int ordinal) {
        device[0] = ordinal;
        return enter("deviceGet");
    }

    @Override
    public int deviceGetName(String[] name, int device) {
        name[0] = "Simulated GPU " + device;
        return enter("deviceGetName");
    }

    @Override
    public int primaryCtxRetain(long[] context, int device) {
        context[0] = 9000 + device;
        return enter("primaryCtxRetain");
    }

    @Override
    public int primaryCtxRelease(int device) {
        return enter("primaryCtxRelease");
    }

    @Override
    public int ctxSetCurrent(long context) {
        return enter("ctxSetCurrent");
    }

    @Override
    public int moduleLoadData(long[] module, byte[] image) {
        int s = enter("moduleLoadData");
        module[0] = 7000;
        return s;
    }

    @Override
    public int moduleUnload(long module) {
        return enter("moduleUnload");
    }

    @Override
    public synchronized int moduleGetFunction(long[] function, long module, String name) {
        int s = enter("moduleGetFunction");
        if (s == SUCCESS) {
            long id = 5000 + functions.size();
            functions.put(id, name);
            function[0] = id;
        }
        return s;
    }

    @Override
    public synchronized int launchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                                         int sharedMemBytes, long stream, KernelArgs args) {
        int s = enter("launchKernel");
        if (s != SUCCESS) {
            return s;
        }
        String name = functions.get(function);
        Launch l = new Launch(name, new LaunchConfig(gridX, gridY, gridZ, blockX, blockY, blockZ, sharedMemBytes),
                List.copyOf(args.list()));
        launches.add(l);
        Consumer<Launch> emu = emulators.get(name);
        if (emu != null) {
            emu.accept(l);
        }
        return SUCCESS;
    }

    @Override
    public synchronized int memAlloc(long[] allocation, long bytes) {
        int s = enter("memAlloc");
        if (s == SUCCESS) {
            long id = next++;
            memory.put(id, ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN));
            allocation[0] = id;
        }
        return s;
    }

    @Override
    public synchronized int memFree(long allocation) {
        int s = enter("memFree");
        if (s == SUCCESS && memory.remove(allocation) == null) {
            return 1; // CUDA_ERROR_INVALID_VALUE: double free
        }
        return s;
    }

    @Override
    public synchronized int memcpyHtoDAsync(long dst, long dstOffset, ByteBuffer src, long srcOffset, long bytes, long stream) {
        int s = enter("memcpyHtoDAsync");
        if (s == SUCCESS) {
            ByteBuffer d = memory.get(dst);
            d.put((int) dstOffset, src, (int) srcOffset, (int) bytes);
            bytesHtoD += bytes;
        }
        return s;
    }

    @Override
    public synchronized int memcpyDtoHAsync(ByteBuffer dst, long dstOffset, long src, long srcOffset, long bytes, long stream) {
        int s = enter("memcpyDtoHAsync");
        if (s == SUCCESS) {
            dst.put((int) dstOffset, memory.get(src), (int) srcOffset, (int) bytes);
        }
        return s;
    }

    /** Fake but distinct raw addresses: 0xD000_0000 + 0x1000 x handle for allocations. */
    @Override
    public synchronized int pointerAddress(long[] address, long allocation) {
        int s = enter("pointerGetAttribute");
        if (s == SUCCESS) {
            if (!memory.containsKey(allocation)) {
                return 1; // CUDA_ERROR_INVALID_VALUE
            }
            address[0] = 0xD000_0000L + 0x1000L * allocation;
        }
        return s;
    }

    /** 0x5000_0000 + the stream's handle. */
    @Override
    public long streamAddress(long stream) {
        return 0x5000_0000L + stream;
    }

    @Override
    public int streamCreate(long[] stream, int flags) {
        int s = enter("streamCreate");
        if (s == SUCCESS) {
            synchronized (this) {
                stream[0] = 3000 + next++;
                liveStreams++;
            }
        }
        return s;
    }

    @Override
    public int streamSynchronize(long stream) {
        return enter("streamSynchronize");
    }

    @Override
    public synchronized int streamDestroy(long stream) {
        liveStreams--;
        return enter("streamDestroy");
    }

    @Override
    public synchronized int memHostAlloc(ByteBuffer[] host, long bytes, int flags) {
        int s = enter("memHostAlloc");
        if (s == SUCCESS) {
            host[0] = ByteBuffer.allocateDirect((int) bytes);
            liveHost++;
        }
        return s;
    }

    @Override
    public synchronized int memFreeHost(ByteBuffer host) {
        liveHost--;
        return enter("memFreeHost");
    }

    @Override
    public String errorName(int status) {
        return switch (status) {
            case 0 -> "CUDA_SUCCESS";
            case 1 -> "CUDA_ERROR_INVALID_VALUE";
            case 2 -> "CUDA_ERROR_OUT_OF_MEMORY";
            case 100 -> "CUDA_ERROR_NO_DEVICE";
            case 700 -> "CUDA_ERROR_ILLEGAL_ADDRESS";
            case 701 -> "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
            case 719 -> "CUDA_ERROR_LAUNCH_FAILED";
            default -> "CUresult " + status;
        };
    }
}
