/*
 * emulated_libcuda.c: a CPU emulation of the part of the CUDA driver API that the engine uses, built as
 * libcuda.so.1 so that JCuda's real JNI library (libJCudaDriver, which links against libcuda.so.1) loads and
 * runs on a machine without a GPU. Test-only: the bindings' "emulated-cuda" test execution puts it on
 * LD_LIBRARY_PATH, and the CUDA backend then goes through JCuda's JNI marshalling for real (kernelParams,
 * device pointers, pinned host memory, streams, status codes), which the Java stand-in driver cannot check.
 *
 * What it emulates and how strictly:
 *  - "device" memory is host memory from malloc; a CUdeviceptr is its address. Every pointer a kernel
 *    receives must lie, with the extent the kernel will touch, inside one live allocation: otherwise the
 *    launch fails with CUDA_ERROR_ILLEGAL_ADDRESS, as compute-sanitizer would report it.
 *  - cuModuleLoadData accepts only a fatbin image (magic 0xBA55ED50); cuModuleGetFunction finds a name only
 *    if the image contains it and it is one of the emulated kernels (else CUDA_ERROR_NOT_FOUND).
 *  - cuLaunchKernel checks the grid and block against erl_kernels.h's launch rules and runs the kernel's
 *    C reference (native-kernels/src/main/c/reference.c) synchronously; streams are therefore trivially
 *    ordered and cuStreamSynchronize only counts.
 *  - cuMemHostAlloc is malloc (nothing is page-locked), cuPointerGetAttribute answers DEVICE_POINTER.
 * Test hooks (not CUDA API): erl_emu_fail_after (inject a status into the n-th next call of a function),
 * erl_emu_count (calls so far per function), erl_emu_live_allocations.
 *
 * Nothing here measures a GPU: timings under this driver mean nothing, and results only show that the Java
 * side drives the driver API correctly.
 */
#include "reference.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef void* CUcontext;
typedef void* CUmodule;
typedef void* CUfunction;
typedef void* CUstream;

enum {
    SUCCESS = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_INITIALIZED = 3, INVALID_DEVICE = 101,
    INVALID_IMAGE = 200, INVALID_CONTEXT = 201, INVALID_HANDLE = 400, NOT_FOUND = 500,
    ILLEGAL_ADDRESS = 700, LAUNCH_FAILED = 719, NOT_SUPPORTED = 801
};

#define DEVICE_NAME "EnhancedRL emulated CUDA device (CPU, libcuda stand-in)"
/* An allocation above this fails with CUDA_ERROR_OUT_OF_MEMORY (a small "device", so tests can hit it). */
#define DEVICE_BYTES (1ULL << 31)
#define MAX_ALLOCS 65536

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int initialized;
static unsigned long long allocatedBytes;

typedef struct { uintptr_t base; size_t bytes; } Allocation;
static Allocation allocs[MAX_ALLOCS];
static int allocCount;

static int primaryContext = 0x0c7c; /* the address is the context handle */

/* ---- call counting and fault injection ---- */

typedef struct { const char* name; long long calls; long long failAt; int failStatus; } Counter;
static Counter counters[] = {
    {"cuInit", 0, 0, 0}, {"cuDeviceGetCount", 0, 0, 0}, {"cuDeviceGet", 0, 0, 0}, {"cuDeviceGetName", 0, 0, 0}, {"cuDevicePrimaryCtxRetain", 0, 0, 0},
    {"cuDevicePrimaryCtxRelease", 0, 0, 0}, {"cuCtxSetCurrent", 0, 0, 0}, {"cuModuleLoadData", 0, 0, 0}, {"cuModuleUnload", 0, 0, 0},
    {"cuModuleGetFunction", 0, 0, 0}, {"cuLaunchKernel", 0, 0, 0}, {"cuMemAlloc", 0, 0, 0}, {"cuMemFree", 0, 0, 0}, {"cuMemcpyHtoDAsync", 0, 0, 0},
    {"cuMemcpyDtoHAsync", 0, 0, 0}, {"cuPointerGetAttribute", 0, 0, 0}, {"cuStreamCreate", 0, 0, 0}, {"cuStreamSynchronize", 0, 0, 0},
    {"cuStreamDestroy", 0, 0, 0}, {"cuMemHostAlloc", 0, 0, 0}, {"cuMemFreeHost", 0, 0, 0}, {NULL, 0, 0, 0}
};

