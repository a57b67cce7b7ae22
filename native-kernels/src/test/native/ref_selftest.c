/*
 * ref_selftest.c: a CPU-only check of the C reference (runs in CI without a GPU): the reference MLP
 * forward against a naive double-precision recomputation, the split first layer (prefix broadcast) against
 * the full forward, the ensemble against its members, the linear backward against double sums, top-k
 * against a full sort, Adam against the formula in double, and the TD and actor-loss gradients against
 * central finite differences of the loss in double. Exits non-zero on any mismatch.
 */
#include "../../main/c/reference.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static float frand(float lo, float hi) {
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return lo + (hi - lo) * (float) ((rng >> 11) * (1.0 / 9007199254740992.0));
}
static float* fvec(size_t n, float lo, float hi) {
    float* v = malloc(sizeof(float) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) v[i] = frand(lo, hi);
    return v;
}

static int failures = 0;
/* the project's tolerance rule: |a - e| <= atol sqrt(len) + rtol |e| */
static void check(const char* what, const double* e, const float* a, size_t n, int len, double atol, double rtol) {
    size_t worst = 0; double worstX = -1; int bad = 0;
    for (size_t i = 0; i < n; i++) {
        double bound = atol * sqrt(len > 1 ? len : 1) + rtol * fabs(e[i]);
        double err = fabs(a[i] - e[i]);
        double x = isnan(err) ? INFINITY : err - bound;
        if (!(err <= bound)) bad = 1;
        if (x > worstX) { worstX = x; worst = i; }
    }
    printf("%-34s %s  worst [%zu] expected %.9g actual %.9g\n", what, bad ? "FAIL" : "ok  ", worst,
           n ? e[worst] : 0.0, n ? a[worst] : 0.0);
    if (bad) failures++;
}

static double act_d(int act, double z) { return act == 1 ? (z > 0 ? z : 0) : act == 2 ? tanh(z) : z; }

static void test_mlp(void) {
    const int L = 4, d[5] = {37, 65, 33, 17, 3};
    const int n = 29, C = 5;  /* 5 candidates per request, the last request short */
    long long P = ref_mlp_param_count(L, d);
    float* params = fvec(P, -0.3f, 0.3f);
    float* x = fvec((size_t) n * d[0], -1, 1);
    float* y = malloc(sizeof(float) * n * d[L]);
    float* acts = malloc(sizeof(float) * n * (d[1] + d[2] + d[3]));
    ref_mlp_forward(n, L, d, 1, 2, params, x, d[0], 0, NULL, 1, acts, y);
    /* naive double recomputation */
    double* e = malloc(sizeof(double) * n * d[L]);
    double cur[256], nxt[256];
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < d[0]; k++) cur[k] = x[i * d[0] + k];
        size_t off = 0;
        for (int l = 0; l < L; l++) {
            for (int o = 0; o < d[l + 1]; o++) {
                double s = params[off + (size_t) d[l] * d[l + 1] + o];
                for (int k = 0; k < d[l]; k++) s += cur[k] * params[off + (size_t) k * d[l + 1] + o];
                nxt[o] = act_d(l == L - 1 ? 2 : 1, s);
            }
            memcpy(cur, nxt, sizeof(double) * d[l + 1]);
            off += (size_t) d[l] * d[l + 1] + d[l + 1];
        }
        for (int o = 0; o < d[L]; o++) e[i * d[L] + o] = cur[o];
    }
    check("mlp forward vs double", e, y, (size_t) n * d[L], d[0], 1e-5, 1e-4);

    /* split first layer: columns 0..11 are the per-request part, precomputed once per request */
    const int du = 12, di = d[0] - du, R = (n + C - 1) / C;
    float* xu = malloc(sizeof(float) * R * du);
    float* xi = malloc(sizeof(float) * n * di);
    for (int i = 0; i < n; i++) {   /* make the user part identical within a request */
        for (int k = 0; k < du; k++) x[i * d[0] + k] = x[(i / C) * C * d[0] + k];
        for (int k = 0; k < di; k++) xi[i * di + k] = x[i * d[0] + du + k];
    }
    for (int r = 0; r < R; r++) for (int k = 0; k < du; k++) xu[r * du + k] = x[r * C * d[0] + k];
    float* prefix = malloc(sizeof(float) * R * d[1]);
    ref_linear_forward(R, du, d[1], xu, params, params + (size_t) d[0] * d[1], R, 0, prefix);
    float* y2 = malloc(sizeof(float) * n * d[L]);
    ref_mlp_forward(n, L, d, 1, 2, params, x, d[0], 0, NULL, 1, NULL, y);
    ref_mlp_forward(n, L, d, 1, 2, params, xi, di, du, prefix, C, NULL, y2);
    double* ed = malloc(sizeof(double) * n * d[L]);
    for (int i = 0; i < n * d[L]; i++) ed[i] = y[i];
    check("split first layer vs full", ed, y2, (size_t) n * d[L], d[0], 1e-5, 1e-4);

    /* ensemble = members one by one, bit for bit */
    const int M = 3;
    float* ps = fvec(P * M, -0.3f, 0.3f);
    float* ye = malloc(sizeof(float) * M * n * d[L]);
    ref_mlp_ensemble_forward(M, n, L, d, 1, 0, ps, x, d[0], 0, NULL, 0, 1, NULL, ye);
    double* em = malloc(sizeof(double) * M * n * d[L]);
    for (int m = 0; m < M; m++) {
        ref_mlp_forward(n, L, d, 1, 0, ps + m * P, x, d[0], 0, NULL, 1, NULL, y);
        for (int i = 0; i < n * d[L]; i++) em[(size_t) m * n * d[L] + i] = y[i];
    }
    check("ensemble vs members", em, ye, (size_t) M * n * d[L], 1, 0, 0);
    free(params); free(x); free(y); free(acts); free(e); free(xu); free(xi); free(prefix); free(y2); free(ed);
    free(ps); free(ye); free(em);
}

