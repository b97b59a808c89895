#include "n2d/cluster/spectral_clustering.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "n2d/cluster/detail/spectral_internal.hpp"
#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::uint32_t kSpectralMagic = 0x53504543;  // "SPEC"
constexpr std::uint32_t kSpectralVersion = 1;

void validate(const SpectralClusteringOptions& o) {
    N2D_REQUIRE(o.n_clusters >= 1, "SpectralClustering: n_clusters must be >= 1");
    N2D_REQUIRE(o.n_init >= 1, "SpectralClustering: n_init must be >= 1");
    N2D_REQUIRE(o.n_neighbors >= 1, "SpectralClustering: n_neighbors must be >= 1");
    N2D_REQUIRE(o.affinity != SpectralAffinity::nearest_neighbors || o.n_neighbors >= 2,
                "SpectralClustering: n_neighbors 1 connects each point only to itself, so the affinity graph has "
                "no edges; use n_neighbors >= 2");
    N2D_REQUIRE(o.affinity != SpectralAffinity::rbf || (std::isfinite(o.gamma) && o.gamma > 0.0),
                "SpectralClustering: gamma must be a positive finite number (got " + std::to_string(o.gamma) + ")");
}

void report(const SpectralClusteringOptions& o, std::size_t step, std::size_t total, double loss) {
    if (!o.progress) return;
    Progress p;
    p.stage = "spectral";
    p.step = step;
    p.total = total;
    p.loss = loss;
    if (!o.progress(p)) ::n2d::detail::throw_cancelled("spectral");
}

}  // namespace

SpectralClustering::SpectralClustering(SpectralClusteringOptions options) : options_(std::move(options)) {}

void SpectralClustering::require_fitted(const char* what) const {
    if (!fitted()) N2D_FAIL(std::string("n2d: SpectralClustering::") + what + " needs a fitted model; call fit first (or load one)");
}

SpectralClustering& SpectralClustering::fit(ConstMatrixView x) {
    validate(options_);
    const std::size_t n = x.rows, k = options_.n_clusters;
    N2D_REQUIRE(n >= 2 && x.cols >= 1, "SpectralClustering::fit: needs at least 2 rows and 1 column (got " +
                                           std::to_string(n) + " x " + std::to_string(x.cols) + ")");
    N2D_REQUIRE(k < n, "SpectralClustering::fit: n_clusters " + std::to_string(k) + " needs more than " +
                           std::to_string(k) + " points (got " + std::to_string(n) + "); lower n_clusters");
    const bool knn = options_.affinity == SpectralAffinity::nearest_neighbors;
    N2D_REQUIRE(!knn || options_.n_neighbors <= n, "SpectralClustering::fit: n_neighbors " +
                                                       std::to_string(options_.n_neighbors) + " exceeds the " +
                                                       std::to_string(n) + " points; lower n_neighbors");
    N2D_REQUIRE(knn || n <= kRbfMaxPoints,
                "SpectralClustering::fit: the rbf affinity is a dense n x n matrix, limited to " +
                    std::to_string(kRbfMaxPoints) + " points (got " + std::to_string(n) +
                    "); use the sparse nearest_neighbors affinity for more");
    require_finite(x, "SpectralClustering::fit input");
    ThreadPool& pool = pool_or_default(options_.pool);
    const std::size_t total = 2 + options_.n_init;

    // The index serves the nearest_neighbors graph and predict().
    KnnOptions ko;
    ko.n_neighbors = std::min(options_.n_neighbors, n);
    ko.method = options_.knn_method;
    ko.include_self = true;
    ko.seed = derive_seed(options_.seed, 0x4B4E4E00ull);
    ko.pool = &pool;
    KnnIndex index = KnnIndex::build(x, ko);
    const std::uint64_t eigen_seed = derive_seed(options_.seed, 0x45696700ull);
    spectral_detail::Embedding emb;
    if (knn) {
        const SparseGraph w = spectral_detail::knn_affinity(index.graph(), pool);
        report(options_, 1, total, std::nan(""));
        emb = spectral_detail::spectral_embedding(w, k, eigen_seed, pool);
    } else {
        std::vector<double> w = spectral_detail::rbf_affinity(x, options_.gamma, pool);
        report(options_, 1, total, std::nan(""));
        emb = spectral_detail::spectral_embedding_dense(std::move(w), n, k, eigen_seed, pool);
    }
    report(options_, 2, total, static_cast<double>(emb.n_components));

    KMeansOptions km;
    km.n_clusters = k;
    km.n_init = options_.n_init;
    km.seed = derive_seed(options_.seed, 0x4B4D0000ull);
    km.pool = &pool;
    if (options_.progress)
        km.progress = [this, total](const Progress& p) {
            Progress q = p;
            q.stage = "spectral";
            q.step = 2 + p.step;
            q.total = total;
            return options_.progress(q);
        };
    KMeans kmeans(km);
    try {
        kmeans.fit(emb.vectors);
    } catch (const Cancelled&) {
        ::n2d::detail::throw_cancelled("spectral");
    }
    labels_ = kmeans.labels();
    embedding_ = std::move(emb.vectors);
    n_components_ = emb.n_components;
    converged_ = emb.converged;
    index_ = std::move(index);
    return *this;
}

std::vector<int> SpectralClustering::fit_predict(ConstMatrixView x) { return fit(x).labels(); }

const std::vector<int>& SpectralClustering::labels() const {
    require_fitted("labels");
    return labels_;
}

const Matrix& SpectralClustering::embedding() const {
    require_fitted("embedding");
    if (embedding_.empty())
        N2D_FAIL("n2d: SpectralClustering::embedding: a loaded model carries no embedding (only what predict "
                 "needs); refit to get it");
    return embedding_;
}

