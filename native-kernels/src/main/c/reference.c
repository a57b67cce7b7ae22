/* reference.c: the C reference of the EnhancedRL kernels; see reference.h for the rules it follows. */
#include "reference.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

float ref_act(int act, float z) {
    if (act == 1) return z > 0.f ? z : 0.f;
    if (act == 2) return (float) tanh((double) z);
    return z;
}

float ref_act_deriv(int act, float y) {
    if (act == 1) return y > 0.f ? 1.f : 0.f;
    if (act == 2) return 1.f - y * y;
    return 1.f;
}

void ref_linear_forward(int n, int in, int out, const float* x, const float* w, const float* bias, int rpb,
                        int act, float* y) {
    for (int i = 0; i < n; i++) {
        const float* brow = bias ? bias + (size_t) (i / rpb) * out : NULL;
        for (int o = 0; o < out; o++) {
            float acc = brow ? brow[o] : 0.f;
            for (int k = 0; k < in; k++) acc += x[(size_t) i * in + k] * w[(size_t) k * out + o];
            y[(size_t) i * out + o] = ref_act(act, acc);
        }
    }
}

void ref_linear_backward(int n, int in, int out, const float* x, const float* w, const float* y, float* dy,
                         int act, float* dx, float* dw, float* db, int accumulate) {
    for (long long e = 0; e < (long long) n * out; e++) dy[e] *= ref_act_deriv(act, y[e]);
    for (int k = 0; k < in; k++)
        for (int o = 0; o < out; o++) {
            float acc = accumulate ? dw[(size_t) k * out + o] : 0.f;
            for (int i = 0; i < n; i++) acc += x[(size_t) i * in + k] * dy[(size_t) i * out + o];
            dw[(size_t) k * out + o] = acc;
        }
    if (db)
        for (int o = 0; o < out; o++) {
            float acc = accumulate ? db[o] : 0.f;
            for (int i = 0; i < n; i++) acc += dy[(size_t) i * out + o];
            db[o] = acc;
        }
    if (dx)
        for (int i = 0; i < n; i++)
            for (int k = 0; k < in; k++) {
                float acc = 0.f;
                for (int o = 0; o < out; o++) acc += dy[(size_t) i * out + o] * w[(size_t) k * out + o];
                dx[(size_t) i * in + k] = acc;
            }
}

long long ref_mlp_param_count(int nLayers, const int* d) {
    long long p = 0;
    for (int l = 0; l < nLayers; l++) p += (long long) d[l] * d[l + 1] + d[l + 1];
    return p;
}

void ref_mlp_forward(int n, int nLayers, const int* d, int hiddenAct, int outAct, const float* params,
                     const float* x, int xWidth, int xRowOffset, const float* prefix, int rowsPerPrefix,
                     float* acts, float* y) {
    int maxw = 1;
    for (int l = 1; l <= nLayers; l++) if (d[l] > maxw) maxw = d[l];
    float* a = (float*) malloc(sizeof(float) * (size_t) n * maxw);
    float* b = (float*) malloc(sizeof(float) * (size_t) n * maxw);
    const float* cur = x;
    size_t woff = 0, actOff = 0;
    for (int l = 0; l < nLayers; l++) {
        const int in = l == 0 ? xWidth : d[l], out = d[l + 1];
        const int act = l == nLayers - 1 ? outAct : hiddenAct;
        const float* w = params + woff + (l == 0 ? (size_t) xRowOffset * out : 0);
        const float* bias = (l == 0 && prefix) ? prefix : params + woff + (size_t) d[l] * out;
        const int rpb = (l == 0 && prefix) ? rowsPerPrefix : (n > 0 ? n : 1);
        float* dst = l == nLayers - 1 ? y : (cur == a ? b : a);
        ref_linear_forward(n, in, out, cur, w, bias, rpb, act, dst);
        if (l < nLayers - 1) {
            if (acts) memcpy(acts + actOff, dst, sizeof(float) * (size_t) n * out);
            actOff += (size_t) n * out;
        }
        cur = dst;
        woff += (size_t) d[l] * out + out;
    }
    free(a);
    free(b);
}

void ref_mlp_ensemble_forward(int members, int n, int nLayers, const int* d, int hiddenAct, int outAct,
                              const float* params, const float* x, int xWidth, int xRowOffset,
                              const float* prefix, long long prefixMS, int rowsPerPrefix, float* acts, float* y) {
    const long long P = ref_mlp_param_count(nLayers, d);
    long long H = 0;
    for (int l = 1; l < nLayers; l++) H += d[l];
    for (int m = 0; m < members; m++)
        ref_mlp_forward(n, nLayers, d, hiddenAct, outAct, params + m * P, x, xWidth, xRowOffset,
                        prefix ? prefix + m * prefixMS : NULL, rowsPerPrefix,
                        acts ? acts + m * H * n : NULL, y + (size_t) m * n * d[nLayers]);
}

