// Loading the OpenCL runtime at first use (see detail/cl_runtime.hpp).
#include "n2d/device/opencl/detail/cl_runtime.hpp"

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#if defined(_WIN32)
#include <windows.h>
#elif !defined(__APPLE__) && !defined(N2D_NO_DLOPEN)
#include <dlfcn.h>
#endif

namespace n2d::inline v0::cl {

namespace {

// A fully static binary cannot dlopen a driver (glibc would load a second libc): the CMake
// option N2D_STATIC_CLI defines N2D_NO_DLOPEN, and every OpenCL device is reported unavailable.
#if defined(N2D_NO_DLOPEN)
constexpr bool kStaticBinary = true;
#else
constexpr bool kStaticBinary = false;
#endif
constexpr const char* kInstallHint = "install an OpenCL driver, e.g. apt-get install pocl-opencl-icd ocl-icd-libopencl1";

struct Loaded {
    Api api{};
    bool ok = false;
    std::string reason;
};

#if defined(__APPLE__)
// Apple's OpenCL is a deprecated framework with its own types; not worth a second loader.
void load(const std::string&, Loaded& out) { out.reason = "OpenCL is not supported on macOS by this build"; }
#else

#if defined(_WIN32)
using Handle = HMODULE;
Handle open_library(const char* path) { return LoadLibraryA(path); }
void* symbol(Handle h, const char* name) { return reinterpret_cast<void*>(GetProcAddress(h, name)); }
#elif defined(N2D_NO_DLOPEN)
using Handle = void*;
Handle open_library(const char*) { return nullptr; }
void* symbol(Handle, const char*) { return nullptr; }
#else
using Handle = void*;
Handle open_library(const char* path) { return dlopen(path, RTLD_NOW | RTLD_LOCAL); }
void* symbol(Handle h, const char* name) { return dlsym(h, name); }
#endif

template <class Fn>
bool resolve(Handle h, const char* name, Fn& fn, std::string& missing) {
    void* p = symbol(h, name);
    if (!p) missing += (missing.empty() ? "" : ", ") + std::string(name);
    fn = reinterpret_cast<Fn>(p);
    return p != nullptr;
}

void load(const std::string& path, Loaded& out) {
    Handle h = nullptr;
    std::string tried;
    if (!path.empty()) {
        h = open_library(path.c_str());
        tried = path;
    } else {
#if defined(_WIN32)
        h = open_library("OpenCL.dll");
        tried = "OpenCL.dll";
#else
        h = open_library("libOpenCL.so.1");
        if (!h) h = open_library("libOpenCL.so");
        tried = "libOpenCL.so.1";
#endif
    }
    if (!h) {
        out.reason = tried + " not found (" + (path.empty() ? "" : "named by N2D_OPENCL_LIBRARY; ") + kInstallHint + ")";
        if (kStaticBinary) out.reason = "a fully static n2d cannot load " + tried + "; use the dynamically linked build";
        return;
    }
    std::string missing;
    Api& a = out.api;
    resolve(h, "clGetPlatformIDs", a.GetPlatformIDs, missing);
    resolve(h, "clGetPlatformInfo", a.GetPlatformInfo, missing);
    resolve(h, "clGetDeviceIDs", a.GetDeviceIDs, missing);
    resolve(h, "clGetDeviceInfo", a.GetDeviceInfo, missing);
    resolve(h, "clCreateContext", a.CreateContext, missing);
    resolve(h, "clCreateCommandQueue", a.CreateCommandQueue, missing);
    resolve(h, "clCreateBuffer", a.CreateBuffer, missing);
    resolve(h, "clEnqueueWriteBuffer", a.EnqueueWriteBuffer, missing);
    resolve(h, "clEnqueueReadBuffer", a.EnqueueReadBuffer, missing);
    resolve(h, "clEnqueueCopyBuffer", a.EnqueueCopyBuffer, missing);
    resolve(h, "clEnqueueFillBuffer", a.EnqueueFillBuffer, missing);
    resolve(h, "clCreateProgramWithSource", a.CreateProgramWithSource, missing);
    resolve(h, "clBuildProgram", a.BuildProgram, missing);
    resolve(h, "clGetProgramBuildInfo", a.GetProgramBuildInfo, missing);
    resolve(h, "clCreateKernel", a.CreateKernel, missing);
    resolve(h, "clSetKernelArg", a.SetKernelArg, missing);
    resolve(h, "clEnqueueNDRangeKernel", a.EnqueueNDRangeKernel, missing);
    resolve(h, "clFinish", a.Finish, missing);
    resolve(h, "clReleaseMemObject", a.ReleaseMemObject, missing);
    resolve(h, "clReleaseKernel", a.ReleaseKernel, missing);
    resolve(h, "clReleaseProgram", a.ReleaseProgram, missing);
    resolve(h, "clReleaseCommandQueue", a.ReleaseCommandQueue, missing);
    resolve(h, "clReleaseContext", a.ReleaseContext, missing);
    if (!missing.empty()) {
        out.reason = tried + " lacks " + missing + " (an OpenCL 1.2 runtime is needed)";
        return;
    }
    out.ok = true;  // the handle stays open for the life of the process
}
#endif

}  // namespace

const Api* load_runtime(std::string& reason) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<Loaded>> loaded;  // by library path
    const char* env = std::getenv("N2D_OPENCL_LIBRARY");
    const std::string path = env ? env : "";
    std::lock_guard lock(mutex);
    auto& slot = loaded[path];
    if (!slot) {
        slot = std::make_unique<Loaded>();
        load(path, *slot);
    }
    reason = slot->reason;
    return slot->ok ? &slot->api : nullptr;
}

