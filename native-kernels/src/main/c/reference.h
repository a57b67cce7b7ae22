/*
 * reference.h: the C reference of every EnhancedRL CUDA kernel (see ../cuda/erl_kernels.h), written as
 * plain loops that read like io.enhancedrl.kernels.cpu.ScalarKernelOps and io.enhancedrl.rl.ActorCriticLearner
 * (float arithmetic in the same order, double where the Java sums in double, (float) tanh/log/exp of the
 * double result as Java's Math does). Compile with -ffp-contract=off so that no FMA changes the rounding.
 * Speed is not a goal; the reference functions may allocate scratch.
 */
#ifndef ERL_REFERENCE_H
#define ERL_REFERENCE_H

#ifdef __cplusplus
extern "C" {
#endif

float ref_act(int act, float z);
float ref_act_deriv(int act, float y);

/* y[i][o] = act(sum_k x[i][k] w[k][o] + bias[i/rpb][o]); bias nullable */
void ref_linear_forward(int n, int in, int out, const float* x, const float* w, const float* bias, int rpb,
                        int act, float* y);
/* KernelOps.linearBackward: dy becomes dz; dw, db (+)=; dx overwritten; dx, db nullable */
void ref_linear_backward(int n, int in, int out, const float* x, const float* w, const float* y, float* dy,
                         int act, float* dx, float* dw, float* db, int accumulate);

/* d [nLayers+1]; same meaning as erl_mlp_forward_f32 (acts nullable) */
void ref_mlp_forward(int n, int nLayers, const int* d, int hiddenAct, int outAct, const float* params,
                     const float* x, int xWidth, int xRowOffset, const float* prefix, int rowsPerPrefix,
                     float* acts, float* y);
void ref_mlp_ensemble_forward(int members, int n, int nLayers, const int* d, int hiddenAct, int outAct,
                              const float* params, const float* x, int xWidth, int xRowOffset,
                              const float* prefix, long long prefixMS, int rowsPerPrefix, float* acts, float* y);
long long ref_mlp_param_count(int nLayers, const int* d);

void ref_act_backward(long long count, const float* y, float* dy, int act);
void ref_sum_members(int members, long long len, const float* x, float* out);
void ref_adam(long long len, float* params, const float* grads, float* m, float* v, float lr, float beta1,
              float beta2, float eps, int step);
void ref_polyak(long long len, const float* online, float* target, float tau);
void ref_fusion_score(int n, int k, const float* p, const float* power, const float* bias, float* score);
/* one request: outIdx [k] */
void ref_topk(int n, const float* scores, const long long* ids, int k, int* outIdx);
void ref_concat_cols(int n, int wa, int wb, const float* a, const float* b, float* out);
void ref_box_phi(int n, int aw, const float* mu, const float* centres, float beta, float kappa, float* phi);
void ref_next_value(int members, int transitions, int nn, const int* nextOffsets, const float* q,
                    const float* weights, const float* phi, float* vNext);
void ref_pair_td_loss(int members, int membersPerGroup, int groups, int n, int transitions, const float* q,
                      const float* rewards, const float* notDone, const float* bootstrap,
                      const int* unitTransition, const float* vNext, const float* weights, float gamma,
                      float* dq, float* loss);
void ref_listsum_td_loss(int members, int membersPerGroup, int groups, int n, int transitions,
                         const int* unitOffsets, const float* q, const float* rewards, const float* notDone,
                         const float* vNext, float gamma, float* residual, float* dq, float* loss);
int ref_count_mask(int n, const unsigned char* mask);
void ref_actor_q_grad(int groups, int membersPerGroup, int n, const float* q, const unsigned char* mask,
                      int includedCount, const float* groupWeights, float lambda, float* dq, float* rowParts);
void ref_actor_action_grad(int n, int aw, int criticWidth, int stateWidth, const float* dxCritic,
                           const float* mu, const float* centres, const unsigned char* mask, int includedCount,
                           float beta, float eta, float kappaD, float* dAct, float* rowParts);
void ref_actor_loss_finish(int n, const float* rowParts, int includedCount, float lambda, float* out);

#ifdef __cplusplus
}
#endif
#endif
