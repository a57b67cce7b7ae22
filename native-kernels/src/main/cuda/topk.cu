// topk.cu: per-request top-k of fused scores, descending, ties by the smaller item id, then the smaller index
// (the order of io.enhancedrl.kernels.cpu.TopK: a strict total order on (score, id, index)).
//
// How: one block per request, k rounds. Because the order is total, round r's winner is simply the best
// candidate strictly worse than round r-1's winner: each thread scans its strided candidates for that,
// then a shared-memory tree reduction with the same comparator picks the block's best. No per-thread
// state, no sorting buffers, O(k * C / 256) comparisons per thread; for the serving sizes (k = l = 5,
// C in the hundreds to thousands) that is a few microseconds inside one launch.
//
// Version ladder:
//  v1 (this file) k rounds of block argmax.
//  v2 planned for large k (k > ~64): per-thread bounded heaps merged by a bitonic network, or a radix
//      select on the order-preserving integer image of the score followed by a sort of the survivors.

#include "erl_common.cuh"

namespace {

struct Cand {
    float s;
    long long id;
    int idx;   // -1: none
};

// true when a ranks before b (a none ranks after everything)
__device__ __forceinline__ bool better(const Cand& a, const Cand& b) {
    if (a.idx < 0) return false;
    if (b.idx < 0) return true;
    if (a.s != b.s) return a.s > b.s;
    if (a.id != b.id) return a.id < b.id;
    return a.idx < b.idx;
}

}  // namespace

ERL_KERNEL void __launch_bounds__(ERL_TOPK_THREADS)
erl_topk_f32(int requests,
             const int* offsets,       // [requests+1] candidate ranges
             const float* scores,      // [total]
             const long long* ids,     // [total] item ids (tie-break)
             int k,
             int* outIdx) {            // [requests][k], indices relative to offsets[r]; -1 past the count
    __shared__ float ss[ERL_TOPK_THREADS];
    __shared__ long long sid[ERL_TOPK_THREADS];
    __shared__ int sidx[ERL_TOPK_THREADS];
    const int r = blockIdx.x;
    if (r >= requests) return;
    const int begin = offsets[r];
    const int count = offsets[r + 1] - begin;
    const int t = threadIdx.x;
    Cand last{0.f, 0, -1};
    for (int round = 0; round < k; round++) {
        Cand best{0.f, 0, -1};
        for (int i = t; i < count; i += ERL_TOPK_THREADS) {
            Cand c{scores[begin + i], ids[begin + i], i};
            if (last.idx >= 0 && !better(last, c)) continue;  // already taken (or better than the last taken)
            if (better(c, best)) best = c;
        }
        ss[t] = best.s;
        sid[t] = best.id;
        sidx[t] = best.idx;
        __syncthreads();
        for (int s = ERL_TOPK_THREADS / 2; s > 0; s >>= 1) {
            if (t < s) {
                Cand a{ss[t], sid[t], sidx[t]}, b{ss[t + s], sid[t + s], sidx[t + s]};
                if (better(b, a)) {
                    ss[t] = b.s;
                    sid[t] = b.id;
                    sidx[t] = b.idx;
                }
            }
            __syncthreads();
        }
        last = Cand{ss[0], sid[0], sidx[0]};
        if (t == 0) outIdx[(size_t) r * k + round] = last.idx;
        __syncthreads();
        if (last.idx < 0) {   // fewer candidates than k: fill the rest with -1
            for (int j = round + 1 + t; j < k; j += ERL_TOPK_THREADS) outIdx[(size_t) r * k + j] = -1;
            return;
        }
    }
}
