// rl_losses.cu: the reductions of an actor-critic training step (spec section 6, as implemented by
// io.enhancedrl.rl.ActorCriticLearner), so that a whole step stays on the device:
//   bootstrap value   vNext[m][t] = sum_{j in next units of t} w_j phi_j Q'_m(s'_j, mu'(s'_j))
//   pair-decomposed   loss_m = sum_u w_u (Q_m(u) - y_m(u))^2 / sum w, y = r + gamma notDone bootstrap vNext
//   list-sum          loss_m = sum_t (sum_{u in t} Q_m(u) - sum r - gamma notDone vNext)^2 / T
//   actor loss        J = mean_u [ -sum_g w_g mean_m Q + lambda sum_g w_g std_m Q + eta sum_k (e^{kd ex} - 1) ]
// with their gradients dLoss/dQ (to start the critics' backward) and dJ/dmu (to start the actor's).
//
// How: every reduction has a fixed order (tree reductions in shared memory or warp shuffles, partials per
// row followed by a one-block finish), so results are deterministic run to run; no atomics. Sums the Java
// reference takes in double are taken in double here too. Segments (units of one transition, next units
// of one transition) are CSR ranges: the caller groups rows by transition, as UnitBatch fills them.
//
// Version ladder:
//  v1 (this file) one block per member for the TD losses (members <= 20 blocks: fine for the batch sizes
//      of the spec, 256 transitions x tens of units); per-row partials + one-block finish for the actor.
//  v2 planned: fuse the TD loss into the critic forward epilogue of the last layer (out = 1), and the
//      actor's dJ/dQ likewise, saving a round trip of Q through HBM.

#include "erl_common.cuh"

ERL_KERNEL void __launch_bounds__(ERL_SEG_THREADS)
erl_next_value_f32(int members, int transitions, int nn,
                   const int* nextOffsets,   // [T+1] next units of transition t: [off[t], off[t+1])
                   const float* q,           // [members][nn] target critics at (s', mu'(s'))
                   const float* weights,     // [nn] weight of each next unit in V'
                   const float* phi,         // [nn] box damping
                   float* vNext) {           // [members][T]
    __shared__ float scratch[ERL_SEG_THREADS];
    const int t = blockIdx.x, m = blockIdx.y;
    if (t >= transitions || m >= members) return;
    float s = 0.f;
    for (int j = nextOffsets[t] + threadIdx.x; j < nextOffsets[t + 1]; j += ERL_SEG_THREADS)
        s += weights[j] * phi[j] * q[(size_t) m * nn + j];
    s = erl_block_sum(s, scratch);
    if (threadIdx.x == 0) vNext[(size_t) m * transitions + t] = s;
}

ERL_KERNEL void __launch_bounds__(ERL_RED_THREADS)
erl_pair_td_loss_f32(int members, int membersPerGroup, int groups, int n, int transitions,
                     const float* q,               // [members][n] Q_m(s_u, a_u)
                     const float* rewards,         // [n][groups]
                     const float* notDone,         // [T]
                     const float* bootstrap,       // [n] [u shown] / l
                     const int* unitTransition,    // [n]
                     const float* vNext,           // [members][T]
                     const float* weights,         // [n]
                     float gamma,
                     float* dq,                    // [members][n]
                     float* loss) {                // [members]
    __shared__ double scratch[ERL_RED_THREADS];
    const int m = blockIdx.x;
    if (m >= members) return;
    const int g = m / membersPerGroup;
    double ws = 0.0;
    for (int u = threadIdx.x; u < n; u += ERL_RED_THREADS) ws += weights[u];
    const double wSum = erl_block_sum_d(ws, scratch);
    double l = 0.0;
    for (int u = threadIdx.x; u < n; u += ERL_RED_THREADS) {
        const int t = unitTransition[u];
        const float y = rewards[(size_t) u * groups + g]
                        + gamma * notDone[t] * bootstrap[u] * vNext[(size_t) m * transitions + t];
        const float diff = q[(size_t) m * n + u] - y;
        const float w = weights[u];
        l += (double) (w * diff * diff);
        dq[(size_t) m * n + u] = (float) (2.0 * w * diff / wSum);
    }
    l = erl_block_sum_d(l, scratch);
    if (threadIdx.x == 0) loss[m] = (float) (l / wSum);
}

