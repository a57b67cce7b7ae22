/*
 * erl_kernels.h: the contract between the EnhancedRL fatbin and whoever launches it (the JCuda binding,
 * the native harness). Every kernel is extern "C" (unmangled name = the name below), FP32 in and out with
 * FP32 accumulation (a few loss reductions accumulate in double, as the Java reference does).
 *
 * Conventions (identical to io.enhancedrl.kernels.KernelOps / ScalarKernelOps):
 *  - row-major; a matrix [r][c] is r*c consecutive floats; weights W[in][out] (output index contiguous);
 *  - MLP parameter slab: for each layer l in order W_l[in_l][out_l] then b_l[out_l] (MlpSpec offsets);
 *  - activation codes 0 identity, 1 relu, 2 tanh; derivatives from the output y;
 *  - bias rows with rowsPerBias: row i uses bias row i / rowsPerBias;
 *  - an ensemble of M same-shaped MLPs has its slabs contiguous [M][P], reads the same input rows and
 *    writes outputs [M][n][out];
 *  - all sizes are element counts; "MS" parameters are member strides in floats (0 = shared by members).
 *
 * Launch configuration: given after each kernel as grid / block / dynamic shared memory. Helper functions
 * at the end compute them; the binding must use exactly these (the kernels index with the fixed block
 * sizes below). Dynamic shared memory stays <= 48 KiB for every documented size, so no
 * cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES) call is needed.
 *
 * Kernels trust their arguments (the Java facade validates shapes), as KernelOps documents.
 */
#ifndef ERL_KERNELS_H
#define ERL_KERNELS_H

#define ERL_ACT_IDENTITY 0
#define ERL_ACT_RELU 1
#define ERL_ACT_TANH 2

/* ---- fused MLP forward (mlp_forward.cu) ---- */
#define ERL_MLP_MAX_LAYERS 6      /* linear layers, i.e. up to 5 hidden layers + output */
#define ERL_MLP_MAX_WIDTH 256     /* every layer width and the x width must be <= this */
#define ERL_MLP_TILE_ROWS 32      /* rows per block */
#define ERL_MLP_KTILE 8           /* weight rows staged per shared-memory K-tile */
#define ERL_MLP_THREADS 256

/* ---- tiled GEMM family (linear.cu) ---- */
#define ERL_GEMM_TILE 64          /* 64 x 64 output tile per block */
#define ERL_GEMM_THREADS 256

/* ---- element-wise and reductions (elementwise.cu, rl_losses.cu, topk.cu) ---- */
#define ERL_EW_THREADS 256
#define ERL_BIAS_BWD_COLS 32      /* block (32, 8) */
#define ERL_BIAS_BWD_ROWS 8
#define ERL_SEG_THREADS 128
#define ERL_RED_THREADS 256
#define ERL_TOPK_THREADS 256

#ifdef __CUDACC__
#define ERL_KERNEL extern "C" __global__

/*
 * erl_mlp_forward_f32: the whole MLP forward for n rows in one launch.
 * Layer widths: d0 = the model's input width (for slab offsets), d1..dL the layer outputs (L = nLayers,
 * unused d's are ignored). Layer 0 reads x [n][xWidth] against rows xRowOffset..xRowOffset+xWidth-1 of
 * W_0 (xWidth = d0, xRowOffset = 0 for a plain forward; the item part of a split first layer otherwise).
 * Layer 0's bias is prefix [ceil(n/rowsPerPrefix)][d1] when prefix != NULL (the per-request user/context
 * product, b_0 already added by the caller) and b_0 otherwise. acts (nullable) receives the hidden layer
 * outputs: layer l < L-1 at offset n * (d1 + ... + dl), each [n][d_{l+1}]; y [n][dL] the output.
 *   grid ( ceil(n / 32), 1, 1 ), block ( 256 ), dynamic smem = erl_mlp_forward_smem_bytes(...)
 */
ERL_KERNEL void erl_mlp_forward_f32(int n, int nLayers, int d0, int d1, int d2, int d3, int d4, int d5,
                                    int d6, int hiddenAct, int outAct,
                                    const float* params, const float* x, int xWidth, int xRowOffset,
                                    const float* prefix, int rowsPerPrefix, float* acts, float* y);

