// A fake libcuda.so.1 for machines without a GPU: "device memory" is host memory and the
// kernels of kernels.cu run through the host emulation (cuda_host_emulation.hpp), so a CUDA
// build's device (cuda_device.cpp: driver loading, argument marshalling, scratch, errors) runs
// end to end, slowly. Not part of the build; from the repository root:
//   g++ -std=c++20 -O1 -shared -fPIC -I. tests/device/fake_libcuda/fake_libcuda.cc -o /tmp/fake/libcuda.so.1
//   LD_LIBRARY_PATH=/tmp/fake build-cuda/test_device
// Allocations over 1 TiB fail with CUDA_ERROR_OUT_OF_MEMORY.
#include "tests/device/cuda_host_emulation.hpp"
#include "n2d/device/cuda/kernels.cu"
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <utility>
struct Fn { void (*invoke)(void* kernel, unsigned gx, unsigned gy, unsigned bx, void** params); void* kernel; };
template <class... A, std::size_t... I>
void call(void (*k)(A...), void** p, std::index_sequence<I...>) { k(*static_cast<std::remove_reference_t<A>*>(p[I])...); }
template <class... A>
Fn make(void (*k)(A...)) {
    return {[](void* kern, unsigned gx, unsigned gy, unsigned bx, void** p) {
                auto kk = reinterpret_cast<void (*)(A...)>(kern);
                cuda_emulation::launch(gx, gy, bx, [&] { call(kk, p, std::index_sequence_for<A...>{}); });
            }, reinterpret_cast<void*>(k)};
}
static std::map<std::string, Fn> fns = {
    {"n2d_gemm", make(n2d_gemm)}, {"n2d_activation_backward", make(n2d_activation_backward)},
    {"n2d_col_sums", make(n2d_col_sums)}, {"n2d_loss", make(n2d_loss)}, {"n2d_adam", make(n2d_adam)},
    {"n2d_sgd", make(n2d_sgd)}, {"n2d_fill_f64", make(n2d_fill_f64)}, {"n2d_knn_dist", make(n2d_knn_dist)},
    {"n2d_knn_select", make(n2d_knn_select)}, {"n2d_kmeans_assign", make(n2d_kmeans_assign)},
    {"n2d_gmm_estep", make(n2d_gmm_estep)}, {"n2d_gmm_stats", make(n2d_gmm_stats)}, {"n2d_umap_round", make(n2d_umap_round)}};
extern "C" {
int cuInit(unsigned) { return 0; }
int cuDriverGetVersion(int* v) { *v = 13000; return 0; }
int cuDeviceGetCount(int* n) { *n = 1; return 0; }
int cuDeviceGet(int* d, int i) { *d = i; return 0; }
int cuDeviceGetName(char* s, int n, int) { snprintf(s, n, "Emulated GPU"); return 0; }
int cuDeviceTotalMem_v2(size_t* b, int) { *b = 1ull << 34; return 0; }
int cuDeviceGetAttribute(int* v, int a, int) { *v = a == 75 ? 9 : a == 76 ? 0 : 132; return 0; }
int cuDevicePrimaryCtxRetain(void** c, int) { *c = (void*)1; return 0; }
int cuDevicePrimaryCtxRelease_v2(int) { return 0; }
int cuCtxSetCurrent(void*) { return 0; }
int cuModuleLoadDataEx(void** m, const void* img, unsigned, int*, void**) { unsigned magic; memcpy(&magic, img, 4); if (magic != 0xBA55ED50u) return 218; *m = (void*)1; return 0; }
int cuModuleUnload(void*) { return 0; }
int cuModuleGetFunction(void** f, void*, const char* n) { auto it = fns.find(n); if (it == fns.end()) return 500; *f = &it->second; return 0; }
int cuMemAlloc_v2(unsigned long long* p, size_t b) { if (b > (1ull << 40)) return 2; *p = (unsigned long long)malloc(b); return 0; }
int cuMemFree_v2(unsigned long long p) { free((void*)p); return 0; }
int cuMemcpyHtoDAsync_v2(unsigned long long d, const void* s, size_t b, void*) { memcpy((void*)d, s, b); return 0; }
int cuMemcpyDtoHAsync_v2(void* d, unsigned long long s, size_t b, void*) { memcpy(d, (void*)s, b); return 0; }
int cuMemcpyDtoDAsync_v2(unsigned long long d, unsigned long long s, size_t b, void*) { memmove((void*)d, (void*)s, b); return 0; }
int cuMemsetD8Async(unsigned long long d, unsigned char v, size_t n, void*) { memset((void*)d, v, n); return 0; }
int cuMemsetD32Async(unsigned long long d, unsigned v, size_t n, void*) { for (size_t i = 0; i < n; ++i) ((unsigned*)d)[i] = v; return 0; }
int cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned sh, void*, void** p, void**) {
    if (gz != 1 || by != 1 || bz != 1 || sh != 0 || gx == 0 || gy == 0 || gy > 65535) return 1;
    auto* fn = static_cast<Fn*>(f); fn->invoke(fn->kernel, gx, gy, bx, p); return 0; }
int cuStreamCreate(void** s, unsigned) { *s = (void*)1; return 0; }
int cuStreamDestroy_v2(void*) { return 0; }
int cuStreamSynchronize(void*) { return 0; }
int cuGetErrorName(int r, const char** s) { *s = r == 2 ? "CUDA_ERROR_OUT_OF_MEMORY" : r == 1 ? "CUDA_ERROR_INVALID_VALUE" : r == 218 ? "CUDA_ERROR_INVALID_PTX" : r == 500 ? "CUDA_ERROR_NOT_FOUND" : nullptr; return *s ? 0 : 1; }
}
