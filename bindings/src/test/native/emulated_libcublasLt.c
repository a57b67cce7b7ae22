/*
 * emulated_libcublasLt.c: a CPU emulation of the cuBLASLt calls the engine makes through its FFM bindings
 * (io.enhancedrl.bindings.ffm.CublasLt), built as libcublasLt.so.13 next to the emulated libcuda.so.1 and
 * computing on its device memory (host memory). Test-only, like emulated_libcuda.c. The prototypes are those of
 * cublasLt.h, so a Java FunctionDescriptor that disagrees with the C ABI (an int where the header has size_t or
 * uint64_t, a wrong argument order) shows up as wrong values here, which the Java upcall stubs cannot show.
 *
 * Emulated: handles, matmul descriptors (compute type CUBLAS_COMPUTE_32F with scale type CUDA_R_32F only; the
 * EPILOGUE and BIAS_POINTER attributes; TRANSA/TRANSB stay N), FP32 column-major layouts, preferences (the
 * MAX_WORKSPACE_BYTES attribute), a heuristic that offers one algorithm needing no workspace, and cublasLtMatmul
 * D = alpha A B + beta C with the DEFAULT, RELU, BIAS and RELU_BIAS epilogues (bias along D's rows). Every matrix
 * must lie in one live allocation of the emulated driver, else CUBLAS_STATUS_EXECUTION_FAILED.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int cublasStatus_t;
enum {
    SUCCESS = 0, NOT_INITIALIZED = 1, ALLOC_FAILED = 3, INVALID_VALUE = 7, EXECUTION_FAILED = 13, NOT_SUPPORTED = 15
};
enum { CUBLAS_COMPUTE_32F = 68, CUDA_R_32F = 0 };
enum { DESC_TRANSA = 3, DESC_TRANSB = 4, DESC_EPILOGUE = 7, DESC_BIAS_POINTER = 8 };
enum { EPILOGUE_DEFAULT = 1, EPILOGUE_RELU = 2, EPILOGUE_BIAS = 4, EPILOGUE_RELU_BIAS = 6 };
enum { PREF_MAX_WORKSPACE_BYTES = 1 };

#define MAGIC_HANDLE 0x17a0
#define MAGIC_DESC 0x17a1
#define MAGIC_LAYOUT 0x17a2
#define MAGIC_PREF 0x17a3

typedef struct { int magic; } Handle;
typedef struct { int magic; int epilogue; const float* bias; int transa, transb; } Desc;
typedef struct { int magic; int type; uint64_t rows, cols; int64_t ld; } Layout;
typedef struct { int magic; uint64_t maxWorkspace; } Pref;
/* cublasLtMatmulHeuristicResult_t: algo (64 bytes), size_t workspaceSize, cublasStatus_t state, float wavesCount,
   int reserved[4] = 96 bytes */
typedef struct { uint64_t algo[8]; size_t workspaceSize; cublasStatus_t state; float wavesCount; int reserved[4]; }
        HeuristicResult;

int erl_emu_inside(const void* p, unsigned long long bytes); /* from the emulated libcuda.so.1 */

const char* cublasLtGetStatusName(cublasStatus_t s) {
    switch (s) {
    case SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    default: return "CUBLAS_STATUS_UNKNOWN";
    }
}

size_t cublasLtGetVersion(void) {
    return 130000; /* "13.0.0": the emulation's own number */
}

static void* make(size_t bytes, int magic) {
    int* p = calloc(1, bytes);
    if (p) *p = magic;
    return p;
}

static cublasStatus_t destroy(void* p, int magic) {
    if (p == NULL || *(int*) p != magic) return INVALID_VALUE;
    *(int*) p = 0;
    free(p);
    return SUCCESS;
}

cublasStatus_t cublasLtCreate(Handle** h) {
    if (h == NULL) return INVALID_VALUE;
    return (*h = make(sizeof(Handle), MAGIC_HANDLE)) ? SUCCESS : ALLOC_FAILED;
}

cublasStatus_t cublasLtDestroy(Handle* h) {
    return h != NULL && h->magic == MAGIC_HANDLE ? destroy(h, MAGIC_HANDLE) : NOT_INITIALIZED;
}

cublasStatus_t cublasLtMatmulDescCreate(Desc** d, int computeType, int scaleType) {
    if (d == NULL) return INVALID_VALUE;
    if (computeType != CUBLAS_COMPUTE_32F || scaleType != CUDA_R_32F) return NOT_SUPPORTED;
    Desc* x = make(sizeof(Desc), MAGIC_DESC);
    if (x == NULL) return ALLOC_FAILED;
    x->epilogue = EPILOGUE_DEFAULT;
    *d = x;
    return SUCCESS;
}

cublasStatus_t cublasLtMatmulDescSetAttribute(Desc* d, int attribute, const void* buf, size_t bytes) {
    if (d == NULL || d->magic != MAGIC_DESC || buf == NULL) return INVALID_VALUE;
    switch (attribute) {
    case DESC_EPILOGUE:
        if (bytes != sizeof(uint32_t)) return INVALID_VALUE;
        d->epilogue = (int) *(const uint32_t*) buf;
        return SUCCESS;
    case DESC_BIAS_POINTER:
        if (bytes != sizeof(void*)) return INVALID_VALUE;
        d->bias = *(const float* const*) buf;
        return SUCCESS;
    case DESC_TRANSA:
    case DESC_TRANSB:
        if (bytes != sizeof(int32_t)) return INVALID_VALUE;
        if (*(const int32_t*) buf != 0) return NOT_SUPPORTED;
        return SUCCESS;
    default:
        return NOT_SUPPORTED;
    }
}

cublasStatus_t cublasLtMatmulDescDestroy(Desc* d) {
    return destroy(d, MAGIC_DESC);
}