static void test_backward(void) {
    const int n = 31, in = 19, out = 13;
    float* x = fvec(n * in, -1, 1), *w = fvec(in * out, -0.5f, 0.5f), *y = fvec(n * out, -0.9f, 0.9f);
    float* dy = fvec(n * out, -1, 1), *dx = malloc(sizeof(float) * n * in);
    float* dw = fvec(in * out, -1, 1), *db = fvec(out, -1, 1);
    float* dw0 = malloc(sizeof(float) * in * out), *db0 = malloc(sizeof(float) * out), *dy0 = malloc(sizeof(float) * n * out);
    memcpy(dw0, dw, sizeof(float) * in * out); memcpy(db0, db, sizeof(float) * out); memcpy(dy0, dy, sizeof(float) * n * out);
    ref_linear_backward(n, in, out, x, w, y, dy, 2, dx, dw, db, 1);
    double* dz = malloc(sizeof(double) * n * out);
    for (int e = 0; e < n * out; e++) dz[e] = dy0[e] * (1.0 - (double) y[e] * y[e]);
    double* edw = malloc(sizeof(double) * in * out), *edb = malloc(sizeof(double) * out), *edx = malloc(sizeof(double) * n * in);
    for (int k = 0; k < in; k++) for (int o = 0; o < out; o++) {
        double s = dw0[k * out + o];
        for (int i = 0; i < n; i++) s += x[i * in + k] * dz[i * out + o];
        edw[k * out + o] = s;
    }
    for (int o = 0; o < out; o++) { double s = db0[o]; for (int i = 0; i < n; i++) s += dz[i * out + o]; edb[o] = s; }
    for (int i = 0; i < n; i++) for (int k = 0; k < in; k++) {
        double s = 0; for (int o = 0; o < out; o++) s += dz[i * out + o] * w[k * out + o]; edx[i * in + k] = s;
    }
    check("linear backward dW (accumulate)", edw, dw, in * out, n, 1e-5, 1e-4);
    check("linear backward db (accumulate)", edb, db, out, n, 1e-5, 1e-4);
    check("linear backward dX", edx, dx, n * in, out, 1e-5, 1e-4);
    free(x); free(w); free(y); free(dy); free(dx); free(dw); free(db); free(dw0); free(db0); free(dy0);
    free(dz); free(edw); free(edb); free(edx);
}