static Counter* counter(const char* name) {
    for (Counter* c = counters; c->name; c++) {
        if (strcmp(c->name, name) == 0) return c;
    }
    return NULL;
}

/* Counts the call; returns the injected status when this call was chosen to fail, else SUCCESS. */
static CUresult enter(const char* name) {
    pthread_mutex_lock(&lock);
    Counter* c = counter(name);
    CUresult s = SUCCESS;
    c->calls++;
    if (c->failAt > 0 && c->calls == c->failAt) {
        s = c->failStatus;
        c->failAt = 0;
    }
    pthread_mutex_unlock(&lock);
    return s;
}

/* Test hook: the (skip+1)-th call of `call` from now returns `status`. Returns 0, or -1 for an unknown call. */
int erl_emu_fail_after(const char* call, int skip, int status) {
    pthread_mutex_lock(&lock);
    Counter* c = counter(call);
    if (c) {
        c->failAt = c->calls + skip + 1;
        c->failStatus = status;
    }
    pthread_mutex_unlock(&lock);
    return c ? 0 : -1;
}

/* Test hook: how often `call` was made (-1 for an unknown name). */
long long erl_emu_count(const char* call) {
    pthread_mutex_lock(&lock);
    Counter* c = counter(call);
    long long n = c ? c->calls : -1;
    pthread_mutex_unlock(&lock);
    return n;
}

/* For the emulated cuBLAS (same directory): whether [p, p + bytes) lies inside one live device allocation. */
int erl_emu_inside(const void* p, unsigned long long bytes);

/* Test hook: device allocations now live. */
int erl_emu_live_allocations(void) {
    pthread_mutex_lock(&lock);
    int n = allocCount;
    pthread_mutex_unlock(&lock);
    return n;
}

/* ---- device memory ---- */

static int findAllocation(uintptr_t p) {
    for (int i = 0; i < allocCount; i++) {
        if (p >= allocs[i].base && p < allocs[i].base + allocs[i].bytes) return i;
    }
    return -1;
}

/* Whether [p, p + bytes) lies inside one live allocation (bytes 0: p may be anything, even NULL). */
static int inside(const void* p, unsigned long long bytes);

int erl_emu_inside(const void* p, unsigned long long bytes) {
    return inside(p, bytes);
}

static int inside(const void* p, unsigned long long bytes) {
    if (bytes == 0) return 1;
    pthread_mutex_lock(&lock);
    int i = findAllocation((uintptr_t) p);
    int ok = i >= 0 && (uintptr_t) p + bytes <= allocs[i].base + allocs[i].bytes;
    pthread_mutex_unlock(&lock);
    return ok;
}

CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytes) {
    CUresult s = enter("cuMemAlloc");
    if (s) return s;
    if (!initialized) return NOT_INITIALIZED;
    if (dptr == NULL || bytes == 0) return INVALID_VALUE;
    pthread_mutex_lock(&lock);
    if (allocatedBytes + bytes > DEVICE_BYTES || allocCount == MAX_ALLOCS) {
        pthread_mutex_unlock(&lock);
        return OUT_OF_MEMORY;
    }
    /* 256-byte aligned like cudaMalloc; NaN-filled so that reading unwritten memory shows up in results */
    void* p = aligned_alloc(256, (bytes + 255) / 256 * 256);
    if (p == NULL) {
        pthread_mutex_unlock(&lock);
        return OUT_OF_MEMORY;
    }
    memset(p, 0xff, bytes);
    allocs[allocCount].base = (uintptr_t) p;
    allocs[allocCount].bytes = bytes;
    allocCount++;
    allocatedBytes += bytes;
    pthread_mutex_unlock(&lock);
    *dptr = (CUdeviceptr) (uintptr_t) p;
    return SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr dptr) {
    CUresult s = enter("cuMemFree");
    if (s) return s;
    pthread_mutex_lock(&lock);
    int i = findAllocation((uintptr_t) dptr);
    if (i < 0 || allocs[i].base != (uintptr_t) dptr) {
        pthread_mutex_unlock(&lock);
        return INVALID_VALUE;
    }
    allocatedBytes -= allocs[i].bytes;
    allocs[i] = allocs[--allocCount];
    pthread_mutex_unlock(&lock);
    free((void*) (uintptr_t) dptr);
    return SUCCESS;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, CUstream stream) {
    CUresult s = enter("cuMemcpyHtoDAsync");
    if (s) return s;
    if (stream == NULL) return INVALID_HANDLE; /* the engine never uses the legacy default stream */
    if (!inside((void*) (uintptr_t) dst, bytes) || (bytes > 0 && src == NULL)) return INVALID_VALUE;
    memcpy((void*) (uintptr_t) dst, src, bytes);
    return SUCCESS;
}

CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t bytes, CUstream stream) {
    CUresult s = enter("cuMemcpyDtoHAsync");
    if (s) return s;
    if (stream == NULL) return INVALID_HANDLE;
    if (!inside((void*) (uintptr_t) src, bytes) || (bytes > 0 && dst == NULL)) return INVALID_VALUE;
    memcpy(dst, (void*) (uintptr_t) src, bytes);
    return SUCCESS;
}

CUresult cuPointerGetAttribute(void* data, int attribute, CUdeviceptr ptr) {
    CUresult s = enter("cuPointerGetAttribute");
    if (s) return s;
    if (attribute != 3 /* CU_POINTER_ATTRIBUTE_DEVICE_POINTER */) return NOT_SUPPORTED;
    if (data == NULL || !inside((void*) (uintptr_t) ptr, 1)) return INVALID_VALUE;
    *(CUdeviceptr*) data = ptr;
    return SUCCESS;
}

CUresult cuMemHostAlloc(void** pp, size_t bytes, unsigned int flags) {
    (void) flags;
    CUresult s = enter("cuMemHostAlloc");
    if (s) return s;
    if (pp == NULL || bytes == 0) return INVALID_VALUE;
    *pp = aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
    return *pp ? SUCCESS : OUT_OF_MEMORY;
}

CUresult cuMemFreeHost(void* p) {
    CUresult s = enter("cuMemFreeHost");
    if (s) return s;
    free(p);
    return SUCCESS;
}

/* ---- device, context, stream, module ---- */

CUresult cuInit(unsigned int flags) {
    CUresult s = enter("cuInit");
    if (s) return s;
    if (flags != 0) return INVALID_VALUE;
    initialized = 1;
    return SUCCESS;
}

CUresult cuDeviceGetCount(int* count) {
    CUresult s = enter("cuDeviceGetCount");
    if (s) return s;
    if (!initialized) return NOT_INITIALIZED;
    *count = 1;
    return SUCCESS;
}

CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    CUresult s = enter("cuDeviceGet");
    if (s) return s;
    if (!initialized) return NOT_INITIALIZED;
    if (ordinal != 0) return INVALID_DEVICE;
    *device = 0;
    return SUCCESS;
}

CUresult cuDeviceGetName(char* name, int len, CUdevice device) {
    CUresult s = enter("cuDeviceGetName");
    if (s) return s;
    if (device != 0) return INVALID_DEVICE;
    if (name == NULL || len <= 0) return INVALID_VALUE;
    snprintf(name, (size_t) len, "%s", DEVICE_NAME);
    return SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext* ctx, CUdevice device) {
    CUresult s = enter("cuDevicePrimaryCtxRetain");
    if (s) return s;
    if (device != 0) return INVALID_DEVICE;
    *ctx = &primaryContext;
    return SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) {
    CUresult s = enter("cuDevicePrimaryCtxRelease");
    if (s) return s;
    return device == 0 ? SUCCESS : INVALID_DEVICE;
}