/*
 * erl_mlp_ensemble_forward_f32: the same for M = members MLPs of one shape in one launch.
 * params [M][P] (P = the slab size of one member), x shared by all members, prefix member m at
 * prefix + m * prefixMS (nullable), acts [M][n * (d1+...+d_{L-1})] (nullable), y [M][n][dL].
 *   grid ( ceil(n / 32), M, 1 ), block ( 256 ), dynamic smem = erl_mlp_forward_smem_bytes(...)
 */
ERL_KERNEL void erl_mlp_ensemble_forward_f32(int members, int n, int nLayers, int d0, int d1, int d2, int d3,
                                             int d4, int d5, int d6, int hiddenAct, int outAct,
                                             const float* params, const float* x, int xWidth, int xRowOffset,
                                             const float* prefix, long long prefixMS, int rowsPerPrefix,
                                             float* acts, float* y);

/*
 * erl_linear_forward_f32: y = act(x W + bias rows), any width, batched over members (blockIdx.z).
 * x [n][in] (+ m*xMS), w [in][out] (+ m*wMS), bias [ceil(n/rowsPerBias)][out] (+ m*biasMS, nullable),
 * y [n][out] (+ m*yMS). Used for the per-request prefix and for widths above 256.
 *   grid ( ceil(out/64), ceil(n/64), members ), block ( 256 ), no dynamic smem
 */
ERL_KERNEL void erl_linear_forward_f32(int members, int n, int in, int out,
                                       const float* x, long long xMS, const float* w, long long wMS,
                                       const float* bias, long long biasMS, int rowsPerBias, int act,
                                       float* y, long long yMS);

/*
 * erl_linear_backward_dx_f32: dx [n][in] = dz [n][out] . W^T (always overwritten), batched over members.
 * Run erl_act_backward_f32 first (it turns dy into dz in place). An ensemble's d/dx summed over members
 * is this with dxMS = n*in followed by erl_sum_members_f32.
 *   grid ( ceil(in/64), ceil(n/64), members ), block ( 256 ), no dynamic smem
 */
ERL_KERNEL void erl_linear_backward_dx_f32(int members, int n, int in, int out,
                                           const float* dz, long long dzMS, const float* w, long long wMS,
                                           float* dx, long long dxMS);

/*
 * erl_linear_backward_dw_f32: dW [in][out] (+)= x^T . dz, a reduction over the n items.
 * x [n][in] (+ m*xMS; xMS = 0 when members share the input), dz [n][out] (+ m*dzMS), dw (+ m*dwMS).
 * splits = 1: writes dw directly (accumulate = 1 adds to it; workspace unused, may be NULL).
 * splits > 1: split s of member m reduces rows [s*chunk, (s+1)*chunk), chunk = erl_dw_chunk(n, splits),
 * into workspace [members][splits][in][out]; then launch erl_reduce_splits_f32 (deterministic order).
 *   grid ( ceil(out/64), ceil(in/64), members * splits ), block ( 256 ), no dynamic smem
 */
ERL_KERNEL void erl_linear_backward_dw_f32(int members, int splits, int n, int in, int out,
                                           const float* x, long long xMS, const float* dz, long long dzMS,
                                           float* dw, long long dwMS, int accumulate, float* workspace);

/*
 * erl_reduce_splits_f32: out[m][e] (+)= sum_{s in order} workspace[m][s][e], e < len.
 *   grid ( ceil(len/256), members ), block ( 256 )
 */
ERL_KERNEL void erl_reduce_splits_f32(int members, int splits, int len, const float* workspace,
                                      float* out, long long outMS, int accumulate);

/*
 * erl_bias_backward_f32: db [out] (+)= sum_i dz[i][o], batched over members. dz [n][out] (+ m*dzMS).
 *   grid ( ceil(out/32), members ), block ( 32, 8 )
 */
ERL_KERNEL void erl_bias_backward_f32(int members, int n, int out, const float* dz, long long dzMS,
                                      float* db, long long dbMS, int accumulate);

/*
 * erl_act_backward_f32: dy[e] *= act'(y[e]) for e < count (dy becomes dz, as KernelOps.linearBackward).
 *   grid ( ceil(count/256) ), block ( 256 )
 */
ERL_KERNEL void erl_act_backward_f32(long long count, const float* y, float* dy, int act);

/*
 * erl_sum_members_f32: out[e] = sum_{m in order} x[m][e]; x [members][len], out [len].
 *   grid ( ceil(len/256) ), block ( 256 )
 */
ERL_KERNEL void erl_sum_members_f32(int members, long long len, const float* x, float* out);