static const float* g_s; static const long long* g_id;
static int cmp_rank(const void* a, const void* b) {
    int i = *(const int*) a, j = *(const int*) b;
    if (g_s[i] != g_s[j]) return g_s[i] > g_s[j] ? -1 : 1;
    if (g_id[i] != g_id[j]) return g_id[i] < g_id[j] ? -1 : 1;
    return i < j ? -1 : (i > j);
}

static void test_topk(void) {
    const int n = 257, k = 9;
    float* s = malloc(sizeof(float) * n); long long* ids = malloc(sizeof(long long) * n);
    for (int i = 0; i < n; i++) { s[i] = (float) (int) frand(0, 20); ids[i] = (long long) frand(0, 40); } /* many ties */
    int* all = malloc(sizeof(int) * n); for (int i = 0; i < n; i++) all[i] = i;
    g_s = s; g_id = ids; qsort(all, n, sizeof(int), cmp_rank);
    int out[9]; ref_topk(n, s, ids, k, out);
    double e[9]; float a[9];
    for (int j = 0; j < k; j++) { e[j] = all[j]; a[j] = (float) out[j]; }
    check("top-k vs full sort (ties)", e, a, k, 1, 0, 0);
    int out2[4]; ref_topk(2, s, ids, 4, out2);
    double e2[4] = {cmp_rank(&(int){0}, &(int){1}) < 0 ? 0 : 1, cmp_rank(&(int){0}, &(int){1}) < 0 ? 1 : 0, -1, -1};
    float a2[4]; for (int j = 0; j < 4; j++) a2[j] = (float) out2[j];
    check("top-k with k > n pads -1", e2, a2, 4, 1, 0, 0);
    free(s); free(ids); free(all);
}

static void test_adam(void) {
    const int len = 101, step = 7;
    float* p = fvec(len, -1, 1), *g = fvec(len, -1, 1), *m = fvec(len, -0.1f, 0.1f), *v = fvec(len, 0, 0.1f);
    double* e = malloc(sizeof(double) * len);
    for (int i = 0; i < len; i++) {
        double mi = 0.9 * m[i] + 0.1 * g[i], vi = 0.999 * v[i] + 0.001 * (double) g[i] * g[i];
        e[i] = p[i] - 1e-3 * (mi / (1 - pow(0.9, step))) / (sqrt(vi / (1 - pow(0.999, step))) + 1e-8);
    }
    ref_adam(len, p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, step);
    check("adam vs double formula", e, p, len, 1, 1e-6, 1e-5);
    free(p); free(g); free(m); free(v); free(e);
}

/* loss functions in double for finite differences */
static double pair_loss(int M, int mpg, int G, int n, int T, const float* q, const float* r, const float* nd,
                        const float* bs, const int* ut, const float* vn, const float* w, float gamma) {
    float* dq = malloc(sizeof(float) * M * n); float* loss = malloc(sizeof(float) * M);
    ref_pair_td_loss(M, mpg, G, n, T, q, r, nd, bs, ut, vn, w, gamma, dq, loss);
    double s = 0; for (int m = 0; m < M; m++) s += loss[m];
    free(dq); free(loss); return s;
}