ERL_KERNEL void __launch_bounds__(ERL_RED_THREADS)
erl_listsum_td_loss_f32(int members, int membersPerGroup, int groups, int n, int transitions,
                        const int* unitOffsets,   // [T+1] units of transition t: [off[t], off[t+1])
                        const float* q,           // [members][n]
                        const float* rewards,     // [n][groups]
                        const float* notDone,     // [T]
                        const float* vNext,       // [members][T]
                        float gamma,
                        float* residual,          // [members][T] out
                        float* dq,                // [members][n] out
                        float* loss) {            // [members] out
    __shared__ double scratch[ERL_RED_THREADS];
    const int m = blockIdx.x;
    if (m >= members) return;
    const int g = m / membersPerGroup;
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    constexpr int WARPS = ERL_RED_THREADS / 32;
    double l = 0.0;
    for (int t = warp; t < transitions; t += WARPS) {  // one warp per transition
        float sq = 0.f, sr = 0.f;
        for (int u = unitOffsets[t] + lane; u < unitOffsets[t + 1]; u += 32) {
            sq += q[(size_t) m * n + u];
            sr += rewards[(size_t) u * groups + g];
        }
        for (int o = 16; o > 0; o >>= 1) {
            sq += __shfl_xor_sync(0xffffffffu, sq, o);
            sr += __shfl_xor_sync(0xffffffffu, sr, o);
        }
        const float target = sr + gamma * notDone[t] * vNext[(size_t) m * transitions + t];
        const float diff = sq - target;
        if (lane == 0) {
            residual[(size_t) m * transitions + t] = diff;
            l += (double) (diff * diff);
        }
    }
    l = erl_block_sum_d(l, scratch);   // its barriers also publish residual to the whole block
    if (threadIdx.x == 0) loss[m] = (float) (l / transitions);
    for (int t = warp; t < transitions; t += WARPS) {
        const float d = 2.f * residual[(size_t) m * transitions + t] / transitions;
        for (int u = unitOffsets[t] + lane; u < unitOffsets[t + 1]; u += 32) dq[(size_t) m * n + u] = d;
    }
}

ERL_KERNEL void __launch_bounds__(ERL_RED_THREADS)
erl_count_mask_i32(int n,
                   const unsigned char* mask,   // [n] or NULL (all included)
                   int* count) {                // [1]
    __shared__ double scratch[ERL_RED_THREADS];
    double c = 0.0;
    for (int i = threadIdx.x; i < n; i += ERL_RED_THREADS) c += (mask == nullptr || mask[i]) ? 1.0 : 0.0;
    c = erl_block_sum_d(c, scratch);
    if (threadIdx.x == 0) *count = (int) c;
}

ERL_KERNEL void __launch_bounds__(ERL_EW_THREADS)
erl_actor_q_grad_f32(int groups, int membersPerGroup, int n,
                     const float* q,                // [groups*membersPerGroup][n] Q at (s, mu(s))
                     const unsigned char* mask,     // [n] included rows, or NULL
                     const int* includedCount,      // [1]
                     const float* groupWeights,     // [groups]
                     float lambda,
                     float* dq,                     // [groups*membersPerGroup][n] dJ/dQ
                     float* rowParts) {             // [n][3]: (sum_g w_g mean, sum_g w_g std, box)
    const int u = blockIdx.x * ERL_EW_THREADS + threadIdx.x;
    if (u >= n) return;
    const int mpg = membersPerGroup;
    const bool in = mask == nullptr || mask[u];
    double meanPart = 0.0, stdPart = 0.0;
    const double included = (double) *includedCount;
    for (int g = 0; g < groups; g++) {
        const float wg = groupWeights[g];
        if (!in) {
            for (int k = 0; k < mpg; k++) dq[(size_t) (g * mpg + k) * n + u] = 0.f;
            continue;
        }
        double mean = 0.0;
        for (int k = 0; k < mpg; k++) mean += q[(size_t) (g * mpg + k) * n + u];
        mean /= mpg;
        double var = 0.0;
        for (int k = 0; k < mpg; k++) {
            const double dd = q[(size_t) (g * mpg + k) * n + u] - mean;
            var += dd * dd;
        }
        const double sd = sqrt(var / mpg);
        meanPart += wg * mean;
        stdPart += wg * sd;
        for (int k = 0; k < mpg; k++) {
            const size_t e = (size_t) (g * mpg + k) * n + u;
            const double dStd = sd > 1e-8 ? (q[e] - mean) / (mpg * sd) : 0.0;
            dq[e] = (float) (wg * (-1.0 / mpg + lambda * dStd) / included);
        }
    }
    rowParts[(size_t) u * 3 + 0] = (float) meanPart;
    rowParts[(size_t) u * 3 + 1] = (float) stdPart;
}

