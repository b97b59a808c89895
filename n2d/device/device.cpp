// The device registry (list_devices, open_device) and the parts of the interface every backend
// shares.
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/blas/simd.hpp"
#include "n2d/device/detail/device.hpp"

namespace n2d::inline v0 {

const char* to_string(DType t) noexcept {
    switch (t) {
        case DType::f32: return "f32";
        case DType::f64: return "f64";
        case DType::i32: return "i32";
        case DType::u32: return "u32";
    }
    return "unknown";
}

const char* to_string(DeviceOp op) noexcept {
    switch (op) {
        case DeviceOp::gemm: return "gemm";
        case DeviceOp::activation_backward: return "activation_backward";
        case DeviceOp::col_sums: return "col_sums";
        case DeviceOp::loss: return "loss";
        case DeviceOp::optimizer_step: return "optimizer_step";
        case DeviceOp::knn_tile: return "knn_tile";
        case DeviceOp::gmm_estep: return "gmm_estep";
        case DeviceOp::kmeans_assign: return "kmeans_assign";
        case DeviceOp::umap_epoch: return "umap_epoch";
    }
    return "unknown";
}

std::vector<DeviceInfo> list_devices() {
    std::vector<DeviceInfo> out;
    std::string desc = std::to_string(default_pool().num_threads()) + " threads, SIMD " + to_string(active_target());
    out.push_back({"cpu", DeviceType::cpu, true, desc, 0});
    for (auto& d : list_opencl_devices()) out.push_back(std::move(d));
    for (auto& d : list_cuda_devices()) out.push_back(std::move(d));
    return out;
}

namespace {

// "opencl" → 0, "opencl:3" → 3; npos when `name` is not of that family.
std::size_t device_index(const std::string& name, const std::string& family) {
    if (name == family) return 0;
    if (name.rfind(family + ":", 0) != 0) return std::string::npos;
    const std::string digits = name.substr(family.size() + 1);
    N2D_REQUIRE(!digits.empty() && digits.size() < 6 && digits.find_first_not_of("0123456789") == std::string::npos,
                "bad device name '" + name + "'; use " + family + " or " + family + ":N (N = 0, 1, …)");
    return static_cast<std::size_t>(std::stoul(digits));
}

std::string available_names() {
    std::string names;
    for (const auto& d : list_devices())
        if (d.available) names += (names.empty() ? "" : ", ") + d.name;
    return names;
}

}  // namespace

std::shared_ptr<Device> open_device(const std::string& name, ThreadPool* pool) {
    if (name == "cpu") return make_cpu_device(pool);
    if (name == "auto") {
        for (const auto& d : list_devices())
            if (d.available && d.accelerator) return open_device(d.name, pool);
        return make_cpu_device(pool);
    }
    if (std::size_t i = device_index(name, "opencl"); i != std::string::npos) return open_opencl_device(i);
    if (std::size_t i = device_index(name, "cuda"); i != std::string::npos) return open_cuda_device(i);
    N2D_FAIL("n2d: unknown device '" + name + "'; use cpu, opencl[:N], cuda[:N] or auto (available now: " +
             available_names() + ")");
}

}  // namespace n2d
