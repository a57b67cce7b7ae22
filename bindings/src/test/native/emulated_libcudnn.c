/*
 * emulated_libcudnn.c: a CPU emulation of the cuDNN calls of the engine's FFM binding (io.enhancedrl.bindings.ffm
 * .Cudnn), built as libcudnn.so.9 next to the emulated libcuda.so.1 and computing on its device memory (host
 * memory). Test-only, like emulated_libcuda.c; the prototypes are cudnn.h's (cuDNN 9 legacy API), so a Java
 * FunctionDescriptor that disagrees with the C ABI shows up here.
 *
 * Emulated: handle and stream, FP32 NCHW 4-d tensor descriptors (fully packed), activation descriptors (RELU, TANH,
 * IDENTITY), activation forward and backward (the derivative from y), add tensor and op tensor (ADD, MUL) with
 * broadcasting of dimensions of size 1 in A (add) or B (op). Every tensor must lie in one live allocation of the
 * emulated driver, else CUDNN_STATUS_EXECUTION_FAILED. beta 0 means the output is not read (it may hold NaN).
 */
#include <math.h>
#include <stdlib.h>

typedef int cudnnStatus_t;
enum { SUCCESS = 0, NOT_INITIALIZED = 1, ALLOC_FAILED = 2, BAD_PARAM = 3, EXECUTION_FAILED = 8, NOT_SUPPORTED = 9 };
enum { NCHW = 0, FLOAT = 0, RELU = 1, TANH = 2, IDENTITY = 5, OP_ADD = 0, OP_MUL = 1 };

#define MAGIC_HANDLE 0xd00
#define MAGIC_TENSOR 0xd01
#define MAGIC_ACT 0xd02
#define MAGIC_OP 0xd03

typedef struct { int magic; void* stream; } Handle;
typedef struct { int magic; int dims[4]; int set; } Tensor;
typedef struct { int magic; int mode; int set; } Act;
typedef struct { int magic; int op; int set; } Op;

int erl_emu_inside(const void* p, unsigned long long bytes); /* from the emulated libcuda.so.1 */

const char* cudnnGetErrorString(cudnnStatus_t s) {
    switch (s) {
    case SUCCESS: return "CUDNN_STATUS_SUCCESS";
    case NOT_INITIALIZED: return "CUDNN_STATUS_NOT_INITIALIZED";
    case ALLOC_FAILED: return "CUDNN_STATUS_ALLOC_FAILED";
    case BAD_PARAM: return "CUDNN_STATUS_BAD_PARAM";
    case EXECUTION_FAILED: return "CUDNN_STATUS_EXECUTION_FAILED";
    case NOT_SUPPORTED: return "CUDNN_STATUS_NOT_SUPPORTED";
    default: return "CUDNN_STATUS_UNKNOWN";
    }
}

size_t cudnnGetVersion(void) {
    return 90000; /* "9.0.0": the emulation's own number */
}

static cudnnStatus_t make(void** out, size_t bytes, int magic) {
    if (out == NULL) return BAD_PARAM;
    int* p = calloc(1, bytes);
    if (p == NULL) return ALLOC_FAILED;
    *p = magic;
    *out = p;
    return SUCCESS;
}

static cudnnStatus_t destroy(void* p, int magic) {
    if (p == NULL || *(int*) p != magic) return BAD_PARAM;
    *(int*) p = 0;
    free(p);
    return SUCCESS;
}

cudnnStatus_t cudnnCreate(Handle** h) { return make((void**) h, sizeof(Handle), MAGIC_HANDLE); }
cudnnStatus_t cudnnDestroy(Handle* h) { return destroy(h, MAGIC_HANDLE); }

cudnnStatus_t cudnnSetStream(Handle* h, void* stream) {
    if (h == NULL || h->magic != MAGIC_HANDLE) return NOT_INITIALIZED;
    h->stream = stream;
    return SUCCESS;
}

cudnnStatus_t cudnnCreateTensorDescriptor(Tensor** t) { return make((void**) t, sizeof(Tensor), MAGIC_TENSOR); }
cudnnStatus_t cudnnDestroyTensorDescriptor(Tensor* t) { return destroy(t, MAGIC_TENSOR); }

