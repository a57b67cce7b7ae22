// harness.cu: runs every EnhancedRL kernel against the C reference (../../main/c/reference.c) on random
// inputs over odd sizes, reports the worst element of each comparison, times each kernel with CUDA events,
// prints a short table last and exits non-zero on any mismatch (or any CUDA error).
// Tolerance: the project's rule |a - e| <= atol sqrt(reduction length) + rtol |e|, atol 1e-5, rtol 1e-4
// (Tolerance.FP32); integer outputs (top-k) must match exactly.
// Build and run on a GPU machine: native-kernels/run-harness.sh.
#include "../../main/c/reference.h"
#include "../../main/cuda/erl_kernels.h"

#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#define CK(call)                                                                                       \
    do {                                                                                               \
        cudaError_t e_ = (call);                                                                       \
        if (e_ != cudaSuccess) {                                                                       \
            fprintf(stderr, "CUDA error %s (%s) at %s:%d: %s\n", cudaGetErrorName(e_),                \
                    cudaGetErrorString(e_), __FILE__, __LINE__, #call);                                \
            exit(2);                                                                                   \
        }                                                                                              \
    } while (0)
#define LAUNCHED() CK(cudaGetLastError())

static unsigned long long rng_state = 0x2545F4914F6CDD1DULL;
static float frand(float lo, float hi) {
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
    return lo + (hi - lo) * (float) ((rng_state >> 11) * (1.0 / 9007199254740992.0));
}
static std::vector<float> fvec(size_t n, float lo, float hi) {
    std::vector<float> v(n);
    for (auto& x : v) x = frand(lo, hi);
    return v;
}

template <class T> struct Dev {
    T* p = nullptr;
    size_t n = 0;
    explicit Dev(size_t count) : n(count) { CK(cudaMalloc(&p, sizeof(T) * (count ? count : 1))); }
    explicit Dev(const std::vector<T>& h) : Dev(h.size()) { put(h); }
    ~Dev() { cudaFree(p); }
    void put(const std::vector<T>& h) { CK(cudaMemcpy(p, h.data(), sizeof(T) * h.size(), cudaMemcpyHostToDevice)); }
    std::vector<T> get() const {
        std::vector<T> h(n);
        CK(cudaMemcpy(h.data(), p, sizeof(T) * n, cudaMemcpyDeviceToHost));
        return h;
    }
    Dev(const Dev&) = delete;
};

struct Row { std::string kernel, case_; double worstErr, bound; bool ok; double ms; };
static std::vector<Row> rows;
static int failures = 0;

// compares a[0..count) with e; returns ok; records the row (timing added later via time_last)
static bool check(const std::string& kernel, const std::string& cs, const float* e, const float* a, size_t count,
                  int len, double atol = 1e-5, double rtol = 1e-4) {
    size_t worst = 0; double worstX = -INFINITY, werr = 0, wb = 0; bool ok = true;
    for (size_t i = 0; i < count; i++) {
        double bound = atol * std::sqrt((double) std::max(1, len)) + rtol * std::fabs((double) e[i]);
        double err = std::fabs((double) a[i] - (double) e[i]);
        double x = std::isnan(err) ? INFINITY : err - bound;
        if (!(err <= bound)) ok = false;
        if (x > worstX) { worstX = x; worst = i; werr = err; wb = bound; }
    }
    printf("%-28s %-40s %s worst [%zu] expected %.9g actual %.9g |diff| %.3g bound %.3g\n", kernel.c_str(),
           cs.c_str(), ok ? "ok  " : "FAIL", worst, count ? e[worst] : 0.f, count ? a[worst] : 0.f, werr, wb);
    if (!ok) failures++;
    rows.push_back({kernel, cs, werr, wb, ok, NAN});
    return ok;
}
static bool check_int(const std::string& kernel, const std::string& cs, const int* e, const int* a, size_t count) {
    size_t bad = 0, first = count;
    for (size_t i = 0; i < count; i++) if (e[i] != a[i]) { bad++; if (first == count) first = i; }
    if (bad) printf("%-28s %-40s FAIL %zu of %zu differ, first [%zu] expected %d actual %d\n", kernel.c_str(),
                    cs.c_str(), bad, count, first, e[first], a[first]);
    else printf("%-28s %-40s ok   all %zu equal\n", kernel.c_str(), cs.c_str(), count);
    if (bad) failures++;
    rows.push_back({kernel, cs, (double) bad, 0, bad == 0, NAN});
    return bad == 0;
}

// mean milliseconds per launch over reps launches (after one warm-up), with CUDA events
static double time_ms(const std::function<void()>& launch, int reps = 20) {
    launch(); LAUNCHED(); CK(cudaDeviceSynchronize());
    cudaEvent_t a, b; CK(cudaEventCreate(&a)); CK(cudaEventCreate(&b));
    CK(cudaEventRecord(a));
    for (int r = 0; r < reps; r++) launch();
    CK(cudaEventRecord(b)); CK(cudaEventSynchronize(b)); LAUNCHED();
    float ms = 0; CK(cudaEventElapsedTime(&ms, a, b));
    cudaEventDestroy(a); cudaEventDestroy(b);
    return ms / reps;
}
static void timed(const std::string& kernel, const std::string& cs, const std::function<void()>& launch) {
    double ms = time_ms(launch);
    rows.push_back({kernel, cs, NAN, NAN, true, ms});
}
static unsigned blocks(long long n, int b) { return (unsigned) ((n + b - 1) / b); }

// ---------------------------------------------------------------- fused MLP forward
static void launch_mlp(int n, int L, const int* d, int ha, int oa, const float* params, const float* x, int xw,
                       int xro, const float* prefix, int rpp, float* acts, float* y) {
    unsigned smem = erl_mlp_forward_smem_bytes(L, d, xw);
    erl_mlp_forward_f32<<<blocks(n, ERL_MLP_TILE_ROWS), ERL_MLP_THREADS, smem>>>(
        n, L, d[0], d[1], d[2], d[3], d[4], d[5], d[6], ha, oa, params, x, xw, xro, prefix, rpp, acts, y);
}

static void test_mlp(const char* name, int L, std::vector<int> dims, int ha, int oa, int n, int checkRows,
                     bool withActs, bool time) {
    int d[7] = {0}; for (int l = 0; l <= L; l++) d[l] = dims[l];
    long long P = erl_mlp_param_count(L, d);
    auto params = fvec(P, -1.f, 1.f);
    size_t off = 0;   // scale W_l by 1/sqrt(in) so activations stay O(1)
    for (int l = 0; l < L; l++) {
        float s = 1.f / std::sqrt((float) d[l]);
        for (size_t e = 0; e < (size_t) d[l] * d[l + 1]; e++) params[off + e] *= s;
        off += (size_t) d[l] * d[l + 1] + d[l + 1];
    }
    auto x = fvec((size_t) n * d[0], -1.f, 1.f);
    long long H = 0; for (int l = 1; l < L; l++) H += d[l];
    Dev<float> dp(params), dx(x), dy((size_t) n * d[L]), da(withActs ? (size_t) n * H : 1);
    launch_mlp(n, L, d, ha, oa, dp.p, dx.p, d[0], 0, nullptr, 1, withActs ? da.p : nullptr, dy.p);
    LAUNCHED(); CK(cudaDeviceSynchronize());
    int cr = std::min(n, checkRows);
    std::vector<float> ey((size_t) cr * d[L]), ea(withActs ? (size_t) cr * H : 1);
    ref_mlp_forward(cr, L, d, ha, oa, params.data(), x.data(), d[0], 0, nullptr, 1, withActs ? ea.data() : nullptr,
                    ey.data());
    auto gy = dy.get();
    std::string cs = std::string(name) + " n=" + std::to_string(n) + (cr < n ? " (rows checked " + std::to_string(cr) + ")" : "");
    check("erl_mlp_forward_f32", cs, ey.data(), gy.data(), (size_t) cr * d[L], 256);
    if (withActs) {  // compare layer by layer (the acts layout depends on n)
        auto ga = da.get();
        size_t go = 0, eo = 0;
        for (int l = 1; l < L; l++) {
            check("erl_mlp_forward_f32", cs + " acts layer " + std::to_string(l), ea.data() + eo, ga.data() + go,
                  (size_t) cr * d[l], 256);
            go += (size_t) n * d[l]; eo += (size_t) cr * d[l];
        }
    }
    if (time) timed("erl_mlp_forward_f32", std::string(name) + " n=" + std::to_string(n), [&] {
        launch_mlp(n, L, d, ha, oa, dp.p, dx.p, d[0], 0, nullptr, 1, withActs ? da.p : nullptr, dy.p);
    });
}

static void test_mlp_prefix() {
    // split first layer: x = [user part (du) ; item part], the user part's product precomputed per request
    const int L = 4, d[7] = {149, 256, 128, 64, 10, 0, 0}, du = 37, di = d[0] - du, C = 37, n = 1001;
    const int R = (n + C - 1) / C;
    long long P = erl_mlp_param_count(L, d);
    auto params = fvec(P, -0.08f, 0.08f);
    auto xu = fvec((size_t) R * du, -1, 1), xi = fvec((size_t) n * di, -1, 1);
    std::vector<float> prefix((size_t) R * d[1]), ey((size_t) n * d[L]);
    ref_linear_forward(R, du, d[1], xu.data(), params.data(), params.data() + (size_t) d[0] * d[1], R, 0, prefix.data());
    ref_mlp_forward(n, L, d, 1, 2, params.data(), xi.data(), di, du, prefix.data(), C, nullptr, ey.data());
    Dev<float> dp(params), dxi(xi), dxu(xu), dpre((size_t) R * d[1]), dy((size_t) n * d[L]);
    // the prefix itself on the device: erl_linear_forward_f32 over the user rows of W_0 with b_0
    erl_linear_forward_f32<<<dim3(blocks(d[1], 64), blocks(R, 64), 1), ERL_GEMM_THREADS>>>(
        1, R, du, d[1], dxu.p, 0, dp.p, 0, dp.p + (size_t) d[0] * d[1], 0, R, 0, dpre.p, 0);
    LAUNCHED();
    launch_mlp(n, L, d, 1, 2, dp.p, dxi.p, di, du, dpre.p, C, nullptr, dy.p);
    LAUNCHED(); CK(cudaDeviceSynchronize());
    auto gp = dpre.get(), gy = dy.get();
    check("erl_linear_forward_f32", "prefix R=28 in=37 out=256", prefix.data(), gp.data(), gp.size(), du);
    check("erl_mlp_forward_f32", "actor split prefix n=1001 C=37", ey.data(), gy.data(), gy.size(), 256);
}

static void test_ensemble(const char* name, int M, int L, std::vector<int> dims, int n, int checkRows, bool withPrefix,
                          bool time) {
    int d[7] = {0}; for (int l = 0; l <= L; l++) d[l] = dims[l];
    long long P = erl_mlp_param_count(L, d);
    auto params = fvec((size_t) M * P, -0.08f, 0.08f);
    const int xro = withPrefix ? 17 : 0, xw = d[0] - xro, rpp = 13, R = (n + rpp - 1) / rpp;
    auto x = fvec((size_t) n * xw, -1, 1);
    auto prefix = fvec((size_t) M * R * d[1], -1, 1);
    long long H = 0; for (int l = 1; l < L; l++) H += d[l];
    Dev<float> dp(params), dx(x), dpre(prefix), dy((size_t) M * n * d[L]), da((size_t) M * n * H);
    auto launch = [&] {
        erl_mlp_ensemble_forward_f32<<<dim3(blocks(n, ERL_MLP_TILE_ROWS), M), ERL_MLP_THREADS,
                                       erl_mlp_forward_smem_bytes(L, d, xw)>>>(
            M, n, L, d[0], d[1], d[2], d[3], d[4], d[5], d[6], 1, 0, dp.p, dx.p, xw, xro,
            withPrefix ? dpre.p : nullptr, (long long) R * d[1], rpp, da.p, dy.p);
    };
    launch(); LAUNCHED(); CK(cudaDeviceSynchronize());
    auto gy = dy.get(), ga = da.get();
    int cr = std::min(n, checkRows);
    std::vector<float> ey((size_t) cr * d[L]), ea((size_t) cr * H);
    std::string cs = std::string(name) + " M=" + std::to_string(M) + " n=" + std::to_string(n) + (withPrefix ? " prefix" : "");
    bool ok = true;
    for (int m = 0; m < M && ok; m++) {
        ref_mlp_forward(cr, L, d, 1, 0, params.data() + m * P, x.data(), xw, xro,
                        withPrefix ? prefix.data() + (size_t) m * R * d[1] : nullptr, rpp, ea.data(), ey.data());
        ok = check("erl_mlp_ensemble_forward_f32", cs + " member " + std::to_string(m), ey.data(),
                   gy.data() + (size_t) m * n * d[L], (size_t) cr * d[L], 256);
        ok = ok && check("erl_mlp_ensemble_forward_f32", cs + " member " + std::to_string(m) + " acts l1", ea.data(),
                         ga.data() + (size_t) m * n * H, (size_t) cr * d[1], 256);
        if (m == 0 && M > 2) m = M - 2;   // check the first and the last member (the rest are the same code)
    }
    if (time) timed("erl_mlp_ensemble_forward_f32", std::string(name) + " M=" + std::to_string(M) + " n=" + std::to_string(n), launch);
}

// ---------------------------------------------------------------- linear layers
static void test_linear() {
    const int M = 3, n = 67, in = 300, out = 257, rpb = 5, R = (n + rpb - 1) / rpb;
    auto x = fvec((size_t) M * n * in, -1, 1), w = fvec((size_t) M * in * out, -0.1f, 0.1f), b = fvec((size_t) M * R * out, -1, 1);
    Dev<float> dx(x), dw(w), db(b), dy((size_t) M * n * out);
    auto fwd = [&] {
        erl_linear_forward_f32<<<dim3(blocks(out, 64), blocks(n, 64), M), ERL_GEMM_THREADS>>>(
            M, n, in, out, dx.p, (long long) n * in, dw.p, (long long) in * out, db.p, (long long) R * out, rpb, 2,
            dy.p, (long long) n * out);
    };
    fwd(); LAUNCHED();
    auto gy = dy.get();
    std::vector<float> ey((size_t) n * out);
    for (int m = 0; m < M; m++) {
        ref_linear_forward(n, in, out, x.data() + (size_t) m * n * in, w.data() + (size_t) m * in * out,
                           b.data() + (size_t) m * R * out, rpb, 2, ey.data());
        check("erl_linear_forward_f32", "n=67 in=300 out=257 rpb=5 tanh m=" + std::to_string(m), ey.data(),
              gy.data() + (size_t) m * n * out, ey.size(), in);
    }
    timed("erl_linear_forward_f32", "M=3 n=67 300->257", fwd);
}

static void test_backward(int M, int n, int in, int out, int act, int splits, bool accumulate, bool sharedX, bool time) {
    std::string cs = "M=" + std::to_string(M) + " n=" + std::to_string(n) + " " + std::to_string(in) + "->" +
                     std::to_string(out) + " act=" + std::to_string(act) + " splits=" + std::to_string(splits) +
                     (accumulate ? " acc" : "") + (sharedX ? " sharedX" : "");
    const size_t xs = sharedX ? 0 : (size_t) n * in;
    auto x = fvec(sharedX ? (size_t) n * in : (size_t) M * n * in, -1, 1);
    auto w = fvec((size_t) M * in * out, -0.2f, 0.2f);
    auto y = fvec((size_t) M * n * out, -1, 1);
    if (act == 1) for (auto& v : y) v = v > 0 ? v : 0.f;
    auto dyv = fvec((size_t) M * n * out, -1, 1);
    auto dw0 = fvec((size_t) M * in * out, -1, 1), db0 = fvec((size_t) M * out, -1, 1);
    Dev<float> dX(x), dW(w), dY(y), dDy(dyv), dDx((size_t) M * n * in), dDw(dw0), dDb(db0), dSum((size_t) n * in);
    Dev<float> ws((size_t) M * splits * in * out);
    erl_act_backward_f32<<<blocks((long long) M * n * out, ERL_EW_THREADS), ERL_EW_THREADS>>>((long long) M * n * out, dY.p, dDy.p, act);
    LAUNCHED();
    erl_linear_backward_dx_f32<<<dim3(blocks(in, 64), blocks(n, 64), M), ERL_GEMM_THREADS>>>(
        M, n, in, out, dDy.p, (long long) n * out, dW.p, (long long) in * out, dDx.p, (long long) n * in);
    LAUNCHED();
    erl_linear_backward_dw_f32<<<dim3(blocks(out, 64), blocks(in, 64), M * splits), ERL_GEMM_THREADS>>>(
        M, splits, n, in, out, dX.p, (long long) xs, dDy.p, (long long) n * out, dDw.p, (long long) in * out,
        accumulate, ws.p);
    LAUNCHED();
    if (splits > 1) {
        erl_reduce_splits_f32<<<dim3(blocks(in * out, ERL_EW_THREADS), M), ERL_EW_THREADS>>>(
            M, splits, in * out, ws.p, dDw.p, (long long) in * out, accumulate);
        LAUNCHED();
    }
    erl_bias_backward_f32<<<dim3(blocks(out, ERL_BIAS_BWD_COLS), M), dim3(ERL_BIAS_BWD_COLS, ERL_BIAS_BWD_ROWS)>>>(
        M, n, out, dDy.p, (long long) n * out, dDb.p, out, accumulate);
    LAUNCHED();
    erl_sum_members_f32<<<blocks((long long) n * in, ERL_EW_THREADS), ERL_EW_THREADS>>>(M, (long long) n * in, dDx.p, dSum.p);
    LAUNCHED(); CK(cudaDeviceSynchronize());
    auto gdz = dDy.get(), gdx = dDx.get(), gdw = dDw.get(), gdb = dDb.get(), gsum = dSum.get();
    std::vector<float> esum((size_t) n * in, 0.f);
    std::vector<float> edx((size_t) M * n * in);
    for (int m = 0; m < M; m++) {
        std::vector<float> dz(dyv.begin() + (size_t) m * n * out, dyv.begin() + (size_t) (m + 1) * n * out);
        std::vector<float> dw(dw0.begin() + (size_t) m * in * out, dw0.begin() + (size_t) (m + 1) * in * out);
        std::vector<float> db(db0.begin() + (size_t) m * out, db0.begin() + (size_t) (m + 1) * out);
        ref_linear_backward(n, in, out, x.data() + m * xs, w.data() + (size_t) m * in * out, y.data() + (size_t) m * n * out,
                            dz.data(), act, edx.data() + (size_t) m * n * in, dw.data(), db.data(), accumulate);
        std::string mc = cs + " m=" + std::to_string(m);
        check("erl_act_backward_f32", mc, dz.data(), gdz.data() + (size_t) m * n * out, dz.size(), 1, 0, 0);
        check("erl_linear_backward_dx_f32", mc, edx.data() + (size_t) m * n * in, gdx.data() + (size_t) m * n * in, (size_t) n * in, out);
        check(splits > 1 ? "erl_linear_backward_dw_f32+red" : "erl_linear_backward_dw_f32", mc, dw.data(),
              gdw.data() + (size_t) m * in * out, dw.size(), n);
        check("erl_bias_backward_f32", mc, db.data(), gdb.data() + (size_t) m * out, db.size(), n);
    }
    ref_sum_members(M, (long long) n * in, edx.data(), esum.data());
    check("erl_sum_members_f32", cs, esum.data(), gsum.data(), esum.size(), M * out);
    if (time) {
        timed("erl_linear_backward_dx_f32", cs, [&] {
            erl_linear_backward_dx_f32<<<dim3(blocks(in, 64), blocks(n, 64), M), ERL_GEMM_THREADS>>>(
                M, n, in, out, dDy.p, (long long) n * out, dW.p, (long long) in * out, dDx.p, (long long) n * in);
        });
        timed("erl_linear_backward_dw_f32", cs, [&] {
            erl_linear_backward_dw_f32<<<dim3(blocks(out, 64), blocks(in, 64), M * splits), ERL_GEMM_THREADS>>>(
                M, splits, n, in, out, dX.p, (long long) xs, dDy.p, (long long) n * out, dDw.p, (long long) in * out, 0, ws.p);
            if (splits > 1)
                erl_reduce_splits_f32<<<dim3(blocks(in * out, ERL_EW_THREADS), M), ERL_EW_THREADS>>>(
                    M, splits, in * out, ws.p, dDw.p, (long long) in * out, 0);
        });
        timed("erl_bias_backward_f32", cs, [&] {
            erl_bias_backward_f32<<<dim3(blocks(out, ERL_BIAS_BWD_COLS), M), dim3(ERL_BIAS_BWD_COLS, ERL_BIAS_BWD_ROWS)>>>(
                M, n, out, dDy.p, (long long) n * out, dDb.p, out, 0);
        });
    }
}

// ---------------------------------------------------------------- element-wise
static void test_elementwise() {
    const long long len = 100003;
    auto p = fvec(len, -1, 1), g = fvec(len, -1, 1), m = fvec(len, -0.1f, 0.1f), v = fvec(len, 0, 0.1f);
    Dev<float> dp(p), dg(g), dm(m), dv(v);
    erl_adam_f32<<<blocks(len, ERL_EW_THREADS), ERL_EW_THREADS>>>(len, dp.p, dg.p, dm.p, dv.p, 3e-4f, 0.9f, 0.999f, 1e-8f, 13);
    LAUNCHED();
    ref_adam(len, p.data(), g.data(), m.data(), v.data(), 3e-4f, 0.9f, 0.999f, 1e-8f, 13);
    auto gp = dp.get(), gm = dm.get(), gv = dv.get();
    check("erl_adam_f32", "len=100003 step=13 params", p.data(), gp.data(), len, 1, 1e-7, 1e-6);
    check("erl_adam_f32", "len=100003 step=13 m", m.data(), gm.data(), len, 1, 1e-7, 1e-6);
    check("erl_adam_f32", "len=100003 step=13 v", v.data(), gv.data(), len, 1, 1e-7, 1e-6);
    timed("erl_adam_f32", "len=100003", [&] {
        erl_adam_f32<<<blocks(len, ERL_EW_THREADS), ERL_EW_THREADS>>>(len, dp.p, dg.p, dm.p, dv.p, 3e-4f, 0.9f, 0.999f, 1e-8f, 14);
    });

    auto on = fvec(len, -1, 1), tg = fvec(len, -1, 1);
    Dev<float> don(on), dtg(tg);
    erl_polyak_f32<<<blocks(len, ERL_EW_THREADS), ERL_EW_THREADS>>>(len, don.p, dtg.p, 0.005f);
    LAUNCHED();
    ref_polyak(len, on.data(), tg.data(), 0.005f);
    auto gt = dtg.get();
    check("erl_polyak_f32", "len=100003 tau=0.005", tg.data(), gt.data(), len, 1, 1e-7, 1e-6);

    const int n = 4099, k = 7;
    auto pr = fvec((size_t) n * k, 0.01f, 0.99f), pw = fvec((size_t) n * k, 0, 3), bi = fvec((size_t) n * k, 0.01f, 1);
    Dev<float> dpr(pr), dpw(pw), dbi(bi), dsc(n);
    erl_fusion_score_f32<<<blocks(n, ERL_EW_THREADS), ERL_EW_THREADS>>>(n, k, dpr.p, dpw.p, dbi.p, dsc.p);
    LAUNCHED();
    std::vector<float> es(n);
    ref_fusion_score(n, k, pr.data(), pw.data(), bi.data(), es.data());
    auto gs = dsc.get();
    check("erl_fusion_score_f32", "n=4099 k=7", es.data(), gs.data(), n, k);
    timed("erl_fusion_score_f32", "n=4099 k=7", [&] {
        erl_fusion_score_f32<<<blocks(n, ERL_EW_THREADS), ERL_EW_THREADS>>>(n, k, dpr.p, dpw.p, dbi.p, dsc.p);
    });

    const int wa = 149, wb = 10, nc = 333;
    auto a = fvec((size_t) nc * wa, -1, 1), b = fvec((size_t) nc * wb, -1, 1);
    Dev<float> da(a), dbb(b), dout((size_t) nc * (wa + wb));
    erl_concat_cols_f32<<<blocks((long long) nc * (wa + wb), ERL_EW_THREADS), ERL_EW_THREADS>>>(nc, wa, wb, da.p, dbb.p, dout.p);
    LAUNCHED();
    std::vector<float> ec((size_t) nc * (wa + wb));
    ref_concat_cols(nc, wa, wb, a.data(), b.data(), ec.data());
    auto gc = dout.get();
    check("erl_concat_cols_f32", "n=333 149+10", ec.data(), gc.data(), ec.size(), 1, 0, 0);

    const int aw = 10;
    auto mu = fvec((size_t) n * aw, -1, 1), ce = fvec((size_t) n * aw, -1, 1);
    Dev<float> dmu(mu), dce(ce), dphi(n);
    erl_box_phi_f32<<<blocks(n, ERL_EW_THREADS), ERL_EW_THREADS>>>(n, aw, dmu.p, dce.p, 0.15f, 10.f, dphi.p);
    LAUNCHED();
    std::vector<float> ephi(n);
    ref_box_phi(n, aw, mu.data(), ce.data(), 0.15f, 10.f, ephi.data());
    auto gphi = dphi.get();
    check("erl_box_phi_f32", "n=4099 aw=10", ephi.data(), gphi.data(), n, aw);
}

// ---------------------------------------------------------------- top-k
static void test_topk(int requests, int maxC, int k, bool ties, bool time) {
    std::vector<int> off(requests + 1, 0);
    for (int r = 0; r < requests; r++) off[r + 1] = off[r] + (r == 1 ? std::min(3, maxC) : 1 + (int) frand(0, (float) maxC));
    const int total = off[requests];
    std::vector<float> s(total);
    std::vector<long long> ids(total);
    for (int i = 0; i < total; i++) {
        s[i] = ties ? (float) (int) frand(0, 8) : frand(-5, 5);
        ids[i] = ties ? (long long) frand(0, 30) : (long long) (frand(0, 1) * 4e12);
    }
    Dev<int> doff(off), dout((size_t) requests * k);
    Dev<float> ds(s);
    Dev<long long> dids(ids);
    auto launch = [&] { erl_topk_f32<<<requests, ERL_TOPK_THREADS>>>(requests, doff.p, ds.p, dids.p, k, dout.p); };
    launch(); LAUNCHED(); CK(cudaDeviceSynchronize());
    std::vector<int> e((size_t) requests * k);
    for (int r = 0; r < requests; r++)
        ref_topk(off[r + 1] - off[r], s.data() + off[r], ids.data() + off[r], k, e.data() + (size_t) r * k);
    auto g = dout.get();
    std::string cs = "R=" + std::to_string(requests) + " C<=" + std::to_string(maxC) + " k=" + std::to_string(k) + (ties ? " ties" : "");
    check_int("erl_topk_f32", cs, e.data(), g.data(), e.size());
    if (time) timed("erl_topk_f32", cs, launch);
}

// ---------------------------------------------------------------- training-step reductions
static void test_rl() {
    const int G = 2, mpg = 10, M = G * mpg, T = 37, aw = 10, sw = 149, cw = sw + aw;
    std::vector<int> uoff(T + 1, 0), noff(T + 1, 0);
    for (int t = 0; t < T; t++) { uoff[t + 1] = uoff[t] + 1 + (int) frand(0, 60); noff[t + 1] = noff[t] + (int) frand(0, 40); }
    const int n = uoff[T], nn = noff[T];
    std::vector<int> ut(n);
    for (int t = 0; t < T; t++) for (int u = uoff[t]; u < uoff[t + 1]; u++) ut[u] = t;
    auto qn = fvec((size_t) M * nn, -1, 1), wn = fvec(nn, 0, 2), mun = fvec((size_t) nn * aw, -1, 1), cen = fvec((size_t) nn * aw, -1, 1);
    std::vector<float> phi(nn), vn((size_t) M * T);
    ref_box_phi(nn, aw, mun.data(), cen.data(), 0.15f, 10.f, phi.data());
    ref_next_value(M, T, nn, noff.data(), qn.data(), wn.data(), phi.data(), vn.data());
    Dev<int> dnoff(noff), duoff(uoff), dut(ut);
    Dev<float> dqn(qn), dwn(wn), dphi(phi), dvn((size_t) M * T);
    erl_next_value_f32<<<dim3(T, M), ERL_SEG_THREADS>>>(M, T, nn, dnoff.p, dqn.p, dwn.p, dphi.p, dvn.p);
    LAUNCHED();
    auto gvn = dvn.get();
    check("erl_next_value_f32", "M=20 T=37 nn=" + std::to_string(nn), vn.data(), gvn.data(), vn.size(), 40);

    auto q = fvec((size_t) M * n, -1, 1), rw = fvec((size_t) n * G, 0, 1), nd = fvec(T, 0, 1), bs = fvec(n, 0, 0.2f), w = fvec(n, 0.2f, 2);
    Dev<float> dq(q), drw(rw), dnd(nd), dbs(bs), dw(w), dvne(vn), ddq((size_t) M * n), dloss(M), dres((size_t) M * T);
    std::vector<float> edq((size_t) M * n), eloss(M), eres((size_t) M * T);
    erl_pair_td_loss_f32<<<M, ERL_RED_THREADS>>>(M, mpg, G, n, T, dq.p, drw.p, dnd.p, dbs.p, dut.p, dvne.p, dw.p, 0.9f, ddq.p, dloss.p);
    LAUNCHED();
    ref_pair_td_loss(M, mpg, G, n, T, q.data(), rw.data(), nd.data(), bs.data(), ut.data(), vn.data(), w.data(), 0.9f,
                     edq.data(), eloss.data());
    auto gdq = ddq.get(), gl = dloss.get();
    std::string cs = "M=20 T=37 n=" + std::to_string(n);
    check("erl_pair_td_loss_f32", cs + " dq", edq.data(), gdq.data(), edq.size(), 1);
    check("erl_pair_td_loss_f32", cs + " loss", eloss.data(), gl.data(), M, n);
    timed("erl_pair_td_loss_f32", cs, [&] {
        erl_pair_td_loss_f32<<<M, ERL_RED_THREADS>>>(M, mpg, G, n, T, dq.p, drw.p, dnd.p, dbs.p, dut.p, dvne.p, dw.p, 0.9f, ddq.p, dloss.p);
    });

    erl_listsum_td_loss_f32<<<M, ERL_RED_THREADS>>>(M, mpg, G, n, T, duoff.p, dq.p, drw.p, dnd.p, dvne.p, 0.9f, dres.p, ddq.p, dloss.p);
    LAUNCHED();
    ref_listsum_td_loss(M, mpg, G, n, T, uoff.data(), q.data(), rw.data(), nd.data(), vn.data(), 0.9f, eres.data(),
                        edq.data(), eloss.data());
    gdq = ddq.get(); gl = dloss.get(); auto gres = dres.get();
    check("erl_listsum_td_loss_f32", cs + " residual", eres.data(), gres.data(), eres.size(), 60);
    check("erl_listsum_td_loss_f32", cs + " dq", edq.data(), gdq.data(), edq.size(), 60);
    check("erl_listsum_td_loss_f32", cs + " loss", eloss.data(), gl.data(), M, 60 * T);

    std::vector<unsigned char> mask(n);
    for (int u = 0; u < n; u++) mask[u] = (unsigned char) (frand(0, 1) < 0.7f);
    const int inc = ref_count_mask(n, mask.data());
    std::vector<float> gw = {1.f, 0.7f};
    Dev<unsigned char> dmask(mask);
    Dev<int> dcount(1);
    Dev<float> dgw(gw), dparts((size_t) n * 3), dxc(fvec((size_t) n * cw, -1, 1)), dmu((size_t) n * aw), dce((size_t) n * aw),
        ddact((size_t) n * aw), dout(4);
    auto xc = dxc.get();
    auto mu = fvec((size_t) n * aw, -1, 1), ce = fvec((size_t) n * aw, -1, 1);
    dmu.put(mu); dce.put(ce);
    erl_count_mask_i32<<<1, ERL_RED_THREADS>>>(n, dmask.p, dcount.p);
    LAUNCHED();
    erl_actor_q_grad_f32<<<blocks(n, ERL_EW_THREADS), ERL_EW_THREADS>>>(G, mpg, n, dq.p, dmask.p, dcount.p, dgw.p, 1.f, ddq.p, dparts.p);
    LAUNCHED();
    erl_actor_action_grad_f32<<<blocks(n, ERL_EW_THREADS), ERL_EW_THREADS>>>(n, aw, cw, sw, dxc.p, dmu.p, dce.p, dmask.p, dcount.p,
                                                                            0.15f, 1.f, 10.f, ddact.p, dparts.p);
    LAUNCHED();
    erl_actor_loss_finish_f32<<<1, ERL_RED_THREADS>>>(n, dparts.p, dcount.p, 1.f, dout.p);
    LAUNCHED(); CK(cudaDeviceSynchronize());
    std::vector<float> eparts((size_t) n * 3), edact((size_t) n * aw), eout(4);
    ref_actor_q_grad(G, mpg, n, q.data(), mask.data(), inc, gw.data(), 1.f, edq.data(), eparts.data());
    ref_actor_action_grad(n, aw, cw, sw, xc.data(), mu.data(), ce.data(), mask.data(), inc, 0.15f, 1.f, 10.f, edact.data(), eparts.data());
    ref_actor_loss_finish(n, eparts.data(), inc, 1.f, eout.data());
    int gcount = dcount.get()[0];
    check_int("erl_count_mask_i32", cs, &inc, &gcount, 1);
    gdq = ddq.get(); auto gparts = dparts.get(), gdact = ddact.get(), gout = dout.get();
    check("erl_actor_q_grad_f32", cs + " dq", edq.data(), gdq.data(), edq.size(), 1);
    check("erl_actor_q_grad/action_grad", cs + " row parts", eparts.data(), gparts.data(), eparts.size(), 1);
    check("erl_actor_action_grad_f32", cs + " dAct", edact.data(), gdact.data(), edact.size(), 1);
    check("erl_actor_loss_finish_f32", cs + " {J, meanQ, std, box}", eout.data(), gout.data(), 4, n);
}

int main(int argc, char** argv) {
    int dev = 0;
    cudaDeviceProp prop;
    CK(cudaGetDeviceProperties(&prop, dev));
    printf("device: %s (sm_%d%d, %d SMs)\n", prop.name, prop.major, prop.minor, prop.multiProcessorCount);
    const bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;

    // fused forward: odd shapes, the actor at the reference sizes (rows checked are capped for CPU time)
    test_mlp("odd 37-65-33-17-3", 4, {37, 65, 33, 17, 3}, 1, 2, 67, 67, true, false);
    test_mlp("odd 7-255-1", 2, {7, 255, 1}, 2, 0, 33, 33, true, false);
    test_mlp("odd 256-256-256-256-256-256-9", 6, {256, 256, 256, 256, 256, 256, 9}, 1, 0, 1, 1, false, false);
    test_mlp("actor 149-256-128-64-10", 4, {149, 256, 128, 64, 10}, 1, 2, 512, 512, true, true);
    test_mlp("actor 149-256-128-64-10", 4, {149, 256, 128, 64, 10}, 1, 2, 65536, quick ? 512 : 4099, false, true);
    test_mlp_prefix();
    test_ensemble("critic 159-256-128-64-1", 20, 4, {159, 256, 128, 64, 1}, 333, 333, false, false);
    test_ensemble("critic 159-256-128-64-1", 20, 4, {159, 256, 128, 64, 1}, 333, 333, true, false);
    test_ensemble("critic 159-256-128-64-1", 20, 4, {159, 256, 128, 64, 1}, 512, 512, false, true);
    test_ensemble("critic 159-256-128-64-1", 20, 4, {159, 256, 128, 64, 1}, 65536, quick ? 64 : 1025, false, true);

    test_linear();
    test_backward(1, 1, 7, 3, 0, 1, false, false, false);
    test_backward(2, 257, 33, 65, 1, 1, true, false, false);
    test_backward(3, 1001, 159, 256, 1, 4, true, true, false);
    test_backward(1, 12800, 149, 256, 1, 8, false, false, true);
    test_backward(20, 12800, 64, 1, 0, 8, false, false, true);

    test_elementwise();
    test_topk(5, 300, 5, true, false);
    test_topk(3, 2, 4, false, false);
    test_topk(64, 2000, 5, false, true);
    test_topk(7, 5000, 100, true, false);
    test_rl();

    printf("\n%-30s %-44s %8s %10s %10s\n", "kernel", "case", "result", "worst err", "ms");
    for (const auto& r : rows)
        printf("%-30s %-44s %8s %10.3g %10s\n", r.kernel.c_str(), r.case_.c_str(),
               std::isnan(r.ms) ? (r.ok ? "ok" : "FAIL") : "time", r.worstErr,
               std::isnan(r.ms) ? "" : (std::to_string(r.ms)).c_str());
    if (failures) { printf("harness: %d comparison(s) FAILED\n", failures); return 1; }
    printf("harness: all comparisons passed\n");
    return 0;
}