static void test_losses(void) {
    const int G = 2, mpg = 3, M = G * mpg, T = 7, n = 23;
    int off[8] = {0, 2, 5, 9, 12, 15, 20, 23}, ut[23];
    for (int t = 0; t < T; t++) for (int u = off[t]; u < off[t + 1]; u++) ut[u] = t;
    float* q = fvec(M * n, -1, 1), *r = fvec(n * G, 0, 1), *nd = fvec(T, 0, 1), *bs = fvec(n, 0, 0.2f);
    float* vn = fvec(M * T, -1, 1), *w = fvec(n, 0.5f, 2), *dq = malloc(sizeof(float) * M * n), *loss = malloc(sizeof(float) * M);
    ref_pair_td_loss(M, mpg, G, n, T, q, r, nd, bs, ut, vn, w, 0.9f, dq, loss);
    double* fd = malloc(sizeof(double) * M * n);
    for (int e = 0; e < M * n; e++) {
        float keep = q[e], h = 1e-2f;
        q[e] = keep + h; double lp = pair_loss(M, mpg, G, n, T, q, r, nd, bs, ut, vn, w, 0.9f);
        q[e] = keep - h; double lm = pair_loss(M, mpg, G, n, T, q, r, nd, bs, ut, vn, w, 0.9f);
        q[e] = keep; fd[e] = (lp - lm) / (2.0 * ((double) (keep + h) - keep));
    }
    check("pair TD dLoss/dQ vs finite diff", fd, dq, M * n, 1, 2e-4, 2e-3);

    float* res = malloc(sizeof(float) * M * T);
    ref_listsum_td_loss(M, mpg, G, n, T, off, q, r, nd, vn, 0.9f, res, dq, loss);
    for (int e = 0; e < M * n; e++) {
        float keep = q[e], h = 1e-2f; double lp = 0, lm = 0;
        q[e] = keep + h; float* dq2 = malloc(sizeof(float) * M * n);
        ref_listsum_td_loss(M, mpg, G, n, T, off, q, r, nd, vn, 0.9f, res, dq2, loss);
        for (int m = 0; m < M; m++) lp += loss[m];
        q[e] = keep - h;
        ref_listsum_td_loss(M, mpg, G, n, T, off, q, r, nd, vn, 0.9f, res, dq2, loss);
        for (int m = 0; m < M; m++) lm += loss[m];
        q[e] = keep; fd[e] = (lp - lm) / (2.0 * h); free(dq2);
    }
    ref_listsum_td_loss(M, mpg, G, n, T, off, q, r, nd, vn, 0.9f, res, dq, loss);
    check("list-sum TD dLoss/dQ vs finite diff", fd, dq, M * n, 1, 2e-4, 2e-3);

    /* actor: J as a function of Q (box part constant) */
    unsigned char mask[23]; for (int u = 0; u < n; u++) mask[u] = (u % 4) != 1;
    int inc = ref_count_mask(n, mask); float gw[2] = {1.f, 0.5f}, parts[23 * 3], out[4];
    float* dqa = malloc(sizeof(float) * M * n);
    ref_actor_q_grad(G, mpg, n, q, mask, inc, gw, 1.f, dqa, parts);
    for (int e = 0; e < M * n; e++) {
        float keep = q[e], h = 1e-2f; float* tmp = malloc(sizeof(float) * M * n); double lp, lm;
        for (int u = 0; u < n; u++) parts[u * 3 + 2] = 0.f;
        q[e] = keep + h; ref_actor_q_grad(G, mpg, n, q, mask, inc, gw, 1.f, tmp, parts);
        ref_actor_loss_finish(n, parts, inc, 1.f, out); lp = out[0];
        q[e] = keep - h; ref_actor_q_grad(G, mpg, n, q, mask, inc, gw, 1.f, tmp, parts);
        ref_actor_loss_finish(n, parts, inc, 1.f, out); lm = out[0];
        q[e] = keep; fd[e] = (lp - lm) / (2.0 * h); free(tmp);
    }
    check("actor dJ/dQ vs finite diff", fd, dqa, M * n, 1, 2e-4, 2e-3);
    free(q); free(r); free(nd); free(bs); free(vn); free(w); free(dq); free(loss); free(fd); free(res); free(dqa);
}

int main(void) {
    test_mlp();
    test_backward();
    test_topk();
    test_adam();
    test_losses();
    if (failures) {
        printf("reference self-test: %d FAILED\n", failures);
        return 1;
    }
    printf("reference self-test: all passed\n");
    return 0;
}
