// linear.cu: the per-layer linear kernels (forward for any width, backward dX and dW), batched over the
// members of an ensemble, FP32 with FP32 accumulation.
//
// What: one strided, batched GEMM body C[b] (+)= A[b] . B[b] with an epilogue, instantiated three ways:
//   forward  y  [n][out] = act(x [n][in] . W [in][out] + bias rows)        (A = x,   B = W)
//   dX       dx [n][in]  = dz [n][out] . W^T                               (A = dz,  B = W read transposed)
//   dW       dW [in][out] (+)= x^T . dz, a reduction over the n items       (A = x read transposed, B = dz)
// How: 64 x 64 output tile per block of 256 threads, K staged through shared memory 16 at a time; each
// thread accumulates a 4 x 4 sub-tile in registers (rows ty + 16 i, columns tx + 16 j, so a warp reads
// consecutive shared-memory words). Strides are template constants so each variant's global loads are
// laid out for coalescing (the contiguous index runs along threadIdx). dW can split the item reduction
// over blockIdx.z into a workspace that erl_reduce_splits_f32 sums in a fixed order (deterministic,
// no atomics), which keeps enough blocks in flight when in x out is small and n is large.
//
// Version ladder:
//  v1 (this file) FP32 SIMT 64x64x16 tiles, 4x4 per thread, single-buffered.
//  v2 planned: 128x64 tiles with 8x4 per thread and double-buffered cp.async loads.
//  v3 planned: cuBLASLt (FFM binding) or TF32 mma.sync for the widths where a library GEMM wins.

#include "erl_common.cuh"

namespace {

constexpr int T = ERL_GEMM_TILE;   // 64
constexpr int KB = 16;             // K per shared-memory stage

// A(m, k) = A[m * sam + k * sak]; B(k, c) = B[k * sbk + c * sbn]; C(m, c) = C[m * ldc + c].
// K range [kBegin, kEnd). Epilogue: v = acc (+ C if accumulate) (+ bias[(m / rpb) * ldc + c]); C = act(v).
template <bool A_K_CONTIGUOUS, bool B_N_CONTIGUOUS>
__device__ __forceinline__ void gemm_tile(int M, int N, int kBegin, int kEnd,
                                          const float* __restrict__ A, int sam, int sak,
                                          const float* __restrict__ B, int sbk, int sbn,
                                          float* __restrict__ C, int ldc, bool accumulate,
                                          const float* __restrict__ bias, int rpb, int act) {
    __shared__ float As[KB][T + 1];
    __shared__ float Bs[KB][T + 1];
    const int tid = threadIdx.x;
    const int tx = tid & 15, ty = tid >> 4;
    const int m0 = blockIdx.y * T, c0 = blockIdx.x * T;
    float acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) acc[i][j] = 0.f;

    for (int k0 = kBegin; k0 < kEnd; k0 += KB) {
#pragma unroll
        for (int q = 0; q < 4; q++) {
            const int e = tid + ERL_GEMM_THREADS * q;  // 1024 = 64 x 16 elements per operand
            int m, k, c, kb;
            if (A_K_CONTIGUOUS) { k = e & 15; m = e >> 4; } else { m = e & 63; k = e >> 6; }
            if (B_N_CONTIGUOUS) { c = e & 63; kb = e >> 6; } else { kb = e & 15; c = e >> 4; }
            const int gm = m0 + m, gk = k0 + k, gc = c0 + c, gkb = k0 + kb;
            As[k][m] = (gm < M && gk < kEnd) ? A[(size_t) gm * sam + (size_t) gk * sak] : 0.f;
            Bs[kb][c] = (gc < N && gkb < kEnd) ? B[(size_t) gkb * sbk + (size_t) gc * sbn] : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < KB; kk++) {
            float a[4], b[4];
#pragma unroll
            for (int i = 0; i < 4; i++) a[i] = As[kk][ty + 16 * i];
#pragma unroll
            for (int j = 0; j < 4; j++) b[j] = Bs[kk][tx + 16 * j];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; i++) {
        const int gm = m0 + ty + 16 * i;
        if (gm >= M) continue;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            const int gc = c0 + tx + 16 * j;
            if (gc >= N) continue;
            float v = acc[i][j];
            float* cp = C + (size_t) gm * ldc + gc;
            if (accumulate) v += *cp;
            if (bias != nullptr) v += bias[(size_t) (gm / rpb) * ldc + gc];
            *cp = erl_act(act, v);
        }
    }
}

}  // namespace

