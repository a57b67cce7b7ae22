package io.enhancedrl.api;

import io.enhancedrl.kernels.BackendFailureException;
import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.model.MlpWorkspace;
import io.enhancedrl.model.fusion.FusionSpace;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The serving facade: ranks the candidates of one request with a trained EnhancedRL policy (spec section 7).
 * For N candidates the actor runs once per candidate on the enhanced state {@code [x_u; x_c; x_j; p_j]}, the
 * user/context part of its first layer computed once per request ({@link Mlp#forwardSplit}); each action is
 * mapped to per-task power and bias ({@link FusionSpace}), fused into {@code sum_k power_k ln(p_k + bias_k)},
 * and the best {@link RankerOptions#listLength()} are returned, ties broken by the smaller id.
 *
 * <h2>Sharing</h2>
 * One Ranker serves any number of threads: the model is immutable and published through an
 * {@link AtomicReference}, and each thread gets its own workspace (a {@link ThreadLocal}, sized for
 * {@link RankerOptions#maxCandidates()} on the thread's first request). {@link RankRequest} and
 * {@link RankResult} are per thread. With a reused result, {@link #rank(RankRequest, RankResult)} allocates
 * nothing after a thread's first call (and after the first call following a swap to an actor of a
 * different architecture, which resizes that thread's workspace). Virtual threads each get a workspace
 * too, so serve from a bounded pool of platform threads.
 *
 * <h2>Hot swap</h2>
 * {@link #swap(Path)} and {@link #swap(Model)} replace the model atomically. A request reads the model
 * reference once, so requests in flight finish on the model they started with; weights are never written
 * after a {@link Model} is built. Every {@link RankResult} names the {@link Model#version()} that served it.
 * A swap must keep the {@link FeatureLayout} (clients build requests for it); the hidden layers may change.
 *
 * <h2>Bad input</h2>
 * Every request is checked before any arithmetic; an {@link IllegalArgumentException} (or
 * {@link NullPointerException} for a missing array) names the argument, the expected and the actual value:
 * widths, NaN or infinite features and scores, MTL scores outside (0,1), N = 0 or N &gt; maxCandidates,
 * and the same array passed for two arguments. Duplicate ids are allowed (ties then fall back to the index).
 * Finite features so large that the actor's arithmetic overflows (values near Float.MAX_VALUE) are rejected
 * too, after the forward pass: an IllegalArgumentException names the candidate instead of a ranking by NaN.
 *
 * <h2>Device faults</h2>
 * When the backend is a device ({@link KernelOps#isDevice()}, e.g. "cuda") and an op throws a
 * {@link BackendFailureException} during a request, the ranker counts the fault, logs one line with its
 * context (backend, device, op, shapes, driver call and status, model version, N), marks the device
 * unhealthy and answers <em>the same request</em> on the CPU fallback ({@link RankerOptions#fallbackOps()},
 * default {@link io.enhancedrl.kernels.Backends#bestCpu()}): the caller gets a normal result, bit for bit the
 * one a CPU ranker gives, because the fallback starts again from the request on a workspace of its own and
 * never reads what the failed device call left behind. {@link RankResult#backend()} says which backend
 * answered. Unhealthy is sticky: every later request goes straight to the fallback until an operator calls
 * {@link #resetDeviceHealth()}, which re-probes the device. {@link #health()} reports the state and the
 * counters. On the normal path this costs one volatile read; nothing is allocated.
 */
public final class Ranker {

    private static final System.Logger LOG = System.getLogger(Ranker.class.getName());
    /** Candidates of the synthetic request {@link #resetDeviceHealth()} probes the device with. */
    private static final int PROBE_CANDIDATES = 8;

    private final RankerOptions options;
    private final KernelOps ops;
    private final KernelOps fallbackOps;
    private final FeatureLayout layout;
    private final AtomicReference<Model> current;
    private final ThreadLocal<Workspace> workspaces = new ThreadLocal<>();
    /** The fallback's own buffers: it must not start from state a failed device call may have half written. */
    private final ThreadLocal<Workspace> fallbackWorkspaces = new ThreadLocal<>();

    // Device health. Requests only read deviceHealthy; transitions happen under healthLock, so that a probe
    // that succeeded cannot re-enable a device that failed a request while the probe ran.
    private final Object healthLock = new Object();
    private volatile boolean deviceHealthy = true;
    private final AtomicLong deviceFaults = new AtomicLong();
    private final AtomicLong cpuFallbackRequests = new AtomicLong();
    private volatile String lastFault;

    private Ranker(Model model, RankerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.ops = options.resolvedOps();
        this.fallbackOps = options.resolvedFallbackOps(ops);
        this.layout = model.layout();
        prepare(model);
        this.current = new AtomicReference<>(model);
    }

    /**
     * Packs the model's weights for both backends now (for a device: uploads them), so that no request pays for
     * it. A device that fails here is not fatal: the first request packs again inside its fault handling (and
     * is answered on the fallback if the device still fails).
     */
    private void prepare(Model model) {
        model.packedFor(fallbackOps);
        try {
            model.packedFor(ops);
        } catch (BackendFailureException e) {
            LOG.log(Level.WARNING, "ranker: packing model v{0} for {1} failed; the first request retries: {2}",
                    model.version, ops.name(), e.getMessage());
        }
    }

    /**
     * A ranker serving the policy file at {@code modelFile} (see {@link PolicyFile}).
     *
     * @throws IOException the file is missing or unreadable ({@link java.nio.file.NoSuchFileException} names the
     *                     path) or invalid ({@link io.enhancedrl.model.io.ModelFileException}, message starts
     *                     with the path)
     */
    public static Ranker load(Path modelFile, RankerOptions options) throws IOException {
        Objects.requireNonNull(options, "options: expected RankerOptions (e.g. RankerOptions.defaults()) but was null");
        return new Ranker(Model.load(modelFile), options);
    }

    /** A ranker serving an in-memory model. */
    public static Ranker create(Model model, RankerOptions options) {
        Objects.requireNonNull(model, "model: expected a Ranker.Model but was null");
        Objects.requireNonNull(options, "options: expected RankerOptions (e.g. RankerOptions.defaults()) but was null");
        return new Ranker(model, options);
    }

    public RankerOptions options() {
        return options;
    }

    /** The layout every request must follow (fixed for the ranker's lifetime). */
    public FeatureLayout layout() {
        return layout;
    }

    /** The backend the ranker computes with. */
    public KernelOps ops() {
        return ops;
    }

    /** The CPU backend that answers when {@link #ops()} is a device and fails; {@link #ops()} itself otherwise. */
    public KernelOps fallbackOps() {
        return fallbackOps;
    }

    /** The device's health and the fault counters, as of now (see {@link RankerHealth}). */
    public RankerHealth health() {
        return new RankerHealth(ops.name(), fallbackOps.name(), deviceHealthy, deviceFaults.get(),
                cpuFallbackRequests.get(), lastFault);
    }

    /**
     * Re-enables the device after an operator has dealt with a fault: ranks a synthetic request of the
     * current model on the device and on the CPU fallback and, when the device answers without a failure and
     * its scores agree with the CPU's (within 1e-3 relative), marks it healthy again. A failed probe counts
     * as a device fault, becomes {@link RankerHealth#lastFault()} and leaves the device unhealthy. The
     * counters are never cleared. Safe to call while requests run.
     *
     * <p>Note that on a real GPU an error such as CUDA_ERROR_ILLEGAL_ADDRESS corrupts the CUDA context for
     * the rest of the process: the probe then fails again, and only restarting the process (after fixing the
     * device) brings the GPU back; the ranker keeps serving on the CPU meanwhile.
     *
     * @return whether the device is healthy now (true at once when it already was or is a CPU backend)
     */
    public boolean resetDeviceHealth() {
        if (fallbackOps == ops) {
            return true;
        }
        long faultsBefore;
        synchronized (healthLock) {
            if (deviceHealthy) {
                return true;
            }
            faultsBefore = deviceFaults.get();
        }
        Model m = current.get();
        String problem = probe(m);
        synchronized (healthLock) {
            if (problem == null && deviceFaults.get() == faultsBefore) {
                deviceHealthy = true;
                LOG.log(Level.INFO, "ranker: {0} backend passed the health probe (model v{1}); requests go to it again"
                        + " ({2} device faults so far)", ops.name(), m.version, deviceFaults.get());
                return true;
            }
            if (problem != null) {
                deviceFaults.incrementAndGet();
                lastFault = problem;
                LOG.log(Level.WARNING, "ranker: {0} backend failed the health probe; it stays unhealthy and requests"
                        + " stay on {1}: {2}", ops.name(), fallbackOps.name(), problem);
            }
            return false;
        }
    }

    /** Ranks a synthetic request on the device and the fallback; null when they agree, else what went wrong. */
    private String probe(Model m) {
        int n = Math.min(PROBE_CANDIDATES, options.maxCandidates());
        RankRequest q = probeRequest(n);
        Workspace onDevice = new Workspace(m.actor.spec(), layout, n);
        Workspace onCpu = new Workspace(m.actor.spec(), layout, n);
        fillState(q, m, n, onDevice);
        fillState(q, m, n, onCpu);
        try {
            compute(ops, m, q, n, onDevice, new RankResult());
        } catch (BackendFailureException e) {
            return "health probe (N = " + n + ", model v" + m.version + "): " + e.getMessage();
        }
        compute(fallbackOps, m, q, n, onCpu, new RankResult());
        for (int j = 0; j < n; j++) {
            float d = onDevice.scores[j];
            float c = onCpu.scores[j];
            if (!(Math.abs(d - c) <= 1e-3f * (1f + Math.abs(c)))) {
                return "health probe (N = " + n + ", model v" + m.version + "): candidate " + j + " scored " + d
                        + " on " + ops.name() + " but " + c + " on " + fallbackOps.name();
            }
        }
        return null;
    }

    /** A fixed request with values spread over the usual ranges (features in [-1, 1], scores in (0, 1)). */
    private RankRequest probeRequest(int n) {
        float[] user = wave(layout.userWidth(), 0.3);
        float[] context = wave(layout.contextWidth(), 1.1);
        float[] items = wave(n * layout.itemWidth(), 2.7);
        float[] mtl = wave(n * layout.tasks(), 0.7);
        for (int i = 0; i < mtl.length; i++) {
            mtl[i] = 0.5f + 0.45f * mtl[i];
        }
        long[] ids = new long[n];
        for (int j = 0; j < n; j++) {
            ids[j] = j;
        }
        return RankRequest.ofFlat(user, context, ids, items, mtl);
    }

    private static float[] wave(int len, double phase) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) Math.sin(phase + 0.37 * i);
        }
        return a;
    }

    /** The model serving new requests now. */
    public Model model() {
        return current.get();
    }

    /**
     * Loads a policy file and makes it the serving model; returns the previous one. On any failure the
     * serving model is unchanged.
     *
     * @throws IllegalArgumentException when the new policy's layout differs from {@link #layout()}
     */
    public Model swap(Path newModel) throws IOException {
        return swap(Model.load(newModel));
    }

    /**
     * Makes {@code model} the serving model; returns the previous one. Requests already running finish on the
     * previous model.
     *
     * @throws IllegalArgumentException when the model's layout differs from {@link #layout()}
     */
    public Model swap(Model model) {
        Objects.requireNonNull(model, "model: expected a Ranker.Model but was null");
        if (!model.layout().equals(layout)) {
            throw new IllegalArgumentException("model: expected layout " + layout + " (the layout this ranker serves)"
                    + " but model v" + model.version() + " (" + model.source() + ") has " + model.layout());
        }
        prepare(model);
        return current.getAndSet(model);
    }

    /** Ranks a request into a new result (allocates the result; see {@link #rank(RankRequest, RankResult)}). */
    public RankResult rank(RankRequest request) {
        return rank(request, new RankResult());
    }

    /**
     * Ranks a request into the caller-owned {@code reuse}, which is overwritten and returned. Allocation-free
     * once the thread's workspace exists and {@code reuse} has held a result at least this large.
     */
    public RankResult rank(RankRequest request, RankResult reuse) {
        if (request == null) {
            throw new NullPointerException("request: expected a RankRequest but was null");
        }
        if (reuse == null) {
            throw new NullPointerException("reuse: expected a RankResult (new RankResult()) but was null");
        }
        Model m = current.get(); // read once: this request finishes on m whatever swaps happen meanwhile
        int n = checkShape(request, m);
        if (deviceHealthy || fallbackOps == ops) {
            Workspace w = workspace(workspaces, m);
            fillState(request, m, n, w);
            try {
                return compute(ops, m, request, n, w, reuse);
            } catch (BackendFailureException e) {
                if (fallbackOps == ops) {
                    throw e; // a CPU backend has nothing to fall back to (and does not throw this)
                }
                deviceFailed(e, m, n);
            }
        }
        // The device failed on this request or is unhealthy: start again from the request on the CPU.
        Workspace fw = workspace(fallbackWorkspaces, m);
        fillState(request, m, n, fw);
        compute(fallbackOps, m, request, n, fw, reuse);
        cpuFallbackRequests.incrementAndGet();
        return reuse;
    }

    /** The ranking proper, on the state fillState put into w; writes reuse only once every op succeeded. */
    private RankResult compute(KernelOps k, Model m, RankRequest request, int n, Workspace w, RankResult reuse) {
        int tasks = layout.tasks();
        m.actor.forwardSplit(k, n, layout.prefixWidth(), w.prefix, 0, n, w.rows, 0, w.mlp, m.packedFor(k));
        checkActions(request, n, w);
        m.fusion.map(n, w.mlp.output(), 0, w.power, 0, w.bias, 0);
        k.fusionScore(n, tasks, w.mtl, 0, w.power, 0, w.bias, 0, w.scores, 0);
        int size = Math.min(options.listLength(), n);
        k.topK(n, w.scores, 0, request.ids, 0, size, w.order, 0);
        reuse.prepare(m.version, k.name(), size, n, tasks);
        for (int r = 0; r < size; r++) {
            int j = w.order[r];
            reuse.put(r, j, request.ids[j], w.scores[j], w.power, w.bias, j * tasks);
        }
        return reuse;
    }

    /** Counts the fault, marks the device unhealthy and logs one line; the caller answers on the fallback. */
    private void deviceFailed(BackendFailureException e, Model m, int n) {
        boolean wasHealthy;
        long faults;
        synchronized (healthLock) {
            faults = deviceFaults.incrementAndGet();
            wasHealthy = deviceHealthy;
            deviceHealthy = false;
            lastFault = e.getMessage();
        }
        LOG.log(Level.WARNING, "ranker: device fault #{0} on a request (model v{1}, N = {2}), answered on {3}{4}: {5}",
                faults, m.version, n, fallbackOps.name(), wasHealthy
                        ? "; the device is marked unhealthy, later requests go to " + fallbackOps.name()
                        + " until Ranker.resetDeviceHealth()" : "", e.getMessage());
    }

    private Workspace workspace(ThreadLocal<Workspace> perThread, Model m) {
        Workspace w = perThread.get();
        // A swap to another architecture changes the spec: resize this thread's buffers once.
        if (w == null || w.spec != m.actor.spec() && !w.spec.equals(m.actor.spec())) {
            w = new Workspace(m.actor.spec(), layout, options.maxCandidates());
            perThread.set(w);
        }
        return w;
    }

    /** Checks presence, aliasing, N and widths; returns N. Values are checked while copying (fillState). */
    private int checkShape(RankRequest q, Model m) {
        FeatureLayout l = layout;
        requireArray("request.user", q.user, l.userWidth(), "d_u", m);
        requireArray("request.context", q.context, l.contextWidth(), "d_c", m);
        if (q.ids == null) {
            throw new NullPointerException("request.ids: expected a long[N] of candidate ids but was null");
        }
        int n = q.ids.length;
        if (n == 0) {
            throw new IllegalArgumentException("request.ids: expected N >= 1 candidates but was N = 0 (empty ids)");
        }
        if (n > options.maxCandidates()) {
            throw new IllegalArgumentException("request.ids: expected N <= " + options.maxCandidates()
                    + " (RankerOptions.maxCandidates) but was N = " + n);
        }
        if (q.flat) {
            requireFlat("request.items", q.itemsFlat, n, l.itemWidth(), "d_i", m);
            requireFlat("request.mtl", q.mtlFlat, n, l.tasks(), "K", m);
            distinct("request.context", q.context, "request.user", q.user);
            distinct("request.items", q.itemsFlat, "request.user", q.user);
            distinct("request.items", q.itemsFlat, "request.context", q.context);
            distinct("request.mtl", q.mtlFlat, "request.user", q.user);
            distinct("request.mtl", q.mtlFlat, "request.context", q.context);
            distinct("request.mtl", q.mtlFlat, "request.items", q.itemsFlat);
        } else {
            requireRows("request.items", q.items, n, l.itemWidth(), "d_i", m);
            requireRows("request.mtl", q.mtl, n, l.tasks(), "K", m);
            distinct("request.context", q.context, "request.user", q.user);
            if (q.items == q.mtl) {
                throw new IllegalArgumentException("request.mtl: expected its own array but it is the same array as"
                        + " request.items");
            }
        }
        return n;
    }

    private static void requireArray(String name, float[] a, long expected, String what, Model m) {
        if (a == null) {
            throw new NullPointerException(name + ": expected a float[" + expected + "] (" + what + " of " + describe(m)
                    + ") but was null");
        }
        if (a.length != expected) {
            throw new IllegalArgumentException(name + ": expected length " + expected + " (" + what + " of "
                    + describe(m) + ") but was " + a.length);
        }
    }

    /** A flat [N][width] block; the message is built only on failure (the hot path must not allocate). */
    private static void requireFlat(String name, float[] a, int n, int width, String symbol, Model m) {
        if (a == null || a.length != (long) n * width) {
            requireArray(name, a, (long) n * width, "N*" + symbol + " = " + n + "*" + width, m);
        }
    }

    private static void requireRows(String name, float[][] a, int n, int width, String what, Model m) {
        if (a == null) {
            throw new NullPointerException(name + ": expected a float[N = " + n + "][" + width + "] but was null");
        }
        if (a.length != n) {
            throw new IllegalArgumentException(name + ": expected N = " + n + " rows (one per id) but was " + a.length);
        }
        for (int j = 0; j < n; j++) {
            float[] row = a[j];
            if (row == null) {
                throw new NullPointerException(name + "[" + j + "]: expected a float[" + width + "] but was null");
            }
            if (row.length != width) {
                throw new IllegalArgumentException(name + "[" + j + "]: expected length " + width + " (" + what + " of "
                        + describe(m) + ") but was " + row.length);
            }
        }
    }

    private static void distinct(String name, float[] a, String otherName, float[] other) {
        if (a == other && a.length > 0) {
            throw new IllegalArgumentException(name + ": expected its own array but it is the same array as " + otherName);
        }
    }

    private static String describe(Model m) {
        return "model v" + m.version + " " + m.layout;
    }

    /** Copies the request into the workspace's state buffers, checking every value on the way. */
    private void fillState(RankRequest q, Model m, int n, Workspace w) {
        int du = layout.userWidth();
        int dc = layout.contextWidth();
        int di = layout.itemWidth();
        int k = layout.tasks();
        int rw = layout.rowWidth();
        finite("request.user", q.user, 0, du, -1);
        finite("request.context", q.context, 0, dc, -1);
        System.arraycopy(q.user, 0, w.prefix, 0, du);
        System.arraycopy(q.context, 0, w.prefix, du, dc);
        for (int j = 0; j < n; j++) {
            float[] item;
            int itemOff;
            float[] p;
            int pOff;
            if (q.flat) {
                item = q.itemsFlat;
                itemOff = j * di;
                p = q.mtlFlat;
                pOff = j * k;
            } else {
                item = q.items[j];
                itemOff = 0;
                p = q.mtl[j];
                pOff = 0;
            }
            finite("request.items", item, itemOff, di, j);
            probabilities(p, pOff, k, j);
            System.arraycopy(item, itemOff, w.rows, j * rw, di);
            System.arraycopy(p, pOff, w.rows, j * rw + di, k);
            System.arraycopy(p, pOff, w.mtl, j * k, k);
        }
    }

    private static void finite(String name, float[] a, int off, int len, int row) {
        for (int c = 0; c < len; c++) {
            float v = a[off + c];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(name + (row >= 0 ? "[" + row + "]" : "") + "[" + c
                        + "]: expected a finite value but was " + v);
            }
        }
    }

    private static void probabilities(float[] a, int off, int k, int row) {
        for (int t = 0; t < k; t++) {
            float v = a[off + t];
            // (0,1) open: ln(p + bias) needs p > -bias, and a score of exactly 0 or 1 is a calibration bug upstream
            if (!(v > 0f && v < 1f)) {
                throw new IllegalArgumentException("request.mtl[" + row + "][" + t + "]: expected an MTL score in (0, 1)"
                        + " but was " + v);
            }
        }
    }

    /**
     * An immutable policy ready to serve: a private copy of the actor's parameters (never written after
     * construction, so requests can read it while another model is swapped in), its {@link FeatureLayout} and
     * {@link FusionSpace}, a version number unique in this JVM (increasing in creation order) and a source
     * label for messages and logs.
     */
    public static final class Model {

        private static final AtomicLong VERSIONS = new AtomicLong();

        private final Mlp actor;
        private final FeatureLayout layout;
        private final FusionSpace fusion;
        private final long version;
        private final String source;
        /** The actor's per-candidate weights packed by each backend that served this model (see packedFor). */
        private final ConcurrentHashMap<KernelOps, float[][]> packs = new ConcurrentHashMap<>();

        private Model(Mlp actor, FeatureLayout layout, FusionSpace fusion, String source) {
            PolicyFile.checkConsistent(actor, layout, fusion);
            Mlp own = new Mlp(actor.spec());
            own.copyFrom(actor);
            float[] p = own.params();
            for (int i = 0; i < p.length; i++) {
                if (!Float.isFinite(p[i])) {
                    throw new IllegalArgumentException("actor.params[" + i + "]: expected a finite value but was " + p[i]);
                }
            }
            this.actor = own;
            this.layout = layout;
            this.fusion = fusion;
            this.source = source;
            this.version = VERSIONS.incrementAndGet();
        }

        /** A model from an in-memory actor (its parameters are copied). */
        public static Model of(Mlp actor, FeatureLayout layout, FusionSpace fusion, String source) {
            Objects.requireNonNull(actor, "actor: expected an Mlp but was null");
            Objects.requireNonNull(layout, "layout: expected a FeatureLayout but was null");
            Objects.requireNonNull(fusion, "fusion: expected a FusionSpace but was null");
            return new Model(actor, layout, fusion, source == null ? "memory" : source);
        }

        /** A model from a loaded policy (its parameters are copied). */
        public static Model of(PolicyFile.Policy policy, String source) {
            Objects.requireNonNull(policy, "policy: expected a PolicyFile.Policy but was null");
            return of(policy.actor(), policy.layout(), policy.fusion(), source);
        }

        /** Reads a policy file (see {@link PolicyFile#load}); the source label is the path. */
        public static Model load(Path file) throws IOException {
            Objects.requireNonNull(file, "modelFile: expected a Path but was null");
            return of(PolicyFile.load(file), file.toString());
        }

        public FeatureLayout layout() {
            return layout;
        }

        public FusionSpace fusion() {
            return fusion;
        }

        public MlpSpec spec() {
            return actor.spec();
        }

        /** Unique in this JVM; reported by every {@link RankResult} this model served. */
        public long version() {
            return version;
        }

        /** Where the model came from (a path, or the label given to {@link #of}). */
        public String source() {
            return source;
        }

        /**
         * The actor's per-candidate weights in the backend's preferred layout ({@link Mlp#packForSplit}), or null
         * when it has none; built on first use per backend (the ranker does it when the model is installed) and
         * then shared read-only by every thread, which the model's never-changing weights make safe. Costs one
         * more copy of the weights per backend.
         */
        float[][] packedFor(KernelOps backend) {
            float[][] p = packs.get(backend);
            if (p == null) {
                p = packs.computeIfAbsent(backend, b -> {
                    float[][] q = actor.packForSplit(b, layout.prefixWidth());
                    return q == null ? NO_PACK : q;
                });
            }
            return p == NO_PACK ? null : p;
        }

        /** Stands for "this backend packs nothing" in the map, which cannot hold null. */
        private static final float[][] NO_PACK = new float[0][];

        /** A copy of the actor (e.g. to export it); the model's own parameters stay private. */
        public Mlp actorCopy() {
            Mlp copy = new Mlp(actor.spec());
            copy.copyFrom(actor);
            return copy;
        }

        @Override
        public String toString() {
            return "Model v" + version + " (" + source + ", actor " + actor.spec() + ", " + layout + ")";
        }
    }

    /** One thread's buffers, sized for maxCandidates rows of one actor architecture. */
    private static final class Workspace {
        final MlpSpec spec;
        final MlpWorkspace mlp;
        final float[] prefix;
        final float[] rows;
        final float[] mtl;
        final float[] power;
        final float[] bias;
        final float[] scores;
        final int[] order;

        Workspace(MlpSpec spec, FeatureLayout l, int maxN) {
            this.spec = spec;
            this.mlp = new MlpWorkspace(spec, maxN);
            this.prefix = new float[l.prefixWidth()];
            this.rows = new float[Math.multiplyExact(maxN, l.rowWidth())];
            this.mtl = new float[Math.multiplyExact(maxN, l.tasks())];
            this.power = new float[Math.multiplyExact(maxN, l.tasks())];
            this.bias = new float[Math.multiplyExact(maxN, l.tasks())];
            this.scores = new float[maxN];
            this.order = new int[maxN];
        }
    }

    /**
     * Finite features can still overflow float arithmetic in the actor (values near Float.MAX_VALUE: an
     * infinite pre-activation, then inf - inf = NaN), and a NaN action would rank the request by garbage.
     * Found by fuzzing (RankerFuzzTargetTest); the scan costs N*2K comparisons, nothing next to the forward pass.
     */
    private void checkActions(RankRequest q, int n, Workspace w) {
        float[] actions = w.mlp.output();
        int width = layout.actionWidth();
        for (int i = 0; i < n * width; i++) {
            if (!Float.isFinite(actions[i])) {
                int j = i / width;
                throw new IllegalArgumentException("request.items[" + j + "] (id " + q.ids[j] + "): expected features"
                        + " the policy can evaluate, but its output for this candidate is " + actions[i]
                        + ": float overflow in the actor (largest |value| of the candidate's state: "
                        + largestMagnitude(w, j) + "); scale the features");
            }
        }
    }

    private float largestMagnitude(Workspace w, int j) {
        float max = 0f;
        for (float v : w.prefix) {
            max = Math.max(max, Math.abs(v));
        }
        int rw = layout.rowWidth();
        for (int c = 0; c < rw; c++) {
            max = Math.max(max, Math.abs(w.rows[j * rw + c]));
        }
        return max;
    }
}
