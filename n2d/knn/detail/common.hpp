// Internal pieces shared by the kNN builders and the query index (not part of the public API).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/core/progress.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/knn/detail/metric.hpp"

namespace n2d::inline v0 {
class Device;
}

namespace n2d::inline v0::knn_detail {

// Neighbour lists in reduced distances: n rows of k (index, distance), ascending by
// (distance, index); index -1 / distance +inf pad rows that could not be filled.
struct Neighbors {
    std::size_t n = 0, k = 0;
    std::vector<std::int32_t> idx;
    std::vector<float> dist;
    Neighbors() = default;
    Neighbors(std::size_t rows, std::size_t cols);
};

// A candidate ordered by (distance, index): a total order, so kept sets never depend on the
// order candidates arrive in.
struct Cand {
    float d;
    std::int32_t i;
};
inline bool better(const Cand& a, const Cand& b) noexcept { return a.d < b.d || (a.d == b.d && a.i < b.i); }

// Bounded max-heap of the `cap` best candidates (root = worst kept) in caller storage.
class BestK {
public:
    BestK(Cand* storage, std::size_t cap) noexcept : h_(storage), cap_(cap) {}
    std::size_t size() const noexcept { return size_; }
    bool full() const noexcept { return size_ == cap_; }
    const Cand& worst() const noexcept { return h_[0]; }
    // True when c would be kept (the heap is not full or c beats the worst).
    bool admits(const Cand& c) const noexcept { return size_ < cap_ || better(c, h_[0]); }
    void push(const Cand& c) noexcept;
    // Sorts ascending in place and returns the count; the heap is unusable afterwards.
    std::size_t sort() noexcept;
    Cand* data() noexcept { return h_; }

private:
    Cand* h_;
    std::size_t cap_, size_ = 0;
};

// Calls the user's progress callback (from the calling thread only) and turns "stop" into
// n2d::Cancelled("knn").
class ProgressReporter {
public:
    explicit ProgressReporter(const ProgressCallback& cb) : cb_(cb), start_(std::chrono::steady_clock::now()) {}
    void report(std::size_t step, std::size_t total, double loss) const;

private:
    const ProgressCallback& cb_;
    std::chrono::steady_clock::time_point start_;
};

// Exact k nearest data rows of each prepared query row (queries: nq rows of space.dim()
// floats). exclude_self: query i is data row i and is skipped. Memory is bounded by per-thread
// tiles (never nq × n). Squared-euclidean spaces use GEMM tiles and re-rank candidates with the
// exact kernel; a row whose ranking rounding could have changed is rescanned exactly.
Neighbors exact_search(const Space& space, const float* queries, std::size_t nq, std::size_t k, bool exclude_self,
                       ThreadPool& pool, const ProgressReporter* progress);

// Plain squared-euclidean reference rows (the knn_tile op's): n rows of dim floats at x, with
// dim a multiple of 8 (zero-padded), searched with the same exact kernel as a Space.
class RawRows {
public:
    RawRows(const float* x, std::size_t n, std::size_t dim)
        : x_(x), n_(n), dim_(dim), kernels_(&distance_kernels(Kernel::sqeuclidean, active_target())) {}
    std::size_t size() const noexcept { return n_; }
    std::size_t dim() const noexcept { return dim_; }
    const float* row(std::size_t i) const noexcept { return x_ + i * dim_; }
    bool gemm_friendly() const noexcept { return true; }
    void distances(const float* a, const float* const* bs, std::size_t count, float* out) const noexcept {
        kernels_->many(a, bs, count, dim_, 2.0f, out);
    }

private:
    const float* x_;
    std::size_t n_, dim_;
    const DistanceKernels* kernels_;
};
// Exact k nearest of each query (nq rows of refs.dim() floats) among all of refs (no self
// exclusion), ascending by (squared distance, index), padded with −1 / +inf.
Neighbors exact_search(const RawRows& refs, const float* queries, std::size_t nq, std::size_t k, ThreadPool& pool);

// Exact k nearest neighbours of every point of a squared-euclidean space, itself excluded, on
// `dev` (knn_tile): the prepared rows are uploaded once, query blocks run as tiles of k + 1 + a
// margin candidates, and the host recomputes each candidate's distance with the exact kernel
// and keeps the k best, so distances (and the ranking of the candidates) are the host search's.
Neighbors device_exact_search(Device& dev, const Space& space, std::size_t k, ThreadPool& pool,
                              const ProgressReporter* progress);

// Random-projection trees (pynndescent's euclidean trees). Leaves partition 0..n-1.
struct RpTree {
    // Internal node t: children[2t], children[2t+1] (>= 0: node, < 0: leaf -(c+1)); hyperplane
    // normal planes[t*dim ...] and offset offsets[t] (kept only for search trees).
    std::vector<std::int32_t> children;
    std::vector<float> planes, offsets;
    std::vector<std::int32_t> leaf_start;  // leaves + 1 offsets into `points`
    std::vector<std::int32_t> points;      // point ids, leaf by leaf
    std::size_t n_leaves() const noexcept { return leaf_start.empty() ? 0 : leaf_start.size() - 1; }
    void save(ByteWriter& out) const;
    static RpTree load(ByteReader& in, std::size_t n_points, std::size_t dim);
};
// Splits the rows of `rows` (a Space's prepared rows, or a projection of them).
RpTree build_rp_tree(ConstMatrixView rows, std::size_t leaf_size, std::uint64_t seed, bool keep_planes);
// Leaf of a prepared row (search trees only). Ties (|margin| < 1e-8) go left: deterministic.
std::int32_t descend(const RpTree& tree, const float* row, std::size_t dim) noexcept;

struct NnDescentParams {
    std::size_t k = 0;  // neighbours excluding the point itself
    std::size_t n_trees = 0, n_iters = 0, max_candidates = 0, leaf_size = 0;
    float delta = 0.001f;
    std::uint64_t seed = 0;
};
// Approximate neighbours excluding self (rows ascending by (distance, index)).
Neighbors nn_descent(const Space& space, const NnDescentParams& params, ThreadPool& pool,
                     const ProgressReporter* progress);

}  // namespace n2d::knn_detail
