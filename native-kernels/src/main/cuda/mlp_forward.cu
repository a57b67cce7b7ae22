// mlp_forward.cu: fused MLP forward, all layers in one launch, for widths up to 256 (FP32, FP32 accumulate).
//
// What: y = act_L( ... act_1( x W_1 + b_1 ) ... W_L + b_L ) for a tile of 32 rows per block, the first
// layer's bias optionally replaced by a per-request prefix row (split first layer, broadcast to the
// rows of a request via rowsPerPrefix), optionally over an ensemble of same-shaped MLPs (blockIdx.y).
//
// How (tiny-cuda-nn's fully fused MLP, in FP32 and with weights streamed instead of register-resident):
//  - the block's 32 x width activation tile lives in shared memory for the whole network; layer outputs
//    never go to DRAM unless the caller asks for them (acts, for training);
//  - weights are streamed through shared memory in K-tiles of 8 rows x out (every warp uses them);
//  - thread t owns rows {t/64 + 4i, i < 8} x columns {t%64 + 64j, j < ceil(out/64)}: 8 x 4 FP32
//    accumulators in registers; per k it reads 8 activations (warp broadcasts) and <= 4 weights
//    (consecutive banks) for up to 32 FMAs;
//  - the outputs are written back over the same tile after a barrier (no ping-pong buffer), so the
//    shared memory is 32 * maxWidth + 8 * 256 floats <= 40 KiB: 5 blocks per SM on sm_90.
//
// Version ladder:
//  v1 (this file) FP32 SIMT, one K-tile buffer (load, barrier, compute, barrier).
//  v2 planned: double-buffered K-tiles with cp.async so the weight load overlaps the FMAs.
//  v3 planned: TF32/BF16 mma.sync with FP32 accumulate (tensor cores), behind a separate entry point,
//      since it leaves the FP32 parity path.
//  v4 planned: narrow-output specialisation (out <= 16: threads split rows instead of columns).

#include "erl_common.cuh"

namespace {

constexpr int TR = ERL_MLP_TILE_ROWS;   // 32 rows per block
constexpr int KT = ERL_MLP_KTILE;       // 8 weight rows per K-tile
constexpr int NT = ERL_MLP_THREADS;     // 256 threads
constexpr int RPT = TR / (NT / 64);     // 8 rows per thread
constexpr int CPT = ERL_MLP_MAX_WIDTH / 64;  // up to 4 columns per thread

__device__ __forceinline__ void mlp_forward_tile(int n, int nLayers, const int* d, int hiddenAct, int outAct,
                                                 const float* __restrict__ params,
                                                 const float* __restrict__ x, int xWidth, int xRowOffset,
                                                 const float* __restrict__ prefix, int rowsPerPrefix,
                                                 float* __restrict__ acts, float* __restrict__ y) {
    extern __shared__ float smem[];
    const int tid = threadIdx.x;
    const int cg = tid & 63;
    const int rg = tid >> 6;
    const int row0 = blockIdx.x * TR;

    int tw = xWidth;  // activation tile row stride
    for (int l = 1; l <= nLayers; l++) tw = max(tw, d[l]);
    float* A = smem;               // [TR][tw]
    float* Ws = smem + TR * tw;    // [KT][256]

    // stage the x tile (rows past n are zero so that they never produce NaN)
    for (int e = tid; e < TR * xWidth; e += NT) {
        int r = e / xWidth, k = e - r * xWidth;
        int gr = row0 + r;
        A[r * tw + k] = gr < n ? x[(size_t) gr * xWidth + k] : 0.f;
    }

    size_t woff = 0;       // offset of W_l in the slab
    size_t actOff = 0;     // offset of layer l's output in acts
    for (int l = 0; l < nLayers; l++) {
        const int in = l == 0 ? xWidth : d[l];
        const int out = d[l + 1];
        const int act = l == nLayers - 1 ? outAct : hiddenAct;
        const float* W = params + woff + (l == 0 ? (size_t) xRowOffset * out : 0);
        const float* b = params + woff + (size_t) d[l] * out;

        float acc[RPT][CPT];
#pragma unroll
        for (int i = 0; i < RPT; i++) {
            const int gr = min(row0 + rg + 4 * i, n - 1);
            const float* brow = (l == 0 && prefix != nullptr) ? prefix + (size_t) (gr / rowsPerPrefix) * out : b;
#pragma unroll
            for (int j = 0; j < CPT; j++) {
                const int c = cg + 64 * j;
                acc[i][j] = c < out ? brow[c] : 0.f;
            }
        }

        for (int k0 = 0; k0 < in; k0 += KT) {
            const int kn = min(KT, in - k0);
            __syncthreads();  // the previous K-tile (or the previous layer's epilogue) is finished
            for (int e = tid; e < kn * out; e += NT) {
                int kk = e / out, c = e - kk * out;
                Ws[kk * ERL_MLP_MAX_WIDTH + c] = W[(size_t) (k0 + kk) * out + c];
            }
            __syncthreads();
            for (int kk = 0; kk < kn; kk++) {
                float a[RPT];
#pragma unroll
                for (int i = 0; i < RPT; i++) a[i] = A[(rg + 4 * i) * tw + k0 + kk];
#pragma unroll
                for (int j = 0; j < CPT; j++) {
                    const int c = cg + 64 * j;
                    if (c < out) {
                        const float w = Ws[kk * ERL_MLP_MAX_WIDTH + c];
#pragma unroll
                        for (int i = 0; i < RPT; i++) acc[i][j] = fmaf(a[i], w, acc[i][j]);
                    }
                }
            }
        }
        __syncthreads();  // every thread has read its last activations of this layer's input

        const bool last = l == nLayers - 1;
#pragma unroll
        for (int i = 0; i < RPT; i++) {
            const int r = rg + 4 * i;
            const int gr = row0 + r;
#pragma unroll
            for (int j = 0; j < CPT; j++) {
                const int c = cg + 64 * j;
                if (c < out) {
                    const float v = erl_act(act, acc[i][j]);
                    if (!last) {
                        A[r * tw + c] = v;
                        if (acts != nullptr && gr < n) acts[actOff + (size_t) gr * out + c] = v;
                    } else if (gr < n) {
                        y[(size_t) gr * out + c] = v;
                    }
                }
            }
        }
        if (!last) actOff += (size_t) n * out;
        woff += (size_t) d[l] * out + out;
    }
}

__device__ __forceinline__ void load_dims(int* d, int d0, int d1, int d2, int d3, int d4, int d5, int d6) {
    if (threadIdx.x == 0) {
        d[0] = d0; d[1] = d1; d[2] = d2; d[3] = d3; d[4] = d4; d[5] = d5; d[6] = d6;
    }
    __syncthreads();
}

}  // namespace

