package io.enhancedrl.model;

import io.enhancedrl.kernels.KernelOps;

/**
 * M MLPs of the same spec (the critic ensemble), evaluated and trained together on the same input rows.
 *
 * <h2>Layout: per-member slab plus a packed first layer in the workspace</h2>
 * The parameter slab is [M][P] with P = {@link MlpSpec#parameterCount()}: member m occupies
 * {@code [m*P, (m+1)*P)} in exactly the layout of a single {@link Mlp}. So a member is a view by offset
 * ({@link #memberOffset(int)}), model files save members like single MLPs, and one {@link Adam} covers the
 * whole ensemble.
 *
 * <p>Because every member sees the same input, the first layers of all members form one wide layer
 * {@code x [n][in] . W1all [in][M*h1]}. {@link #forward} evaluates it as a single
 * {@link KernelOps#linearForward} call (one large GEMM instead of M small ones), and {@link #backward}
 * computes its weight gradients and the member-summed dL/dx with a single {@link KernelOps#linearBackward}.
 * The packed {@code W1all} and {@code b1all} live in the {@link EnsembleWorkspace} and are re-gathered from
 * the slab at the start of every forward. The alternative, storing W1 of all members interleaved in the slab
 * itself, would break the "member m is a contiguous single-MLP slab" property; keeping a packed copy in the
 * model would need invalidation on every write through {@link #params()}, which cannot be detected. The
 * re-gather copies in*M*h1 floats, 1/n of the packed layer's in*M*h1*n multiply-adds, i.e. negligible for
 * training batches, and it makes a stale copy impossible. The per-member layer outputs are un-interleaved
 * from [n][M*h1] into [M][n][h1] (n*M*h1 floats, 1/in of the layer's work) so that deeper layers, which
 * differ per member, run as one linearForward per member per layer on contiguous inputs.
 *
 * <p>Forward and backward allocate nothing. Concurrent forwards with distinct workspaces are safe while no one
 * writes the parameters.
 */
public final class MlpEnsemble {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final MlpSpec spec;
    private final int members;
    private final int memberSize;
    private final float[] params;