cudnnStatus_t cudnnSetTensor4dDescriptor(Tensor* t, int format, int dataType, int n, int c, int h, int w) {
    if (t == NULL || t->magic != MAGIC_TENSOR || n < 1 || c < 1 || h < 1 || w < 1) return BAD_PARAM;
    if (format != NCHW || dataType != FLOAT) return NOT_SUPPORTED;
    t->dims[0] = n; t->dims[1] = c; t->dims[2] = h; t->dims[3] = w;
    t->set = 1;
    return SUCCESS;
}

cudnnStatus_t cudnnCreateActivationDescriptor(Act** a) { return make((void**) a, sizeof(Act), MAGIC_ACT); }
cudnnStatus_t cudnnDestroyActivationDescriptor(Act* a) { return destroy(a, MAGIC_ACT); }

cudnnStatus_t cudnnSetActivationDescriptor(Act* a, int mode, int nanOpt, double coef) {
    (void) coef;
    if (a == NULL || a->magic != MAGIC_ACT || (nanOpt != 0 && nanOpt != 1)) return BAD_PARAM;
    if (mode != RELU && mode != TANH && mode != IDENTITY) return NOT_SUPPORTED;
    a->mode = mode;
    a->set = 1;
    return SUCCESS;
}

cudnnStatus_t cudnnCreateOpTensorDescriptor(Op** o) { return make((void**) o, sizeof(Op), MAGIC_OP); }
cudnnStatus_t cudnnDestroyOpTensorDescriptor(Op* o) { return destroy(o, MAGIC_OP); }

cudnnStatus_t cudnnSetOpTensorDescriptor(Op* o, int op, int compType, int nanOpt) {
    if (o == NULL || o->magic != MAGIC_OP || (nanOpt != 0 && nanOpt != 1)) return BAD_PARAM;
    if ((op != OP_ADD && op != OP_MUL) || compType != FLOAT) return NOT_SUPPORTED;
    o->op = op;
    o->set = 1;
    return SUCCESS;
}

static int valid(const Tensor* t) {
    return t != NULL && t->magic == MAGIC_TENSOR && t->set;
}

static long long count(const Tensor* t) {
    return (long long) t->dims[0] * t->dims[1] * t->dims[2] * t->dims[3];
}

static int holds(const void* p, const Tensor* t) {
    return erl_emu_inside(p, (unsigned long long) count(t) * sizeof(float));
}

static int sameDims(const Tensor* a, const Tensor* b) {
    for (int i = 0; i < 4; i++) if (a->dims[i] != b->dims[i]) return 0;
    return 1;
}

/* Whether s broadcasts to t: each dimension equal or 1. */
static int broadcasts(const Tensor* s, const Tensor* t) {
    for (int i = 0; i < 4; i++) if (s->dims[i] != t->dims[i] && s->dims[i] != 1) return 0;
    return 1;
}

/* Index into s of element e of t (s broadcast over t). */
static long long broadcastIndex(const Tensor* s, const Tensor* t, long long e) {
    long long idx = 0, stride = 1, rest = e;
    int coord[4];
    for (int i = 3; i >= 0; i--) { coord[i] = (int) (rest % t->dims[i]); rest /= t->dims[i]; }
    for (int i = 3; i >= 0; i--) {
        idx += (s->dims[i] == 1 ? 0 : coord[i]) * stride;
        stride *= s->dims[i];
    }
    return idx;
}

static int handleOk(const Handle* h) {
    return h != NULL && h->magic == MAGIC_HANDLE;
}

