#include "n2d/device/cuda/detail/cuda_driver.hpp"

#if defined(_WIN32)
#include <windows.h>
#elif !defined(N2D_NO_DLOPEN)
#include <dlfcn.h>
#endif

namespace n2d::inline v0::cuda {

namespace {

#if defined(_WIN32)
constexpr const char* kLibrary = "nvcuda.dll";
void* open_library() { return reinterpret_cast<void*>(LoadLibraryA(kLibrary)); }
void* symbol(void* lib, const char* name) {
    return reinterpret_cast<void*>(GetProcAddress(static_cast<HMODULE>(lib), name));
}
#elif defined(N2D_NO_DLOPEN)
// A fully static binary cannot dlopen the driver (N2D_STATIC_CLI): CUDA is reported unavailable.
constexpr const char* kLibrary = "libcuda.so.1";
void* open_library() { return nullptr; }
void* symbol(void*, const char*) { return nullptr; }
#else
constexpr const char* kLibrary = "libcuda.so.1";
void* open_library() { return dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL); }
void* symbol(void* lib, const char* name) { return dlsym(lib, name); }
#endif

struct Loaded {
    Driver api{};
    bool ok = false;
    std::string why_not;
};

// Binds each entry point by its symbol name; the first missing one names the reason.
template <class Fn>
bool bind(void* lib, Fn& fn, const char* name, std::string& why_not) {
    fn = reinterpret_cast<Fn>(symbol(lib, name));
    if (!fn && why_not.empty()) why_not = std::string("CUDA driver too old (") + kLibrary + " has no " + name + ")";
    return fn != nullptr;
}

Loaded load() {
    Loaded out;
    // Never closed: the driver stays mapped for the process (it keeps threads of its own).
    void* lib = open_library();
    if (!lib) {
#if defined(N2D_NO_DLOPEN)
        out.why_not = std::string("a fully static n2d cannot load ") + kLibrary + "; use the dynamically linked build";
#else
        out.why_not = std::string("no CUDA driver (") + kLibrary + " not found)";
#endif
        return out;
    }
    Driver& d = out.api;
    std::string& w = out.why_not;
    bool ok = bind(lib, d.cuInit, "cuInit", w) & bind(lib, d.cuDriverGetVersion, "cuDriverGetVersion", w) &
              bind(lib, d.cuDeviceGetCount, "cuDeviceGetCount", w) & bind(lib, d.cuDeviceGet, "cuDeviceGet", w) &
              bind(lib, d.cuDeviceGetName, "cuDeviceGetName", w) &
              bind(lib, d.cuDeviceTotalMem, "cuDeviceTotalMem_v2", w) &
              bind(lib, d.cuDeviceGetAttribute, "cuDeviceGetAttribute", w) &
              bind(lib, d.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", w) &
              bind(lib, d.cuCtxSetCurrent, "cuCtxSetCurrent", w) &
              bind(lib, d.cuModuleLoadDataEx, "cuModuleLoadDataEx", w) &
              bind(lib, d.cuModuleUnload, "cuModuleUnload", w) &
              bind(lib, d.cuModuleGetFunction, "cuModuleGetFunction", w) &
              bind(lib, d.cuMemAlloc, "cuMemAlloc_v2", w) & bind(lib, d.cuMemFree, "cuMemFree_v2", w) &
              bind(lib, d.cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2", w) &
              bind(lib, d.cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2", w) &
              bind(lib, d.cuMemcpyDtoDAsync, "cuMemcpyDtoDAsync_v2", w) &
              bind(lib, d.cuMemsetD8Async, "cuMemsetD8Async", w) &
              bind(lib, d.cuMemsetD32Async, "cuMemsetD32Async", w) &
              bind(lib, d.cuLaunchKernel, "cuLaunchKernel", w) & bind(lib, d.cuStreamCreate, "cuStreamCreate", w) &
              bind(lib, d.cuStreamDestroy, "cuStreamDestroy_v2", w) &
              bind(lib, d.cuStreamSynchronize, "cuStreamSynchronize", w) &
              bind(lib, d.cuGetErrorName, "cuGetErrorName", w);
    // cuDevicePrimaryCtxRelease_v2 is the symbol since CUDA 11; older drivers have only the plain one.
    d.cuDevicePrimaryCtxRelease = reinterpret_cast<decltype(d.cuDevicePrimaryCtxRelease)>(
        symbol(lib, "cuDevicePrimaryCtxRelease_v2"));
    if (!d.cuDevicePrimaryCtxRelease) ok &= bind(lib, d.cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease", w);
    if (!ok) return out;
    if (const CUresult r = d.cuInit(0); r != CUDA_SUCCESS) {
        out.why_not = "cuInit failed: " + d.error_name(r);
        return out;
    }
    out.ok = true;
    return out;
}

}  // namespace

std::string Driver::error_name(CUresult r) const {
    const char* name = nullptr;
    if (cuGetErrorName && cuGetErrorName(r, &name) == CUDA_SUCCESS && name) return name;
    return "CUresult " + std::to_string(r);
}

const Driver* driver(std::string* why_not) {
    static const Loaded loaded = load();
    if (why_not) *why_not = loaded.why_not;
    return loaded.ok ? &loaded.api : nullptr;
}

}  // namespace n2d::cuda
