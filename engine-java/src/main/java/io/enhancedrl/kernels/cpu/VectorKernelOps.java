package io.enhancedrl.kernels.cpu;

import io.enhancedrl.kernels.Activation;
import io.enhancedrl.kernels.KernelOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU backend on the incubating Vector API: the same meaning as {@link ScalarKernelOps}, checked
 * against it by the parity tests, with the matrix products register-blocked.
 *
 * <h2>The GEMM micro-kernel</h2>
 * {@code C[MR][2L] = seed + A[MR][K] * B[K][2L]}, B row-major with its columns contiguous (the W[in][out]
 * layout). For every k the kernel broadcasts A[r][k] for MR rows and multiplies it against the 2 vectors of
 * B's row k, so 2 MR accumulators live in registers for the whole reduction and B is loaded once per MR
 * rows. The forward pass is this with A = x, B = W, seed = the bias row; the weight gradient is the same
 * kernel with A = x transposed (read with a stride), B = dz and seed = the old dW (or zero). The input
 * gradient dx = dz W^T is the same kernel with A = dz and B = W^T (W transposed once per call into a
 * per-thread scratch), so no kernel needs a horizontal sum.
 *
 * <p>Both operands are packed first, as in BLIS ({@link #gemm}): the MR-row tiles of A into [tile][k][MR] and
 * each 2L-column panel of B into [k][2L], so the tile's loop reads both through one index with constant
 * offsets. A served policy's weights are packed once ({@link #packWeights}) instead of per call.
 *
 * <p>Tiles: MR x 2 with MR = 6 on AVX-512 (12 accumulators; measured best against 4x2, 8x2 and 4x3) and
 * MR = 4 on AVX2, whose 16 registers a 6-row tile overflows ({@link #MR}); rows left over use 4 x 2 and 1 x 2
 * tiles that read A in place, and the last out % 2L columns masked 4 x 1 / 1 x 1 tiles (or, with packed
 * weights on AVX2, the main tile over a zero-padded panel through a scratch tile). ReLU is applied to the
 * accumulators before the store, tanh in a vector pass after it.
 *
 * <p>Rules that keep it fast (see the research notes, section 5): the species is one {@code static final}
 * constant and never a parameter; vectors and masks never cross a method boundary (masks are rebuilt
 * from ints inside each kernel), so escape analysis removes every box and no call allocates once C2 has
 * compiled it; each tile shape is its own monomorphic static method.
 *
 * <p>Only this class and {@code VectorProbe} touch {@code jdk.incubator.vector}; load it only after
 * {@link io.enhancedrl.kernels.Backends} has found the module (otherwise class loading fails).
 */
public final class VectorKernelOps implements KernelOps {

    /** The widest species the CPU supports (512 bits on AVX-512 = 16 floats). */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int L = S.length();

    /** Rows per outer block of the forward pass: the x rows of one block stay in L1/L2 while every
     * column panel of W (K x 2L floats, in L1) sweeps over them. */
    static final int ROW_BLOCK = 96;

    private static final int ACT_IDENTITY = 0;
    private static final int ACT_RELU = 1;

    public static final VectorKernelOps INSTANCE = new VectorKernelOps();

    private VectorKernelOps() {
    }

    @Override
    public String name() {
        return "vector";
    }

    /**
     * Rows per block of a packed multi-layer pass ({@link KernelOps#forwardRowBlock}): 48 rows of the actor's
     * activations (256 + 128 + 64 + 10 floats each, 88 KiB) stay in L2 next to its 257 KiB of packed weights
     * (Zen 3: 512 KiB L2 per core). A multiple of 12, so a block is whole 4- or 6-row tiles (no single rows);
     * the bits do not depend on it (every output is one FMA chain, whatever tile computes it).
     */
    static final int FORWARD_ROW_BLOCK = 48;

    @Override
    public int forwardRowBlock() {
        return FORWARD_ROW_BLOCK;
    }

    /** Bits per vector of the species in use, for logs. */
    public static int vectorBits() {
        return S.vectorBitSize();
    }

    // ------------------------------------------------------------------------------------------------
    // Forward
    // ------------------------------------------------------------------------------------------------

    @Override
    public void linearForward(int n, int in, int out, float[] x, int xOff, float[] w, int wOff,
                              float[] bias, int biasOff, int rowsPerBias, Activation act, float[] y, int yOff) {
        forward(n, in, out, x, xOff, w, wOff, null, bias, biasOff, rowsPerBias, act, y, yOff);
    }

    /**
     * W in panels of 2L columns, each [in][2L] ({@link #packPanel}), one after the other, the last one padded
     * with zero columns when 2L does not divide out: what {@link #gemm} otherwise copies into scratch for every
     * block of rows (and the padded tail lets the last, narrow layer run on the main tile; see {@link #gemm}).
     */
    @Override
    public float[] packWeights(int in, int out, float[] w, int wOff) {
        if (in == 0 || out == 0) {
            return null;
        }
        int full = out / (2 * L);
        float[] packed = new float[packedLength(in, out)];
        for (int q = 0; q < full; q++) {
            packPanel(in, w, wOff + q * 2 * L, out, packed, q * in * PANEL_STEP);
        }
        int tail = out - full * 2 * L;
        for (int p = 0; tail > 0 && p < in; p++) {
            System.arraycopy(w, wOff + p * out + full * 2 * L, packed, (full * in + p) * PANEL_STEP, tail);
        }
        return packed;
    }

    /** Floats in {@link #packWeights}' result: ceil(out / 2L) panels of in x 2L. */
    static int packedLength(int in, int out) {
        return (out + 2 * L - 1) / (2 * L) * in * PANEL_STEP;
    }

    @Override
    public void linearForwardPacked(int n, int in, int out, float[] x, int xOff, float[] w, int wOff, float[] packed,
                                    float[] bias, int biasOff, int rowsPerBias, Activation act, float[] y, int yOff) {
        if (packed != null && packed.length != packedLength(in, out)) {
            throw new IllegalArgumentException("packed: expected " + packedLength(in, out)
                    + " floats (packWeights(in = " + in + ", out = " + out + ") of the " + name() + " backend, "
                    + vectorBits() + "-bit vectors) but was " + packed.length);
        }
        forward(n, in, out, x, xOff, w, wOff, packed, bias, biasOff, rowsPerBias, act, y, yOff);
    }

    private static void forward(int n, int in, int out, float[] x, int xOff, float[] w, int wOff, float[] packed,
                                float[] bias, int biasOff, int rowsPerBias, Activation act, float[] y, int yOff) {
        // ReLU is applied to the accumulators at the store; tanh in a vector pass after each row block
        // ({@link #tanh}; a scalar Math.tanh pass cost 8 % of the actor's forward at batch 512, 44 us of 530).
        int store = act == Activation.RELU ? ACT_RELU : ACT_IDENTITY;
        for (int i0 = 0; i0 < n; i0 += ROW_BLOCK) {
            int rows = Math.min(n, i0 + ROW_BLOCK) - i0;
            gemm(rows, in, out, x, xOff + i0 * in, in, 1, w, wOff, out, packed,
                    bias, biasOff, i0, rowsPerBias, out, store, y, yOff + i0 * out);
            if (act == Activation.TANH) {
                // a separate pass over the block (still in L1): inlined into every tile, the lane tanh made the
                // tile methods too large for C2, and the whole forward ran 10x slower
                tanhInPlace(rows * out, y, yOff + i0 * out);
            }
        }
    }

    private static void tanhInPlace(int len, float[] y, int off) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            tanh(FloatVector.fromArray(S, y, off + i)).intoArray(y, off + i);
        }
        if (i < len) {
            VectorMask<Float> m = S.indexInRange(i, len);
            tanh(FloatVector.fromArray(S, y, off + i, m)).intoArray(y, off + i, m);
        }
    }

    /**
     * C[rows][cols] = store(seed + A B) where A[r][p] = a[aOff + r*aRowStride + p*aStep], B[p][o] =
     * b[bOff + p*bStep + o], C[r][o] = c[cOff + r*cols + o]; the seed row of C row r is
     * seed[seedOff + ((seedRow0 + r) / seedRowsPer) * seedStride + o], or zero when seed is null.
     *
     * <p>Packed as in BLIS when there is at least one full {@link #MR}-row tile: those rows of A are copied once
     * per call into per-thread scratch as [tile][p][MR] ({@link #packRows}), and each K x 2L column panel of B as
     * [p][2L] ({@link #packPanel}), which then stays in L1 while the tiles sweep over it. The main tile then
     * addresses A and B through one loop counter times constants: a single index register with displacements
     * instead of one register and one address computation per row, and bounds checks C2 hoists out of the
     * loop; B's rows are 2L floats apart instead of {@code out} (at out = 256, 1 KiB, a panel maps onto 4 of
     * L1's 64 sets, and 89- or 256-row panels were refetched from L2 by every tile). The copies are the same
     * numbers used in the same order, so the result is bit-identical to reading A and B in place. Leftover rows
     * read A in place and B from the packed panel; the last {@code cols % 2L} columns read both in place, except
     * with pre-packed weights on AVX2, where the MR-row tiles run over the zero-padded tail panel.
     */
    private static void gemm(int rows, int kLen, int cols, float[] a, int aOff, int aRowStride, int aStep,
                             float[] b, int bOff, int bStep, float[] bPacked,
                             float[] seed, int seedOff, int seedRow0, int seedRowsPer, int seedStride,
                             int store, float[] c, int cOff) {
        int tiles = 0;
        // MR-row tiles; with MR = 6, end with two 4-row tiles rather than 6 + 2 single rows
        while (rows - MR * tiles >= MR && (MR == 4 || rows - MR * tiles != 8)) {
            tiles++;
        }
        float[] packedRows = null;
        float[] panel = null;
        // a padded tail panel of pre-packed weights runs on the 4-row tile too (MR = 4; see below)
        boolean packedTail = bPacked != null && MR == 4 && cols % (2 * L) != 0;
        if (tiles > 0 && (cols >= 2 * L || packedTail)) {
            packedRows = scratch(PACKED_ROWS, tiles * MR * kLen);
            packRows(tiles, kLen, a, aOff, aRowStride, aStep, packedRows);
            if (bPacked == null) {
                panel = scratch(PANEL, kLen * PANEL_STEP);
            }
        }
        int o = 0;
        for (; o + 2 * L <= cols; o += 2 * L) {
            // B's panel: pre-packed, packed now (when tiles will reuse it), or read in place
            float[] pb = b;
            int pbOff = bOff + o;
            int pbStep = bStep;
            if (bPacked != null) {
                pb = bPacked;
                pbOff = o / (2 * L) * kLen * PANEL_STEP;
                pbStep = PANEL_STEP;
            } else if (panel != null) {
                packPanel(kLen, b, bOff + o, bStep, panel, 0);
                pb = panel;
                pbOff = 0;
                pbStep = PANEL_STEP;
            }
            int r = 0;
            for (int t = 0; t < tiles; t++, r += MR) { // tiles > 0 here means A was packed (cols >= 2L)
                if (MR == 6) {
                    tile6x2(kLen, packedRows, t * MR * kLen, pb, pbOff,
                            seed, seedOff + o, seedRow0 + r, seedRowsPer, seedStride, store, c, cOff + r * cols + o, cols);
                } else {
                    tile4x2p(kLen, packedRows, t * MR * kLen, pb, pbOff,
                            seed, seedOff + o, seedRow0 + r, seedRowsPer, seedStride, store, c, cOff + r * cols + o, cols);
                }
            }
            for (; r + 4 <= rows; r += 4) {
                tile4x2(kLen, a, aOff + r * aRowStride, aRowStride, aStep, pb, pbOff, pbStep,
                        seed, seedOff + o, seedRow0 + r, seedRowsPer, seedStride, store, c, cOff + r * cols + o, cols);
            }
            for (; r < rows; r++) {
                tile1x2(kLen, a, aOff + r * aRowStride, aStep, pb, pbOff, pbStep,
                        seed, seedOff + o, seedRow0 + r, seedRowsPer, seedStride, store, c, cOff + r * cols + o);
            }
        }
        if (o < cols) {
            int r0 = 0;
            if (packedTail && tiles > 0) {
                // The main tile over the zero-padded tail panel, through a 4 x 2L scratch tile: the seed's valid
                // columns are copied in (zeros after them), the tile runs unmasked, the valid columns are copied
                // out. The same seed and the same FMA chain per output as in place, so the same bits. (A masked
                // copy of the tile made C1 run out of virtual registers; the method then stayed at tier 2, where
                // every Vector API call allocates: 250 kB per request.)
                int pOff = o / (2 * L) * kLen * PANEL_STEP;
                int w = cols - o;
                float[] tail = scratch(TAIL_TILE, 2 * 4 * PANEL_STEP);
                int cTile = 4 * PANEL_STEP;
                for (int t = 0; t < tiles; t++, r0 += MR) {
                    if (seed != null) {
                        for (int r = 0; r < 4; r++) {
                            int src = seedAt(seedOff + o, seedRow0 + r0 + r, seedRowsPer, seedStride);
                            for (int j = 0; j < PANEL_STEP; j++) {
                                tail[r * PANEL_STEP + j] = j < w ? seed[src + j] : 0f;
                            }
                        }
                    }
                    tile4x2p(kLen, packedRows, t * MR * kLen, bPacked, pOff, seed == null ? null : tail, 0, 0, 1,
                            PANEL_STEP, store, tail, cTile, PANEL_STEP);
                    for (int r = 0; r < 4; r++) {
                        System.arraycopy(tail, cTile + r * PANEL_STEP, c, cOff + (r0 + r) * cols + o, w);
                    }
                }
            }
            for (; o < cols; o += L) {
                int r = r0;
                for (; r + 4 <= rows; r += 4) {
                    tile4x1m(kLen, a, aOff + r * aRowStride, aRowStride, aStep, b, bOff + o, bStep, cols - o,
                            seed, seedOff + o, seedRow0 + r, seedRowsPer, seedStride, store, c, cOff + r * cols + o, cols);
                }
                for (; r < rows; r++) {
                    tile1x1m(kLen, a, aOff + r * aRowStride, aStep, b, bOff + o, bStep, cols - o,
                            seed, seedOff + o, seedRow0 + r, seedRowsPer, seedStride, store, c, cOff + r * cols + o);
                }
            }
        }
    }


    /**
     * Rows of the main register tile: 6 with AVX-512's 32 vector registers, 4 with AVX2's 16. A 6 x 2 tile holds
     * 12 accumulators and 2 B vectors, and C2 issues the broadcasts of A early (2-5 live at once), so on AVX2
     * it spilled accumulators to the stack inside the loop, a store and a reload on their FMA chains (seen in
     * the disassembly; 34 GFLOP/s against 65-88 for 4 x 2 on Zen 3). 5 x 2 spilled too; 4 x 2 (8 accumulators
     * + 2 + 4 = 14 registers) does not, and 8 independent chains are what two FMA pipes of latency 4 need.
     */
    static final int MR = S.vectorBitSize() >= 512 ? 6 : 4;

    /** Floats between two rows of a packed panel of B: its width, 2L. */
    static final int PANEL_STEP = 2 * L;

    /** Per-thread scratch: one packed column panel of B. */
    private static final ThreadLocal<float[][]> PANEL = ThreadLocal.withInitial(() -> new float[][]{new float[0]});
    /** Per-thread scratch: a seed tile and a result tile of 4 x 2L for the padded tail panel (see gemm). */
    private static final ThreadLocal<float[][]> TAIL_TILE = ThreadLocal.withInitial(() -> new float[][]{new float[0]});
    /** Per-thread scratch: the full MR-row tiles of A, packed. */
    private static final ThreadLocal<float[][]> PACKED_ROWS = ThreadLocal.withInitial(() -> new float[][]{new float[0]});

    /** The holder's array, grown to at least len floats: no allocation per call once warm. */
    private static float[] scratch(ThreadLocal<float[][]> holderOf, int len) {
        float[][] holder = holderOf.get();
        if (holder[0].length < len) {
            holder[0] = new float[len];
        }
        return holder[0];
    }

    /**
     * dst[t][p][r] = A[MR t + r][p] for t < tiles, p < kLen, r < MR (A as in {@link #gemm}). This runs once per
     * row of A per layer, so its speed shows (it was 20 % of an N = 512 ranking as a generic strided loop):
     * the two layouts that occur get loops whose indices are the loop counter times a constant.
     */
    private static void packRows(int tiles, int kLen, float[] a, int aOff, int aRowStride, int aStep, float[] dst) {
        for (int t = 0; t < tiles; t++) {
            int row0 = aOff + MR * t * aRowStride;
            int d = t * MR * kLen;
            if (aStep == 1) {
                packRowsAlongK(kLen, a, row0, aRowStride, dst, d); // the forward pass: A's rows are x's rows
            } else if (aRowStride == 1) {
                for (int p = 0; p < kLen; p++) { // the weight gradient: A = x^T, MR consecutive floats per p
                    int src = row0 + p * aStep;
                    int q = d + p * MR;
                    for (int r = 0; r < MR; r++) {
                        dst[q + r] = a[src + r];
                    }
                }
            } else {
                for (int p = 0; p < kLen; p++) {
                    for (int r = 0; r < MR; r++) {
                        dst[d + p * MR + r] = a[row0 + p * aStep + r * aRowStride];
                    }
                }
            }
        }
    }

    // Two-source shuffles for the 4 x 8 transpose of packRowsAlongK (AVX2 only; null for other widths).
    // Negative indexes select from the second vector: -8 is its lane 0.
    private static final VectorShuffle<Float> PAIR_LO = L == 8 ? VectorShuffle.fromValues(S, 0, -8, 1, -7, 2, -6, 3, -5) : null;
    private static final VectorShuffle<Float> PAIR_HI = L == 8 ? VectorShuffle.fromValues(S, 4, -4, 5, -3, 6, -2, 7, -1) : null;
    private static final VectorShuffle<Float> QUAD_LO = L == 8 ? VectorShuffle.fromValues(S, 0, 1, -8, -7, 2, 3, -6, -5) : null;
    private static final VectorShuffle<Float> QUAD_HI = L == 8 ? VectorShuffle.fromValues(S, 4, 5, -4, -3, 6, 7, -2, -1) : null;

    /**
     * dst[d + p*MR + r] = a[row0 + r*stride + p] for the MR rows of one tile. On AVX2 (MR = 4, 8 lanes) 8 values of
     * k at a time: four row vectors are interleaved in pairs and then in quads, a register transpose of 4 x 8 into
     * 8 x 4 (about half the time of the scalar loop; rank() 1.04x at N = 512 and 1.08x at N = 16, PairedAb,
     * docs/performance.md); the rest element by element, unrolled over the rows. A pure copy: the bits cannot change.
     */
    private static void packRowsAlongK(int kLen, float[] a, int row0, int stride, float[] dst, int d) {
        int r1 = row0 + stride;
        int r2 = r1 + stride;
        int r3 = r2 + stride;
        if (MR == 4) {
            int p = L == 8 ? transposeFourRows(kLen, a, row0, r1, r2, r3, dst, d) : 0;
            for (; p < kLen; p++) {
                int q = d + 4 * p;
                dst[q] = a[row0 + p];
                dst[q + 1] = a[r1 + p];
                dst[q + 2] = a[r2 + p];
                dst[q + 3] = a[r3 + p];
            }
        } else {
            int r4 = r3 + stride;
            int r5 = r4 + stride;
            for (int p = 0; p < kLen; p++) {
                int q = d + 6 * p;
                dst[q] = a[row0 + p];
                dst[q + 1] = a[r1 + p];
                dst[q + 2] = a[r2 + p];
                dst[q + 3] = a[r3 + p];
                dst[q + 4] = a[r4 + p];
                dst[q + 5] = a[r5 + p];
            }
        }
    }

    /**
     * The AVX2 part of {@link #packRowsAlongK}: k in steps of 8, as far as whole steps go; returns where it stopped.
     * Its own method so that the shuffles stay out of gemm's compilation (a large C1 compile unit once made a
     * tile method fall back to tier 2, where every Vector API call allocates).
     */
    private static int transposeFourRows(int kLen, float[] a, int row0, int r1, int r2, int r3, float[] dst, int d) {
        int p = 0;
        for (; p + 8 <= kLen; p += 8) {
            FloatVector v0 = FloatVector.fromArray(S, a, row0 + p);
            FloatVector v1 = FloatVector.fromArray(S, a, r1 + p);
            FloatVector v2 = FloatVector.fromArray(S, a, r2 + p);
            FloatVector v3 = FloatVector.fromArray(S, a, r3 + p);
            FloatVector lo01 = v0.rearrange(PAIR_LO, v1); // r0 r1 interleaved, k = p..p+3
            FloatVector hi01 = v0.rearrange(PAIR_HI, v1); // k = p+4..p+7
            FloatVector lo23 = v2.rearrange(PAIR_LO, v3);
            FloatVector hi23 = v2.rearrange(PAIR_HI, v3);
            int q = d + 4 * p;
            lo01.rearrange(QUAD_LO, lo23).intoArray(dst, q); // k = p, p+1: r0 r1 r2 r3 r0 r1 r2 r3
            lo01.rearrange(QUAD_HI, lo23).intoArray(dst, q + 8);
            hi01.rearrange(QUAD_LO, hi23).intoArray(dst, q + 16);
            hi01.rearrange(QUAD_HI, hi23).intoArray(dst, q + 24);
        }
        return p;
    }

    /** panel[pOff + p*2L + j] = B[p][j] for p < kLen, j < 2L, B row p starting at bOff + p*bStep. */
    private static void packPanel(int kLen, float[] b, int bOff, int bStep, float[] panel, int pOff) {
        for (int p = 0; p < kLen; p++) {
            int src = bOff + p * bStep;
            int dst = pOff + p * PANEL_STEP;
            FloatVector.fromArray(S, b, src).intoArray(panel, dst);
            FloatVector.fromArray(S, b, src + L).intoArray(panel, dst + L);
        }
    }

    /** Offset of the seed row of tile row r (see {@link #gemm}). */
    private static int seedAt(int seedOff, int row, int seedRowsPer, int seedStride) {
        return seedOff + (row / seedRowsPer) * seedStride;
    }

    /**
     * The main tile with 32 vector registers (AVX-512): 6 x 2L over packed operands, A's rows at
     * ap[aOff + 6p + r], B's panel at panel[2L p + j] (12 accumulators, 2 B vectors, the broadcasts). 6x2 measured
     * 10-40 % faster than 4x2 on AVX-512 (docs/performance.md): with FMA latency 4 and two FMA pipes, 8
     * independent chains are the bare minimum and 12 leave slack.
     */
    static void tile6x2(int kLen, float[] ap, int aOff, float[] panel, int pOff,
                        float[] seed, int seedOff, int row0, int seedRowsPer, int seedStride,
                        int store, float[] c, int cOff, int cStride) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (seed == null) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        } else {
            int s = seedAt(seedOff, row0, seedRowsPer, seedStride);
            c00 = FloatVector.fromArray(S, seed, s);
            c01 = FloatVector.fromArray(S, seed, s + L);
            s = seedAt(seedOff, row0 + 1, seedRowsPer, seedStride);
            c10 = FloatVector.fromArray(S, seed, s);
            c11 = FloatVector.fromArray(S, seed, s + L);
            s = seedAt(seedOff, row0 + 2, seedRowsPer, seedStride);
            c20 = FloatVector.fromArray(S, seed, s);
            c21 = FloatVector.fromArray(S, seed, s + L);
            s = seedAt(seedOff, row0 + 3, seedRowsPer, seedStride);
            c30 = FloatVector.fromArray(S, seed, s);
            c31 = FloatVector.fromArray(S, seed, s + L);
            s = seedAt(seedOff, row0 + 4, seedRowsPer, seedStride);
            c40 = FloatVector.fromArray(S, seed, s);
            c41 = FloatVector.fromArray(S, seed, s + L);
            s = seedAt(seedOff, row0 + 5, seedRowsPer, seedStride);
            c50 = FloatVector.fromArray(S, seed, s);
            c51 = FloatVector.fromArray(S, seed, s + L);
        }
        for (int p = 0; p < kLen; p++) {
            int bi = pOff + p * PANEL_STEP;
            FloatVector b0 = FloatVector.fromArray(S, panel, bi);
            FloatVector b1 = FloatVector.fromArray(S, panel, bi + L);
            int ai = aOff + 6 * p;
            FloatVector v = FloatVector.broadcast(S, ap[ai]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = v.fma(b0, c40);
            c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = v.fma(b0, c50);
            c51 = v.fma(b1, c51);
        }
        if (store == ACT_RELU) {
            c00 = c00.max(0f);
            c01 = c01.max(0f);
            c10 = c10.max(0f);
            c11 = c11.max(0f);
            c20 = c20.max(0f);
            c21 = c21.max(0f);
            c30 = c30.max(0f);
            c31 = c31.max(0f);
            c40 = c40.max(0f);
            c41 = c41.max(0f);
            c50 = c50.max(0f);
            c51 = c51.max(0f);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + cStride);
        c11.intoArray(c, cOff + cStride + L);
        c20.intoArray(c, cOff + 2 * cStride);
        c21.intoArray(c, cOff + 2 * cStride + L);
        c30.intoArray(c, cOff + 3 * cStride);
        c31.intoArray(c, cOff + 3 * cStride + L);
        c40.intoArray(c, cOff + 4 * cStride);
        c41.intoArray(c, cOff + 4 * cStride + L);
        c50.intoArray(c, cOff + 5 * cStride);
        c51.intoArray(c, cOff + 5 * cStride + L);
    }

    /**
     * The main tile with 16 vector registers (AVX2, see {@link #MR}): {@link #tile6x2} with 4 rows, A's rows at
     * ap[aOff + 4p + r].
     */
    static void tile4x2p(int kLen, float[] ap, int aOff, float[] panel, int pOff,
                        float[] seed, int seedOff, int row0, int seedRowsPer, int seedStride,
                        int store, float[] c, int cOff, int cStride) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (seed == null) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
        } else {
            int s = seedAt(seedOff, row0, seedRowsPer, seedStride);
            c00 = FloatVector.fromArray(S, seed, s);
            c01 = FloatVector.fromArray(S, seed, s + L);
            s = seedAt(seedOff, row0 + 1, seedRowsPer, seedStride);
            c10 = FloatVector.fromArray(S, seed, s);
            c11 = FloatVector.fromArray(S, seed, s + L);
            s = seedAt(seedOff, row0 + 2, seedRowsPer, seedStride);
            c20 = FloatVector.fromArray(S, seed, s);
            c21 = FloatVector.fromArray(S, seed, s + L);
            s = seedAt(seedOff, row0 + 3, seedRowsPer, seedStride);
            c30 = FloatVector.fromArray(S, seed, s);
            c31 = FloatVector.fromArray(S, seed, s + L);
        }
        for (int p = 0; p < kLen; p++) {
            int bi = pOff + p * PANEL_STEP;
            FloatVector b0 = FloatVector.fromArray(S, panel, bi);
            FloatVector b1 = FloatVector.fromArray(S, panel, bi + L);
            int ai = aOff + 4 * p;
            FloatVector v = FloatVector.broadcast(S, ap[ai]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
        }
        if (store == ACT_RELU) {
            c00 = c00.max(0f);
            c01 = c01.max(0f);
            c10 = c10.max(0f);
            c11 = c11.max(0f);
            c20 = c20.max(0f);
            c21 = c21.max(0f);
            c30 = c30.max(0f);
            c31 = c31.max(0f);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + cStride);
        c11.intoArray(c, cOff + cStride + L);
        c20.intoArray(c, cOff + 2 * cStride);
        c21.intoArray(c, cOff + 2 * cStride + L);
        c30.intoArray(c, cOff + 3 * cStride);
        c31.intoArray(c, cOff + 3 * cStride + L);
    }

    /** 4 rows of A read in place (not packed), for a remainder of 4 or 5 rows after the 6-row tiles. */
    static void tile4x2(int kLen, float[] a, int a0, int aRowStride, int aStep, float[] b, int bOff, int bStep,
                        float[] seed, int seedOff, int row0, int seedRowsPer, int seedStride,
                        int store, float[] c, int cOff, int cStride) {
        int a1 = a0 + aRowStride;
        int a2 = a1 + aRowStride;
        int a3 = a2 + aRowStride;
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (seed == null) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
        } else {
            int s = seedAt(seedOff, row0, seedRowsPer, seedStride);
            c00 = FloatVector.fromArray(S, seed, s);
            c01 = FloatVector.fromArray(S, seed, s + L);
            s = seedAt(seedOff, row0 + 1, seedRowsPer, seedStride);
            c10 = FloatVector.fromArray(S, seed, s);
            c11 = FloatVector.fromArray(S, seed, s + L);
            s = seedAt(seedOff, row0 + 2, seedRowsPer, seedStride);
            c20 = FloatVector.fromArray(S, seed, s);
            c21 = FloatVector.fromArray(S, seed, s + L);
            s = seedAt(seedOff, row0 + 3, seedRowsPer, seedStride);
            c30 = FloatVector.fromArray(S, seed, s);
            c31 = FloatVector.fromArray(S, seed, s + L);
        }
        for (int p = 0; p < kLen; p++) {
            int bi = bOff + p * bStep;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            int ap = p * aStep;
            FloatVector v = FloatVector.broadcast(S, a[a0 + ap]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, a[a1 + ap]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, a[a2 + ap]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, a[a3 + ap]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
        }
        if (store == ACT_RELU) {
            c00 = c00.max(0f);
            c01 = c01.max(0f);
            c10 = c10.max(0f);
            c11 = c11.max(0f);
            c20 = c20.max(0f);
            c21 = c21.max(0f);
            c30 = c30.max(0f);
            c31 = c31.max(0f);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + cStride);
        c11.intoArray(c, cOff + cStride + L);
        c20.intoArray(c, cOff + 2 * cStride);
        c21.intoArray(c, cOff + 2 * cStride + L);
        c30.intoArray(c, cOff + 3 * cStride);
        c31.intoArray(c, cOff + 3 * cStride + L);
    }

    /** One row of A read in place (the last rows after the packed tiles, or a single-row product). */
    static void tile1x2(int kLen, float[] a, int a0, int aStep, float[] b, int bOff, int bStep,
                        float[] seed, int seedOff, int row0, int seedRowsPer, int seedStride,
                        int store, float[] c, int cOff) {
        FloatVector c00, c01;
        if (seed == null) {
            c00 = c01 = FloatVector.zero(S);
        } else {
            int s = seedAt(seedOff, row0, seedRowsPer, seedStride);
            c00 = FloatVector.fromArray(S, seed, s);
            c01 = FloatVector.fromArray(S, seed, s + L);
        }
        // One FMA chain per output over p in order, as in every other tile, so that an output's bits do not
        // depend on which tile computed it (row grouping, blocks, MR, vector width). Splitting the chain over
        // even and odd p (four FMAs in flight) was faster for single rows but made results depend on grouping.
        for (int p = 0; p < kLen; p++) {
            int bi = bOff + p * bStep;
            FloatVector v0 = FloatVector.broadcast(S, a[a0 + p * aStep]);
            c00 = v0.fma(FloatVector.fromArray(S, b, bi), c00);
            c01 = v0.fma(FloatVector.fromArray(S, b, bi + L), c01);
        }
        if (store == ACT_RELU) {
            c00 = c00.max(0f);
            c01 = c01.max(0f);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
    }

    /**
     * The column tail: 4 rows x one vector of which only the first min(cols, L) lanes exist. Masked loads
     * read zeros outside, masked stores leave the rest of the row alone. The mask is built here from an
     * int, never passed in, so it cannot escape and be boxed.
     */
    static void tile4x1m(int kLen, float[] a, int a0, int aRowStride, int aStep, float[] b, int bOff, int bStep,
                         int cols, float[] seed, int seedOff, int row0, int seedRowsPer, int seedStride,
                         int store, float[] c, int cOff, int cStride) {
        VectorMask<Float> m = S.indexInRange(0, cols);
        int a1 = a0 + aRowStride;
        int a2 = a1 + aRowStride;
        int a3 = a2 + aRowStride;
        FloatVector c0, c1, c2, c3;
        if (seed == null) {
            c0 = c1 = c2 = c3 = FloatVector.zero(S);
        } else {
            c0 = FloatVector.fromArray(S, seed, seedAt(seedOff, row0, seedRowsPer, seedStride), m);
            c1 = FloatVector.fromArray(S, seed, seedAt(seedOff, row0 + 1, seedRowsPer, seedStride), m);
            c2 = FloatVector.fromArray(S, seed, seedAt(seedOff, row0 + 2, seedRowsPer, seedStride), m);
            c3 = FloatVector.fromArray(S, seed, seedAt(seedOff, row0 + 3, seedRowsPer, seedStride), m);
        }
        for (int p = 0; p < kLen; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + p * bStep, m);
            int ap = p * aStep;
            c0 = FloatVector.broadcast(S, a[a0 + ap]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + ap]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + ap]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + ap]).fma(b0, c3);
        }
        if (store == ACT_RELU) {
            c0 = c0.max(0f);
            c1 = c1.max(0f);
            c2 = c2.max(0f);
            c3 = c3.max(0f);
        }
        c0.intoArray(c, cOff, m);
        c1.intoArray(c, cOff + cStride, m);
        c2.intoArray(c, cOff + 2 * cStride, m);
        c3.intoArray(c, cOff + 3 * cStride, m);
    }

    /** One row of {@link #tile4x1m}. */
    static void tile1x1m(int kLen, float[] a, int a0, int aStep, float[] b, int bOff, int bStep, int cols,
                         float[] seed, int seedOff, int row0, int seedRowsPer, int seedStride,
                         int store, float[] c, int cOff) {
        VectorMask<Float> m = S.indexInRange(0, cols);
        FloatVector c0 = seed == null ? FloatVector.zero(S)
                : FloatVector.fromArray(S, seed, seedAt(seedOff, row0, seedRowsPer, seedStride), m);
        for (int p = 0; p < kLen; p++) { // one chain in order, as in every tile (see tile1x2)
            c0 = FloatVector.broadcast(S, a[a0 + p * aStep]).fma(FloatVector.fromArray(S, b, bOff + p * bStep, m), c0);
        }
        if (store == ACT_RELU) {
            c0 = c0.max(0f);
        }
        c0.intoArray(c, cOff, m);
    }

    // ------------------------------------------------------------------------------------------------
    // Backward
    // ------------------------------------------------------------------------------------------------

    @Override
    public void linearBackward(int n, int in, int out, float[] x, int xOff, float[] w, int wOff,
                               float[] y, int yOff, float[] dy, int dyOff, Activation act,
                               float[] dx, int dxOff, float[] dw, int dwOff, float[] db, int dbOff,
                               boolean accumulate) {
        activationGrad(n * out, y, yOff, dy, dyOff, act);
        weightGrad(n, in, out, x, xOff, dy, dyOff, dw, dwOff, accumulate);
        if (db != null) {
            biasGrad(n, out, dy, dyOff, db, dbOff, accumulate);
        }
        if (dx != null) {
            inputGrad(n, in, out, dy, dyOff, w, wOff, dx, dxOff);
        }
    }

    /** dz = dy * act'(y), in place, with the reference's operations (so the result is bit-identical). */
    private static void activationGrad(int len, float[] y, int yOff, float[] dy, int dyOff, Activation act) {
        if (act == Activation.IDENTITY) {
            return; // dy * 1
        }
        boolean relu = act == Activation.RELU;
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int e = 0;
        int bound = S.loopBound(len);
        for (; e < bound; e += L) {
            FloatVector yv = FloatVector.fromArray(S, y, yOff + e);
            FloatVector d = relu ? zero.blend(one, yv.compare(VectorOperators.GT, 0f)) : one.sub(yv.mul(yv));
            FloatVector.fromArray(S, dy, dyOff + e).mul(d).intoArray(dy, dyOff + e);
        }
        for (; e < len; e++) {
            dy[dyOff + e] *= act.derivativeFromOutput(y[yOff + e]);
        }
    }

    /** dW[in][out] (+)= x^T dz with the forward GEMM: the rows of C are k (x read down a column, stride
     * in), the reduction runs over the batch, the seed is the old dW (or zero). */
    private static void weightGrad(int n, int in, int out, float[] x, int xOff, float[] dz, int dzOff,
                                   float[] dw, int dwOff, boolean accumulate) {
        gemm(in, n, out, x, xOff, 1, in, dz, dzOff, out, null,
                accumulate ? dw : null, dwOff, 0, 1, out, ACT_IDENTITY, dw, dwOff);
    }

    /** db[o] (+)= sum_i dz[i][o], rows summed in order as in the reference. */
    private static void biasGrad(int n, int out, float[] dz, int dzOff, float[] db, int dbOff, boolean accumulate) {
        for (int o = 0; o < out; o += L) {
            VectorMask<Float> m = S.indexInRange(o, out);
            FloatVector acc = accumulate ? FloatVector.fromArray(S, db, dbOff + o, m) : FloatVector.zero(S);
            for (int i = 0; i < n; i++) {
                acc = acc.add(FloatVector.fromArray(S, dz, dzOff + i * out + o, m));
            }
            acc.intoArray(db, dbOff + o, m);
        }
    }

    /**
     * dx[n][in] = dz[n][out] W^T. Both dz rows and W rows are contiguous along o, so this is a tile of dot
     * products: 4 rows of dz x 2 rows of W, vector partial sums along o, one horizontal sum per output.
     */
    /** Per-thread scratch for W^T in {@link #inputGrad}, grown when needed: no allocation per call. */
    private static final ThreadLocal<float[][]> TRANSPOSED = ThreadLocal.withInitial(() -> new float[][]{new float[0]});

    /**
     * dx = dz W^T as the forward's register-blocked GEMM over W^T[out][in], transposed once per call (in * out
     * floats, a few microseconds): every output is a lanewise FMA chain, so there are no horizontal sums, whose
     * order the Vector API leaves to the JIT tier (reduceLanes), and it is faster than dot-product tiles.
     */
    private static void inputGrad(int n, int in, int out, float[] dz, int dzOff, float[] w, int wOff,
                                  float[] dx, int dxOff) {
        float[][] holder = TRANSPOSED.get();
        float[] wt = holder[0];
        if (wt.length < in * out) {
            wt = new float[in * out];
            holder[0] = wt;
        }
        // in 16 x 16 blocks: a plain loop writes W^T with a stride of `in` floats, one cache line per element,
        // and cost more than the batch-16 backward itself (256 x 256 layer)
        for (int k0 = 0; k0 < in; k0 += 16) {
            int k1 = Math.min(in, k0 + 16);
            for (int o0 = 0; o0 < out; o0 += 16) {
                int o1 = Math.min(out, o0 + 16);
                for (int k = k0; k < k1; k++) {
                    int row = wOff + k * out;
                    for (int o = o0; o < o1; o++) {
                        wt[o * in + k] = w[row + o];
                    }
                }
            }
        }
        for (int i0 = 0; i0 < n; i0 += ROW_BLOCK) {
            int rows = Math.min(n, i0 + ROW_BLOCK) - i0;
            gemm(rows, out, in, dz, dzOff + i0 * out, out, 1, wt, 0, in, null,
                    null, 0, 0, 1, 0, ACT_IDENTITY, dx, dxOff + i0 * in);
        }
    }


    // ------------------------------------------------------------------------------------------------
    // Lane functions with one result in every JIT tier
    // ------------------------------------------------------------------------------------------------
    //
    // Vector API operations run as Java fallbacks until C2 compiles them into intrinsics. Lanewise +, *, /,
    // fma, min and max are IEEE operations with one correct result either way, but two are not: TANH (an SVML
    // intrinsic once compiled, Math.tanh before) and reduceLanes(ADD) (a different summation order). Their last
    // bits changed with JIT timing, so two training runs with the same seed diverged (round-1 valid consumption
    // 38.395 / 38.407 / 38.423 in three demo runs, 2026-12-02). This class therefore uses neither: tanh below is
    // built from lanewise operations, and the input gradient is a GEMM (no horizontal sums).

    // tanh(x) ~ x P(x^2) / Q(x^2), a rational minimax approximation for float on [-CLAMP, CLAMP] (the
    // coefficients published with Eigen's fast float tanh); outside, tanh(x) is +-1 to float precision.
    private static final float TANH_CLAMP = 7.90531110763549805f;
    private static final float A1 = 4.89352455891786e-03f;
    private static final float A3 = 6.37261928875436e-04f;
    private static final float A5 = 1.48572235717979e-05f;
    private static final float A7 = 5.12229709037114e-08f;
    private static final float A9 = -8.60467152213735e-11f;
    private static final float A11 = 2.00018790482477e-13f;
    private static final float A13 = -2.76076847742355e-16f;
    private static final float B0 = 4.89352518554385e-03f;
    private static final float B2 = 2.26843463243900e-03f;
    private static final float B4 = 1.18534705686654e-04f;
    private static final float B6 = 1.19825839466702e-06f;

    /**
     * tanh on every lane from lanewise fma and division only: the same bits in every JIT tier, within 3e-7 of
     * Math.tanh (VectorDeterminismTest); NaN stays NaN.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector c = x.max(-TANH_CLAMP).min(TANH_CLAMP);
        FloatVector x2 = c.mul(c);
        FloatVector p = x2.fma(A13, A11);
        p = p.fma(x2, FloatVector.broadcast(S, A9));
        p = p.fma(x2, FloatVector.broadcast(S, A7));
        p = p.fma(x2, FloatVector.broadcast(S, A5));
        p = p.fma(x2, FloatVector.broadcast(S, A3));
        p = p.fma(x2, FloatVector.broadcast(S, A1)).mul(c);
        FloatVector q = x2.fma(B6, B4);
        q = q.fma(x2, FloatVector.broadcast(S, B2));
        q = q.fma(x2, FloatVector.broadcast(S, B0));
        return p.div(q);
    }

    // ------------------------------------------------------------------------------------------------
    // Adam, fusion score, top-k
    // ------------------------------------------------------------------------------------------------

    @Override
    public void adamUpdate(int len, float[] params, int pOff, float[] grads, int gOff, float[] m, int mOff,
                           float[] v, int vOff, float lr, float beta1, float beta2, float eps, int step) {
        float c1 = 1f - (float) Math.pow(beta1, step);
        float c2 = 1f - (float) Math.pow(beta2, step);
        float ob1 = 1f - beta1;
        float ob2 = 1f - beta2;
        // The same float operations in the same order as the reference (no FMA contraction), so every
        // lane is bit-identical to ScalarKernelOps.
        int i = 0;
        int bound = S.loopBound(len);
        for (; i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(S, grads, gOff + i);
            FloatVector mi = FloatVector.fromArray(S, m, mOff + i).mul(beta1).add(g.mul(ob1));
            FloatVector vi = FloatVector.fromArray(S, v, vOff + i).mul(beta2).add(g.mul(ob2).mul(g));
            mi.intoArray(m, mOff + i);
            vi.intoArray(v, vOff + i);
            FloatVector mHat = mi.div(c1);
            FloatVector vHat = vi.div(c2);
            FloatVector p = FloatVector.fromArray(S, params, pOff + i);
            p.sub(mHat.mul(lr).div(vHat.sqrt().add(eps))).intoArray(params, pOff + i);
        }
        for (; i < len; i++) {
            float g = grads[gOff + i];
            float mi = beta1 * m[mOff + i] + ob1 * g;
            float vi = beta2 * v[vOff + i] + ob2 * g * g;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float mHat = mi / c1;
            float vHat = vi / c2;
            params[pOff + i] -= lr * mHat / ((float) Math.sqrt(vHat) + eps);
        }
    }

    @Override
    public void fusionScore(int n, int k, float[] p, int pOff, float[] power, int powOff, float[] bias, int biasOff,
                            float[] score, int scoreOff) {
        // The reference's own loop, on purpose. A vectorised ln (LOG lanes, FMA, lane reduction) gave scores
        // whose last bits differed between the JIT tiers (the interpreter's fallback vs the C2 intrinsic), so the
        // same request could rank near-ties differently before and after warm-up (seen by the serving
        // concurrency tests). Ranking must be a function of the request; this op is K logs per candidate,
        // under 1% of an actor forward, so determinism costs nothing measurable.
        ScalarKernelOps.INSTANCE.fusionScore(n, k, p, pOff, power, powOff, bias, biasOff, score, scoreOff);
    }

    @Override
    public void topK(int n, float[] scores, int scoreOff, long[] ids, int idsOff, int k, int[] outIdx, int outOff) {
        TopK.select(n, scores, scoreOff, ids, idsOff, k, outIdx, outOff);
    }
}
