// The CPU device: host allocations, ops on the library's SIMD kernels, element-wise work split
// into fixed chunks on the thread pool (chunk boundaries depend only on the sizes, so results
// do not depend on the thread count).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "n2d/core/aligned.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/device/detail/cpu_ops.hpp"
#include "n2d/device/detail/device.hpp"

namespace n2d::inline v0 {

namespace {

constexpr double kBceEpsilon = 1e-7;  // Keras backend epsilon used to clip probabilities

// Rows per chunk so that a chunk holds about 16384 floats of a rows × cols block.
std::size_t rows_per_chunk(std::size_t cols) noexcept { return cols >= 16384 ? 1 : 16384 / (cols ? cols : 1); }

class CpuDevice final : public Device {
public:
    explicit CpuDevice(ThreadPool* pool) : pool_(pool) {}
    std::string name() const override { return "cpu"; }
    DeviceType type() const override { return DeviceType::cpu; }
    bool is_host() const noexcept override { return true; }
    bool supports(DeviceOp) const override { return true; }
    std::size_t memory_bytes() const override { return 0; }

    void* allocate(std::size_t bytes) override {
        N2D_ASSERT(bytes > 0, "CpuDevice::allocate of 0 bytes");
        return aligned_alloc_zeroed<char>(bytes).release();
    }
    void release(void* handle) noexcept override { AlignedFree{}(handle); }
    void upload(const BufView& dst, const void* src) override {
        if (dst.count) std::memcpy(address(dst), src, dst.bytes());
    }
    void download(void* dst, const BufView& src) override {
        if (src.count) std::memcpy(dst, address(src), src.bytes());
    }
    void copy(const BufView& src, const BufView& dst) override {
        N2D_ASSERT(src.type == dst.type && src.count == dst.count, "Device::copy between views of different shape");
        if (src.count && address(src) != address(dst)) std::memmove(address(dst), address(src), src.bytes());
    }
    void fill(const BufView& dst, double value) override {
        switch (dst.type) {
            case DType::f32: std::fill_n(dst.host<float>(), dst.count, static_cast<float>(value)); break;
            case DType::f64: std::fill_n(dst.host<double>(), dst.count, value); break;
            case DType::i32: std::fill_n(dst.host<std::int32_t>(), dst.count, static_cast<std::int32_t>(value)); break;
            case DType::u32: std::fill_n(dst.host<std::uint32_t>(), dst.count, static_cast<std::uint32_t>(value)); break;
        }
    }
    void synchronize() override {}

