package io.enhancedrl.bindings.cuda;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.BackendFailureException;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.kernels.SplitForwardPlan;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link KernelOps} on a CUDA device, launching the kernels of erl_kernels.h.
 *
 * <p>Each call stages its host operands into device buffers (through pinned memory, asynchronously on the
 * calling thread's stream), launches with the configuration the header prescribes, copies the outputs back
 * and synchronises, so the semantics are exactly those of {@link io.enhancedrl.kernels.cpu.ScalarKernelOps}
 * (up to FP32 summation order). This is the correct-first path: a round trip per call costs transfer and
 * launch latency; keeping whole training steps on the device is the job of a device-resident model.
 *
 * <p>Faults: a failed driver call inside an op ({@link CudaException}) is thrown as the engine's
 * {@link BackendFailureException} naming the op and its shapes, with the CudaException (call, status,
 * arguments) as its cause, so that the serving and training code can react to device faults without knowing
 * this module. The caller's output arrays may then be partly written.
 *
 * <p>Weights that stay fixed, such as a served policy's, can live on the device: {@link #packWeights} uploads
 * them once and returns a handle, and {@link #linearForwardPacked} with that handle uploads only x and the bias
 * (the {@link io.enhancedrl.api.Ranker} does this for every model it installs). A handle's device memory is freed
 * when the handle is no longer reachable (a {@link Cleaner}) or at {@link #close()}. With every weight of an MLP
 * resident, {@link #forwardSplitResident} runs its whole split forward in one round trip (the served actor).
 *
 * <p>Threads: every thread gets its own stream and staging buffers (created on its first call, after
 * binding the primary context to it once); the buffers grow and are reused, so steady-state calls allocate
 * no device or pinned memory. {@link #close()} frees all of them and must not race running calls.
 */
public final class CudaKernelOps implements KernelOps, AutoCloseable {

    // Staging slots (one device + pinned buffer each per thread).
    static final int X = 0, W = 1, BIAS = 2, Y = 3, DY = 4, DX = 5, DW = 6, DB = 7, P = 8, G = 9, M = 10, V = 11,
            OFFSETS = 12, IDS = 13, OUT = 14,
            // forwardSplitResident: the prefix rows, the prefix part, and two device-only activation buffers
            PREFIX = 15, PART = 16, HA = 17, HB = 18, SLOTS = 19;

    private final CudaContext context;
    private final CudaModule module;
    private final boolean ownsContext;
    private final List<StagingArea> areas = new ArrayList<>();
    private final ThreadLocal<StagingArea> area = new ThreadLocal<>();
    private final ThreadLocal<KernelArgs> argsBuilder = ThreadLocal.withInitial(KernelArgs::new);
    /** forwardSplitResident's resolved weights per layer (a request allocates nothing). */
    private final ThreadLocal<Resident[]> residentScratch = ThreadLocal.withInitial(() -> new Resident[8]);
    /** Device-resident weights by handle id (see {@link #packWeights}); looked up without boxing. */
    private final HandleTable<Resident> resident = new HandleTable<>();
    private volatile boolean closed;

    /** Frees the device memory of resident weights whose handle became unreachable. */
    private static final Cleaner CLEANER = Cleaner.create();

    /** Weights W[in][out] uploaded once by {@link #packWeights}. */
    private record Resident(DeviceBuffer buffer, int in, int out) {
    }

    /**
     * @param context the device's primary context
     * @param fatbin the enhancedrl.fatbin image
     * @param ownsContext whether {@link #close()} also closes the context
     */
    public CudaKernelOps(CudaContext context, byte[] fatbin, boolean ownsContext) {
        this.context = context;
        context.bindCurrentThread();
        this.module = new CudaModule(context, fatbin, "enhancedrl.fatbin");
        this.ownsContext = ownsContext;
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** A GPU can fail at run time: every op may throw {@link BackendFailureException}. */
    @Override
    public boolean isDevice() {
        return true;
    }

    /** The engine-level failure for a driver error inside {@code op} (built only on the failure path). */
    private BackendFailureException failure(String op, String shapes, CudaException e) {
        return new BackendFailureException(name(), context.deviceName() + ", ordinal " + context.ordinal(), op, shapes,
                e.call(), e.statusName(), e.status(), e);
    }

    public CudaContext context() {
        return context;
    }

    /** The calling thread's staging area, created (and the context bound) on first use. */
    StagingArea area() {
        if (closed) {
            throw new IllegalStateException("CudaKernelOps on " + context.deviceName() + " is closed");
        }
        StagingArea a = area.get();
        if (a == null) {
            context.bindCurrentThread();
            a = new StagingArea(context, SLOTS);
            synchronized (areas) {
                areas.add(a);
            }
            area.set(a);
        }
        return a;
    }

    private DeviceBuffer upload(StagingArea a, int slot, String operand, float[] src, int off, long count) {
        long bytes = count * Float.BYTES;
        DeviceBuffer d = a.ensure(slot, bytes, operand);
        if (bytes > 0) {
            a.host(slot).putFloats(src, off, (int) count);
            d.copyFrom(a.host(slot), bytes, a.stream);
        }
        return d;
    }

    /** Device buffer for an output that is not read first. */
    private DeviceBuffer output(StagingArea a, int slot, String operand, long count, int elementBytes) {
        return a.ensure(slot, count * elementBytes, operand);
    }

    private void queueDownload(StagingArea a, int slot, long count, int elementBytes) {
        long bytes = count * elementBytes;
        if (bytes > 0) {
            a.device(slot).copyTo(a.host(slot), bytes, a.stream);
        }
    }

    private void launch(StagingArea a, ErlKernels k, KernelArgs args) {
        launch(a.stream, k, args);
    }

    /** Launches kernel k with args (parameters and configuration), after checking them against its signature. */
    private void launch(CudaStream stream, ErlKernels k, KernelArgs args) {
        k.checkArgs(args);
        context.launch(k.symbol, module.function(k.symbol), stream, args);
    }

    private static KernelArgs fresh(ThreadLocal<KernelArgs> tl) {
        return tl.get().clear();
    }

    /**
     * Uploads W[in][out] once and returns a handle for {@link #linearForwardPacked}: four floats, the handle id's
     * low and high int bits, in and out; meaningful only to this instance. The device copy is freed when the handle
     * becomes unreachable or at {@link #close()}. Null for an empty matrix.
     *
     * @throws BackendFailureException if the device fails (allocation, copy)
     */
    @Override
    public float[] packWeights(int in, int out, float[] w, int wOff) {
        if (in == 0 || out == 0) {
            return null;
        }
        long count = (long) in * out;
        DeviceBuffer d;
        try {
            StagingArea a = area();
            d = new DeviceBuffer(context, count * Float.BYTES, "resident weights " + in + "x" + out);
            try {
                a.ensure(W, count * Float.BYTES, "w");
                a.host(W).putFloats(w, wOff, (int) count);
                d.copyFrom(a.host(W), count * Float.BYTES, a.stream);
                a.stream.synchronize(); // the staging buffer is reused by the next call
            } catch (RuntimeException e) {
                closeQuietly(d, e);
                throw e;
            }
        } catch (CudaException e) {
            throw failure("packWeights", "in=" + in + ", out=" + out, e);
        }
        long id = resident.add(new Resident(d, in, out));
        // both halves of the id are small ints (slot, generation): denormal floats, kept bit for bit
        float[] handle = {Float.intBitsToFloat((int) id), Float.intBitsToFloat((int) (id >>> 32)), in, out};
        CLEANER.register(handle, () -> release(id));
        return handle;
    }

    /** Frees resident weights {@code id} (from the Cleaner's thread or close(); whoever removes it frees it). */
    private void release(long id) {
        Resident r = resident.remove(id);
        if (r != null) {
            try {
                context.bindCurrentThread();
                r.buffer.close();
            } catch (RuntimeException e) {
                // a failing device on the cleaner thread: nothing to report to, the context's teardown frees it
            }
        }
    }

    private static void closeQuietly(DeviceBuffer d, RuntimeException cause) {
        try {
            d.close();
        } catch (RuntimeException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    /** {@link #linearForward} with W already on the device ({@link #packWeights}); w is not read. */
    @Override
    public void linearForwardPacked(int n, int in, int out, float[] x, int xOff, float[] w, int wOff, float[] packed,
                                    float[] bias, int biasOff, int rowsPerBias, Activation act, float[] y, int yOff) {
        if (packed == null) {
            linearForward(n, in, out, x, xOff, w, wOff, bias, biasOff, rowsPerBias, act, y, yOff);
            return;
        }
        Resident r = resolve(packed, in, out);
        try {
            linearForwardOnDevice(n, in, out, x, xOff, w, wOff, r.buffer, bias, biasOff, rowsPerBias, act, y, yOff);
        } catch (CudaException e) {
            throw failure("linearForwardPacked", "n=" + n + ", in=" + in + ", out=" + out + ", rowsPerBias="
                    + (bias == null ? "no bias" : rowsPerBias) + ", act=" + act + ", resident weights", e);
        }
    }

    private Resident resolve(float[] packed, int in, int out) {
        if (packed.length != 4) {
            throw new IllegalArgumentException("packed: expected a 4-float handle from this backend's packWeights"
                    + " but was " + packed.length + " floats (packed by another backend?)");
        }
        long id = handleId(packed);
        Resident r = resident.get(id);
        if (r == null) {
            throw new IllegalArgumentException("packed: handle " + id + " is not live on this cuda backend (" +
                    context.deviceName() + "): released, closed, or made by another instance");
        }
        if (r.in != in || r.out != out) {
            throw new IllegalArgumentException("packed: handle " + id + " holds " + r.in + "x" + r.out
                    + " weights but the call is in=" + in + ", out=" + out);
        }
        return r;
    }

    /**
     * The whole split forward with every weight resident ({@link #packWeights}): uploads the prefix rows, the
     * per-row features and all biases (three copies), chains the prefix part and the layers on the device
     * (activations stay there, in two buffers used in turn), downloads y and synchronises once; the layer-by-layer
     * path does a round trip per layer. Returns false when a weight is not resident here (then nothing is done).
     */
    @Override
    public boolean forwardSplitResident(SplitForwardPlan plan, int n, float[] prefix, int prefixOff, int rowsPerPrefix,
                                        float[] rows, int rowsOff, float[] y, int yOff) {
        if (!plan.allPacked() || n < 1) {
            return false;
        }
        int layers = plan.layers();
        int[] in = plan.inputs(), out = plan.outputs();
        // Resolve every handle first: a handle of another backend or shape is refused before any work is queued.
        Resident[] w = residentScratch.get();
        if (w.length < layers + 1) {
            w = new Resident[layers + 1];
            residentScratch.set(w);
        }
        w[0] = resolve(plan.packed()[0], plan.prefixWidth(), out[0]);
        w[1] = resolve(plan.packed()[1], plan.rowWidth(), out[0]);
        for (int l = 1; l < layers; l++) {
            w[l + 1] = resolve(plan.packed()[l + 1], in[l], out[l]);
        }
        try {
            forwardSplitOnDevice(plan, n, prefix, prefixOff, rowsPerPrefix, rows, rowsOff, y, yOff, w);
        } catch (CudaException e) {
            throw failure("forwardSplitResident", "n=" + n + ", layers=" + layers + ", prefixWidth=" + plan.prefixWidth()
                    + ", rowsPerPrefix=" + rowsPerPrefix, e);
        }
        return true;
    }

    private void forwardSplitOnDevice(SplitForwardPlan plan, int n, float[] prefix, int prefixOff, int rowsPerPrefix,
                                      float[] rows, int rowsOff, float[] y, int yOff, Resident[] w) {
        StagingArea a = area();
        int layers = plan.layers();
        int[] out = plan.outputs(), in = plan.inputs();
        int prefixRows = (n + rowsPerPrefix - 1) / rowsPerPrefix;
        int widest = 0, biasFloats = 0;
        for (int l = 0; l < layers; l++) {
            widest = Math.max(widest, out[l]);
            biasFloats += out[l];
        }
        DeviceBuffer dPrefix = upload(a, PREFIX, "prefix", prefix, prefixOff, (long) prefixRows * plan.prefixWidth());
        DeviceBuffer dRows = upload(a, X, "rows", rows, rowsOff, (long) n * plan.rowWidth());
        // every layer's bias in one pinned buffer and one copy (separate copies from one pinned slot would race)
        DeviceBuffer dBias = a.ensure(BIAS, (long) biasFloats * Float.BYTES, "biases");
        int at = 0;
        for (int l = 0; l < layers; l++) {
            a.host(BIAS).putFloats(at, plan.params(), plan.biasOffsets()[l], out[l]);
            at += out[l];
        }
        dBias.copyFrom(a.host(BIAS), (long) biasFloats * Float.BYTES, a.stream);
        DeviceBuffer part = a.ensureDeviceOnly(PART, (long) prefixRows * out[0] * Float.BYTES, "prefix part");
        DeviceBuffer ha = a.ensureDeviceOnly(HA, (long) n * widest * Float.BYTES, "activations A");
        DeviceBuffer hb = a.ensureDeviceOnly(HB, (long) n * widest * Float.BYTES, "activations B");
        DeviceBuffer dy = output(a, Y, "y", (long) n * out[layers - 1], Float.BYTES);
        // prefix part: prefix . W0[0:prefixWidth] + b0, identity, one row per prefix row
        queueLinearForward(a.stream, prefixRows, plan.prefixWidth(), out[0], dPrefix, w[0].buffer, dBias, 0, prefixRows,
                Activation.IDENTITY, part);
        // layer 0's per-row part, with the prefix part as its bias rows
        DeviceBuffer cur = layers == 1 ? dy : ha;
        queueLinearForward(a.stream, n, plan.rowWidth(), out[0], dRows, w[1].buffer, part, 0, rowsPerPrefix,
                plan.activations()[0], cur);
        int biasAt = out[0];
        for (int l = 1; l < layers; l++) {
            DeviceBuffer next = l == layers - 1 ? dy : (l & 1) == 1 ? hb : ha; // hidden layers take A and B in turn
            queueLinearForward(a.stream, n, in[l], out[l], cur, w[l + 1].buffer, dBias, (long) biasAt * Float.BYTES, n,
                    plan.activations()[l], next);
            biasAt += out[l];
            cur = next;
        }
        queueDownload(a, Y, (long) n * out[layers - 1], Float.BYTES);
        a.stream.synchronize();
        a.host(Y).getFloats(y, yOff, n * out[layers - 1]);
    }

    private static long handleId(float[] packed) {
        return (Float.floatToRawIntBits(packed[0]) & 0xFFFFFFFFL) | ((long) Float.floatToRawIntBits(packed[1]) << 32);
    }

    /**
     * Weight matrices resident on the device now ({@link #packWeights}; each served model holds one per layer plus
     * one for its first layer's prefix part until it is dropped and collected), for monitoring and tests.
     */
    public int residentWeights() {
        return resident.size();
    }

    @Override
    public void linearForward(int n, int in, int out, float[] x, int xOff, float[] w, int wOff, float[] bias,
                              int biasOff, int rowsPerBias, Activation act, float[] y, int yOff) {
        try {
            linearForwardOnDevice(n, in, out, x, xOff, w, wOff, null, bias, biasOff, rowsPerBias, act, y, yOff);
        } catch (CudaException e) {
            throw failure("linearForward", "n=" + n + ", in=" + in + ", out=" + out + ", rowsPerBias="
                    + (bias == null ? "no bias" : rowsPerBias) + ", act=" + act, e);
        }
    }

    private void linearForwardOnDevice(int n, int in, int out, float[] x, int xOff, float[] w, int wOff,
                                       DeviceBuffer residentW, float[] bias, int biasOff, int rowsPerBias,
                                       Activation act, float[] y, int yOff) {
        if (n == 0 || out == 0) {
            return;
        }
        StagingArea a = area();
        DeviceBuffer dx = upload(a, X, "x", x, xOff, (long) n * in);
        DeviceBuffer dw = residentW != null ? residentW : upload(a, W, "w", w, wOff, (long) in * out);
        long biasRows = ((long) n + rowsPerBias - 1) / rowsPerBias;
        DeviceBuffer db = bias == null ? null : upload(a, BIAS, "bias", bias, biasOff, biasRows * out);
        DeviceBuffer dy = output(a, Y, "y", (long) n * out, Float.BYTES);
        queueLinearForward(a.stream, n, in, out, dx, dw, db, 0, rowsPerBias, act, dy);
        queueDownload(a, Y, (long) n * out, Float.BYTES);
        a.stream.synchronize();
        a.host(Y).getFloats(y, yOff, n * out);
    }

    /**
     * The hand-written linear forward on buffers already on the device, queued on {@code stream}: no staging and
     * no synchronisation (synchronise the stream before reading y). For device-resident callers and for timing
     * the kernel itself against the vendor path ({@link CublasLtLinear}); the bias is one row shared by all rows,
     * or null.
     *
     * @throws IllegalArgumentException if a buffer is smaller than its operand (named with both sizes)
     * @throws CudaException if the launch fails
     */
    public void linearForward(CudaStream stream, int n, int in, int out, DeviceBuffer x, DeviceBuffer w,
                              DeviceBuffer bias, Activation act, DeviceBuffer y) {
        if (closed) {
            throw new IllegalStateException("CudaKernelOps on " + context.deviceName() + " is closed");
        }
        DeviceBuffer.requireLinearOperands("linearForward", n, in, out, x, w, bias, y);
        queueLinearForward(stream, n, in, out, x, w, bias, 0, n, act, y);
    }

    /**
     * erl_linear_forward_f32 on device buffers, queued on stream (every linear forward launches here); the bias
     * (nullable) starts biasByteOffset bytes into its buffer.
     */
    private void queueLinearForward(CudaStream stream, int n, int in, int out, DeviceBuffer x, DeviceBuffer w,
                                    DeviceBuffer bias, long biasByteOffset, int rowsPerBias, Activation act,
                                    DeviceBuffer y) {
        KernelArgs args = fresh(argsBuilder).i32(1).i32(n).i32(in).i32(out).ptr(x).i64(0).ptr(w).i64(0);
        (bias == null ? args.nullPtr() : args.ptr(bias.handle(), biasByteOffset)).i64(0).i32(rowsPerBias)
                .i32(act.code).ptr(y).i64(0);
        launch(stream, ErlKernels.LINEAR_FORWARD, ErlKernels.linearForward(args, 1, n, out));
    }

    @Override
    public void linearBackward(int n, int in, int out, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
                               float[] dy, int dyOff, Activation act, float[] dx, int dxOff, float[] dw, int dwOff,
                               float[] db, int dbOff, boolean accumulate) {
        try {
            linearBackwardOnDevice(n, in, out, x, xOff, w, wOff, y, yOff, dy, dyOff, act, dx, dxOff, dw, dwOff, db, dbOff,
                    accumulate);
        } catch (CudaException e) {
            throw failure("linearBackward", "n=" + n + ", in=" + in + ", out=" + out + ", act=" + act + ", dx "
                    + (dx != null) + ", db " + (db != null) + ", accumulate " + accumulate, e);
        }
    }

    private void linearBackwardOnDevice(int n, int in, int out, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
                               float[] dy, int dyOff, Activation act, float[] dx, int dxOff, float[] dw, int dwOff,
                               float[] db, int dbOff, boolean accumulate) {
        if (in == 0 || out == 0) {
            // No weights; dx (if any) is all zeros when out == 0, db is a sum over nothing when in == 0.
            ScalarFallback.degenerateBackward(n, in, out, y, yOff, dy, dyOff, act, dx, dxOff, db, dbOff, accumulate);
            return;
        }
        StagingArea a = area();
        long nOut = (long) n * out;
        DeviceBuffer gx = upload(a, X, "x", x, xOff, (long) n * in);
        DeviceBuffer gw = upload(a, W, "w", w, wOff, (long) in * out);
        DeviceBuffer gy = upload(a, Y, "y", y, yOff, nOut);
        DeviceBuffer gdy = upload(a, DY, "dy", dy, dyOff, nOut);
        DeviceBuffer gdw = accumulate ? upload(a, DW, "dw", dw, dwOff, (long) in * out)
                : output(a, DW, "dw", (long) in * out, Float.BYTES);
        if (nOut > 0) {
            launch(a, ErlKernels.ACT_BACKWARD, ErlKernels.elementwise(
                    fresh(argsBuilder).i64(nOut).ptr(gy).ptr(gdy).i32(act.code), nOut));
        }
        launch(a, ErlKernels.LINEAR_BACKWARD_DW, ErlKernels.linearBackwardDw(
                fresh(argsBuilder).i32(1).i32(1).i32(n).i32(in).i32(out)
                        .ptr(gx).i64(0).ptr(gdy).i64(0).ptr(gdw).i64(0).i32(accumulate ? 1 : 0).nullPtr(), 1, 1, in, out));
        if (db != null) {
            DeviceBuffer gdb = accumulate ? upload(a, DB, "db", db, dbOff, out) : output(a, DB, "db", out, Float.BYTES);
            launch(a, ErlKernels.BIAS_BACKWARD, ErlKernels.biasBackward(
                    fresh(argsBuilder).i32(1).i32(n).i32(out).ptr(gdy).i64(0).ptr(gdb).i64(0).i32(accumulate ? 1 : 0), 1, out));
        }
        if (dx != null && n > 0) {
            DeviceBuffer gdx = output(a, DX, "dx", (long) n * in, Float.BYTES);
            launch(a, ErlKernels.LINEAR_BACKWARD_DX, ErlKernels.linearBackwardDx(
                    fresh(argsBuilder).i32(1).i32(n).i32(in).i32(out).ptr(gdy).i64(0).ptr(gw).i64(0).ptr(gdx).i64(0), 1, n, in));
            queueDownload(a, DX, (long) n * in, Float.BYTES);
        }
        queueDownload(a, DY, nOut, Float.BYTES);
        queueDownload(a, DW, (long) in * out, Float.BYTES);
        if (db != null) {
            queueDownload(a, DB, out, Float.BYTES);
        }
        a.stream.synchronize();
        a.host(DY).getFloats(dy, dyOff, (int) nOut);
        a.host(DW).getFloats(dw, dwOff, in * out);
        if (db != null) {
            a.host(DB).getFloats(db, dbOff, out);
        }
        if (dx != null && n > 0) {
            a.host(DX).getFloats(dx, dxOff, n * in);
        }
    }

    @Override
    public void adamUpdate(int len, float[] params, int pOff, float[] grads, int gOff, float[] m, int mOff,
                           float[] v, int vOff, float lr, float beta1, float beta2, float eps, int step) {
        try {
            adamUpdateOnDevice(len, params, pOff, grads, gOff, m, mOff, v, vOff, lr, beta1, beta2, eps, step);
        } catch (CudaException e) {
            throw failure("adamUpdate", "len=" + len + ", step=" + step, e);
        }
    }

    private void adamUpdateOnDevice(int len, float[] params, int pOff, float[] grads, int gOff, float[] m, int mOff,
                           float[] v, int vOff, float lr, float beta1, float beta2, float eps, int step) {
        if (len == 0) {
            return;
        }
        StagingArea a = area();
        DeviceBuffer gp = upload(a, P, "params", params, pOff, len);
        DeviceBuffer gg = upload(a, G, "grads", grads, gOff, len);
        DeviceBuffer gm = upload(a, M, "m", m, mOff, len);
        DeviceBuffer gv = upload(a, V, "v", v, vOff, len);
        launch(a, ErlKernels.ADAM, ErlKernels.elementwise(fresh(argsBuilder)
                .i64(len).ptr(gp).ptr(gg).ptr(gm).ptr(gv).f32(lr).f32(beta1).f32(beta2).f32(eps).i32(step), len));
        queueDownload(a, P, len, Float.BYTES);
        queueDownload(a, M, len, Float.BYTES);
        queueDownload(a, V, len, Float.BYTES);
        a.stream.synchronize();
        a.host(P).getFloats(params, pOff, len);
        a.host(M).getFloats(m, mOff, len);
        a.host(V).getFloats(v, vOff, len);
    }

    @Override
    public void fusionScore(int n, int k, float[] p, int pOff, float[] power, int powOff, float[] bias, int biasOff,
                            float[] score, int scoreOff) {
        try {
            fusionScoreOnDevice(n, k, p, pOff, power, powOff, bias, biasOff, score, scoreOff);
        } catch (CudaException e) {
            throw failure("fusionScore", "n=" + n + ", k=" + k, e);
        }
    }

    private void fusionScoreOnDevice(int n, int k, float[] p, int pOff, float[] power, int powOff, float[] bias, int biasOff,
                            float[] score, int scoreOff) {
        if (n == 0) {
            return;
        }
        StagingArea a = area();
        long nk = (long) n * k;
        DeviceBuffer gp = upload(a, P, "p", p, pOff, nk);
        DeviceBuffer gpow = upload(a, G, "power", power, powOff, nk);
        DeviceBuffer gb = upload(a, M, "bias", bias, biasOff, nk);
        DeviceBuffer gs = output(a, OUT, "score", n, Float.BYTES);
        launch(a, ErlKernels.FUSION_SCORE, ErlKernels.elementwise(
                fresh(argsBuilder).i32(n).i32(k).ptr(gp).ptr(gpow).ptr(gb).ptr(gs), n));
        queueDownload(a, OUT, n, Float.BYTES);
        a.stream.synchronize();
        a.host(OUT).getFloats(score, scoreOff, n);
    }

    @Override
    public void topK(int n, float[] scores, int scoreOff, long[] ids, int idsOff, int k, int[] outIdx, int outOff) {
        try {
            topKOnDevice(n, scores, scoreOff, ids, idsOff, k, outIdx, outOff);
        } catch (CudaException e) {
            throw failure("topK", "n=" + n + ", k=" + k, e);
        }
    }

    private void topKOnDevice(int n, float[] scores, int scoreOff, long[] ids, int idsOff, int k, int[] outIdx, int outOff) {
        if (k == 0) {
            return;
        }
        StagingArea a = area();
        // One request covering all n candidates: CSR offsets {0, n}.
        DeviceBuffer goff = a.ensure(OFFSETS, 2L * Integer.BYTES, "offsets");
        PinnedBuffer hoff = a.host(OFFSETS);
        hoff.buffer().putInt(0, 0).putInt(Integer.BYTES, n);
        goff.copyFrom(hoff, 2L * Integer.BYTES, a.stream);
        DeviceBuffer gs = upload(a, P, "scores", scores, scoreOff, n);
        DeviceBuffer gids = a.ensure(IDS, (long) n * Long.BYTES, "ids");
        a.host(IDS).putLongs(ids, idsOff, n);
        gids.copyFrom(a.host(IDS), (long) n * Long.BYTES, a.stream);
        DeviceBuffer gout = output(a, OUT, "outIdx", k, Integer.BYTES);
        launch(a, ErlKernels.TOPK, ErlKernels.topK(
                fresh(argsBuilder).i32(1).ptr(goff).ptr(gs).ptr(gids).i32(k).ptr(gout), 1));
        queueDownload(a, OUT, k, Integer.BYTES);
        a.stream.synchronize();
        a.host(OUT).getInts(outIdx, outOff, k);
    }

    /** Frees every thread's buffers and streams, the module, and the context when owned (idempotent). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Resident r : resident.removeAll()) {
            r.buffer.close();
        }
        synchronized (areas) {
            for (StagingArea a : areas) {
                a.close();
            }
            areas.clear();
        }
        module.close();
        if (ownsContext) {
            context.close();
        }
    }
}