ERL_KERNEL void __launch_bounds__(ERL_GEMM_THREADS)
erl_linear_forward_f32(int members, int n, int in, int out,
                       const float* x, long long xMS,        // [n][in] per member
                       const float* w, long long wMS,        // [in][out] per member
                       const float* bias, long long biasMS,  // [ceil(n/rowsPerBias)][out] per member, or NULL
                       int rowsPerBias, int act,
                       float* y, long long yMS) {            // [n][out] per member
    const int mb = blockIdx.z;
    if (mb >= members) return;
    gemm_tile<true, true>(n, out, 0, in, x + mb * xMS, in, 1, w + mb * wMS, out, 1, y + mb * yMS, out, false,
                          bias == nullptr ? nullptr : bias + mb * biasMS, rowsPerBias, act);
}

ERL_KERNEL void __launch_bounds__(ERL_GEMM_THREADS)
erl_linear_backward_dx_f32(int members, int n, int in, int out,
                           const float* dz, long long dzMS,  // [n][out] per member
                           const float* w, long long wMS,    // [in][out] per member
                           float* dx, long long dxMS) {      // [n][in] per member, overwritten
    const int mb = blockIdx.z;
    if (mb >= members) return;
    // dx(i, kin) = sum_o dz(i, o) W(kin, o): A = dz (k = o contiguous), B(k = o, c = kin) = W[kin*out + o]
    gemm_tile<true, false>(n, in, 0, out, dz + mb * dzMS, out, 1, w + mb * wMS, 1, out, dx + mb * dxMS, in,
                           false, nullptr, 1, ERL_ACT_IDENTITY);
}

ERL_KERNEL void __launch_bounds__(ERL_GEMM_THREADS)
erl_linear_backward_dw_f32(int members, int splits, int n, int in, int out,
                           const float* x, long long xMS,    // [n][in] per member (xMS = 0: shared)
                           const float* dz, long long dzMS,  // [n][out] per member
                           float* dw, long long dwMS,        // [in][out] per member
                           int accumulate,
                           float* workspace) {               // [members][splits][in][out] when splits > 1
    const int mb = blockIdx.z / splits, s = blockIdx.z - (blockIdx.z / splits) * splits;
    if (mb >= members) return;
    const int chunk = erl_dw_chunk(n, splits);
    const int kBegin = s * chunk, kEnd = min(n, kBegin + chunk);
    float* C = splits == 1 ? dw + mb * dwMS : workspace + ((size_t) mb * splits + s) * in * out;
    // dW(kin, o) = sum_i x(i, kin) dz(i, o): A(m = kin, k = i) = x[i*in + kin], B(k = i, c = o) = dz[i*out + o]
    gemm_tile<false, true>(in, out, kBegin, max(kBegin, kEnd), x + mb * xMS, 1, in, dz + mb * dzMS, out, 1, C,
                           out, splits == 1 && accumulate != 0, nullptr, 1, ERL_ACT_IDENTITY);
}

ERL_KERNEL void __launch_bounds__(ERL_EW_THREADS)
erl_reduce_splits_f32(int members, int splits, int len,
                      const float* workspace,          // [members][splits][len]
                      float* out, long long outMS,     // [len] per member
                      int accumulate) {
    const int mb = blockIdx.y;
    const int e = blockIdx.x * ERL_EW_THREADS + threadIdx.x;
    if (mb >= members || e >= len) return;
    const float* ws = workspace + (size_t) mb * splits * len + e;
    float v = accumulate ? out[mb * outMS + e] : 0.f;
    for (int s = 0; s < splits; s++) v += ws[(size_t) s * len];
    out[mb * outMS + e] = v;
}

ERL_KERNEL void
erl_bias_backward_f32(int members, int n, int out,
                      const float* dz, long long dzMS,   // [n][out] per member
                      float* db, long long dbMS,         // [out] per member
                      int accumulate) {
    __shared__ float part[ERL_BIAS_BWD_ROWS][ERL_BIAS_BWD_COLS];
    const int mb = blockIdx.y;
    const int c = blockIdx.x * ERL_BIAS_BWD_COLS + threadIdx.x;
    const float* z = dz + mb * dzMS;
    float s = 0.f;
    if (c < out)
        for (int i = threadIdx.y; i < n; i += ERL_BIAS_BWD_ROWS) s += z[(size_t) i * out + c];
    part[threadIdx.y][threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && c < out) {
        float v = accumulate ? db[mb * dbMS + c] : 0.f;
        float t = 0.f;
        for (int r = 0; r < ERL_BIAS_BWD_ROWS; r++) t += part[r][threadIdx.x];
        db[mb * dbMS + c] = v + t;
    }
}
