// The compute-device interface every stage runs on, in the spirit of ggml-backend:
// registry (devices.hpp: list_devices, open_device) → Device → Buffer → ops.
//
// Memory is opaque: a Buffer owns a device allocation (a host block on the CPU, a cl_mem under
// OpenCL, a CUdeviceptr under CUDA) and BufView names a typed range of one (allocation handle +
// byte offset + element type + count). Callers never do pointer arithmetic on device memory:
// they take sub-views, and each backend resolves (handle, offset) its own way.
//
// Ops are coarse — a GEMM with its bias/activation epilogue, a loss with its gradient, an
// optimiser step, an exact-kNN tile, a GMM E-step with its statistics, a k-means assignment, a
// UMAP SGD epoch — so a GPU gets whole kernels, not one call per axpy. All ops are queued in
// order on the device's one queue; download() and synchronize() wait for it. supports(op)
// says whether a device implements an op; callers run an unsupported op on the CPU device with
// one explicit copy (device_for below), never a silently different computation.
//
// GPU runtimes are loaded on demand (dlopen at first use): the library has no link-time
// dependency on them, and a missing runtime means "device absent, with a reason", never a crash.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "n2d/blas/activation.hpp"
#include "n2d/blas/gemm.hpp"
#include "n2d/blas/detail/vector.hpp"
#include "n2d/core/error.hpp"
#include "n2d/device/devices.hpp"
#include "n2d/nn/loss.hpp"

namespace n2d::inline v0 {

class ThreadPool;
class Device;

enum class DType : std::uint8_t { f32, f64, i32, u32 };
constexpr std::size_t size_of(DType t) noexcept { return t == DType::f64 ? 8 : 4; }
const char* to_string(DType t) noexcept;

template <class T> constexpr DType dtype_of() noexcept;
template <> constexpr DType dtype_of<float>() noexcept { return DType::f32; }
template <> constexpr DType dtype_of<double>() noexcept { return DType::f64; }
template <> constexpr DType dtype_of<std::int32_t>() noexcept { return DType::i32; }
template <> constexpr DType dtype_of<std::uint32_t>() noexcept { return DType::u32; }

// A typed range of a device allocation: `count` elements of `type` starting `offset` bytes
// into the allocation `handle` of `device`. Cheap to copy; does not own memory. An empty view
// (count 0) stands for "not given" in op arguments.
struct BufView {
    Device* device = nullptr;
    void* handle = nullptr;
    std::size_t offset = 0;  // bytes
    std::size_t count = 0;   // elements
    DType type = DType::f32;