cublasStatus_t cublasLtMatrixLayoutCreate(Layout** l, int type, uint64_t rows, uint64_t cols, int64_t ld) {
    if (l == NULL || ld < 0 || (rows > 0 && (uint64_t) ld < rows)) return INVALID_VALUE;
    if (type != CUDA_R_32F) return NOT_SUPPORTED;
    Layout* x = make(sizeof(Layout), MAGIC_LAYOUT);
    if (x == NULL) return ALLOC_FAILED;
    x->type = type;
    x->rows = rows;
    x->cols = cols;
    x->ld = ld;
    *l = x;
    return SUCCESS;
}

cublasStatus_t cublasLtMatrixLayoutDestroy(Layout* l) {
    return destroy(l, MAGIC_LAYOUT);
}

cublasStatus_t cublasLtMatmulPreferenceCreate(Pref** p) {
    if (p == NULL) return INVALID_VALUE;
    return (*p = make(sizeof(Pref), MAGIC_PREF)) ? SUCCESS : ALLOC_FAILED;
}

cublasStatus_t cublasLtMatmulPreferenceSetAttribute(Pref* p, int attribute, const void* buf, size_t bytes) {
    if (p == NULL || p->magic != MAGIC_PREF || buf == NULL) return INVALID_VALUE;
    if (attribute != PREF_MAX_WORKSPACE_BYTES) return NOT_SUPPORTED;
    if (bytes != sizeof(uint64_t)) return INVALID_VALUE;
    p->maxWorkspace = *(const uint64_t*) buf;
    return SUCCESS;
}

cublasStatus_t cublasLtMatmulPreferenceDestroy(Pref* p) {
    return destroy(p, MAGIC_PREF);
}

static int validLayout(const Layout* l) {
    return l != NULL && l->magic == MAGIC_LAYOUT;
}

cublasStatus_t cublasLtMatmulAlgoGetHeuristic(Handle* h, Desc* d, Layout* a, Layout* b, Layout* c, Layout* dd,
                                              Pref* pref, int requested, HeuristicResult* results, int* count) {
    if (h == NULL || h->magic != MAGIC_HANDLE) return NOT_INITIALIZED;
    if (d == NULL || d->magic != MAGIC_DESC || !validLayout(a) || !validLayout(b) || !validLayout(c) || !validLayout(dd)
            || pref == NULL || pref->magic != MAGIC_PREF || requested < 1 || results == NULL || count == NULL) {
        return INVALID_VALUE;
    }
    /* shapes: D (m x n) = A (m x k) B (k x n), C like D */
    if (a->cols != b->rows || a->rows != dd->rows || b->cols != dd->cols || c->rows != dd->rows || c->cols != dd->cols) {
        *count = 0;
        return INVALID_VALUE;
    }
    memset(results, 0, sizeof(HeuristicResult) * (size_t) requested);
    results[0].algo[0] = 0xa160; /* the one algorithm */
    results[0].workspaceSize = 0;
    results[0].state = SUCCESS;
    results[0].wavesCount = 1.0f;
    *count = 1;
    return SUCCESS;
}

static int holds(const float* p, const Layout* l) {
    if (l->rows == 0 || l->cols == 0) return 1;
    return erl_emu_inside(p, ((l->cols - 1) * (uint64_t) l->ld + l->rows) * sizeof(float));
}

cublasStatus_t cublasLtMatmul(Handle* h, Desc* d, const void* alpha, const void* A, Layout* a, const void* B,
                              Layout* b, const void* beta, const void* C, Layout* c, void* D, Layout* dd,
                              const HeuristicResult* algo, void* workspace, size_t workspaceBytes, void* stream) {
    (void) workspace;
    (void) workspaceBytes;
    (void) stream;
    if (h == NULL || h->magic != MAGIC_HANDLE) return NOT_INITIALIZED;
    if (d == NULL || d->magic != MAGIC_DESC || !validLayout(a) || !validLayout(b) || !validLayout(c) || !validLayout(dd)
            || alpha == NULL || beta == NULL) {
        return INVALID_VALUE;
    }
    if (algo != NULL && algo->algo[0] != 0xa160) return INVALID_VALUE; /* not an algorithm the heuristic gave */
    uint64_t m = dd->rows, n = dd->cols, k = a->cols;
    if (a->rows != m || b->rows != k || b->cols != n || c->rows != m || c->cols != n) return INVALID_VALUE;
    int relu = d->epilogue == EPILOGUE_RELU || d->epilogue == EPILOGUE_RELU_BIAS;
    int withBias = d->epilogue == EPILOGUE_BIAS || d->epilogue == EPILOGUE_RELU_BIAS;
    if (!relu && !withBias && d->epilogue != EPILOGUE_DEFAULT) return NOT_SUPPORTED;
    if (!holds(A, a) || !holds(B, b) || !holds(D, dd) || (C != NULL && !holds(C, c))
            || (withBias && (d->bias == NULL || !erl_emu_inside(d->bias, m * sizeof(float))))) {
        return EXECUTION_FAILED;
    }
    const float al = *(const float*) alpha, be = *(const float*) beta;
    const float* fa = A; const float* fb = B; const float* fc = C; float* fd = D;
    for (uint64_t j = 0; j < n; j++) {
        for (uint64_t i = 0; i < m; i++) {
            float acc = 0.f;
            for (uint64_t p = 0; p < k; p++) acc += fa[p * a->ld + i] * fb[j * b->ld + p];
            float v = al * acc + (be == 0.f ? 0.f : be * fc[j * c->ld + i]);
            if (withBias) v += d->bias[i];
            if (relu && v < 0.f) v = 0.f;
            fd[j * dd->ld + i] = v;
        }
    }
    return SUCCESS;
}