    /** An ensemble with all parameters zero. */
    public MlpEnsemble(MlpSpec spec, int members) {
        if (spec == null) {
            throw new NullPointerException("spec: expected an MlpSpec but was null");
        }
        if (members < 1) {
            throw new IllegalArgumentException("members: expected >= 1 but was " + members);
        }
        long total = (long) members * spec.parameterCount();
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("members: " + members + " x " + spec.parameterCount()
                    + " parameters exceed the largest Java array");
        }
        this.spec = spec;
        this.members = members;
        this.memberSize = spec.parameterCount();
        this.params = new float[(int) total];
    }

    public int members() {
        return members;
    }

    public MlpSpec spec() {
        return spec;
    }

    /** The slab [M][P] itself (not a copy). */
    public float[] params() {
        return params;
    }

    /** Offset of member m's parameters (and gradients, and Adam moments) in the slab: m * parameterCount. */
    public int memberOffset(int member) {
        checkMember(member);
        return member * memberSize;
    }

    /**
     * The seed member m is initialised with: the (m+1)-th output of SplitMix64 seeded with {@code seed}, so
     * members get unrelated streams and {@code new Mlp(spec).initialize(memberSeed(seed, m))} reproduces member m.
     */
    public static long memberSeed(long seed, int member) {
        return SplitMix64.mix(seed + (member + 1L) * GOLDEN_GAMMA);
    }

    /** Initialises member m exactly as {@link Mlp#initialize} with {@link #memberSeed(long, int)}. */
    public void initialize(long seed) {
        for (int m = 0; m < members; m++) {
            Initializers.initialize(spec, memberSeed(seed, m), params, m * memberSize);
        }
    }

    public void copyFrom(MlpEnsemble o) {
        checkSameShape("o", o);
        System.arraycopy(o.params, 0, params, 0, params.length);
    }

    /** {@code this = tau * online + (1 - tau) * this}, element-wise over all members; tau in [0, 1]. */
    public void polyakUpdate(MlpEnsemble online, float tau) {
        checkSameShape("online", online);
        Checks.tau(tau);
        Mlp.polyak(online.params, params, params.length, tau);
    }

    /** Copies member m's parameters into {@code dst} (same spec), e.g. to save or inspect one member. */
    public void copyMemberTo(int member, Mlp dst) {
        checkMember(member);
        checkMlp("dst", dst);
        System.arraycopy(params, member * memberSize, dst.params(), 0, memberSize);
    }

    /** Overwrites member m's parameters with those of {@code src} (same spec), e.g. to load one member. */
    public void copyMemberFrom(int member, Mlp src) {
        checkMember(member);
        checkMlp("src", src);
        System.arraycopy(src.params(), 0, params, member * memberSize, memberSize);
    }

    /**
     * Forward pass of every member over the same n rows {@code x} ([n][inputWidth] at xOff). Outputs are in
     * {@link EnsembleWorkspace#output()}, [M][n][outputWidth]; every layer's outputs stay in {@code ws} for
     * {@link #backward}.
     */
    public void forward(KernelOps ops, int n, float[] x, int xOff, EnsembleWorkspace ws) {
        checkCommon(ops, n, ws);
        Checks.block("x", x, xOff, (long) n * spec.inputWidth());
        int in = spec.inputWidth();
        int h1 = spec.layerOutput(0);
        int packed = members * h1;
        int w1 = spec.weightOffset(0);
        int b1 = spec.biasOffset(0);
        // Gather W1 of every member into [in][M*h1] (row k: member 0's W1[k][*], member 1's, ...) and b1 alike.
        for (int m = 0; m < members; m++) {
            int base = m * memberSize;
            for (int k = 0; k < in; k++) {
                System.arraycopy(params, base + w1 + k * h1, ws.packedW1, k * packed + m * h1, h1);
            }
            System.arraycopy(params, base + b1, ws.packedB1, m * h1, h1);
        }
        int rowsPerBias = Math.max(1, n);
        ops.linearForward(n, in, packed, x, xOff, ws.packedW1, 0, ws.packedB1, 0, rowsPerBias,
                spec.layerActivation(0), ws.packedOut1, 0);
        // Un-interleave [n][M*h1] into [M][n][h1].
        float[] out0 = ws.layerOutput(0);
        for (int m = 0; m < members; m++) {
            int dst = m * n * h1;
            for (int i = 0; i < n; i++) {
                System.arraycopy(ws.packedOut1, i * packed + m * h1, out0, dst + i * h1, h1);
            }
        }
        for (int m = 0; m < members; m++) {
            int base = m * memberSize;
            for (int l = 1; l < spec.layerCount(); l++) {
                int li = spec.layerInput(l);
                int lo = spec.layerOutput(l);
                ops.linearForward(n, li, lo, ws.layerOutput(l - 1), m * n * li,
                        params, base + spec.weightOffset(l), params, base + spec.biasOffset(l), rowsPerBias,
                        spec.layerActivation(l), ws.layerOutput(l), m * n * lo);
            }
        }
    }

    /**
     * Backward pass after {@link #forward} on the same {@code x} and {@code ws} (parameters unchanged in between:
     * the first layer's backward uses the packed weights that forward gathered).
     *
     * @param dOut dL/d(output) of every member, [M][n][outputWidth] at offset 0 (overwritten: scratch)
     * @param grads receives dL/d(params), [M][P] like {@link #params()}
     * @param accumulate true adds to {@code grads}, false overwrites them
     * @param dx receives the sum over members of dL/dx, [n][inputWidth] at dxOff (overwritten), or null
     */
    public void backward(KernelOps ops, int n, float[] x, int xOff, EnsembleWorkspace ws, float[] dOut,
                         float[] grads, boolean accumulate, float[] dx, int dxOff) {
        checkCommon(ops, n, ws);
        Checks.block("x", x, xOff, (long) n * spec.inputWidth());
        Checks.block("dOut", dOut, 0, (long) members * n * spec.outputWidth());
        Checks.exactLength("grads", grads, params.length);
        if (dx != null) {
            Checks.block("dx", dx, dxOff, (long) n * spec.inputWidth());
        }
        int in = spec.inputWidth();
        int h1 = spec.layerOutput(0);
        int packed = members * h1;
        int layers = spec.layerCount();
        for (int m = 0; m < members; m++) {
            int base = m * memberSize;
            float[] dy = dOut;
            int dyOff = m * n * spec.outputWidth();
            for (int l = layers - 1; l >= 1; l--) {
                int li = spec.layerInput(l);
                int lo = spec.layerOutput(l);
                float[] dIn = dy == ws.gradA ? ws.gradB : ws.gradA;
                ops.linearBackward(n, li, lo, ws.layerOutput(l - 1), m * n * li,
                        params, base + spec.weightOffset(l), ws.layerOutput(l), m * n * lo, dy, dyOff,
                        spec.layerActivation(l), dIn, 0,
                        grads, base + spec.weightOffset(l), grads, base + spec.biasOffset(l), accumulate);
                dy = dIn;
                dyOff = 0;
            }
            // dy is now dL/d(layer 0 output) of member m, [n][h1]: interleave it into [n][M*h1].
            for (int i = 0; i < n; i++) {
                System.arraycopy(dy, dyOff + i * h1, ws.packedDy1, i * packed + m * h1, h1);
            }
        }
        // One backward over the packed first layer: its dx is already the sum over members.
        ops.linearBackward(n, in, packed, x, xOff, ws.packedW1, 0, ws.packedOut1, 0, ws.packedDy1, 0,
                spec.layerActivation(0), dx, dxOff, ws.packedDw1, 0, ws.packedDb1, 0, false);
        int w1 = spec.weightOffset(0);
        int b1 = spec.biasOffset(0);
        for (int m = 0; m < members; m++) {
            int base = m * memberSize;
            for (int k = 0; k < in; k++) {
                scatter(ws.packedDw1, k * packed + m * h1, grads, base + w1 + k * h1, h1, accumulate);
            }
            scatter(ws.packedDb1, m * h1, grads, base + b1, h1, accumulate);
        }
    }

    private static void scatter(float[] src, int srcOff, float[] dst, int dstOff, int len, boolean accumulate) {
        if (accumulate) {
            for (int i = 0; i < len; i++) {
                dst[dstOff + i] += src[srcOff + i];
            }
        } else {
            System.arraycopy(src, srcOff, dst, dstOff, len);
        }
    }

    private void checkCommon(KernelOps ops, int n, EnsembleWorkspace ws) {
        if (ops == null) {
            throw new NullPointerException("ops: expected a KernelOps but was null");
        }
        if (ws == null) {
            throw new NullPointerException("ws: expected an EnsembleWorkspace but was null");
        }
        Checks.sameSpec("ws", spec, ws.spec());
        if (ws.members() != members) {
            throw new IllegalArgumentException("ws: expected a workspace for " + members + " members but was for "
                    + ws.members());
        }
        Checks.rows(n, ws.maxRows());
    }

    private void checkSameShape(String name, MlpEnsemble o) {
        if (o == null) {
            throw new NullPointerException(name + ": expected an MlpEnsemble but was null");
        }
        Checks.sameSpec(name, spec, o.spec);
        if (o.members != members) {
            throw new IllegalArgumentException(name + ": expected " + members + " members but was " + o.members);
        }
    }

    private void checkMlp(String name, Mlp mlp) {
        if (mlp == null) {
            throw new NullPointerException(name + ": expected an Mlp but was null");
        }
        Checks.sameSpec(name, spec, mlp.spec());
    }

    private void checkMember(int member) {
        if (member < 0 || member >= members) {
            throw new IndexOutOfBoundsException("member: expected 0.." + (members - 1) + " but was " + member);
        }
    }

    @Override
    public String toString() {
        return "MlpEnsemble[" + members + " x " + spec + ", " + params.length + " params]";
    }
}
