package io.enhancedrl.kernels;

/**
 * Every numeric kernel the engine uses, declared once. {@link io.enhancedrl.kernels.cpu.ScalarKernelOps}
 * is the readable definition; the Vector API and CUDA backends implement exactly the same meaning and are
 * checked against it by parity tests.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>All matrices are row-major {@code float[]} with an offset; a matrix "[r][c]" occupies r*c
 *       consecutive floats starting at its offset.</li>
 *   <li>Weights of a linear layer are stored as W[in][out] (the output index is contiguous), so that
 *       y[i][o] = sum_k x[i][k] * W[k][o]. This is the layout the register-blocked CPU kernel wants and
 *       the layout of the model files.</li>
 *   <li>Kernels trust their arguments: shapes and offsets are checked by the callers (the model and the
 *       facades), as in Lucene's VectorUtil. Implementations must not allocate.</li>
 *   <li>Implementations are stateless and safe to share between threads; the arrays are the caller's.</li>
 * </ul>
 */
public interface KernelOps {

    /** A short name for logs and benchmark tables ("scalar", "vector", "cuda"). */
    String name();

    /**
     * Whether this backend runs on a device that can fail at run time: then any op may throw a
     * {@link BackendFailureException} (and leave its output arrays partly written). The CPU backends never
     * do and return false. Callers use it to pay for fault handling only where faults can happen: the
     * {@link io.enhancedrl.api.Ranker} keeps a CPU fallback, the learner snapshots its state before a step.
     */
    default boolean isDevice() {
        return false;
    }

    /**
     * Rows that a multi-layer inference pass over pre-packed weights should push through every layer before
     * starting the next rows ({@link io.enhancedrl.model.Mlp#forwardSplit} with packed weights): each layer's
     * output is then read by the next layer while it is still in the core's private caches. The default,
     * {@code Integer.MAX_VALUE}, means the whole batch at once, which is what a device backend wants (fewer,
     * larger launches). The result does not depend on it: every row is computed on its own.
     */
    default int forwardRowBlock() {
        return Integer.MAX_VALUE;
    }

    /**
     * Weights W[in][out] (at wOff) in this backend's own form for {@link #linearForwardPacked}: a copy rearranged
     * into its preferred layout (the vector backend's column panels), a handle to a copy resident on its device
     * (cuda), or null when the backend has none (the default) or it would not help. For weights that stay fixed
     * over many calls, such as a served policy's: the result is valid only while w is unchanged. This is what
     * ONNX Runtime does to constant weights when it creates a session.
     */
    default float[] packWeights(int in, int out, float[] w, int wOff) {
        return null;
    }

    /**
     * The whole split forward of {@code plan} in one call, for a backend that keeps the activations where it
     * computes them (a device: one upload of the inputs, the layers chained on the device, one download of y),
     * writing the last layer's output y [n][plan.outputWidth()] at yOff. Returns false, doing nothing, when this
     * backend does not run whole plans (the default, and the CPU backends: {@link io.enhancedrl.model.Mlp} then
     * runs the layers one {@link #linearForwardPacked} at a time) or cannot run this one (weights not packed by
     * it). The result equals the layer-by-layer one up to float summation order.
     *
     * @param prefix prefix rows [ceil(n / rowsPerPrefix)][plan.prefixWidth()] at prefixOff
     * @param rows per-row features [n][plan.rowWidth()] at rowsOff
     */
    default boolean forwardSplitResident(SplitForwardPlan plan, int n, float[] prefix, int prefixOff, int rowsPerPrefix,
                                         float[] rows, int rowsOff, float[] y, int yOff) {
        return false;
    }

