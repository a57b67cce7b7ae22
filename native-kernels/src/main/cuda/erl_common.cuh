// erl_common.cuh: device helpers shared by every EnhancedRL kernel file.
//
// Activation codes are those of io.enhancedrl.kernels.Activation.code: 0 identity, 1 relu, 2 tanh.
// Derivatives are taken from the activation's OUTPUT y (relu' = [y > 0], tanh' = 1 - y^2), so a backward
// pass needs only the stored layer outputs, exactly as in ScalarKernelOps.
#ifndef ERL_COMMON_CUH
#define ERL_COMMON_CUH

#include "erl_kernels.h"

__device__ __forceinline__ float erl_act(int act, float z) {
    if (act == ERL_ACT_RELU) return z > 0.f ? z : 0.f;
    if (act == ERL_ACT_TANH) return tanhf(z);
    return z;
}

__device__ __forceinline__ float erl_act_deriv_from_output(int act, float y) {
    if (act == ERL_ACT_RELU) return y > 0.f ? 1.f : 0.f;
    if (act == ERL_ACT_TANH) return 1.f - __fmul_rn(y, y);  // no FMA contraction: rounds as the reference
    return 1.f;
}

// Sum of v over a block whose size is a power of two <= 1024, in a fixed tree order (deterministic).
// scratch must hold blockDim.x floats; every thread must call it; the result is returned to all threads.
__device__ __forceinline__ float erl_block_sum(float v, float* scratch) {
    const int t = threadIdx.x;
    scratch[t] = v;
    __syncthreads();
    for (int s = blockDim.x >> 1; s > 0; s >>= 1) {
        if (t < s) scratch[t] += scratch[t + s];
        __syncthreads();
    }
    float r = scratch[0];
    __syncthreads();
    return r;
}

// The same in double, for the training-step reductions whose Java reference sums in double.
__device__ __forceinline__ double erl_block_sum_d(double v, double* scratch) {
    const int t = threadIdx.x;
    scratch[t] = v;
    __syncthreads();
    for (int s = blockDim.x >> 1; s > 0; s >>= 1) {
        if (t < s) scratch[t] += scratch[t + s];
        __syncthreads();
    }
    double r = scratch[0];
    __syncthreads();
    return r;
}

#endif