    bool empty() const noexcept { return count == 0; }
    std::size_t bytes() const noexcept { return count * size_of(type); }
    // Elements [first, first + n) of this view (checked).
    BufView sub(std::size_t first, std::size_t n) const {
        N2D_ASSERT(first <= count && n <= count - first, "BufView::sub out of range");
        return {device, handle, offset + first * size_of(type), n, type};
    }
    // Whether the memory is host memory (the CPU device): then host<T>() is its address.
    bool is_host() const noexcept;
    template <class T>
    T* host() const {
        N2D_ASSERT(is_host() && dtype_of<T>() == type, "BufView::host on device memory or with the wrong type");
        return reinterpret_cast<T*>(static_cast<char*>(handle) + offset);
    }
};

// --- op arguments (all views on the device the op runs on) -----------------------------------

enum class DeviceOp {
    gemm,                 // GEMM with bias/activation epilogue
    activation_backward,
    col_sums,
    loss,                 // loss value per row + its gradient
    optimizer_step,       // Adam, SGD (momentum, Nesterov)
    knn_tile,             // exact kNN of a query block against a reference set
    gmm_estep,            // GMM log-probabilities, responsibilities, labels, per-chunk statistics
    kmeans_assign,        // nearest centre and its squared distance
    umap_epoch,           // one epoch of UMAP's layout SGD on the vertex-disjoint schedule
};
const char* to_string(DeviceOp op) noexcept;

// C = alpha·op(A)·op(B) + beta·C (row-major, sgemm's semantics, f32), then the epilogue on the
// m × n result: C += bias (n floats, one per column) when `bias` is given; then, when `act_out`
// is given, act_out = act(C) element-wise (act_out is m × n with leading dimension n, and may be
// C itself when ldc == n: activation in place).
struct GemmArgs {
    Trans ta = Trans::N, tb = Trans::N;
    std::size_t m = 0, n = 0, k = 0;
    float alpha = 1.0f, beta = 0.0f;
    BufView a, b, c;
    std::size_t lda = 0, ldb = 0, ldc = 0;
    BufView bias;
    Activation act = Activation::linear;
    float act_alpha = 0.01f;  // leaky_relu slope / elu scale
    BufView act_out;
};

// dz = dy ⊙ act'(z) over n elements (n2d::activation_backward's semantics: `y` = act(z); z may
// be the same view as y for every activation except gelu; dz may alias dy).
struct ActivationBackwardArgs {
    Activation act = Activation::linear;
    float alpha = 0.01f;
    std::size_t n = 0;
    BufView z, y, dy, dz;
};

// out[j] = Σ_i x[i·cols + j] (rows × cols, contiguous; f32); summed in row order.
struct ColSumsArgs {
    std::size_t rows = 0, cols = 0;
    BufView x, out;
};

// For a batch pred, target (rows × cols, f32): row_loss[i] (f64) = Σ_j of the element loss
// (mse: (ŷ−y)², mae: |ŷ−y|, binary_crossentropy: −y·log p − (1−y)·log(1−p) with
// p = clamp(ŷ, 1e-7, 1 − 1e-7)), and grad (f32, may alias pred) = dL/dŷ of the mean loss
// L = Σ row_loss / (rows·cols): mse 2(ŷ−y)/N, mae sign(ŷ−y)/N, bce (p−y)/(p(1−p))/N where ŷ is
// inside the clamp and 0 outside (N = rows·cols).
struct LossArgs {
    Loss loss = Loss::mse;
    std::size_t rows = 0, cols = 0;
    BufView pred, target, grad, row_loss;
};

// One optimiser step on n parameters w with gradient g (f32):
//   adam: m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; w −= lr_t·m/(√v + ε)  (s0 = m, s1 = v)
//   sgd:  momentum 0: w −= lr·g; else u = μ·u − lr·g (s0 = u); w += u, or with Nesterov
//         w += μ·u − lr·g.
struct OptimizerStepArgs {
    bool adam = true;
    std::size_t n = 0;
    BufView w, g, s0, s1;
    AdamStep adam_step{};
    float lr = 0.0f, momentum = 0.0f;
    bool nesterov = false;
};

// Exact k nearest neighbours by squared euclidean distance of queries (n_queries × dim, f32)
// among refs (n_refs × dim, f32): indices (i32) and distances (f32, squared) are
// n_queries × k, each row ascending by distance, ties by the smaller index; rows with fewer
// than k references are padded with index −1 and distance +inf. A reference equal to the query
// (itself) is not skipped. dim ≥ 1, k ≥ 1.
struct KnnTileArgs {
    std::size_t n_queries = 0, n_refs = 0, dim = 0, k = 0;
    BufView queries, refs, indices, distances;
};

// The GMM E-step on x (n × d, f32) for k components with full precision Cholesky factors:
// prec_chol is k × d × d (f64, row-major, upper triangular U_c: y = (x − μ_c)ᵀ·U_c),
// log N_c(x) = −½(d·log 2π + ‖y‖²) + log_det[c], weighted lp_c = log N_c + log_weights[c].
// Outputs, each optional: logprob (f64, n) = logsumexp_c lp_c; resp (f64, n × k) = exp(lp_c −
// logprob); labels (i32, n) = argmax_c lp_c (first on ties); stats (f64, n_chunks × S with
// n_chunks = ⌈n / kGmmChunkRows⌉ and S = k·(1 + d + d(d+1)/2)): for chunk j (rows
// [j·kGmmChunkRows, …)), [R_c | Σ r·(x − shift_c) (k × d) | Σ r·(x − shift_c)(x − shift_c)ᵀ as the
// packed upper triangle, row-major (k × d(d+1)/2)], with shift (f64, k × d). The host sums the
// chunks in order, so the statistics do not depend on how a device schedules its work.
// (Diagonal, spherical and tied models are passed as the equivalent full factors.)
inline constexpr std::size_t kGmmChunkRows = 1024;
struct GmmEstepArgs {
    std::size_t n = 0, d = 0, k = 0;
    BufView x, means, prec_chol, log_det, log_weights, shift;
    BufView logprob, resp, labels, stats;
};

// For each row of x (n × d, f32): labels[i] (i32) = the nearest of the k centres (k × d, f32)
// by squared euclidean distance, first on ties; dist2[i] (f64) = that squared distance.
struct KmeansAssignArgs {
    std::size_t n = 0, d = 0, k = 0;
    BufView x, centers, labels, dist2;
};

// One epoch of UMAP's layout SGD (n2d/umap/detail/optimize_layout.hpp: semantics, schedule and
// reproducibility): the embedding (f32, n × dim) is updated in place; snapshot (f32, n × dim)
// receives the embedding at the start of the epoch and is where negatives are read. Edges in
// schedule order (edge_head, edge_tail: u32; eps, eps_neg, next, next_neg: f32, the sampling
// counters, updated) are grouped into tasks (task_begin, u32, n_tasks + 1) and tasks into rounds
// (round_begin, u32, n_rounds + 1): the tasks of a round touch disjoint vertices and may run
// concurrently; rounds run in order. Task t draws its negatives from SplitMix64 seeded with
// derive_seed(seed, epoch, t). The curve is a, b and the repulsion γ; alpha the learning rate.
// a and b are double as the layout has them: the CPU forms its coefficients −2ab and 2γb in
// double before rounding to float (a device may use float(a), float(b) and their products).
struct UmapEpochArgs {
    std::size_t n = 0, dim = 0, n_edges = 0, n_tasks = 0, n_rounds = 0;
    std::size_t epoch = 0;
    std::uint64_t seed = 0;
    float alpha = 1.0f, gamma = 1.0f;
    double a = 1.577, b = 0.895;
    BufView embedding, snapshot;
    BufView edge_head, edge_tail, eps, eps_neg, next, next_neg;
    BufView task_begin, round_begin;
};

// --- the device ------------------------------------------------------------------------------

class Device {
public:
    virtual ~Device() = default;
    virtual std::string name() const = 0;  // "cpu", "opencl:0", "cuda:0"
    virtual DeviceType type() const = 0;
    // Whether its allocations are host memory (BufView::host usable).
    virtual bool is_host() const noexcept { return false; }
    virtual bool supports(DeviceOp op) const = 0;
    virtual bool supports_f64() const { return true; }
    virtual std::size_t memory_bytes() const = 0;  // global memory (0 when unknown)