    /**
     * {@link #linearForward} with the same w also given as {@code packed}, the result of {@link #packWeights}
     * on this backend for these w, in and out (or null); same result to the bit. The default ignores packed.
     *
     * @throws IllegalArgumentException if packed is not null and has the wrong length for in and out
     */
    default void linearForwardPacked(int n, int in, int out, float[] x, int xOff, float[] w, int wOff,
                                     float[] packed, float[] bias, int biasOff, int rowsPerBias, Activation act,
                                     float[] y, int yOff) {
        linearForward(n, in, out, x, xOff, w, wOff, bias, biasOff, rowsPerBias, act, y, yOff);
    }

    /**
     * Linear layer with fused bias and activation over a batch of n rows:
     * {@code y[i][o] = act( sum_k x[i][k] * w[k][o] + bias[i / rowsPerBias][o] )}.
     *
     * <p>The bias is a matrix of ceil(n / rowsPerBias) rows: with rowsPerBias = n it is one vector shared by
     * every row; with rowsPerBias = C it carries a per-request row, which is how the split first layer adds
     * the user/context part (computed once per request) to every candidate of that request.
     *
     * @param n rows of the batch (n &gt;= 0)
     * @param in input width (columns of x, rows of w)
     * @param out output width
     * @param x input [n][in] at xOff
     * @param w weights [in][out] at wOff
     * @param bias bias rows [ceil(n/rowsPerBias)][out] at biasOff, or null for no bias
     * @param rowsPerBias how many consecutive rows share one bias row (&gt;= 1)
     * @param y output [n][out] at yOff; must not overlap x
     */
    void linearForward(int n, int in, int out,
                       float[] x, int xOff,
                       float[] w, int wOff,
                       float[] bias, int biasOff, int rowsPerBias,
                       Activation act,
                       float[] y, int yOff);

    /**
     * Backward pass of {@link #linearForward} given the layer's output y and the upstream gradient dy.
     *
     * <p>In order: dz = dy * act'(y), written <em>into dy</em> (dy is scratch afterwards);
     * dw[k][o] (+)= sum_i x[i][k] dz[i][o]; db[o] (+)= sum_i dz[i][o] (when db != null);
     * dx[i][k] = sum_o dz[i][o] w[k][o] (when dx != null; always overwritten).
     *
     * @param accumulate when true dw and db are added to, otherwise overwritten
     */
    void linearBackward(int n, int in, int out,
                        float[] x, int xOff,
                        float[] w, int wOff,
                        float[] y, int yOff,
                        float[] dy, int dyOff,
                        Activation act,
                        float[] dx, int dxOff,
                        float[] dw, int dwOff,
                        float[] db, int dbOff,
                        boolean accumulate);

    /**
     * One Adam step (Kingma and Ba, with bias correction) over a contiguous parameter slab:
     * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps).
     *
     * @param step the 1-based step number t, used for the bias correction
     */
    void adamUpdate(int len, float[] params, int pOff, float[] grads, int gOff,
                    float[] m, int mOff, float[] v, int vOff,
                    float lr, float beta1, float beta2, float eps, int step);

    /**
     * The fusion score of the spec, per row: {@code score[i] = sum_k power[i][k] * ln(p[i][k] + bias[i][k])}.
     * Each row (candidate) carries its own parameters; a per-request action is the same row repeated.
     *
     * @param p MTL predictions [n][k] in (0,1)
     * @param power exponents [n][k]
     * @param bias biases [n][k], positive
     * @param score output [n]
     */
    void fusionScore(int n, int k, float[] p, int pOff, float[] power, int powOff,
                     float[] bias, int biasOff, float[] score, int scoreOff);

    /**
     * Top-k of one request: writes into outIdx the indices (0..n-1, relative to scoreOff) of the k highest
     * scores in descending order; ties are broken by the smaller item id, then the smaller index. NaN scores
     * are never produced by valid inputs and are not ordered.
     *
     * @param ids item ids [n] at idsOff, used only to break ties
     * @param k number to select, 0 &lt;= k &lt;= n
     * @param outIdx output [k] at outOff
     */
    void topK(int n, float[] scores, int scoreOff, long[] ids, int idsOff, int k, int[] outIdx, int outOff);
}
