// The OpenCL backend: enumeration of every platform's devices, the per-device state (context,
// queue, program built once per process), memory and the kernel-launch helper. The ops are in
// opencl_ops.cpp, the kernels in cl_kernels.cpp, the runtime loader in cl_runtime.cpp.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/device/opencl/detail/opencl_state.hpp"

namespace n2d::inline v0 {

namespace cl {

void DeviceState::check(cl_int rc, const char* call, const std::string& what) const {
    if (rc == CL_SUCCESS) return;
    N2D_FAIL("n2d: OpenCL error " + std::string(error_name(rc)) + " (" + std::to_string(rc) + ") in " + call + " on " +
             entry.name + " (" + entry.device_name + ")" + (what.empty() ? "" : ": " + what));
}

cl_kernel DeviceState::kernel(const char* name) const {
    const auto it = kernels.find(name);
    N2D_ASSERT(it != kernels.end(), std::string("OpenCL kernel not built: ") + name);
    return it->second;
}

Launch& Launch::set(const void* p, std::size_t size) {
    s_.check(s_.api->SetKernelArg(k_, index_, size, p), "clSetKernelArg",
             std::string("kernel ") + name_ + ", argument " + std::to_string(index_));
    ++index_;
    return *this;
}

void Launch::run(std::size_t global) {
    if (global == 0) return;
    s_.check(s_.api->EnqueueNDRangeKernel(s_.queue, k_, 1, nullptr, &global, nullptr, 0, nullptr, nullptr),
             "clEnqueueNDRangeKernel", std::string("kernel ") + name_);
}

Launch& Launch::local(std::size_t bytes) { return set(nullptr, bytes); }

void Launch::run_local(std::size_t global, std::size_t local) {
    if (global == 0) return;
    global = (global + local - 1) / local * local;
    s_.check(s_.api->EnqueueNDRangeKernel(s_.queue, k_, 1, nullptr, &global, &local, 0, nullptr, nullptr),
             "clEnqueueNDRangeKernel", std::string("kernel ") + name_);
}

void Launch::run2(std::size_t g0, std::size_t g1, std::size_t l0, std::size_t l1) {
    if (g0 == 0 || g1 == 0) return;
    const std::size_t global[2] = {g0, g1}, local[2] = {l0, l1};
    s_.check(s_.api->EnqueueNDRangeKernel(s_.queue, k_, 2, nullptr, global, local, 0, nullptr, nullptr),
             "clEnqueueNDRangeKernel", std::string("kernel ") + name_);
}

namespace {

constexpr const char* kKernels[] = {"gemm", "act_backward", "col_sums", "adam", "sgd", "knn", "knn_tiled", "umap_round"};
constexpr const char* kKernels64[] = {"loss_rows", "kmeans_assign", "gmm_rows", "gmm_stats"};

std::string device_string(const Api& api, cl_device_id id, cl_device_info what) {
    std::size_t size = 0;
    if (api.GetDeviceInfo(id, what, 0, nullptr, &size) != CL_SUCCESS || size == 0) return {};
    std::string s(size, '\0');
    if (api.GetDeviceInfo(id, what, size, s.data(), nullptr) != CL_SUCCESS) return {};
    s.resize(std::strlen(s.c_str()));
    return s;
}

template <class T>
T device_value(const Api& api, cl_device_id id, cl_device_info what) {
    T v{};
    if (api.GetDeviceInfo(id, what, sizeof v, &v, nullptr) != CL_SUCCESS) return T{};
    return v;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\0')) s.pop_back();
    const std::size_t b = s.find_first_not_of(' ');
    return b == std::string::npos ? std::string() : s.substr(b);
}

// The first lines of a build log, for an error message.
std::string log_head(const std::string& log) {
    std::string out;
    std::size_t pos = 0;
    for (int line = 0; line < 6 && pos < log.size(); ++line) {
        const std::size_t end = std::min(log.find('\n', pos), log.size());
        out += (out.empty() ? "" : " | ") + log.substr(pos, end - pos);
        pos = end + 1;
    }
    return out.size() > 800 ? out.substr(0, 800) + "…" : out;
}

// Context, queue, program and kernels for one device; sets s.error on failure.
void build(DeviceState& s) {
    const Api& api = *s.api;
    cl_int rc = CL_SUCCESS;
    const auto fail = [&](const char* call) {
        s.error = std::string("OpenCL error ") + error_name(rc) + " (" + std::to_string(rc) + ") in " + call;
    };
    s.context = api.CreateContext(nullptr, 1, &s.entry.id, nullptr, nullptr, &rc);
    if (rc != CL_SUCCESS) return fail("clCreateContext");
    s.queue = api.CreateCommandQueue(s.context, s.entry.id, 0, &rc);
    if (rc != CL_SUCCESS) return fail("clCreateCommandQueue");
    s.dummy = api.CreateBuffer(s.context, CL_MEM_READ_WRITE, 64, nullptr, &rc);
    if (rc != CL_SUCCESS) return fail("clCreateBuffer");
    const char* src = kernel_source();
    const std::size_t len = std::strlen(src);
    s.program = api.CreateProgramWithSource(s.context, 1, &src, &len, &rc);
    if (rc != CL_SUCCESS) return fail("clCreateProgramWithSource");
    // GEMM work-groups are TS × TS work-items; devices with small work-groups get 8 × 8.
    s.tile = s.entry.max_group >= 256 ? 16 : 8;
    const std::string options = "-DN2D_TS=" + std::to_string(s.tile) + (s.entry.fp64 ? " -DN2D_FP64=1" : "");
    rc = api.BuildProgram(s.program, 1, &s.entry.id, options.c_str(), nullptr, nullptr);
    if (rc != CL_SUCCESS) {
        std::size_t size = 0;
        std::string log;
        if (api.GetProgramBuildInfo(s.program, s.entry.id, CL_PROGRAM_BUILD_LOG, 0, nullptr, &size) == CL_SUCCESS &&
            size > 1) {
            log.resize(size);
            api.GetProgramBuildInfo(s.program, s.entry.id, CL_PROGRAM_BUILD_LOG, size, log.data(), nullptr);
        }
        s.error = "kernel build failed: " + (log.empty() ? std::string(error_name(rc)) : log_head(trim(log)));
        return;
    }
    const auto make = [&](const char* name) {
        cl_kernel k = api.CreateKernel(s.program, name, &rc);
        if (rc != CL_SUCCESS) {
            s.error = std::string("kernel build failed: clCreateKernel(") + name + "): " + error_name(rc);
            return false;
        }
        s.kernels[name] = k;
        return true;
    };
    for (const char* name : kKernels)
        if (!make(name)) return;
    if (s.entry.fp64)
        for (const char* name : kKernels64)
            if (!make(name)) return;
}

// Everything found through one runtime (one library path): devices in enumeration order.
struct Registry {
    const Api* api = nullptr;
    bool no_fp64 = false;  // N2D_OPENCL_NO_FP64 set: devices treated as without cl_khr_fp64
    std::string reason;    // why there is no device, when `devices` is empty
    std::vector<std::shared_ptr<DeviceState>> devices;
};

void enumerate(Registry& r) {
    const Api& api = *r.api;
    cl_uint n_platforms = 0;
    cl_int rc = api.GetPlatformIDs(0, nullptr, &n_platforms);
    if (rc == CL_PLATFORM_NOT_FOUND_KHR || (rc == CL_SUCCESS && n_platforms == 0)) {
        r.reason = "no OpenCL platform (the OpenCL loader found no driver: install one, e.g. pocl-opencl-icd)";
        return;
    }
    if (rc != CL_SUCCESS) {
        r.reason = std::string("OpenCL error ") + error_name(rc) + " (" + std::to_string(rc) + ") in clGetPlatformIDs";
        return;
    }
    std::vector<cl_platform_id> platforms(n_platforms);
    api.GetPlatformIDs(n_platforms, platforms.data(), nullptr);
    for (cl_platform_id p : platforms) {
        std::size_t size = 0;
        std::string pname;
        if (api.GetPlatformInfo(p, CL_PLATFORM_NAME, 0, nullptr, &size) == CL_SUCCESS && size) {
            pname.resize(size);
            api.GetPlatformInfo(p, CL_PLATFORM_NAME, size, pname.data(), nullptr);
            pname.resize(std::strlen(pname.c_str()));
        }
        cl_uint n_devices = 0;
        if (api.GetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, nullptr, &n_devices) != CL_SUCCESS || n_devices == 0) continue;
        std::vector<cl_device_id> ids(n_devices);
        if (api.GetDeviceIDs(p, CL_DEVICE_TYPE_ALL, n_devices, ids.data(), nullptr) != CL_SUCCESS) continue;
        for (cl_device_id id : ids) {
            auto s = std::make_shared<DeviceState>();
            s->api = r.api;
            DeviceEntry& e = s->entry;
            e.name = "opencl:" + std::to_string(r.devices.size());
            e.platform = p;
            e.id = id;
            e.platform_name = trim(pname);
            e.device_name = trim(device_string(api, id, CL_DEVICE_NAME));
            e.version = trim(device_string(api, id, CL_DEVICE_VERSION));
            const std::string ext = device_string(api, id, CL_DEVICE_EXTENSIONS);
            e.fp64 = ext.find("cl_khr_fp64") != std::string::npos && !r.no_fp64;
            e.compute_units = device_value<cl_uint>(api, id, CL_DEVICE_MAX_COMPUTE_UNITS);
            e.memory = device_value<cl_ulong>(api, id, CL_DEVICE_GLOBAL_MEM_SIZE);
            e.max_alloc = device_value<cl_ulong>(api, id, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
            e.max_group = device_value<std::size_t>(api, id, CL_DEVICE_MAX_WORK_GROUP_SIZE);
            e.local_memory = device_value<cl_ulong>(api, id, CL_DEVICE_LOCAL_MEM_SIZE);
            const cl_device_type t = device_value<cl_device_type>(api, id, CL_DEVICE_TYPE);
            e.kind = t & CL_DEVICE_TYPE_GPU ? "GPU" : t & CL_DEVICE_TYPE_CPU ? "CPU"
                     : t & CL_DEVICE_TYPE_ACCELERATOR ? "accelerator" : "other";
            build(*s);
            r.devices.push_back(std::move(s));
        }
    }
    if (r.devices.empty()) r.reason = "no OpenCL device (" + std::to_string(n_platforms) + " platform(s) without devices)";
}

// The registry of the runtime N2D_OPENCL_LIBRARY (or the default) names; built on first use.
// N2D_OPENCL_NO_FP64=1 treats every device as lacking cl_khr_fp64 (tests the f32-only build and
// the CPU fallback of the f64 ops on a machine whose device has fp64). Returns nullptr with
// `reason` when the runtime is missing.
Registry* registry(std::string& reason) {
    static std::mutex mutex;
    static std::map<std::pair<const Api*, bool>, std::unique_ptr<Registry>> registries;
    const Api* api = load_runtime(reason);
    if (!api) return nullptr;
    const char* no_fp64_env = std::getenv("N2D_OPENCL_NO_FP64");
    const bool no_fp64 = no_fp64_env && *no_fp64_env && std::string(no_fp64_env) != "0";
    std::lock_guard lock(mutex);
    auto& slot = registries[{api, no_fp64}];
    if (!slot) {
        slot = std::make_unique<Registry>();
        slot->api = api;
        slot->no_fp64 = no_fp64;
        enumerate(*slot);
    }
    reason = slot->reason;
    return slot.get();
}

std::string describe(const DeviceEntry& e) {
    return e.platform_name + ": " + e.device_name + " (" + e.kind + "), " + std::to_string(e.compute_units) +
           " compute units, " + e.version + ", fp64 " + (e.fp64 ? "yes" : "no");
}

}  // namespace

// --- memory ------------------------------------------------------------------------------------

void* OpenClDevice::allocate(std::size_t bytes) {
    N2D_ASSERT(bytes > 0, "OpenClDevice::allocate of 0 bytes");
    // The codes drivers use for "too big" read as what they mean: out of memory.
    const auto what = [&](cl_int rc) {
        const bool oom = rc == -4 || rc == -5 || rc == -6 || rc == -61;
        return std::string(oom ? "out of memory " : "") + "allocating " + std::to_string(bytes) +
               " bytes (the device has " + std::to_string(s_->entry.memory) + " bytes, at most " +
               std::to_string(s_->entry.max_alloc) + " in one allocation)";
    };
    std::lock_guard lock(s_->mutex);
    cl_int rc = CL_SUCCESS;
    cl_mem mem = s_->api->CreateBuffer(s_->context, CL_MEM_READ_WRITE, bytes, nullptr, &rc);
    if (rc != CL_SUCCESS) s_->check(rc, "clCreateBuffer", what(rc));
    // Zero-fill and wait: drivers that allocate lazily report a failed allocation here.
    const unsigned char zero = 0;
    rc = s_->api->EnqueueFillBuffer(s_->queue, mem, &zero, 1, 0, bytes, 0, nullptr, nullptr);
    if (rc == CL_SUCCESS) rc = s_->api->Finish(s_->queue);
    if (rc != CL_SUCCESS) {
        s_->api->ReleaseMemObject(mem);
        s_->check(rc, "clEnqueueFillBuffer", what(rc));
    }
    return mem;
}

void OpenClDevice::release(void* handle) noexcept {
    if (handle) s_->api->ReleaseMemObject(static_cast<cl_mem>(handle));
}

void OpenClDevice::check_view(const BufView& v, const char* what) const {
    N2D_ASSERT(v.device == this, std::string("OpenClDevice: a view of another device passed as ") + what);
    N2D_ASSERT(v.offset % size_of(v.type) == 0, std::string("OpenClDevice: misaligned view offset for ") + what);
}

void OpenClDevice::upload(const BufView& dst, const void* host_src) {
    if (dst.empty()) return;
    check_view(dst, "upload destination");
    std::lock_guard lock(s_->mutex);
    s_->check(s_->api->EnqueueWriteBuffer(s_->queue, static_cast<cl_mem>(dst.handle), CL_TRUE, dst.offset,
                                          dst.bytes(), host_src, 0, nullptr, nullptr),
              "clEnqueueWriteBuffer", "uploading " + std::to_string(dst.bytes()) + " bytes");
}

void OpenClDevice::download(void* host_dst, const BufView& src) {
    if (src.empty()) return;
    check_view(src, "download source");
    std::lock_guard lock(s_->mutex);
    s_->check(s_->api->EnqueueReadBuffer(s_->queue, static_cast<cl_mem>(src.handle), CL_TRUE, src.offset, src.bytes(),
                                         host_dst, 0, nullptr, nullptr),
              "clEnqueueReadBuffer", "downloading " + std::to_string(src.bytes()) + " bytes");
}

void OpenClDevice::copy(const BufView& src, const BufView& dst) {
    N2D_ASSERT(src.type == dst.type && src.count == dst.count, "Device::copy between views of different shape");
    if (src.empty()) return;
    check_view(src, "copy source");
    check_view(dst, "copy destination");
    if (src.handle == dst.handle && src.offset == dst.offset) return;
    const auto s_mem = static_cast<cl_mem>(src.handle), d_mem = static_cast<cl_mem>(dst.handle);
    const bool overlap = s_mem == d_mem && src.offset < dst.offset + dst.bytes() && dst.offset < src.offset + src.bytes();
    if (overlap) {  // OpenCL refuses overlapping copies (memmove semantics through a temporary)
        Buffer tmp(*this, src.type, src.count);
        copy(src, tmp.view());
        copy(tmp.view(), dst);
        return;  // the temporary is released after the queued copies (OpenCL reference counting)
    }
    std::lock_guard lock(s_->mutex);
    s_->check(s_->api->EnqueueCopyBuffer(s_->queue, s_mem, d_mem, src.offset, dst.offset, src.bytes(), 0, nullptr,
                                         nullptr),
              "clEnqueueCopyBuffer");
}

void OpenClDevice::fill(const BufView& dst, double value) {
    if (dst.empty()) return;
    check_view(dst, "fill destination");
    unsigned char pattern[8];
    switch (dst.type) {
        case DType::f32: { const float v = static_cast<float>(value); std::memcpy(pattern, &v, 4); break; }
        case DType::f64: std::memcpy(pattern, &value, 8); break;
        case DType::i32: { const auto v = static_cast<std::int32_t>(value); std::memcpy(pattern, &v, 4); break; }
        case DType::u32: { const auto v = static_cast<std::uint32_t>(value); std::memcpy(pattern, &v, 4); break; }
    }
    std::lock_guard lock(s_->mutex);
    s_->check(s_->api->EnqueueFillBuffer(s_->queue, static_cast<cl_mem>(dst.handle), pattern, size_of(dst.type),
                                         dst.offset, dst.bytes(), 0, nullptr, nullptr),
              "clEnqueueFillBuffer");
}

void OpenClDevice::synchronize() {
    std::lock_guard lock(s_->mutex);
    s_->check(s_->api->Finish(s_->queue), "clFinish");
}

}  // namespace cl

// --- registry ------------------------------------------------------------------------------------

std::vector<DeviceInfo> list_opencl_devices() {
    std::string reason;
    cl::Registry* r = cl::registry(reason);
    if (!r || r->devices.empty()) return {{"opencl", DeviceType::opencl, false, reason, 0}};
    std::vector<DeviceInfo> out;
    for (const auto& s : r->devices) {
        const bool ok = s->error.empty();
        out.push_back({s->entry.name, DeviceType::opencl, ok, ok ? cl::describe(s->entry) : cl::describe(s->entry) + ": " + s->error,
                       s->entry.memory, s->entry.kind != "CPU"});
    }
    return out;
}

std::unique_ptr<Device> open_opencl_device(std::size_t index) {
    std::string reason;
    cl::Registry* r = cl::registry(reason);
    if (!r || r->devices.empty()) N2D_FAIL("n2d: opencl: " + reason);
    const std::size_t count = r->devices.size();
    N2D_REQUIRE(index < count, "no OpenCL device opencl:" + std::to_string(index) + " (this machine has " +
                                   (count == 1 ? std::string("one: opencl:0") : std::to_string(count) +
                                        ": opencl:0 to opencl:" + std::to_string(count - 1)) +
                                   "; `n2d info` lists them)");
    const auto& s = r->devices[index];
    if (!s->error.empty()) N2D_FAIL("n2d: " + s->entry.name + " (" + s->entry.device_name + "): " + s->error);
    return std::make_unique<cl::OpenClDevice>(s);
}

}  // namespace n2d