    // Memory. allocate returns a zero-filled allocation of `bytes` (> 0) or throws n2d::Error
    // ("out of memory on <device>: … bytes"); release takes what allocate returned.
    virtual void* allocate(std::size_t bytes) = 0;
    virtual void release(void* handle) noexcept = 0;
    // Queued copies between host memory and a view (dst.bytes() / src.bytes() bytes); download
    // returns when the data is on the host.
    virtual void upload(const BufView& dst, const void* host_src) = 0;
    virtual void download(void* host_dst, const BufView& src) = 0;
    virtual void copy(const BufView& src, const BufView& dst) = 0;  // same type and count
    virtual void fill(const BufView& dst, double value) = 0;        // converted to dst.type
    // Waits until every queued op has finished.
    virtual void synchronize() = 0;

    // Ops (see the argument structs). Throws n2d::InternalError for an op that !supports().
    virtual void gemm(const GemmArgs& args) = 0;
    virtual void activation_backward(const ActivationBackwardArgs& args) = 0;
    virtual void col_sums(const ColSumsArgs& args) = 0;
    virtual void loss(const LossArgs& args) = 0;
    virtual void optimizer_step(const OptimizerStepArgs& args) = 0;
    virtual void knn_tile(const KnnTileArgs& args) = 0;
    virtual void gmm_estep(const GmmEstepArgs& args) = 0;
    virtual void kmeans_assign(const KmeansAssignArgs& args) = 0;
    virtual void umap_epoch(const UmapEpochArgs& args) = 0;
};

inline bool BufView::is_host() const noexcept { return device != nullptr && device->is_host(); }

// An owned device allocation of `count` elements of `type` (zero-filled). Move-only.
class Buffer {
public:
    Buffer() = default;
    Buffer(Device& dev, DType type, std::size_t count)
        : dev_(&dev), handle_(count ? dev.allocate(count * size_of(type)) : nullptr), count_(count), type_(type) {}
    ~Buffer() { reset(); }
    Buffer(Buffer&& o) noexcept { *this = std::move(o); }
    Buffer& operator=(Buffer&& o) noexcept {
        if (this != &o) {
            reset();
            dev_ = o.dev_;
            handle_ = o.handle_;
            count_ = o.count_;
            type_ = o.type_;
            o.handle_ = nullptr;
            o.count_ = 0;
        }
        return *this;
    }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    BufView view() const noexcept { return {dev_, handle_, 0, count_, type_}; }
    BufView view(std::size_t first, std::size_t n) const { return view().sub(first, n); }
    std::size_t size() const noexcept { return count_; }
    DType type() const noexcept { return type_; }
    Device* device() const noexcept { return dev_; }
    explicit operator bool() const noexcept { return count_ != 0; }
    void reset() noexcept {
        if (handle_) dev_->release(handle_);
        handle_ = nullptr;
        count_ = 0;
    }

private:
    Device* dev_ = nullptr;
    void* handle_ = nullptr;
    std::size_t count_ = 0;
    DType type_ = DType::f32;
};

// A buffer on `dev` holding a copy of host data.
template <class T>
Buffer upload_new(Device& dev, const T* host, std::size_t count) {
    Buffer b(dev, dtype_of<T>(), count);
    if (count) dev.upload(b.view(), host);
    return b;
}

// A CPU device on the given pool (default: the library-wide pool). Its ops run on the pool.
std::unique_ptr<Device> make_cpu_device(ThreadPool* pool = nullptr);
// The process-wide CPU device on the default pool.
Device& cpu_device();

// `dev` when it supports `op`, else the CPU device (the caller then uploads to it instead).
inline Device& device_for(Device& dev, DeviceOp op) { return dev.supports(op) ? dev : cpu_device(); }

// Backend registries (each returns its devices, available or not with the reason; cheap after
// the first call). OpenCL and CUDA builds without the backend return a single unavailable entry.
std::vector<DeviceInfo> list_opencl_devices();
std::unique_ptr<Device> open_opencl_device(std::size_t index);
std::vector<DeviceInfo> list_cuda_devices();
std::unique_ptr<Device> open_cuda_device(std::size_t index);

}  // namespace n2d