cudnnStatus_t cudnnActivationForward(Handle* h, Act* a, const void* alpha, Tensor* xd, const void* x,
                                     const void* beta, Tensor* yd, void* y) {
    if (!handleOk(h)) return NOT_INITIALIZED;
    if (a == NULL || a->magic != MAGIC_ACT || !a->set || !valid(xd) || !valid(yd) || !sameDims(xd, yd)
            || alpha == NULL || beta == NULL) {
        return BAD_PARAM;
    }
    if (!holds(x, xd) || !holds(y, yd)) return EXECUTION_FAILED;
    const float al = *(const float*) alpha, be = *(const float*) beta;
    const float* fx = x; float* fy = y;
    for (long long e = 0; e < count(xd); e++) {
        float v = fx[e];
        float f = a->mode == RELU ? (v > 0.f ? v : 0.f) : a->mode == TANH ? (float) tanh((double) v) : v;
        fy[e] = al * f + (be == 0.f ? 0.f : be * fy[e]);
    }
    return SUCCESS;
}

cudnnStatus_t cudnnActivationBackward(Handle* h, Act* a, const void* alpha, Tensor* yd, const void* y, Tensor* dyd,
                                      const void* dy, Tensor* xd, const void* x, const void* beta, Tensor* dxd,
                                      void* dx) {
    if (!handleOk(h)) return NOT_INITIALIZED;
    if (a == NULL || a->magic != MAGIC_ACT || !a->set || !valid(yd) || !valid(dyd) || !valid(xd) || !valid(dxd)
            || !sameDims(yd, dyd) || !sameDims(yd, xd) || !sameDims(yd, dxd) || alpha == NULL || beta == NULL) {
        return BAD_PARAM;
    }
    if (!holds(y, yd) || !holds(dy, dyd) || !holds(x, xd) || !holds(dx, dxd)) return EXECUTION_FAILED;
    const float al = *(const float*) alpha, be = *(const float*) beta;
    const float* fy = y; const float* fdy = dy; float* fdx = dx;
    for (long long e = 0; e < count(yd); e++) {
        float d = a->mode == RELU ? (fy[e] > 0.f ? 1.f : 0.f) : a->mode == TANH ? 1.f - fy[e] * fy[e] : 1.f;
        fdx[e] = al * d * fdy[e] + (be == 0.f ? 0.f : be * fdx[e]);
    }
    return SUCCESS;
}

cudnnStatus_t cudnnAddTensor(Handle* h, const void* alpha, Tensor* ad, const void* A, const void* beta, Tensor* cd,
                             void* C) {
    if (!handleOk(h)) return NOT_INITIALIZED;
    if (!valid(ad) || !valid(cd) || !broadcasts(ad, cd) || alpha == NULL || beta == NULL) return BAD_PARAM;
    if (!holds(A, ad) || !holds(C, cd)) return EXECUTION_FAILED;
    const float al = *(const float*) alpha, be = *(const float*) beta;
    const float* fa = A; float* fc = C;
    for (long long e = 0; e < count(cd); e++) {
        fc[e] = al * fa[broadcastIndex(ad, cd, e)] + (be == 0.f ? 0.f : be * fc[e]);
    }
    return SUCCESS;
}

cudnnStatus_t cudnnOpTensor(Handle* h, Op* o, const void* alpha1, Tensor* ad, const void* A, const void* alpha2,
                            Tensor* bd, const void* B, const void* beta, Tensor* cd, void* C) {
    if (!handleOk(h)) return NOT_INITIALIZED;
    if (o == NULL || o->magic != MAGIC_OP || !o->set || !valid(ad) || !valid(bd) || !valid(cd) || !sameDims(ad, cd)
            || !broadcasts(bd, cd) || alpha1 == NULL || alpha2 == NULL || beta == NULL) {
        return BAD_PARAM;
    }
    if (!holds(A, ad) || !holds(B, bd) || !holds(C, cd)) return EXECUTION_FAILED;
    const float a1 = *(const float*) alpha1, a2 = *(const float*) alpha2, be = *(const float*) beta;
    const float* fa = A; const float* fb = B; float* fc = C;
    for (long long e = 0; e < count(cd); e++) {
        float u = a1 * fa[e], v = a2 * fb[broadcastIndex(bd, cd, e)];
        float r = o->op == OP_ADD ? u + v : u * v;
        fc[e] = r + (be == 0.f ? 0.f : be * fc[e]);
    }
    return SUCCESS;
}