/*
 * erl_adam_f32: one Adam step with bias correction (1-based step) over a slab of len floats:
 * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr (m/c1) / (sqrt(v/c2) + eps), c = 1 - b^step.
 *   grid ( ceil(len/256) ), block ( 256 )
 */
ERL_KERNEL void erl_adam_f32(long long len, float* params, const float* grads, float* m, float* v,
                             float lr, float beta1, float beta2, float eps, int step);

/*
 * erl_polyak_f32: target = (1 - tau) target + tau online (Mlp.polyak), len floats.
 *   grid ( ceil(len/256) ), block ( 256 )
 */
ERL_KERNEL void erl_polyak_f32(long long len, const float* online, float* target, float tau);

/*
 * erl_fusion_score_f32: score[i] = sum_j power[i][j] * ln(p[i][j] + bias[i][j]); p, power, bias [n][k].
 *   grid ( ceil(n/256) ), block ( 256 )
 */
ERL_KERNEL void erl_fusion_score_f32(int n, int k, const float* p, const float* power, const float* bias,
                                     float* score);

/*
 * erl_topk_f32: per request r, the indices (relative to offsets[r]) of the k best of
 * scores[offsets[r] .. offsets[r+1]) in descending order; ties by smaller ids, then smaller index.
 * offsets [requests+1] (device ints), scores [total], ids [total] (int64), outIdx [requests][k];
 * entries past a request's candidate count are -1.
 *   grid ( requests ), block ( 256 )
 */
ERL_KERNEL void erl_topk_f32(int requests, const int* offsets, const float* scores, const long long* ids,
                             int k, int* outIdx);

/*
 * erl_concat_cols_f32: out [n][wa+wb] = [a [n][wa] ; b [n][wb]] (critic input = [state ; action]).
 *   grid ( ceil(n*(wa+wb)/256) ), block ( 256 )
 */
ERL_KERNEL void erl_concat_cols_f32(int n, int wa, int wb, const float* a, const float* b, float* out);

/*
 * erl_box_phi_f32: phi[i] = exp(-kappa * sum_k max(0, |mu[i][k] - c[i][k]| - beta)); mu, c [n][aw].
 *   grid ( ceil(n/256) ), block ( 256 )
 */
ERL_KERNEL void erl_box_phi_f32(int n, int aw, const float* mu, const float* centres, float beta, float kappa,
                                float* phi);

/*
 * erl_next_value_f32: vNext[m][t] = sum_{j in [nextOffsets[t], nextOffsets[t+1])} w[j] phi[j] q[m][j]
 * (next units grouped by transition; CSR offsets [T+1]); q [members][nn] (target critics on mu'(s')).
 *   grid ( transitions, members ), block ( 128 )
 */
ERL_KERNEL void erl_next_value_f32(int members, int transitions, int nn, const int* nextOffsets,
                                   const float* q, const float* weights, const float* phi, float* vNext);

/*
 * erl_pair_td_loss_f32: pair-decomposed critic loss (ActorCriticLearner, PAIR_DECOMPOSED). Member m is in
 * group g = m / membersPerGroup. y = r[u][g] + gamma notDone[t] bootstrap[u] vNext[m][t], t = unitT[u];
 * dq[m][u] = 2 w[u] (q - y) / sum(w); loss[m] = sum_u w[u] (q - y)^2 / sum(w).
 * q, dq [members][n]; rewards [n][groups]; notDone, vNext [members][T]; bootstrap, weights [n].
 *   grid ( members ), block ( 256 )
 */
ERL_KERNEL void erl_pair_td_loss_f32(int members, int membersPerGroup, int groups, int n, int transitions,
                                     const float* q, const float* rewards, const float* notDone,
                                     const float* bootstrap, const int* unitTransition, const float* vNext,
                                     const float* weights, float gamma, float* dq, float* loss);

/*
 * erl_listsum_td_loss_f32: paper list-sum critic loss. Units grouped by transition (CSR unitOffsets [T+1]).
 * residual[m][t] = sum_u q[m][u] - (sum_u r[u][g] + gamma notDone[t] vNext[m][t]);
 * loss[m] = sum_t residual^2 / T; dq[m][u] = 2 residual[m][t(u)] / T. residual [members][T] is output.
 *   grid ( members ), block ( 256 )
 */
ERL_KERNEL void erl_listsum_td_loss_f32(int members, int membersPerGroup, int groups, int n, int transitions,
                                        const int* unitOffsets, const float* q, const float* rewards,
                                        const float* notDone, const float* vNext, float gamma,
                                        float* residual, float* dq, float* loss);

