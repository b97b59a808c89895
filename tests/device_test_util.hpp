// Devices for the stage tests: the CPU device behind opaque memory (so the stages take their
// device code path: upload, ops on views, download), then every available GPU.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "n2d/device/detail/device.hpp"
#include "n2d/device/devices.hpp"

namespace n2d::inline v0::test {

// The CPU device's stage ops (the reference semantics) on memory that claims not to be the
// host's: a stage sees a GPU-like device, and BufView::host on its views asserts, so any host
// access to device memory in a stage's device path fails the test.
class OpaqueCpuDevice final : public Device {
public:
    using Device::activation_backward;
    using Device::col_sums;
    using Device::copy;
    using Device::download;
    using Device::fill;
    using Device::gemm;
    using Device::upload;

    std::string name() const override { return "cpu-opaque"; }
    DeviceType type() const override { return DeviceType::cpu; }
    bool is_host() const noexcept override { return false; }
    bool supports(DeviceOp op) const override {
        return op == DeviceOp::knn_tile || op == DeviceOp::gmm_estep || op == DeviceOp::kmeans_assign;
    }
    std::size_t memory_bytes() const override { return 0; }
    std::size_t ops_run = 0;  // stage ops run so far (tests check the device path was taken)

    void* allocate(std::size_t bytes) override { return cpu_->allocate(bytes); }
    void release(void* handle) noexcept override { cpu_->release(handle); }
    void upload(const BufView& dst, const void* src) override { cpu_->upload(in(dst), src); }
    void download(void* dst, const BufView& src) override { cpu_->download(dst, in(src)); }
    void copy(const BufView& src, const BufView& dst) override { cpu_->copy(in(src), in(dst)); }
    void fill(const BufView& dst, double value) override { cpu_->fill(in(dst), value); }
    void synchronize() override {}

    void knn_tile(const KnnTileArgs& a) override {
        KnnTileArgs b = a;
        for (BufView* v : {&b.queries, &b.refs, &b.indices, &b.distances}) *v = in(*v);
        cpu_->knn_tile(b);
        ++ops_run;
    }
    void gmm_estep(const GmmEstepArgs& a) override {
        GmmEstepArgs b = a;
        for (BufView* v : {&b.x, &b.means, &b.prec_chol, &b.log_det, &b.log_weights, &b.shift, &b.logprob, &b.resp,
                           &b.labels, &b.stats})
            *v = in(*v);
        cpu_->gmm_estep(b);
        ++ops_run;
    }
    void kmeans_assign(const KmeansAssignArgs& a) override {
        KmeansAssignArgs b = a;
        for (BufView* v : {&b.x, &b.centers, &b.labels, &b.dist2}) *v = in(*v);
        cpu_->kmeans_assign(b);
        ++ops_run;
    }
    void gemm(const GemmArgs&) override { unsupported("gemm"); }
    void activation_backward(const ActivationBackwardArgs&) override { unsupported("activation_backward"); }
    void col_sums(const ColSumsArgs&) override { unsupported("col_sums"); }
    void loss(const LossArgs&) override { unsupported("loss"); }
    void optimizer_step(const OptimizerStepArgs&) override { unsupported("optimizer_step"); }
    void umap_epoch(const UmapEpochArgs&) override { unsupported("umap_epoch"); }

private:
    // The same allocation, as a view of the CPU device (empty views stay empty).
    BufView in(BufView v) const {
        if (v.device) {
            N2D_ASSERT(v.device == this, "a view of another device passed to cpu-opaque");
            v.device = cpu_.get();
        }
        return v;
    }
    [[noreturn]] static void unsupported(const char* op) {
        ::n2d::detail::throw_internal(__FILE__, __LINE__, "supports(op)", std::string("cpu-opaque: ") + op + " is not offered");
    }
    std::unique_ptr<Device> cpu_ = make_cpu_device();
};

// The stage ops `dev` has run when it counts them (the opaque CPU device), else nullopt.
inline std::optional<std::size_t> ops_run(Device& dev) {
    const auto* o = dynamic_cast<const OpaqueCpuDevice*>(&dev);
    return o ? std::optional<std::size_t>(o->ops_run) : std::nullopt;
}

// The opaque CPU device, then every available device that is not the CPU (OpenCL, CUDA).
inline std::vector<std::shared_ptr<Device>> stage_test_devices() {
    std::vector<std::shared_ptr<Device>> out{std::make_shared<OpaqueCpuDevice>()};
    for (const auto& info : list_devices())
        if (info.available && info.type != DeviceType::cpu) out.push_back(open_device(info.name));
    return out;
}

}  // namespace n2d::test
