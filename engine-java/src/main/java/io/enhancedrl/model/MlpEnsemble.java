package io.enhancedrl.model;

import io.enhancedrl.kernels.KernelOps;

import java.util.SplittableRandom;

/**
 * M same-shaped MLPs (the critics) that read the same input rows, evaluated and trained together.
 *
 * <p>Parameters are one slab [M][P], member-major, so each member is a plain {@link MlpSpec} slab at offset
 * m * P (model files save members that way). Because every member reads the same input, the first layer
 * of all members is one matrix product: the members' W1 are packed side by side into [in][M*h1] for each
 * forward (a copy of in*M*h1 floats, small next to the n*in*M*h1 multiply-adds), so the widest layer runs
 * as one large, well-blocked kernel call instead of M thin ones, and its backward yields d/dx summed over
 * members in the same single call. Deeper layers are per member.
 *
 * <p>Thread safety as for {@link Mlp}: concurrent forwards with separate workspaces are fine while nobody
 * writes the parameters.
 */
public final class MlpEnsemble {

    private final MlpSpec spec;
    private final int members;
    private final int p;
    private final float[] params;

    public MlpEnsemble(MlpSpec spec, int members) {
        if (members < 1) {
            throw new IllegalArgumentException("members: expected >= 1 but was " + members);
        }
        this.spec = spec;
        this.members = members;
        this.p = spec.parameterCount();
        this.params = new float[members * p];
    }

    public MlpSpec spec() {
        return spec;
    }

    public int members() {
        return members;
    }

    public float[] params() {
        return params;
    }

    /** Member m is initialised like {@link Mlp#initialize} with a seed derived from (seed, m). */
    public void initialize(long seed) {
        for (int m = 0; m < members; m++) {
            Mlp.initialize(spec, params, m * p, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + m));
        }
    }

    public void copyFrom(MlpEnsemble o) {
        requireSame(o);
        System.arraycopy(o.params, 0, params, 0, params.length);
    }

    public void polyakUpdate(MlpEnsemble online, float tau) {
        requireSame(online);
        Mlp.polyak(params, online.params, params.length, tau);
    }

    private void requireSame(MlpEnsemble o) {
        if (!spec.equals(o.spec) || members != o.members) {
            throw new IllegalArgumentException("ensemble: expected " + members + " x " + spec + " but was "
                    + o.members + " x " + o.spec);
        }
    }

    private void checkWorkspace(int n, EnsembleWorkspace ws) {
        if (!ws.spec().equals(spec) || ws.members() != members) {
            throw new IllegalArgumentException("workspace: expected one made for " + members + " x " + spec
                    + " but it was made for " + ws.members() + " x " + ws.spec());
        }
        if (n < 0 || n > ws.maxRows()) {
            throw new IllegalArgumentException("n: expected 0.." + ws.maxRows() + " (workspace rows) but was " + n);
        }
    }

    /** Forward of every member over the same n rows of x [n][in]; outputs [M][n][out] in ws.output(). */
    public void forward(KernelOps ops, int n, float[] x, int xOff, EnsembleWorkspace ws) {
        checkWorkspace(n, ws);
        Mlp.checkArray("x", x, xOff, (long) n * spec.inputWidth());
        int in = spec.inputWidth();
        int h1 = spec.layerOutput(0);
        int wide = members * h1;
        int w1 = spec.weightOffset(0);
        int b1 = spec.biasOffset(0);
        for (int m = 0; m < members; m++) {
            int base = m * p;
            for (int k = 0; k < in; k++) {
                System.arraycopy(params, base + w1 + k * h1, ws.packedW1, k * wide + m * h1, h1);
            }
            System.arraycopy(params, base + b1, ws.packedB1, m * h1, h1);
        }
        ops.linearForward(n, in, wide, x, xOff, ws.packedW1, 0, ws.packedB1, 0, Math.max(1, n),
                spec.layerActivation(0), ws.packedOut1, 0);
        int out = spec.outputWidth();
        for (int m = 0; m < members; m++) {
            float[][] outs = ws.outputs[m];
            for (int i = 0; i < n; i++) {
                System.arraycopy(ws.packedOut1, i * wide + m * h1, outs[0], i * h1, h1);
            }
            for (int l = 1; l < spec.layerCount(); l++) {
                ops.linearForward(n, spec.layerInput(l), spec.layerOutput(l), outs[l - 1], 0, params,
                        m * p + spec.weightOffset(l), params, m * p + spec.biasOffset(l), Math.max(1, n),
                        spec.layerActivation(l), outs[l], 0);
            }
            System.arraycopy(outs[spec.layerCount() - 1], 0, ws.output, m * n * out, n * out);
        }
    }

    /**
     * Backward after {@link #forward} on the same x and ws. dOut [M][n][out] (scratch afterwards); grads
     * [M*P] overwritten unless accumulate; dx [n][in] (nullable) receives the sum over members of d/dx.
     */
    public void backward(KernelOps ops, int n, float[] x, int xOff, EnsembleWorkspace ws, float[] dOut,
                         float[] grads, boolean accumulate, float[] dx, int dxOff) {
        checkWorkspace(n, ws);
        int in = spec.inputWidth();
        int out = spec.outputWidth();
        Mlp.checkArray("x", x, xOff, (long) n * in);
        Mlp.checkArray("dOut", dOut, 0, (long) members * n * out);
        Mlp.checkArray("grads", grads, 0, params.length);
        if (dx != null) {
            Mlp.checkArray("dx", dx, dxOff, (long) n * in);
        }
        int h1 = spec.layerOutput(0);
        int wide = members * h1;
        for (int m = 0; m < members; m++) {
            float[] dLayer1;
            int dLayer1Off;
            if (spec.layerCount() > 1) {
                Mlp.backwardInto(ops, spec, params, m * p, n, x, xOff, ws.outputs[m], dOut, m * n * out, grads, m * p,
                        accumulate, ws.dxScratch, 0, ws.gradA, ws.gradB, 1);
                dLayer1 = ws.dxScratch;
                dLayer1Off = 0;
            } else {
                dLayer1 = dOut;
                dLayer1Off = m * n * out;
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(dLayer1, dLayer1Off + i * h1, ws.packedGrad1, i * wide + m * h1, h1);
            }
        }
        ops.linearBackward(n, in, wide, x, xOff, ws.packedW1, 0, ws.packedOut1, 0, ws.packedGrad1, 0,
                spec.layerActivation(0), dx, dxOff, ws.packedDw1, 0, ws.packedDb1, 0, false);
        int w1 = spec.weightOffset(0);
        int b1 = spec.biasOffset(0);
        for (int m = 0; m < members; m++) {
            int base = m * p;
            for (int k = 0; k < in; k++) {
                int src = k * wide + m * h1;
                int dst = base + w1 + k * h1;
                for (int o = 0; o < h1; o++) {
                    grads[dst + o] = accumulate ? grads[dst + o] + ws.packedDw1[src + o] : ws.packedDw1[src + o];
                }
            }
            for (int o = 0; o < h1; o++) {
                grads[base + b1 + o] = accumulate ? grads[base + b1 + o] + ws.packedDb1[m * h1 + o]
                        : ws.packedDb1[m * h1 + o];
            }
        }
    }
}