/*
 * erl_count_mask_i32: *count = number of mask[i] != 0 (mask NULL: n). mask [n] bytes (Java boolean).
 *   grid ( 1 ), block ( 256 )
 */
ERL_KERNEL void erl_count_mask_i32(int n, const unsigned char* mask, int* count);

/*
 * erl_actor_q_grad_f32: d J / d Q of the actor loss
 *   J = mean_u [ - sum_g w_g mean_m Q_gm + lambda sum_g w_g std_m Q_gm + box ],
 * over included rows (mask nullable = all; *includedCount from erl_count_mask_i32). Population std;
 * d std / d Q = (Q - mean) / (M std), 0 when std <= 1e-8. q, dq [groups*membersPerGroup][n];
 * rowParts [n][3] receives (sum_g w_g mean, sum_g w_g std, -) per row (zeros for excluded rows).
 *   grid ( ceil(n/256) ), block ( 256 )
 */
ERL_KERNEL void erl_actor_q_grad_f32(int groups, int membersPerGroup, int n, const float* q,
                                     const unsigned char* mask, const int* includedCount,
                                     const float* groupWeights, float lambda, float* dq, float* rowParts);

/*
 * erl_actor_action_grad_f32: d J / d mu = the critics' d/d action (the action columns of dxCritic
 * [n][criticWidth], columns stateWidth..stateWidth+aw-1, summed over members) plus the box penalty's
 * eta kappaD exp(kappaD ex) sign(mu - c) / included for ex = |mu - c| - beta > 0; 0 for excluded rows.
 * mu, centres, dAct [n][aw]; rowParts[i][2] = eta sum_k (exp(kappaD ex) - 1).
 *   grid ( ceil(n/256) ), block ( 256 )
 */
ERL_KERNEL void erl_actor_action_grad_f32(int n, int aw, int criticWidth, int stateWidth,
                                          const float* dxCritic, const float* mu, const float* centres,
                                          const unsigned char* mask, const int* includedCount, float beta,
                                          float eta, float kappaD, float* dAct, float* rowParts);

/*
 * erl_actor_loss_finish_f32: out[4] = { J, meanQ, meanStd, box } = column sums of rowParts [n][3] in double,
 * divided by the included count; J = -meanQ + lambda meanStd + box.
 *   grid ( 1 ), block ( 256 )
 */
ERL_KERNEL void erl_actor_loss_finish_f32(int n, const float* rowParts, const int* includedCount,
                                          float lambda, float* out);
#endif /* __CUDACC__ */

/* ---- launch-configuration helpers (plain C, also usable as the binding's specification) ---- */
#ifdef __CUDACC__
#define ERL_HD __host__ __device__
#else
#define ERL_HD
#endif
ERL_HD static inline int erl_ceil_div(long long a, int b) { return (int) ((a + b - 1) / b); }

/* max(xWidth, d1..dL): the row stride of the activation tile in shared memory */
ERL_HD static inline int erl_mlp_tile_width(int nLayers, const int* d /* [nLayers+1] */, int xWidth) {
    int w = xWidth;
    for (int l = 1; l <= nLayers; l++) if (d[l] > w) w = d[l];
    return w;
}

/* dynamic shared memory of erl_mlp_forward_f32 / erl_mlp_ensemble_forward_f32 (<= 40,960 bytes) */
ERL_HD static inline unsigned erl_mlp_forward_smem_bytes(int nLayers, const int* d, int xWidth) {
    return (unsigned) ((ERL_MLP_TILE_ROWS * erl_mlp_tile_width(nLayers, d, xWidth)
                        + ERL_MLP_KTILE * ERL_MLP_MAX_WIDTH) * sizeof(float));
}

/* the parameter count P of one MLP slab (MlpSpec.parameterCount) */
ERL_HD static inline long long erl_mlp_param_count(int nLayers, const int* d) {
    long long p = 0;
    for (int l = 0; l < nLayers; l++) p += (long long) d[l] * d[l + 1] + d[l + 1];
    return p;
}

/* rows per split of erl_linear_backward_dw_f32: ceil(n / splits) rounded up to 16 */
ERL_HD static inline int erl_dw_chunk(int n, int splits) {
    int c = (n + splits - 1) / splits;
    return (c + 15) / 16 * 16;
}

#endif /* ERL_KERNELS_H */