const char* error_name(cl_int code) noexcept {
    switch (code) {
        case 0: return "CL_SUCCESS";
        case -1: return "CL_DEVICE_NOT_FOUND";
        case -2: return "CL_DEVICE_NOT_AVAILABLE";
        case -3: return "CL_COMPILER_NOT_AVAILABLE";
        case -4: return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
        case -5: return "CL_OUT_OF_RESOURCES";
        case -6: return "CL_OUT_OF_HOST_MEMORY";
        case -7: return "CL_PROFILING_INFO_NOT_AVAILABLE";
        case -8: return "CL_MEM_COPY_OVERLAP";
        case -11: return "CL_BUILD_PROGRAM_FAILURE";
        case -12: return "CL_MAP_FAILURE";
        case -13: return "CL_MISALIGNED_SUB_BUFFER_OFFSET";
        case -30: return "CL_INVALID_VALUE";
        case -32: return "CL_INVALID_PLATFORM";
        case -33: return "CL_INVALID_DEVICE";
        case -34: return "CL_INVALID_CONTEXT";
        case -36: return "CL_INVALID_COMMAND_QUEUE";
        case -38: return "CL_INVALID_MEM_OBJECT";
        case -42: return "CL_INVALID_BINARY";
        case -43: return "CL_INVALID_BUILD_OPTIONS";
        case -44: return "CL_INVALID_PROGRAM";
        case -45: return "CL_INVALID_PROGRAM_EXECUTABLE";
        case -46: return "CL_INVALID_KERNEL_NAME";
        case -48: return "CL_INVALID_KERNEL";
        case -49: return "CL_INVALID_ARG_INDEX";
        case -50: return "CL_INVALID_ARG_VALUE";
        case -51: return "CL_INVALID_ARG_SIZE";
        case -52: return "CL_INVALID_KERNEL_ARGS";
        case -53: return "CL_INVALID_WORK_DIMENSION";
        case -54: return "CL_INVALID_WORK_GROUP_SIZE";
        case -55: return "CL_INVALID_WORK_ITEM_SIZE";
        case -56: return "CL_INVALID_GLOBAL_OFFSET";
        case -59: return "CL_INVALID_OPERATION";
        case -61: return "CL_INVALID_BUFFER_SIZE";
        case -63: return "CL_INVALID_GLOBAL_WORK_SIZE";
        case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
        default: return "CL_UNKNOWN_ERROR";
    }
}

}  // namespace n2d::cl