CUresult cuCtxSetCurrent(CUcontext ctx) {
    CUresult s = enter("cuCtxSetCurrent");
    if (s) return s;
    return ctx == &primaryContext || ctx == NULL ? SUCCESS : INVALID_CONTEXT;
}

typedef struct { int magic; } Stream;
#define STREAM_MAGIC 0x57ea3

CUresult cuStreamCreate(CUstream* stream, unsigned int flags) {
    (void) flags;
    CUresult s = enter("cuStreamCreate");
    if (s) return s;
    Stream* st = malloc(sizeof(Stream));
    if (st == NULL) return OUT_OF_MEMORY;
    st->magic = STREAM_MAGIC;
    *stream = st;
    return SUCCESS;
}

static int isStream(CUstream stream) {
    return stream != NULL && ((Stream*) stream)->magic == STREAM_MAGIC;
}

CUresult cuStreamSynchronize(CUstream stream) {
    CUresult s = enter("cuStreamSynchronize");
    if (s) return s;
    return isStream(stream) ? SUCCESS : INVALID_HANDLE;
}

CUresult cuStreamDestroy_v2(CUstream stream) {
    CUresult s = enter("cuStreamDestroy");
    if (s) return s;
    if (!isStream(stream)) return INVALID_HANDLE;
    ((Stream*) stream)->magic = 0;
    free(stream);
    return SUCCESS;
}

enum Kernel { LINEAR_FORWARD, LINEAR_BACKWARD_DX, LINEAR_BACKWARD_DW, BIAS_BACKWARD, ACT_BACKWARD, ADAM,
              FUSION_SCORE, TOPK, KERNELS };
static const char* kernelNames[KERNELS] = {
    "erl_linear_forward_f32", "erl_linear_backward_dx_f32", "erl_linear_backward_dw_f32", "erl_bias_backward_f32",
    "erl_act_backward_f32", "erl_adam_f32", "erl_fusion_score_f32", "erl_topk_f32"
};

typedef struct { unsigned int magic; const unsigned char* image; size_t imageBytes; } Module;
typedef struct { enum Kernel kernel; Module* module; } Function;
#define MODULE_MAGIC 0x30d01e
#define FATBIN_MAGIC 0xBA55ED50u

CUresult cuModuleLoadData(CUmodule* module, const void* image) {
    CUresult s = enter("cuModuleLoadData");
    if (s) return s;
    if (!initialized) return NOT_INITIALIZED;
    if (image == NULL) return INVALID_VALUE;
    const unsigned int* header = image;
    if (header[0] != FATBIN_MAGIC) return INVALID_IMAGE;
    /* fatbin header: magic, version (u16), header size (u16), payload size (u64) */
    unsigned long long payload;
    memcpy(&payload, (const unsigned char*) image + 8, sizeof payload);
    size_t bytes = (size_t) (((const unsigned short*) image)[3]) + (size_t) payload;
    Module* m = malloc(sizeof(Module));
    unsigned char* copy = malloc(bytes);
    if (m == NULL || copy == NULL) {
        free(m);
        free(copy);
        return OUT_OF_MEMORY;
    }
    memcpy(copy, image, bytes);
    m->magic = MODULE_MAGIC;
    m->image = copy;
    m->imageBytes = bytes;
    *module = m;
    return SUCCESS;
}

CUresult cuModuleUnload(CUmodule module) {
    CUresult s = enter("cuModuleUnload");
    if (s) return s;
    Module* m = module;
    if (m == NULL || m->magic != MODULE_MAGIC) return INVALID_HANDLE;
    m->magic = 0;
    free((void*) m->image);
    free(m);
    return SUCCESS;
}

static int imageContains(const Module* m, const char* name) {
    size_t len = strlen(name);
    for (size_t i = 0; i + len + 1 <= m->imageBytes; i++) {
        /* a whole NUL-terminated symbol name, not a prefix of a longer one */
        if (m->image[i] == (unsigned char) name[0] && memcmp(m->image + i, name, len) == 0 && m->image[i + len] == 0
                && (i == 0 || m->image[i - 1] == 0 || m->image[i - 1] == '.')) {
            return 1;
        }
    }
    return 0;
}

