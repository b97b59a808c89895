// The OpenCL backend's internals: the per-device state every Device object on that device shares
// (context, the one in-order queue, the built program and its kernels — built once per process),
// error checks and the kernel-launch helper.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "n2d/device/detail/device.hpp"
#include "n2d/device/opencl/detail/cl_runtime.hpp"

namespace n2d::inline v0::cl {

// What enumeration found about one device.
struct DeviceEntry {
    std::string name;  // "opencl:N"
    cl_platform_id platform = nullptr;
    cl_device_id id = nullptr;
    std::string platform_name, device_name, version, kind;
    std::size_t compute_units = 0, memory = 0, max_alloc = 0, max_group = 0, local_memory = 0;
    bool fp64 = false;
};

// A device ready for work. Launches hold `mutex` (kernel arguments are per cl_kernel object).
struct DeviceState {
    const Api* api = nullptr;
    DeviceEntry entry;
    cl_context context = nullptr;
    cl_command_queue queue = nullptr;
    cl_program program = nullptr;
    std::map<std::string, cl_kernel> kernels;
    cl_mem dummy = nullptr;  // bound to kernel arguments the caller left empty
    std::size_t tile = 16;   // GEMM work-group edge (N2D_TS; each work-item computes 4 × 4)
    std::string error;       // why the device is unusable ("kernel build failed: …"), else empty
    std::mutex mutex;

    // Throws n2d::Error "OpenCL error CL_… (code) in <call> on opencl:N (<device>)[: what]".
    void check(cl_int rc, const char* call, const std::string& what = {}) const;
    cl_kernel kernel(const char* name) const;
};

// The OpenCL C source of all kernels (cl_kernels.cpp).
const char* kernel_source() noexcept;

// Sets a kernel's arguments in order and enqueues it. Views become (cl_mem, element offset).
class Launch {
public:
    Launch(DeviceState& s, const char* name) : s_(s), k_(s.kernel(name)), name_(name) {}
    Launch& view(const BufView& v) {
        const cl_mem mem = v.empty() ? s_.dummy : static_cast<cl_mem>(v.handle);
        const cl_ulong off = v.empty() ? 0 : v.offset / size_of(v.type);
        set(&mem, sizeof mem);
        return set(&off, sizeof off);
    }
    Launch& u64(std::size_t v) {
        const cl_ulong x = v;
        return set(&x, sizeof x);
    }
    Launch& i32(int v) {
        const cl_int x = v;
        return set(&x, sizeof x);
    }
    Launch& f32(float v) { return set(&v, sizeof v); }
    Launch& f64(double v) { return set(&v, sizeof v); }
    Launch& local(std::size_t bytes);  // a __local buffer of `bytes`
    // 1-D over `global` items (local size left to the runtime or given), or 2-D with a local size.
    void run(std::size_t global);
    void run_local(std::size_t global, std::size_t local);  // global rounded up to a multiple of local
    void run2(std::size_t g0, std::size_t g1, std::size_t l0, std::size_t l1);

private:
    Launch& set(const void* p, std::size_t size);
    DeviceState& s_;
    cl_kernel k_;
    const char* name_;
    cl_uint index_ = 0;
};

// The device object (opencl_device.cpp: memory; opencl_ops.cpp: ops).
class OpenClDevice final : public Device {
public:
    explicit OpenClDevice(std::shared_ptr<DeviceState> s) : s_(std::move(s)) {}
    std::string name() const override { return s_->entry.name; }
    DeviceType type() const override { return DeviceType::opencl; }
    bool supports(DeviceOp op) const override;
    bool supports_f64() const override { return s_->entry.fp64; }
    std::size_t memory_bytes() const override { return s_->entry.memory; }

    void* allocate(std::size_t bytes) override;
    void release(void* handle) noexcept override;
    void upload(const BufView& dst, const void* host_src) override;
    void download(void* host_dst, const BufView& src) override;
    void copy(const BufView& src, const BufView& dst) override;
    void fill(const BufView& dst, double value) override;
    void synchronize() override;

    void gemm(const GemmArgs& args) override;
    void activation_backward(const ActivationBackwardArgs& args) override;
    void col_sums(const ColSumsArgs& args) override;
    void loss(const LossArgs& args) override;
    void optimizer_step(const OptimizerStepArgs& args) override;
    void knn_tile(const KnnTileArgs& args) override;
    void gmm_estep(const GmmEstepArgs& args) override;
    void kmeans_assign(const KmeansAssignArgs& args) override;
    void umap_epoch(const UmapEpochArgs& args) override;

    using Device::activation_backward;
    using Device::col_sums;
    using Device::copy;
    using Device::download;
    using Device::fill;
    using Device::gemm;
    using Device::upload;

private:
    void check_view(const BufView& v, const char* what) const;
    void require(DeviceOp op) const;
    std::shared_ptr<DeviceState> s_;
};

}  // namespace n2d::cl
