package io.enhancedrl.bindings.cuda;

import io.enhancedrl.bindings.cuda.KernelArgs.Kind;

import java.util.List;

import static io.enhancedrl.bindings.cuda.KernelArgs.Kind.F32;
import static io.enhancedrl.bindings.cuda.KernelArgs.Kind.I32;
import static io.enhancedrl.bindings.cuda.KernelArgs.Kind.I64;
import static io.enhancedrl.bindings.cuda.KernelArgs.Kind.PTR;

/**
 * The kernels of native-kernels/src/main/cuda/erl_kernels.h that {@link CudaKernelOps} launches: their
 * names, parameter kinds (checked before every launch, and checked against the header by a test) and the
 * launch configurations the header prescribes (the kernels index with these fixed block sizes).
 */
public enum ErlKernels {

    LINEAR_FORWARD("erl_linear_forward_f32",
            I32, I32, I32, I32, PTR, I64, PTR, I64, PTR, I64, I32, I32, PTR, I64),
    LINEAR_BACKWARD_DX("erl_linear_backward_dx_f32",
            I32, I32, I32, I32, PTR, I64, PTR, I64, PTR, I64),
    LINEAR_BACKWARD_DW("erl_linear_backward_dw_f32",
            I32, I32, I32, I32, I32, PTR, I64, PTR, I64, PTR, I64, I32, PTR),
    BIAS_BACKWARD("erl_bias_backward_f32",
            I32, I32, I32, PTR, I64, PTR, I64, I32),
    ACT_BACKWARD("erl_act_backward_f32",
            I64, PTR, PTR, I32),
    ADAM("erl_adam_f32",
            I64, PTR, PTR, PTR, PTR, F32, F32, F32, F32, I32),
    FUSION_SCORE("erl_fusion_score_f32",
            I32, I32, PTR, PTR, PTR, PTR),
    TOPK("erl_topk_f32",
            I32, PTR, PTR, PTR, I32, PTR);

    /** ERL_GEMM_TILE: a 64 x 64 output tile per block. */
    public static final int GEMM_TILE = 64;
    /** ERL_GEMM_THREADS. */
    public static final int GEMM_THREADS = 256;
    /** ERL_EW_THREADS. */
    public static final int EW_THREADS = 256;
    /** ERL_BIAS_BWD_COLS x ERL_BIAS_BWD_ROWS: the block of erl_bias_backward_f32. */
    public static final int BIAS_BWD_COLS = 32;
    public static final int BIAS_BWD_ROWS = 8;
    /** ERL_TOPK_THREADS. */
    public static final int TOPK_THREADS = 256;

    public final String symbol;
    private final List<Kind> parameters;

    ErlKernels(String symbol, Kind... parameters) {
        this.symbol = symbol;
        this.parameters = List.of(parameters);
    }

    /** The parameter kinds in declaration order. */
    public List<Kind> parameters() {
        return parameters;
    }

    /** Throws when {@code args} do not match this kernel's parameter list (count and kinds). */
    public void checkArgs(KernelArgs args) {
        boolean same = args.size() == parameters.size();
        for (int i = 0; same && i < parameters.size(); i++) {
            same = args.kind(i) == parameters.get(i);
        }
        if (!same) {
            throw new IllegalArgumentException(symbol + ": expected parameters " + parameters + " but the launch built "
                    + args.kinds() + " " + args);
        }
        if (!args.isConfigured()) {
            throw new IllegalArgumentException(symbol + ": the launch has no grid and block (KernelArgs.launch)");
        }
    }

    static int ceilDiv(long a, int b) {
        long q = (a + b - 1) / b;
        if (q > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("grid dimension " + q + " exceeds " + Integer.MAX_VALUE);
        }
        return (int) q;
    }

    /** erl_linear_forward_f32: grid (ceil(out/64), ceil(n/64), members), block 256. */
    public static KernelArgs linearForward(KernelArgs a, int members, int n, int out) {
        return a.launch(ceilDiv(out, GEMM_TILE), ceilDiv(n, GEMM_TILE), members, GEMM_THREADS, 1, 1, 0);
    }

    /** erl_linear_backward_dx_f32: grid (ceil(in/64), ceil(n/64), members), block 256. */
    public static KernelArgs linearBackwardDx(KernelArgs a, int members, int n, int in) {
        return a.launch(ceilDiv(in, GEMM_TILE), ceilDiv(n, GEMM_TILE), members, GEMM_THREADS, 1, 1, 0);
    }

    /** erl_linear_backward_dw_f32: grid (ceil(out/64), ceil(in/64), members * splits), block 256. */
    public static KernelArgs linearBackwardDw(KernelArgs a, int members, int splits, int in, int out) {
        return a.launch(ceilDiv(out, GEMM_TILE), ceilDiv(in, GEMM_TILE), members * splits, GEMM_THREADS, 1, 1, 0);
    }

    /** erl_bias_backward_f32: grid (ceil(out/32), members), block (32, 8). */
    public static KernelArgs biasBackward(KernelArgs a, int members, int out) {
        return a.launch(ceilDiv(out, BIAS_BWD_COLS), members, 1, BIAS_BWD_COLS, BIAS_BWD_ROWS, 1, 0);
    }

    /** The element-wise kernels (act backward, Adam, fusion score): grid ceil(count/256), block 256. */
    public static KernelArgs elementwise(KernelArgs a, long count) {
        return a.launch(ceilDiv(count, EW_THREADS), 1, 1, EW_THREADS, 1, 1, 0);
    }

    /** erl_topk_f32: one block of 256 per request. */
    public static KernelArgs topK(KernelArgs a, int requests) {
        return a.launch(requests, 1, 1, TOPK_THREADS, 1, 1, 0);
    }

    // The same rules as values, for tests and documentation (these allocate).

    public static LaunchConfig linearForward(int members, int n, int out) {
        return linearForward(new KernelArgs(), members, n, out).config();
    }

    public static LaunchConfig linearBackwardDx(int members, int n, int in) {
        return linearBackwardDx(new KernelArgs(), members, n, in).config();
    }

    public static LaunchConfig linearBackwardDw(int members, int splits, int in, int out) {
        return linearBackwardDw(new KernelArgs(), members, splits, in, out).config();
    }

    public static LaunchConfig biasBackward(int members, int out) {
        return biasBackward(new KernelArgs(), members, out).config();
    }

    public static LaunchConfig elementwise(long count) {
        return elementwise(new KernelArgs(), count).config();
    }

    public static LaunchConfig topK(int requests) {
        return topK(new KernelArgs(), requests).config();
    }
}