ERL_KERNEL void __launch_bounds__(ERL_EW_THREADS)
erl_actor_action_grad_f32(int n, int aw, int criticWidth, int stateWidth,
                          const float* dxCritic,        // [n][criticWidth] d/d critic input, summed over members
                          const float* mu,              // [n][aw] actor output
                          const float* centres,         // [n][aw] box centres
                          const unsigned char* mask,    // [n] or NULL
                          const int* includedCount,     // [1]
                          float beta, float eta, float kappaD,
                          float* dAct,                  // [n][aw] dJ/dmu
                          float* rowParts) {            // [n][3], column 2 written
    const int u = blockIdx.x * ERL_EW_THREADS + threadIdx.x;
    if (u >= n) return;
    const bool in = mask == nullptr || mask[u];
    const double included = (double) *includedCount;
    double box = 0.0;
    for (int k = 0; k < aw; k++) {
        float grad = in ? dxCritic[(size_t) u * criticWidth + stateWidth + k] : 0.f;
        if (in) {
            const float d = mu[(size_t) u * aw + k] - centres[(size_t) u * aw + k];
            const float ex = fabsf(d) - beta;
            if (ex > 0.f) {
                const double e = exp((double) kappaD * ex);
                box += eta * (e - 1.0);
                const double sgn = d > 0.f ? 1.0 : (d < 0.f ? -1.0 : 0.0);
                grad += (float) (eta * (double) kappaD * e * sgn / included);
            }
        }
        dAct[(size_t) u * aw + k] = grad;
    }
    rowParts[(size_t) u * 3 + 2] = (float) box;
}

ERL_KERNEL void __launch_bounds__(ERL_RED_THREADS)
erl_actor_loss_finish_f32(int n,
                          const float* rowParts,      // [n][3]
                          const int* includedCount,   // [1]
                          float lambda,
                          float* out) {               // [4] { J, meanQ, meanStd, box }
    __shared__ double scratch[ERL_RED_THREADS];
    double s[3] = {0.0, 0.0, 0.0};
    for (int u = threadIdx.x; u < n; u += ERL_RED_THREADS) {
        s[0] += rowParts[(size_t) u * 3 + 0];
        s[1] += rowParts[(size_t) u * 3 + 1];
        s[2] += rowParts[(size_t) u * 3 + 2];
    }
    const double a = erl_block_sum_d(s[0], scratch);
    const double b = erl_block_sum_d(s[1], scratch);
    const double c = erl_block_sum_d(s[2], scratch);
    if (threadIdx.x == 0) {
        const int inc = *includedCount;
        const double nan = __longlong_as_double(0x7ff8000000000000LL);
        const double meanQ = inc > 0 ? a / inc : nan;
        const double meanStd = inc > 0 ? b / inc : nan;
        const double box = inc > 0 ? c / inc : nan;
        out[0] = (float) (-meanQ + lambda * meanStd + box);
        out[1] = (float) meanQ;
        out[2] = (float) meanStd;
        out[3] = (float) box;
    }
}