CUresult cuModuleGetFunction(CUfunction* function, CUmodule module, const char* name) {
    CUresult s = enter("cuModuleGetFunction");
    if (s) return s;
    Module* m = module;
    if (m == NULL || m->magic != MODULE_MAGIC) return INVALID_HANDLE;
    for (int k = 0; k < KERNELS; k++) {
        if (strcmp(name, kernelNames[k]) == 0) {
            if (!imageContains(m, name)) return NOT_FOUND;
            Function* f = malloc(sizeof(Function)); /* freed never: functions live as long as the process here */
            if (f == NULL) return OUT_OF_MEMORY;
            f->kernel = (enum Kernel) k;
            f->module = m;
            *function = f;
            return SUCCESS;
        }
    }
    return NOT_FOUND; /* a kernel of the fatbin that this emulation does not run */
}

/* ---- kernel launches ---- */

static unsigned int ceilDiv(long long a, long long b) {
    return (unsigned int) ((a + b - 1) / b);
}

#define ARG(T, i) (*(T*) params[i])
#define NEED(ptr, count, type) do { if (!inside((ptr), (unsigned long long) (count) * sizeof(type))) { \
    fprintf(stderr, "emulated cuda: %s: argument %s (%p) does not hold %lld x %s\n", kernelNames[f->kernel], \
            #ptr, (const void*) (ptr), (long long) (count), #type); return ILLEGAL_ADDRESS; } } while (0)
#define GRID(x, y, z, b) do { if (gx != (unsigned) (x) || gy != (unsigned) (y) || gz != (unsigned) (z) \
        || bx * by * bz != (unsigned) (b)) { \
    fprintf(stderr, "emulated cuda: %s: launched with grid (%u,%u,%u) block (%u,%u,%u), erl_kernels.h says " \
            "grid (%u,%u,%u) and %u threads\n", kernelNames[f->kernel], gx, gy, gz, bx, by, bz, \
            (unsigned) (x), (unsigned) (y), (unsigned) (z), (unsigned) (b)); return INVALID_VALUE; } } while (0)