void ref_act_backward(long long count, const float* y, float* dy, int act) {
    for (long long e = 0; e < count; e++) dy[e] *= ref_act_deriv(act, y[e]);
}

void ref_sum_members(int members, long long len, const float* x, float* out) {
    for (long long e = 0; e < len; e++) {
        float s = 0.f;
        for (int m = 0; m < members; m++) s += x[m * len + e];
        out[e] = s;
    }
}

void ref_adam(long long len, float* params, const float* grads, float* m, float* v, float lr, float beta1,
              float beta2, float eps, int step) {
    const float c1 = 1.f - (float) pow((double) beta1, step);
    const float c2 = 1.f - (float) pow((double) beta2, step);
    for (long long i = 0; i < len; i++) {
        const float g = grads[i];
        const float mi = beta1 * m[i] + (1.f - beta1) * g;
        const float vi = beta2 * v[i] + (1.f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        const float mHat = mi / c1, vHat = vi / c2;
        params[i] -= lr * mHat / ((float) sqrt((double) vHat) + eps);
    }
}

void ref_polyak(long long len, const float* online, float* target, float tau) {
    const float keep = 1.f - tau;
    for (long long i = 0; i < len; i++) target[i] = keep * target[i] + tau * online[i];
}

void ref_fusion_score(int n, int k, const float* p, const float* power, const float* bias, float* score) {
    for (int i = 0; i < n; i++) {
        float s = 0.f;
        for (int j = 0; j < k; j++) {
            const size_t e = (size_t) i * k + j;
            s += power[e] * (float) log((double) (p[e] + bias[e]));
        }
        score[i] = s;
    }
}

static int ref_better(const float* s, const long long* ids, int a, int b) {
    if (s[a] != s[b]) return s[a] > s[b];
    if (ids[a] != ids[b]) return ids[a] < ids[b];
    return a < b;
}

void ref_topk(int n, const float* scores, const long long* ids, int k, int* outIdx) {
    /* selection by repeated insertion into a sorted prefix: O(n k), obviously correct */
    int size = 0;
    for (int i = 0; i < n; i++) {
        int pos = size;
        while (pos > 0 && ref_better(scores, ids, i, outIdx[pos - 1])) pos--;
        if (pos >= k) continue;
        int last = size < k ? size : k - 1;
        for (int j = last; j > pos; j--) outIdx[j] = outIdx[j - 1];
        outIdx[pos] = i;
        if (size < k) size++;
    }
    for (int j = size; j < k; j++) outIdx[j] = -1;
}

void ref_concat_cols(int n, int wa, int wb, const float* a, const float* b, float* out) {
    for (int i = 0; i < n; i++) {
        memcpy(out + (size_t) i * (wa + wb), a + (size_t) i * wa, sizeof(float) * wa);
        memcpy(out + (size_t) i * (wa + wb) + wa, b + (size_t) i * wb, sizeof(float) * wb);
    }
}

void ref_box_phi(int n, int aw, const float* mu, const float* centres, float beta, float kappa, float* phi) {
    for (int j = 0; j < n; j++) {
        float dist = 0.f;
        for (int k = 0; k < aw; k++) {
            float ex = fabsf(mu[(size_t) j * aw + k] - centres[(size_t) j * aw + k]) - beta;
            if (ex > 0.f) dist += ex;
        }
        phi[j] = (float) exp(-(double) kappa * dist);
    }
}

void ref_next_value(int members, int transitions, int nn, const int* nextOffsets, const float* q,
                    const float* weights, const float* phi, float* vNext) {
    for (int m = 0; m < members; m++)
        for (int t = 0; t < transitions; t++) {
            float s = 0.f;
            for (int j = nextOffsets[t]; j < nextOffsets[t + 1]; j++) s += weights[j] * phi[j] * q[(size_t) m * nn + j];
            vNext[(size_t) m * transitions + t] = s;
        }
}

void ref_pair_td_loss(int members, int membersPerGroup, int groups, int n, int transitions, const float* q,
                      const float* rewards, const float* notDone, const float* bootstrap,
                      const int* unitTransition, const float* vNext, const float* weights, float gamma,
                      float* dq, float* loss) {
    double wSum = 0;
    for (int u = 0; u < n; u++) wSum += weights[u];
    for (int m = 0; m < members; m++) {
        const int g = m / membersPerGroup;
        double l = 0;
        for (int u = 0; u < n; u++) {
            const int t = unitTransition[u];
            const float y = rewards[(size_t) u * groups + g]
                            + gamma * notDone[t] * bootstrap[u] * vNext[(size_t) m * transitions + t];
            const float diff = q[(size_t) m * n + u] - y;
            l += weights[u] * diff * diff;
            dq[(size_t) m * n + u] = (float) (2.0 * weights[u] * diff / wSum);
        }
        loss[m] = (float) (l / wSum);
    }
}

void ref_listsum_td_loss(int members, int membersPerGroup, int groups, int n, int transitions,
                         const int* unitOffsets, const float* q, const float* rewards, const float* notDone,
                         const float* vNext, float gamma, float* residual, float* dq, float* loss) {
    for (int m = 0; m < members; m++) {
        const int g = m / membersPerGroup;
        double l = 0;
        for (int t = 0; t < transitions; t++) {
            float sq = 0.f, sr = 0.f;
            for (int u = unitOffsets[t]; u < unitOffsets[t + 1]; u++) {
                sq += q[(size_t) m * n + u];
                sr += rewards[(size_t) u * groups + g];
            }
            const float diff = sq - (sr + gamma * notDone[t] * vNext[(size_t) m * transitions + t]);
            residual[(size_t) m * transitions + t] = diff;
            l += diff * diff;
            for (int u = unitOffsets[t]; u < unitOffsets[t + 1]; u++) dq[(size_t) m * n + u] = 2.f * diff / transitions;
        }
        loss[m] = (float) (l / transitions);
    }
}

int ref_count_mask(int n, const unsigned char* mask) {
    int c = 0;
    for (int i = 0; i < n; i++) c += (!mask || mask[i]) ? 1 : 0;
    return c;
}

void ref_actor_q_grad(int groups, int membersPerGroup, int n, const float* q, const unsigned char* mask,
                      int includedCount, const float* groupWeights, float lambda, float* dq, float* rowParts) {
    const int mpg = membersPerGroup;
    for (int u = 0; u < n; u++) {
        const int in = !mask || mask[u];
        double meanPart = 0, stdPart = 0;
        for (int g = 0; g < groups; g++) {
            const float wg = groupWeights[g];
            if (!in) {
                for (int k = 0; k < mpg; k++) dq[(size_t) (g * mpg + k) * n + u] = 0.f;
                continue;
            }
            double mean = 0;
            for (int k = 0; k < mpg; k++) mean += q[(size_t) (g * mpg + k) * n + u];
            mean /= mpg;
            double var = 0;
            for (int k = 0; k < mpg; k++) {
                double dd = q[(size_t) (g * mpg + k) * n + u] - mean;
                var += dd * dd;
            }
            const double sd = sqrt(var / mpg);
            meanPart += wg * mean;
            stdPart += wg * sd;
            for (int k = 0; k < mpg; k++) {
                const size_t e = (size_t) (g * mpg + k) * n + u;
                const double dStd = sd > 1e-8 ? (q[e] - mean) / (mpg * sd) : 0.0;
                dq[e] = (float) (wg * (-1.0 / mpg + lambda * dStd) / includedCount);
            }
        }
        rowParts[(size_t) u * 3 + 0] = (float) meanPart;
        rowParts[(size_t) u * 3 + 1] = (float) stdPart;
    }
}

void ref_actor_action_grad(int n, int aw, int criticWidth, int stateWidth, const float* dxCritic,
                           const float* mu, const float* centres, const unsigned char* mask, int includedCount,
                           float beta, float eta, float kappaD, float* dAct, float* rowParts) {
    for (int u = 0; u < n; u++) {
        const int in = !mask || mask[u];
        double box = 0;
        for (int k = 0; k < aw; k++) {
            float grad = in ? dxCritic[(size_t) u * criticWidth + stateWidth + k] : 0.f;
            if (in) {
                const float d = mu[(size_t) u * aw + k] - centres[(size_t) u * aw + k];
                const float ex = fabsf(d) - beta;
                if (ex > 0.f) {
                    const double e = exp((double) kappaD * ex);
                    box += eta * (e - 1);
                    const double sgn = d > 0.f ? 1.0 : (d < 0.f ? -1.0 : 0.0);
                    grad += (float) (eta * (double) kappaD * e * sgn / includedCount);
                }
            }
            dAct[(size_t) u * aw + k] = grad;
        }
        rowParts[(size_t) u * 3 + 2] = (float) box;
    }
}

void ref_actor_loss_finish(int n, const float* rowParts, int includedCount, float lambda, float* out) {
    double a = 0, b = 0, c = 0;
    for (int u = 0; u < n; u++) {
        a += rowParts[(size_t) u * 3];
        b += rowParts[(size_t) u * 3 + 1];
        c += rowParts[(size_t) u * 3 + 2];
    }
    const double meanQ = includedCount > 0 ? a / includedCount : NAN;
    const double meanStd = includedCount > 0 ? b / includedCount : NAN;
    const double box = includedCount > 0 ? c / includedCount : NAN;
    out[0] = (float) (-meanQ + lambda * meanStd + box);
    out[1] = (float) meanQ;
    out[2] = (float) meanStd;
    out[3] = (float) box;
}
