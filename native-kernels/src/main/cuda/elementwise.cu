// elementwise.cu: the memory-bound kernels of inference and of a training step: activation backward,
// the sum of an ensemble's input gradients, Adam, Polyak averaging, the fusion score, column concatenation
// (critic input = [state ; action]) and the box damping factor phi.
//
// How: one thread per element (per row for the row-wise ones), grid = ceil(count / 256) blocks of 256.
// Adam and Polyak use explicitly rounded multiplies and adds (__fmul_rn / __fadd_rn) so that nvcc does
// not contract them into FMAs: they then round exactly like the Java reference (no FMA in Java float
// arithmetic), which keeps the optimiser state bit-comparable over many steps.
//
// Version ladder:
//  v1 (this file) scalar loads, one element per thread.
//  v2 planned: float4 loads and a grid-stride loop (these kernels are at the HBM roofline already at
//      moderate sizes; v2 matters only for slabs below ~1M floats where launch latency dominates, and
//      there a CUDA graph of the whole step is the better fix).

#include "erl_common.cuh"

ERL_KERNEL void __launch_bounds__(ERL_EW_THREADS)
erl_act_backward_f32(long long count,
                     const float* y,   // [count] layer outputs
                     float* dy,        // [count] in: dL/dy, out: dz = dy * act'(y)
                     int act) {
    const long long e = (long long) blockIdx.x * ERL_EW_THREADS + threadIdx.x;
    if (e < count) dy[e] *= erl_act_deriv_from_output(act, y[e]);
}

ERL_KERNEL void __launch_bounds__(ERL_EW_THREADS)
erl_sum_members_f32(int members, long long len,
                    const float* x,    // [members][len]
                    float* out) {      // [len]
    const long long e = (long long) blockIdx.x * ERL_EW_THREADS + threadIdx.x;
    if (e >= len) return;
    float s = 0.f;
    for (int m = 0; m < members; m++) s += x[m * len + e];
    out[e] = s;
}

ERL_KERNEL void __launch_bounds__(ERL_EW_THREADS)
erl_adam_f32(long long len,
             float* params,        // [len]
             const float* grads,   // [len]
             float* m, float* v,   // [len] first and second moments
             float lr, float beta1, float beta2, float eps, int step) {
    const long long i = (long long) blockIdx.x * ERL_EW_THREADS + threadIdx.x;
    if (i >= len) return;
    // as the reference: c = 1 - (float) pow((double) beta, step)
    const float c1 = 1.f - (float) pow((double) beta1, (double) step);
    const float c2 = 1.f - (float) pow((double) beta2, (double) step);
    const float g = grads[i];
    const float mi = __fadd_rn(__fmul_rn(beta1, m[i]), __fmul_rn(1.f - beta1, g));
    const float vi = __fadd_rn(__fmul_rn(beta2, v[i]), __fmul_rn(__fmul_rn(1.f - beta2, g), g));
    m[i] = mi;
    v[i] = vi;
    const float mHat = __fdiv_rn(mi, c1);
    const float vHat = __fdiv_rn(vi, c2);
    params[i] = __fsub_rn(params[i], __fdiv_rn(__fmul_rn(lr, mHat), __fadd_rn(__fsqrt_rn(vHat), eps)));
}

ERL_KERNEL void __launch_bounds__(ERL_EW_THREADS)
erl_polyak_f32(long long len,
               const float* online,   // [len]
               float* target,         // [len]
               float tau) {
    const long long i = (long long) blockIdx.x * ERL_EW_THREADS + threadIdx.x;
    if (i >= len) return;
    target[i] = __fadd_rn(__fmul_rn(1.f - tau, target[i]), __fmul_rn(tau, online[i]));
}

ERL_KERNEL void __launch_bounds__(ERL_EW_THREADS)
erl_fusion_score_f32(int n, int k,
                     const float* p,       // [n][k] MTL predictions in (0,1)
                     const float* power,   // [n][k]
                     const float* bias,    // [n][k], positive
                     float* score) {       // [n]
    const int i = blockIdx.x * ERL_EW_THREADS + threadIdx.x;
    if (i >= n) return;
    float s = 0.f;
    for (int j = 0; j < k; j++) {
        const size_t e = (size_t) i * k + j;
        s = __fadd_rn(s, __fmul_rn(power[e], logf(p[e] + bias[e])));
    }
    score[i] = s;
}

ERL_KERNEL void __launch_bounds__(ERL_EW_THREADS)
erl_concat_cols_f32(int n, int wa, int wb,
                    const float* a,    // [n][wa]
                    const float* b,    // [n][wb]
                    float* out) {      // [n][wa+wb]
    const long long e = (long long) blockIdx.x * ERL_EW_THREADS + threadIdx.x;
    const int w = wa + wb;
    if (e >= (long long) n * w) return;
    const long long i = e / w;
    const int c = (int) (e - i * w);
    out[e] = c < wa ? a[i * wa + c] : b[i * wb + (c - wa)];
}

ERL_KERNEL void __launch_bounds__(ERL_EW_THREADS)
erl_box_phi_f32(int n, int aw,
                const float* mu,        // [n][aw] target-actor actions
                const float* centres,   // [n][aw] logged box centres
                float beta, float kappa,
                float* phi) {           // [n]
    const int i = blockIdx.x * ERL_EW_THREADS + threadIdx.x;
    if (i >= n) return;
    float dist = 0.f;
    for (int k = 0; k < aw; k++) {
        const float ex = fabsf(mu[(size_t) i * aw + k] - centres[(size_t) i * aw + k]) - beta;
        if (ex > 0.f) dist += ex;
    }
    phi[i] = (float) exp(-(double) kappa * dist);
}