ERL_KERNEL void __launch_bounds__(ERL_MLP_THREADS)
erl_mlp_forward_f32(int n, int nLayers, int d0, int d1, int d2, int d3, int d4, int d5, int d6,
                    int hiddenAct, int outAct,
                    const float* params,   // [P] slab: W_l [d_l][d_{l+1}] then b_l [d_{l+1}], l in order
                    const float* x,        // [n][xWidth]
                    int xWidth, int xRowOffset,
                    const float* prefix,   // [ceil(n/rowsPerPrefix)][d1] or NULL (then b_0)
                    int rowsPerPrefix,
                    float* acts,           // hidden outputs, layer l at n*(d1+..+dl): [n][d_{l+1}]; or NULL
                    float* y) {            // [n][dL]
    // the widths go to shared memory: a runtime-indexed local array would live in local memory (stack)
    __shared__ int d[ERL_MLP_MAX_LAYERS + 1];
    load_dims(d, d0, d1, d2, d3, d4, d5, d6);
    mlp_forward_tile(n, nLayers, d, hiddenAct, outAct, params, x, xWidth, xRowOffset, prefix, rowsPerPrefix,
                     acts, y);
}

ERL_KERNEL void __launch_bounds__(ERL_MLP_THREADS)
erl_mlp_ensemble_forward_f32(int members, int n, int nLayers, int d0, int d1, int d2, int d3, int d4, int d5,
                             int d6, int hiddenAct, int outAct,
                             const float* params,   // [M][P]
                             const float* x,        // [n][xWidth], shared by the members
                             int xWidth, int xRowOffset,
                             const float* prefix,   // member m: prefix + m*prefixMS, [ceil(n/rpp)][d1]; or NULL
                             long long prefixMS, int rowsPerPrefix,
                             float* acts,           // [M][n*(d1+..+d_{L-1})] or NULL
                             float* y) {            // [M][n][dL]
    const int m = blockIdx.y;
    if (m >= members) return;
    __shared__ int d[ERL_MLP_MAX_LAYERS + 1];
    load_dims(d, d0, d1, d2, d3, d4, d5, d6);
    size_t P = 0, H = 0;
    for (int l = 0; l < nLayers; l++) {
        P += (size_t) d[l] * d[l + 1] + d[l + 1];
        if (l < nLayers - 1) H += d[l + 1];
    }
    mlp_forward_tile(n, nLayers, d, hiddenAct, outAct, params + m * P, x, xWidth, xRowOffset,
                     prefix == nullptr ? nullptr : prefix + m * prefixMS, rowsPerPrefix,
                     acts == nullptr ? nullptr : acts + m * H * (size_t) n,
                     y + (size_t) m * n * d[nLayers]);
}
