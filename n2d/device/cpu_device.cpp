#include <algorithm>
#include <cstring>
#include <thread>

#include "n2d/core/aligned.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/device/detail/device.hpp"

namespace n2d::inline v0 {

namespace {

class CpuDevice final : public Device {
public:
    explicit CpuDevice(ThreadPool* pool) : pool_(pool) {}
    std::string name() const override { return "cpu"; }
    DeviceType type() const override { return DeviceType::cpu; }
    bool supports(DeviceOp) const override { return true; }

    float* alloc(std::size_t count) override { return aligned_alloc_zeroed<float>(count).release(); }
    void free(float* ptr) noexcept override { AlignedFree{}(ptr); }
    void upload(float* dst, const float* src, std::size_t count) override { copy(count, src, dst); }
    void download(float* dst, const float* src, std::size_t count) override { copy(count, src, dst); }
    void synchronize() override {}

    void gemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* A,
              std::size_t lda, const float* B, std::size_t ldb, float beta, float* C, std::size_t ldc) override {
        sgemm(active_target(), pool(), ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    }
    void bias_add(float* y, std::size_t rows, std::size_t cols, std::size_t ldy, const float* bias) override {
        n2d::bias_add(y, rows, cols, ldy, bias);
    }
    void col_sums(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) override {
        n2d::col_sums(x, rows, cols, ldx, out);
    }
    void sq_row_norms(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) override {
        n2d::sq_row_norms(x, rows, cols, ldx, out);
    }
    void activation_forward(Activation act, std::size_t n, const float* z, float* y, float alpha) override {
        n2d::activation_forward(act, n, z, y, alpha);
    }
    void activation_backward(Activation act, std::size_t n, const float* z, const float* y, const float* dy,
                             float* dz, float alpha) override {
        n2d::activation_backward(act, n, z, y, dy, dz, alpha);
    }
    void axpy(std::size_t n, float a, const float* x, float* y) override { n2d::axpy(n, a, x, y); }
    void scale(std::size_t n, float a, float* x) override { n2d::scale(n, a, x); }
    void adam_update(std::size_t n, float* w, const float* g, float* m, float* v, const AdamStep& s) override {
        n2d::adam_update(n, w, g, m, v, s);
    }
    void fill(std::size_t n, float value, float* x) override { std::fill(x, x + n, value); }
    void copy(std::size_t n, const float* src, float* dst) override {
        if (n && src != dst) std::memmove(dst, src, n * sizeof(float));
    }

private:
    ThreadPool& pool() { return pool_or_default(pool_); }
    ThreadPool* pool_;
};

}  // namespace

std::unique_ptr<Device> make_cpu_device(ThreadPool* pool) { return std::make_unique<CpuDevice>(pool); }

Device& cpu_device() {
    static CpuDevice device(nullptr);
    return device;
}

std::vector<DeviceInfo> list_devices() {
    std::string desc = std::to_string(default_pool().num_threads()) + " threads, SIMD " + to_string(active_target());
    return {{"cpu", DeviceType::cpu, true, desc}};
}

std::unique_ptr<Device> open_device(const std::string& name) {
    if (name == "cpu") return make_cpu_device();
    std::string names;
    for (const auto& d : list_devices())
        if (d.available) names += (names.empty() ? "" : ", ") + d.name;
    N2D_FAIL("n2d: unknown or unavailable device '" + name + "'; available: " + names);
}

}  // namespace n2d