static CUresult runKernel(const Function* f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                          unsigned int by, unsigned int bz, unsigned int smem, void** params) {
    (void) smem;
    switch (f->kernel) {
    case LINEAR_FORWARD: {
        int members = ARG(int, 0), n = ARG(int, 1), in = ARG(int, 2), out = ARG(int, 3);
        const float* x = ARG(const float*, 4); long long xMS = ARG(long long, 5);
        const float* w = ARG(const float*, 6); long long wMS = ARG(long long, 7);
        const float* bias = ARG(const float*, 8); long long biasMS = ARG(long long, 9);
        int rpb = ARG(int, 10), act = ARG(int, 11);
        float* y = ARG(float*, 12); long long yMS = ARG(long long, 13);
        GRID(ceilDiv(out, 64), ceilDiv(n, 64), members, 256);
        if (rpb < 1 || act < 0 || act > 2) return INVALID_VALUE;
        long long biasRows = ((long long) n + rpb - 1) / rpb;
        for (int m = 0; m < members; m++) {
            const float* xm = x + m * xMS; const float* wm = w + m * wMS; float* ym = y + m * yMS;
            const float* bm = bias ? bias + m * biasMS : NULL;
            NEED(xm, (long long) n * in, float);
            NEED(wm, (long long) in * out, float);
            if (bm) NEED(bm, biasRows * out, float);
            NEED(ym, (long long) n * out, float);
            ref_linear_forward(n, in, out, xm, wm, bm, rpb, act, ym);
        }
        return SUCCESS;
    }
    case LINEAR_BACKWARD_DX: {
        int members = ARG(int, 0), n = ARG(int, 1), in = ARG(int, 2), out = ARG(int, 3);
        const float* dz = ARG(const float*, 4); long long dzMS = ARG(long long, 5);
        const float* w = ARG(const float*, 6); long long wMS = ARG(long long, 7);
        float* dx = ARG(float*, 8); long long dxMS = ARG(long long, 9);
        GRID(ceilDiv(in, 64), ceilDiv(n, 64), members, 256);
        for (int m = 0; m < members; m++) {
            const float* dzm = dz + m * dzMS; const float* wm = w + m * wMS; float* dxm = dx + m * dxMS;
            NEED(dzm, (long long) n * out, float);
            NEED(wm, (long long) in * out, float);
            NEED(dxm, (long long) n * in, float);
            for (int i = 0; i < n; i++)
                for (int k = 0; k < in; k++) {
                    float acc = 0.f;
                    for (int o = 0; o < out; o++) acc += dzm[(size_t) i * out + o] * wm[(size_t) k * out + o];
                    dxm[(size_t) i * in + k] = acc;
                }
        }
        return SUCCESS;
    }
    case LINEAR_BACKWARD_DW: {
        int members = ARG(int, 0), splits = ARG(int, 1), n = ARG(int, 2), in = ARG(int, 3), out = ARG(int, 4);
        const float* x = ARG(const float*, 5); long long xMS = ARG(long long, 6);
        const float* dz = ARG(const float*, 7); long long dzMS = ARG(long long, 8);
        float* dw = ARG(float*, 9); long long dwMS = ARG(long long, 10);
        int accumulate = ARG(int, 11);
        GRID(ceilDiv(out, 64), ceilDiv(in, 64), members * splits, 256);
        if (splits != 1) return NOT_SUPPORTED; /* the split reduction is not emulated (the backend uses 1) */
        for (int m = 0; m < members; m++) {
            const float* xm = x + m * xMS; const float* dzm = dz + m * dzMS; float* dwm = dw + m * dwMS;
            NEED(xm, (long long) n * in, float);
            NEED(dzm, (long long) n * out, float);
            NEED(dwm, (long long) in * out, float);
            for (int k = 0; k < in; k++)
                for (int o = 0; o < out; o++) {
                    float acc = accumulate ? dwm[(size_t) k * out + o] : 0.f;
                    for (int i = 0; i < n; i++) acc += xm[(size_t) i * in + k] * dzm[(size_t) i * out + o];
                    dwm[(size_t) k * out + o] = acc;
                }
        }
        return SUCCESS;
    }
    case BIAS_BACKWARD: {
        int members = ARG(int, 0), n = ARG(int, 1), out = ARG(int, 2);
        const float* dz = ARG(const float*, 3); long long dzMS = ARG(long long, 4);
        float* db = ARG(float*, 5); long long dbMS = ARG(long long, 6);
        int accumulate = ARG(int, 7);
        GRID(ceilDiv(out, 32), members, 1, 256);
        for (int m = 0; m < members; m++) {
            const float* dzm = dz + m * dzMS; float* dbm = db + m * dbMS;
            NEED(dzm, (long long) n * out, float);
            NEED(dbm, out, float);
            for (int o = 0; o < out; o++) {
                float acc = accumulate ? dbm[o] : 0.f;
                for (int i = 0; i < n; i++) acc += dzm[(size_t) i * out + o];
                dbm[o] = acc;
            }
        }
        return SUCCESS;
    }
    case ACT_BACKWARD: {
        long long count = ARG(long long, 0);
        const float* y = ARG(const float*, 1); float* dy = ARG(float*, 2);
        int act = ARG(int, 3);
        GRID(ceilDiv(count, 256), 1, 1, 256);
        NEED(y, count, float);
        NEED(dy, count, float);
        ref_act_backward(count, y, dy, act);
        return SUCCESS;
    }
    case ADAM: {
        long long len = ARG(long long, 0);
        float* p = ARG(float*, 1); const float* g = ARG(const float*, 2);
        float* m = ARG(float*, 3); float* v = ARG(float*, 4);
        float lr = ARG(float, 5), b1 = ARG(float, 6), b2 = ARG(float, 7), eps = ARG(float, 8);
        int step = ARG(int, 9);
        GRID(ceilDiv(len, 256), 1, 1, 256);
        if (step < 1) return INVALID_VALUE;
        NEED(p, len, float);
        NEED(g, len, float);
        NEED(m, len, float);
        NEED(v, len, float);
        ref_adam(len, p, g, m, v, lr, b1, b2, eps, step);
        return SUCCESS;
    }
    case FUSION_SCORE: {
        int n = ARG(int, 0), k = ARG(int, 1);
        const float* p = ARG(const float*, 2); const float* power = ARG(const float*, 3);
        const float* bias = ARG(const float*, 4); float* score = ARG(float*, 5);
        GRID(ceilDiv(n, 256), 1, 1, 256);
        NEED(p, (long long) n * k, float);
        NEED(power, (long long) n * k, float);
        NEED(bias, (long long) n * k, float);
        NEED(score, n, float);
        ref_fusion_score(n, k, p, power, bias, score);
        return SUCCESS;
    }
    case TOPK: {
        int requests = ARG(int, 0);
        const int* offsets = ARG(const int*, 1); const float* scores = ARG(const float*, 2);
        const long long* ids = ARG(const long long*, 3);
        int k = ARG(int, 4);
        int* outIdx = ARG(int*, 5);
        GRID(requests, 1, 1, 256);
        NEED(offsets, (long long) requests + 1, int);
        NEED(outIdx, (long long) requests * k, int);
        for (int r = 0; r < requests; r++) {
            int begin = offsets[r], count = offsets[r + 1] - begin;
            if (begin < 0 || count < 0) return ILLEGAL_ADDRESS;
            NEED(scores + begin, count, float);
            NEED(ids + begin, count, long long);
            int kept = k < count ? k : count;
            ref_topk(count, scores + begin, ids + begin, kept, outIdx + (size_t) r * k);
            for (int j = kept; j < k; j++) outIdx[(size_t) r * k + j] = -1;
        }
        return SUCCESS;
    }
    default:
        return NOT_SUPPORTED;
    }
}