    void gemm(const GemmArgs& g) override {
        // Bias and activation run inside sgemm on each block of C as its sum completes.
        GemmEpilogue e;
        e.bias = g.bias.empty() ? nullptr : g.bias.host<float>();
        e.act = g.act;
        e.act_alpha = g.act_alpha;
        e.act_out = g.act_out.empty() ? nullptr : g.act_out.host<float>();
        e.ld_act = g.n;
        sgemm(active_target(), pool(), g.ta, g.tb, g.m, g.n, g.k, g.alpha, g.a.host<float>(), g.lda,
              g.b.host<float>(), g.ldb, g.beta, g.c.host<float>(), g.ldc, e);
    }
    void activation_backward(const ActivationBackwardArgs& a) override {
        const float* z = a.z.empty() ? a.y.host<float>() : a.z.host<float>();
        const float* y = a.y.host<float>();
        const float* dy = a.dy.host<float>();
        float* dz = a.dz.host<float>();
        chunks(a.n, 16384, [&](std::size_t lo, std::size_t hi) {
            n2d::activation_backward(a.act, hi - lo, z + lo, y + lo, dy + lo, dz + lo, a.alpha);
        });
    }
    void col_sums(const ColSumsArgs& a) override {
        const float* x = a.x.host<float>();
        float* out = a.out.host<float>();
        // Split over column blocks: each sum keeps its row order.
        chunks(a.cols, 256, [&](std::size_t lo, std::size_t hi) {
            n2d::col_sums(x + lo, a.rows, hi - lo, a.cols, out + lo);
        });
    }
    void loss(const LossArgs& a) override {
        const float* pred = a.pred.host<float>();
        const float* target = a.target.host<float>();
        float* grad = a.grad.host<float>();
        double* row_loss = a.row_loss.host<double>();
        const double inv_n = 1.0 / static_cast<double>(a.rows * a.cols);
        const std::size_t cols = a.cols;
        chunks(a.rows, rows_per_chunk(cols), [&](std::size_t lo, std::size_t hi) {
            for (std::size_t i = lo; i < hi; ++i) {
                const float* p = pred + i * cols;
                const float* t = target + i * cols;
                float* gr = grad + i * cols;
                row_loss[i] = loss_row(a.loss, cols, p, t, gr, inv_n);
            }
        });
    }
    void optimizer_step(const OptimizerStepArgs& o) override {
        constexpr std::size_t kGrain = 32768;  // a multiple of 16 keeps chunks 64-byte aligned
        float* w = o.w.host<float>();
        const float* g = o.g.host<float>();
        float* s0 = o.s0.empty() ? nullptr : o.s0.host<float>();
        float* s1 = o.s1.empty() ? nullptr : o.s1.host<float>();
        chunks(o.n, kGrain, [&](std::size_t lo, std::size_t hi) {
            const std::size_t len = hi - lo;
            if (o.adam) {
                n2d::adam_update(len, w + lo, g + lo, s0 + lo, s1 + lo, o.adam_step);
                return;
            }
            if (o.momentum == 0.0f) {
                n2d::axpy(len, -o.lr, g + lo, w + lo);
                return;
            }
            float* u = s0 + lo;
            n2d::scale(len, o.momentum, u);   // u = μ·u
            n2d::axpy(len, -o.lr, g + lo, u);  // u −= lr·g
            if (o.nesterov) {
                n2d::axpy(len, o.momentum, u, w + lo);  // w += μ·u − lr·g
                n2d::axpy(len, -o.lr, g + lo, w + lo);
            } else {
                n2d::axpy(len, 1.0f, u, w + lo);
            }
        });
    }
    void knn_tile(const KnnTileArgs& a) override { cpu_knn_tile(pool(), a); }
    void gmm_estep(const GmmEstepArgs& a) override { cpu_gmm_estep(pool(), a); }
    void kmeans_assign(const KmeansAssignArgs& a) override { cpu_kmeans_assign(pool(), a); }
    void umap_epoch(const UmapEpochArgs& a) override { cpu_umap_epoch(pool(), a); }

private:
    static void* address(const BufView& v) { return static_cast<char*>(v.handle) + v.offset; }

    // One row's loss sum; writes dL/dŷ (already divided by N = rows·cols) into grad.
    static double loss_row(Loss loss, std::size_t cols, const float* pred, const float* target, float* grad,
                           double inv_n) {
        double sum = 0.0;
        switch (loss) {
            case Loss::mse: {
                const float g_scale = static_cast<float>(2.0 * inv_n);
                for (std::size_t j = 0; j < cols; ++j) {
                    const float d = pred[j] - target[j];
                    sum += double(d) * double(d);
                    grad[j] = g_scale * d;
                }
                return sum;
            }
            case Loss::mae:
                for (std::size_t j = 0; j < cols; ++j) {
                    const double d = double(pred[j]) - double(target[j]);
                    sum += std::fabs(d);
                    grad[j] = static_cast<float>(d > 0.0 ? inv_n : d < 0.0 ? -inv_n : 0.0);
                }
                return sum;
            case Loss::binary_crossentropy:
                for (std::size_t j = 0; j < cols; ++j) {
                    const double raw = pred[j], y = target[j];
                    const double p = std::clamp(raw, kBceEpsilon, 1.0 - kBceEpsilon);
                    sum -= y * std::log(p) + (1.0 - y) * std::log(1.0 - p);
                    const bool inside = raw >= kBceEpsilon && raw <= 1.0 - kBceEpsilon;
                    grad[j] = static_cast<float>(inside ? (p - y) / (p * (1.0 - p)) * inv_n : 0.0);
                }
                return sum;
        }
        return sum;
    }

    template <class Fn>
    void chunks(std::size_t n, std::size_t grain, Fn&& fn) {
        if (n == 0) return;
        if (n <= grain) return fn(std::size_t(0), n);
        pool().parallel_for(0, n, grain, [&](std::size_t lo, std::size_t hi, std::size_t) { fn(lo, hi); });
    }

    ThreadPool& pool() { return pool_or_default(pool_); }
    ThreadPool* pool_;
};

}  // namespace

std::unique_ptr<Device> make_cpu_device(ThreadPool* pool) { return std::make_unique<CpuDevice>(pool); }

Device& cpu_device() {
    static CpuDevice device(nullptr);
    return device;
}

}  // namespace n2d
