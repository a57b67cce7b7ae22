/*
 * emulated_libcublas.c: a CPU emulation of the four cuBLAS calls the engine makes through JCublas
 * (cublasCreate_v2, cublasDestroy_v2, cublasSetStream_v2, cublasSgemm_v2), built as libcublas.so.12 with that
 * symbol version (libJCublas2 links against "libcublas.so.12" versioned symbols) next to the emulated
 * libcuda.so.1, whose device memory (host memory) it computes on. Test-only, like emulated_libcuda.c: it shows
 * that the Java side drives JCublas correctly (operand order, leading dimensions, transposes, streams), nothing
 * about cuBLAS itself.
 *
 * Every matrix operand must lie, with the extent its dimensions and leading dimension imply, inside one live
 * device allocation of the emulated driver; otherwise CUBLAS_STATUS_EXECUTION_FAILED, as a real GEMM reading
 * out of bounds would fault. alpha and beta are read from host memory (the default pointer mode).
 */
#include <stdlib.h>

typedef enum {
    CUBLAS_STATUS_SUCCESS = 0, CUBLAS_STATUS_NOT_INITIALIZED = 1, CUBLAS_STATUS_ALLOC_FAILED = 3,
    CUBLAS_STATUS_INVALID_VALUE = 7, CUBLAS_STATUS_EXECUTION_FAILED = 13
} cublasStatus_t;

typedef struct { int magic; void* stream; } Handle;
#define HANDLE_MAGIC 0xB1A5

int erl_emu_inside(const void* p, unsigned long long bytes); /* from the emulated libcuda.so.1 */

cublasStatus_t cublasCreate_v2(Handle** handle) {
    if (handle == NULL) return CUBLAS_STATUS_INVALID_VALUE;
    Handle* h = malloc(sizeof(Handle));
    if (h == NULL) return CUBLAS_STATUS_ALLOC_FAILED;
    h->magic = HANDLE_MAGIC;
    h->stream = NULL;
    *handle = h;
    return CUBLAS_STATUS_SUCCESS;
}

static int valid(const Handle* h) {
    return h != NULL && h->magic == HANDLE_MAGIC;
}

cublasStatus_t cublasDestroy_v2(Handle* handle) {
    if (!valid(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
    handle->magic = 0;
    free(handle);
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetStream_v2(Handle* handle, void* stream) {
    if (!valid(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
    handle->stream = stream;
    return CUBLAS_STATUS_SUCCESS;
}

/* Whether a column-major rows x cols matrix with leading dimension ld at p lies in one device allocation. */
static int holds(const float* p, int rows, int cols, int ld) {
    if (rows == 0 || cols == 0) return 1;
    if (ld < rows) return 0;
    return erl_emu_inside(p, ((unsigned long long) (cols - 1) * ld + rows) * sizeof(float));
}

/* C = alpha op(A) op(B) + beta C, column-major; op = N (0) or T (1); C is m x n, op(A) m x k, op(B) k x n. */
cublasStatus_t cublasSgemm_v2(Handle* handle, int transa, int transb, int m, int n, int k, const float* alpha,
                              const float* A, int lda, const float* B, int ldb, const float* beta, float* C, int ldc) {
    if (!valid(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
    if (m < 0 || n < 0 || k < 0 || (transa != 0 && transa != 1) || (transb != 0 && transb != 1)
            || alpha == NULL || beta == NULL) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    if (!(transa ? holds(A, k, m, lda) : holds(A, m, k, lda)) || !(transb ? holds(B, n, k, ldb) : holds(B, k, n, ldb))
            || !holds(C, m, n, ldc)) {
        return CUBLAS_STATUS_EXECUTION_FAILED;
    }
    const float a = *alpha, b = *beta;
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            float acc = 0.f;
            for (int p = 0; p < k; p++) {
                float av = transa ? A[(size_t) i * lda + p] : A[(size_t) p * lda + i];
                float bv = transb ? B[(size_t) p * ldb + j] : B[(size_t) j * ldb + p];
                acc += av * bv;
            }
            float* c = C + (size_t) j * ldc + i;
            *c = b == 0.f ? a * acc : a * acc + b * *c; /* beta 0: C is not read (may be NaN), as cuBLAS does */
        }
    }
    return CUBLAS_STATUS_SUCCESS;
}
