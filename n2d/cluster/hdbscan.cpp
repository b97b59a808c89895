#include "n2d/cluster/hdbscan.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "n2d/cluster/detail/hdbscan_internal.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::uint32_t kHdbscanMagic = 0x42444832;  // "2HDB"
constexpr std::uint32_t kHdbscanVersion = 1;

void validate(const HdbscanOptions& o) {
    N2D_REQUIRE(o.min_cluster_size >= 2, "Hdbscan: min_cluster_size must be >= 2 (got " +
                                             std::to_string(o.min_cluster_size) + "); a cluster of one point is noise");
}

using Clock = std::chrono::steady_clock;

void report(const HdbscanOptions& o, std::size_t step, Clock::time_point t0) {
    if (!o.progress) return;
    Progress p;
    p.stage = "hdbscan";
    p.step = step;
    p.total = 3;
    p.loss = std::numeric_limits<double>::quiet_NaN();
    p.elapsed_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!o.progress(p)) ::n2d::detail::throw_cancelled("hdbscan");
}

}  // namespace

Hdbscan::Hdbscan(HdbscanOptions options) : options_(options) { validate(options_); }

std::size_t Hdbscan::min_samples() const noexcept {
    return options_.min_samples == 0 ? options_.min_cluster_size : options_.min_samples;
}

void Hdbscan::require_fitted(const char* what) const {
    if (!fitted_) N2D_FAIL(std::string("n2d: Hdbscan::") + what + " needs a fitted model; call fit first (or load one)");
}

Hdbscan& Hdbscan::fit(ConstMatrixView x) {
    // Fitted aside and moved in on success, so a cancelled or failed fit leaves *this intact.
    Hdbscan next(options_);
    next.fit_fresh(x);
    *this = std::move(next);
    return *this;
}

void Hdbscan::fit_fresh(ConstMatrixView x) {
    const auto t0 = Clock::now();
    N2D_REQUIRE(x.rows >= 2 && x.cols >= 1, "Hdbscan::fit: needs at least 2 rows and 1 column (got " +
                                                std::to_string(x.rows) + " x " + std::to_string(x.cols) + ")");
    N2D_REQUIRE(min_samples() <= x.rows, "Hdbscan::fit: min_samples " + std::to_string(min_samples()) + " exceeds the " +
                                             std::to_string(x.rows) + " points; lower min_samples / min_cluster_size");
    require_finite(x, "Hdbscan::fit input");
    ThreadPool& pool = pool_or_default(options_.pool);
    const auto data = detail::to_double(x);
    std::optional<detail::KdTree> kdtree;
    if (detail::hdbscan_use_kdtree(data.n, data.d)) kdtree.emplace(detail::hdbscan_kdtree(data));
    const detail::KdTree* index = kdtree ? &*kdtree : nullptr;
    std::size_t knn_distances = 0;
    core_ = detail::core_distances(data, min_samples(), index, pool, &knn_distances);
    if (!detail::hdbscan_prim_by_kdtree(data.n, knn_distances)) index = nullptr;
    report(options_, 1, t0);
    const auto tree = detail::mutual_reachability_tree(data, core_, index, pool);
    report(options_, 2, t0);
    auto ex = detail::extract_clusters(tree, options_.min_cluster_size);
    labels_ = std::move(ex.labels);
    outlier_scores_ = std::move(ex.outlier_scores);
    cluster_birth_ = std::move(ex.cluster_birth);

    // R's membership_prob: core distance against the largest in the cluster.
    cluster_max_core_.assign(cluster_birth_.size(), 0.0);
    for (std::size_t i = 0; i < x.rows; ++i)
        if (labels_[i] >= 0) cluster_max_core_[std::size_t(labels_[i])] = std::max(cluster_max_core_[std::size_t(labels_[i])], core_[i]);
    probabilities_.assign(x.rows, 0.0);
    for (std::size_t i = 0; i < x.rows; ++i) {
        if (labels_[i] < 0) continue;
        const double mx = cluster_max_core_[std::size_t(labels_[i])];
        probabilities_[i] = mx > 0.0 ? (mx - core_[i]) / mx : 1.0;
    }
    data_ = Matrix::copy_of(x);
    report(options_, 3, t0);
    fitted_ = true;
}

std::vector<int> Hdbscan::fit_predict(ConstMatrixView x) { return fit(x).labels(); }

Hdbscan::Neighbour Hdbscan::nearest(const float* q, std::vector<double>& scratch) const {
    const std::size_t n = data_.rows(), d = data_.cols();
    // scratch: n distances, then the heap. The query counts as its own first point: its core
    // distance is the (min_samples − 1)-th nearest training point.
    double* dist = scratch.data();
    detail::KthSmallest kth(scratch.data() + n, std::min(min_samples() - 1, n));
    for (std::size_t j = 0; j < n; ++j) {
        double s = 0.0;
        for (std::size_t t = 0; t < d; ++t) {
            const double diff = double(q[t]) - double(data_(j, t));
            s += diff * diff;
        }
        dist[j] = std::sqrt(s);
        kth.push(dist[j]);
    }
    Neighbour best{0, std::numeric_limits<double>::infinity(), kth.kth()};
    for (std::size_t j = 0; j < n; ++j) {
        const double mr = std::max({dist[j], core_[j], best.core});
        if (mr < best.mr) best.mr = mr, best.index = j;
    }
    return best;
}

