package io.enhancedrl.api;

import io.enhancedrl.kernels.KernelOps;
import io.enhancedrl.model.Mlp;
import io.enhancedrl.model.MlpSpec;
import io.enhancedrl.model.MlpWorkspace;
import io.enhancedrl.model.fusion.FusionSpace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
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
 */
public final class Ranker {

    private final RankerOptions options;
    private final KernelOps ops;
    private final FeatureLayout layout;
    private final AtomicReference<Model> current;
    private final ThreadLocal<Workspace> workspaces = new ThreadLocal<>();

    private Ranker(Model model, RankerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.ops = options.resolvedOps();
        this.layout = model.layout();
        this.current = new AtomicReference<>(model);
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
        Workspace w = workspace(m);
        fillState(request, m, n, w);
        int k = layout.tasks();
        m.actor.forwardSplit(ops, n, layout.prefixWidth(), w.prefix, 0, n, w.rows, 0, w.mlp);
        checkActions(request, n, w);
        m.fusion.map(n, w.mlp.output(), 0, w.power, 0, w.bias, 0);
        ops.fusionScore(n, k, w.mtl, 0, w.power, 0, w.bias, 0, w.scores, 0);
        int size = Math.min(options.listLength(), n);
        ops.topK(n, w.scores, 0, request.ids, 0, size, w.order, 0);
        reuse.prepare(m.version, size, n, k);
        for (int r = 0; r < size; r++) {
            int j = w.order[r];
            reuse.put(r, j, request.ids[j], w.scores[j], w.power, w.bias, j * k);
        }
        return reuse;
    }

    private Workspace workspace(Model m) {
        Workspace w = workspaces.get();
        // A swap to another architecture changes the spec: resize this thread's buffers once.
        if (w == null || w.spec != m.actor.spec() && !w.spec.equals(m.actor.spec())) {
            w = new Workspace(m.actor.spec(), layout, options.maxCandidates());
            workspaces.set(w);
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
}