CUresult cuLaunchKernel(CUfunction function, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                        unsigned int by, unsigned int bz, unsigned int smem, CUstream stream, void** params,
                        void** extra) {
    CUresult s = enter("cuLaunchKernel");
    if (s) return s;
    const Function* f = function;
    if (f == NULL || f->module == NULL || f->module->magic != MODULE_MAGIC) return INVALID_HANDLE;
    if (!isStream(stream)) return INVALID_HANDLE;
    if (extra != NULL || params == NULL) return INVALID_VALUE; /* the engine passes kernelParams only */
    if (gx == 0 || gy == 0 || gz == 0 || bx * by * bz == 0 || bx * by * bz > 1024) return INVALID_VALUE;
    return runKernel(f, gx, gy, gz, bx, by, bz, smem, params);
}

static const char* errorNames[][2] = {
    {"0", "CUDA_SUCCESS"}, {"1", "CUDA_ERROR_INVALID_VALUE"}, {"2", "CUDA_ERROR_OUT_OF_MEMORY"},
    {"3", "CUDA_ERROR_NOT_INITIALIZED"}, {"101", "CUDA_ERROR_INVALID_DEVICE"}, {"200", "CUDA_ERROR_INVALID_IMAGE"},
    {"201", "CUDA_ERROR_INVALID_CONTEXT"}, {"400", "CUDA_ERROR_INVALID_HANDLE"}, {"500", "CUDA_ERROR_NOT_FOUND"},
    {"700", "CUDA_ERROR_ILLEGAL_ADDRESS"}, {"719", "CUDA_ERROR_LAUNCH_FAILED"}, {"801", "CUDA_ERROR_NOT_SUPPORTED"},
    {NULL, NULL}
};

CUresult cuGetErrorName(CUresult error, const char** name) {
    if (name == NULL) return INVALID_VALUE;
    for (int i = 0; errorNames[i][0]; i++) {
        if (atoi(errorNames[i][0]) == error) {
            *name = errorNames[i][1];
            return SUCCESS;
        }
    }
    *name = NULL;
    return INVALID_VALUE;
}