void Hdbscan::assign(ConstMatrixView x, std::vector<int>& labels, std::vector<double>& probs) const {
    require_fitted("predict");
    require_shape(x, 0, data_.cols(), "Hdbscan::predict input");
    require_finite(x, "Hdbscan::predict input");
    labels.assign(x.rows, -1);
    probs.assign(x.rows, 0.0);
    ThreadPool& pool = pool_or_default(options_.pool);
    std::vector<std::vector<double>> scratch(pool.num_threads(), std::vector<double>(2 * data_.rows()));
    pool.parallel_for(0, x.rows, 64, [&](std::size_t lo, std::size_t hi, std::size_t w) {
        for (std::size_t i = lo; i < hi; ++i) {
            const Neighbour nb = nearest(x.row(i), scratch[w]);
            const int l = labels_[nb.index];
            if (l < 0 || nb.mr > cluster_birth_[std::size_t(l)]) continue;  // joins above the cluster: noise
            labels[i] = l;
            const double mx = cluster_max_core_[std::size_t(l)];
            probs[i] = mx > 0.0 ? std::clamp((mx - nb.core) / mx, 0.0, 1.0) : 1.0;
        }
    });
}

std::vector<int> Hdbscan::predict(ConstMatrixView x) const {
    std::vector<int> labels;
    std::vector<double> probs;
    assign(x, labels, probs);
    return labels;
}

Matrix Hdbscan::predict_proba(ConstMatrixView x) const {
    std::vector<int> labels;
    std::vector<double> probs;
    assign(x, labels, probs);
    Matrix p(x.rows, n_clusters());
    for (std::size_t i = 0; i < x.rows; ++i)
        if (labels[i] >= 0) p(i, std::size_t(labels[i])) = float(probs[i]);
    return p;
}

void Hdbscan::save(ByteWriter& out) const {
    require_fitted("save");
    out.put<std::uint32_t>(kHdbscanMagic);
    out.put<std::uint32_t>(kHdbscanVersion);
    out.put<std::uint64_t>(options_.min_cluster_size);
    out.put<std::uint64_t>(options_.min_samples);
    out.put<std::uint64_t>(data_.rows());
    out.put<std::uint64_t>(data_.cols());
    out.put_array(data_.data(), data_.size());
    out.put_vector(core_);
    out.put_vector(labels_);
    out.put_vector(probabilities_);
    out.put_vector(outlier_scores_);
    out.put_vector(cluster_birth_);
    out.put_vector(cluster_max_core_);
}

Hdbscan Hdbscan::load(ByteReader& in) {
    in.expect(in.get<std::uint32_t>() == kHdbscanMagic, "not an Hdbscan record (bad magic)");
    const auto version = in.get<std::uint32_t>();
    in.expect(version == kHdbscanVersion, "Hdbscan record version " + std::to_string(version) + " is not supported (expected " +
                                       std::to_string(kHdbscanVersion) + ")");
    HdbscanOptions o;
    o.min_cluster_size = std::size_t(in.get<std::uint64_t>());
    o.min_samples = std::size_t(in.get<std::uint64_t>());
    const auto n = std::size_t(in.get<std::uint64_t>()), d = std::size_t(in.get<std::uint64_t>());
    in.expect(o.min_cluster_size >= 2 && n >= 2 && n <= (std::size_t(1) << 32) && d >= 1 && d <= (1u << 24) &&
                  o.min_samples <= n,
              "Hdbscan record has implausible sizes");
    Hdbscan h(o);
    h.data_ = Matrix(n, d);
    in.get_array(h.data_.data(), h.data_.size());
    h.core_ = in.get_vector<double>();
    h.labels_ = in.get_vector<int>();
    h.probabilities_ = in.get_vector<double>();
    h.outlier_scores_ = in.get_vector<double>();
    h.cluster_birth_ = in.get_vector<double>();
    h.cluster_max_core_ = in.get_vector<double>();
    const std::size_t k = h.cluster_birth_.size();
    in.expect(h.core_.size() == n && h.labels_.size() == n && h.probabilities_.size() == n &&
                  h.outlier_scores_.size() == n && h.cluster_max_core_.size() == k,
              "Hdbscan record has arrays of inconsistent lengths");
    for (int l : h.labels_) in.expect(l >= -1 && (l < 0 || std::size_t(l) < k), "Hdbscan record has a label out of range");
    h.fitted_ = true;
    return h;
}

}  // namespace n2d