std::size_t SpectralClustering::input_dim() const {
    require_fitted("input_dim");
    return index_.dim();
}

std::vector<std::int32_t> SpectralClustering::neighbours(ConstMatrixView x, std::size_t& k) const {
    require_fitted("predict");
    N2D_REQUIRE(x.cols == index_.dim(), "SpectralClustering::predict: input has " + std::to_string(x.cols) +
                                            " columns, the model was fitted on " + std::to_string(index_.dim()));
    require_finite(x, "SpectralClustering::predict input");
    k = std::min(options_.n_neighbors, index_.size());
    if (x.rows == 0) return {};
    return index_.query(x, k).indices;
}

Matrix SpectralClustering::predict_proba(ConstMatrixView x) const {
    std::size_t k = 0;
    const std::vector<std::int32_t> nb = neighbours(x, k);
    Matrix p(x.rows, options_.n_clusters);
    for (std::size_t i = 0; i < x.rows; ++i) {
        for (std::size_t t = 0; t < k; ++t)
            p(i, static_cast<std::size_t>(labels_[static_cast<std::size_t>(nb[i * k + t])])) += 1.0f;
        for (std::size_t c = 0; c < options_.n_clusters; ++c) p(i, c) /= static_cast<float>(k);
    }
    return p;
}

std::vector<int> SpectralClustering::predict(ConstMatrixView x) const {
    std::size_t k = 0;
    const std::vector<std::int32_t> nb = neighbours(x, k);
    std::vector<int> out(x.rows);
    std::vector<std::size_t> votes(options_.n_clusters);
    for (std::size_t i = 0; i < x.rows; ++i) {
        std::fill(votes.begin(), votes.end(), 0);
        for (std::size_t t = 0; t < k; ++t) ++votes[static_cast<std::size_t>(labels_[static_cast<std::size_t>(nb[i * k + t])])];
        // The most votes; among equals the label met first in order of distance.
        int best = labels_[static_cast<std::size_t>(nb[i * k])];
        for (std::size_t t = 1; t < k; ++t) {
            const int l = labels_[static_cast<std::size_t>(nb[i * k + t])];
            if (votes[static_cast<std::size_t>(l)] > votes[static_cast<std::size_t>(best)]) best = l;
        }
        out[i] = best;
    }
    return out;
}

void SpectralClustering::save(ByteWriter& out) const {
    require_fitted("save");
    out.put<std::uint32_t>(kSpectralMagic);
    out.put<std::uint32_t>(kSpectralVersion);
    out.put<std::uint64_t>(options_.n_clusters);
    out.put<std::uint32_t>(options_.affinity == SpectralAffinity::rbf ? 1u : 0u);
    out.put<std::uint64_t>(options_.n_neighbors);
    out.put<double>(options_.gamma);
    out.put<std::uint32_t>(static_cast<std::uint32_t>(options_.knn_method));
    out.put<std::uint64_t>(options_.n_init);
    out.put<std::uint64_t>(options_.seed);
    out.put<std::uint64_t>(n_components_);
    out.put<std::uint8_t>(converged_ ? 1 : 0);
    out.put_vector(labels_);
    index_.save(out);
}

SpectralClustering SpectralClustering::load(ByteReader& in) {
    in.expect(in.get<std::uint32_t>() == kSpectralMagic, "not a SpectralClustering record (bad magic)");
    const auto version = in.get<std::uint32_t>();
    in.expect(version == kSpectralVersion, "SpectralClustering record version " + std::to_string(version) +
                                       " is not supported (expected " + std::to_string(kSpectralVersion) + ")");
    SpectralClusteringOptions o;
    o.n_clusters = std::size_t(in.get<std::uint64_t>());
    const auto affinity = in.get<std::uint32_t>();
    in.expect(affinity <= 1, "SpectralClustering record has an unknown affinity " + std::to_string(affinity));
    o.affinity = affinity == 1 ? SpectralAffinity::rbf : SpectralAffinity::nearest_neighbors;
    o.n_neighbors = std::size_t(in.get<std::uint64_t>());
    o.gamma = in.get<double>();
    const auto method = in.get<std::uint32_t>();
    in.expect(method <= static_cast<std::uint32_t>(KnnMethod::nn_descent),
              "SpectralClustering record has an unknown kNN method " + std::to_string(method));
    o.knn_method = static_cast<KnnMethod>(method);
    o.n_init = std::size_t(in.get<std::uint64_t>());
    o.seed = in.get<std::uint64_t>();
    SpectralClustering s(o);
    s.n_components_ = std::size_t(in.get<std::uint64_t>());
    const auto conv = in.get<std::uint8_t>();
    in.expect(conv <= 1, "SpectralClustering record has a bad convergence flag");
    s.converged_ = conv == 1;
    s.labels_ = in.get_vector<int>(std::size_t(1) << 32);
    in.expect(o.n_clusters >= 1 && o.n_clusters < s.labels_.size() && o.n_neighbors >= 1 && o.n_init >= 1 &&
                  std::isfinite(o.gamma) && o.gamma > 0.0 && s.n_components_ >= 1 && s.n_components_ <= s.labels_.size(),
              "SpectralClustering record has implausible sizes or options");
    for (int l : s.labels_)
        in.expect(l >= 0 && static_cast<std::size_t>(l) < o.n_clusters,
                  "SpectralClustering record has a label outside 0 .. n_clusters - 1");
    s.index_ = KnnIndex::load(in);
    in.expect(s.index_.size() == s.labels_.size(), "SpectralClustering record: the kNN index has " +
                                                       std::to_string(s.index_.size()) + " points for " +
                                                       std::to_string(s.labels_.size()) + " labels");
    return s;
}

}  // namespace n2d
