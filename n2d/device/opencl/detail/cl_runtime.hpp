// The slice of the OpenCL 1.2 C API the backend calls, declared here (no Khronos headers) and
// resolved from the runtime at first use (dlopen / LoadLibrary), so the library has no link-time
// dependency on OpenCL and a machine without a driver simply has no OpenCL device.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#if defined(_WIN32) && !defined(_WIN64)
#define N2D_CL_CALL __stdcall  // CL_API_CALL on 32-bit Windows
#else
#define N2D_CL_CALL
#endif

namespace n2d::inline v0::cl {

using cl_int = std::int32_t;
using cl_uint = std::uint32_t;
using cl_ulong = std::uint64_t;
using cl_bitfield = cl_ulong;
using cl_device_type = cl_bitfield;
using cl_mem_flags = cl_bitfield;
using cl_command_queue_properties = cl_bitfield;
using cl_platform_info = cl_uint;
using cl_device_info = cl_uint;
using cl_program_build_info = cl_uint;
using cl_context_properties = std::intptr_t;
using cl_platform_id = struct _cl_platform_id*;
using cl_device_id = struct _cl_device_id*;
using cl_context = struct _cl_context*;
using cl_command_queue = struct _cl_command_queue*;
using cl_mem = struct _cl_mem*;
using cl_program = struct _cl_program*;
using cl_kernel = struct _cl_kernel*;
using cl_event = struct _cl_event*;
using cl_bool = cl_uint;

inline constexpr cl_int CL_SUCCESS = 0;
inline constexpr cl_int CL_DEVICE_NOT_FOUND = -1;
inline constexpr cl_int CL_PLATFORM_NOT_FOUND_KHR = -1001;
inline constexpr cl_bool CL_TRUE = 1;
inline constexpr cl_device_type CL_DEVICE_TYPE_ALL = 0xFFFFFFFF;
inline constexpr cl_mem_flags CL_MEM_READ_WRITE = 1;
inline constexpr cl_platform_info CL_PLATFORM_NAME = 0x0902;
inline constexpr cl_device_info CL_DEVICE_TYPE = 0x1000;
inline constexpr cl_device_info CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002;
inline constexpr cl_device_info CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
inline constexpr cl_device_info CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
inline constexpr cl_device_info CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
inline constexpr cl_device_info CL_DEVICE_LOCAL_MEM_SIZE = 0x1023;
inline constexpr cl_device_info CL_DEVICE_NAME = 0x102B;
inline constexpr cl_device_info CL_DEVICE_VERSION = 0x102F;
inline constexpr cl_device_info CL_DEVICE_EXTENSIONS = 0x1030;
inline constexpr cl_program_build_info CL_PROGRAM_BUILD_LOG = 0x1183;
inline constexpr cl_device_type CL_DEVICE_TYPE_CPU = 1 << 1;
inline constexpr cl_device_type CL_DEVICE_TYPE_GPU = 1 << 2;
inline constexpr cl_device_type CL_DEVICE_TYPE_ACCELERATOR = 1 << 3;

// The entry points, resolved by load_runtime().
struct Api {
    cl_int(N2D_CL_CALL* GetPlatformIDs)(cl_uint, cl_platform_id*, cl_uint*);
    cl_int(N2D_CL_CALL* GetPlatformInfo)(cl_platform_id, cl_platform_info, std::size_t, void*, std::size_t*);
    cl_int(N2D_CL_CALL* GetDeviceIDs)(cl_platform_id, cl_device_type, cl_uint, cl_device_id*, cl_uint*);
    cl_int(N2D_CL_CALL* GetDeviceInfo)(cl_device_id, cl_device_info, std::size_t, void*, std::size_t*);
    cl_context(N2D_CL_CALL* CreateContext)(const cl_context_properties*, cl_uint, const cl_device_id*,
                                           void(N2D_CL_CALL*)(const char*, const void*, std::size_t, void*), void*,
                                           cl_int*);
    cl_command_queue(N2D_CL_CALL* CreateCommandQueue)(cl_context, cl_device_id, cl_command_queue_properties, cl_int*);
    cl_mem(N2D_CL_CALL* CreateBuffer)(cl_context, cl_mem_flags, std::size_t, void*, cl_int*);
    cl_int(N2D_CL_CALL* EnqueueWriteBuffer)(cl_command_queue, cl_mem, cl_bool, std::size_t, std::size_t, const void*,
                                            cl_uint, const cl_event*, cl_event*);
    cl_int(N2D_CL_CALL* EnqueueReadBuffer)(cl_command_queue, cl_mem, cl_bool, std::size_t, std::size_t, void*, cl_uint,
                                           const cl_event*, cl_event*);
    cl_int(N2D_CL_CALL* EnqueueCopyBuffer)(cl_command_queue, cl_mem, cl_mem, std::size_t, std::size_t, std::size_t,
                                           cl_uint, const cl_event*, cl_event*);
    cl_int(N2D_CL_CALL* EnqueueFillBuffer)(cl_command_queue, cl_mem, const void*, std::size_t, std::size_t,
                                           std::size_t, cl_uint, const cl_event*, cl_event*);
    cl_program(N2D_CL_CALL* CreateProgramWithSource)(cl_context, cl_uint, const char**, const std::size_t*, cl_int*);
    cl_int(N2D_CL_CALL* BuildProgram)(cl_program, cl_uint, const cl_device_id*, const char*,
                                      void(N2D_CL_CALL*)(cl_program, void*), void*);
    cl_int(N2D_CL_CALL* GetProgramBuildInfo)(cl_program, cl_device_id, cl_program_build_info, std::size_t, void*,
                                             std::size_t*);
    cl_kernel(N2D_CL_CALL* CreateKernel)(cl_program, const char*, cl_int*);
    cl_int(N2D_CL_CALL* SetKernelArg)(cl_kernel, cl_uint, std::size_t, const void*);
    cl_int(N2D_CL_CALL* EnqueueNDRangeKernel)(cl_command_queue, cl_kernel, cl_uint, const std::size_t*,
                                              const std::size_t*, const std::size_t*, cl_uint, const cl_event*,
                                              cl_event*);
    cl_int(N2D_CL_CALL* Finish)(cl_command_queue);
    cl_int(N2D_CL_CALL* ReleaseMemObject)(cl_mem);
    cl_int(N2D_CL_CALL* ReleaseKernel)(cl_kernel);
    cl_int(N2D_CL_CALL* ReleaseProgram)(cl_program);
    cl_int(N2D_CL_CALL* ReleaseCommandQueue)(cl_command_queue);
    cl_int(N2D_CL_CALL* ReleaseContext)(cl_context);
};

// The runtime's entry points, or nullptr with `reason` set ("libOpenCL.so.1 not found (…)").
// Loaded once per library path and never unloaded (drivers dislike dlclose). The path is
// libOpenCL.so.1 (then libOpenCL.so; OpenCL.dll on Windows) unless the environment variable
// N2D_OPENCL_LIBRARY names another — tests use a missing path to simulate a machine without a
// driver. Thread-safe.
const Api* load_runtime(std::string& reason);

// "CL_MEM_OBJECT_ALLOCATION_FAILURE" for -4, "CL_UNKNOWN_ERROR" for codes we do not name.
const char* error_name(cl_int code) noexcept;

}  // namespace n2d::cl
