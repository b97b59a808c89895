// DecClusterer: DEC's clustering layer as a pipeline stage (builtin_stages.hpp).
#include <algorithm>
#include <cmath>

#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/error.hpp"
#include "n2d/pipeline/builtin_stages.hpp"
#include "n2d/pipeline/detail/stage_state.hpp"

namespace n2d::inline v0 {

DecClusterer::DecClusterer(std::size_t n_clusters, double alpha, std::size_t kmeans_n_init)
    : n_clusters_(n_clusters), alpha_(alpha), kmeans_n_init_(kmeans_n_init) {
    N2D_REQUIRE(n_clusters >= 2, "DecClusterer: n_clusters is " + std::to_string(n_clusters) + "; use at least 2");
    N2D_REQUIRE(std::isfinite(alpha) && alpha > 0.0,
                "DecClusterer: alpha is " + std::to_string(alpha) + "; it must be a positive number (DEC uses 1)");
    N2D_REQUIRE(kmeans_n_init >= 1, "DecClusterer: kmeans_n_init is 0; use at least 1");
}

void DecClusterer::fit(ConstMatrixView x, const StageContext& ctx) {
    KMeansOptions o;
    o.n_clusters = n_clusters_;
    o.n_init = kmeans_n_init_;
    o.seed = ctx.seed;
    o.progress = ctx.progress;
    o.device = ctx.device;
    KMeans km(std::move(o));
    km.fit(x);
    centers_ = Matrix::copy_of(km.cluster_centers());
}

void DecClusterer::set_centers(Matrix centers) {
    N2D_REQUIRE(centers.rows() == n_clusters_ && centers.cols() > 0,
                "DecClusterer::set_centers: got " + std::to_string(centers.rows()) + " centres for " +
                    std::to_string(n_clusters_) + " clusters; pass n_clusters × code-width centres");
    require_finite(centers, "DecClusterer centres");
    centers_ = std::move(centers);
}

Matrix DecClusterer::predict_proba(ConstMatrixView x) const {
    N2D_REQUIRE(!centers_.empty(), "n2d: the dec stage is not fitted; call fit first (or load a model)");
    require_stage_input(x, centers_.cols(), "dec");
    return dec_soft_assignment(x, centers_, alpha_);
}

std::vector<int> DecClusterer::predict(ConstMatrixView x) const {
    const Matrix q = predict_proba(x);
    std::vector<int> labels(q.rows());
    for (std::size_t i = 0; i < q.rows(); ++i) labels[i] = static_cast<int>(std::max_element(q.row(i), q.row(i) + q.cols()) - q.row(i));
    return labels;
}

void DecClusterer::save(ByteWriter& out) const {
    N2D_REQUIRE(!centers_.empty(), "n2d: the dec stage is not fitted; call fit first (or load a model)");
    detail::put_stage_header(out, centers_.cols());
    out.put<std::uint64_t>(n_clusters_);
    out.put<double>(alpha_);
    out.put<std::uint64_t>(kmeans_n_init_);
    out.put_array(centers_.data(), centers_.size());
}

std::unique_ptr<DecClusterer> DecClusterer::load(ByteReader& in) {
    const auto dim = detail::get_stage_header(in, "dec");
    const auto k = in.get<std::uint64_t>();
    in.expect(k >= 2 && k < (std::uint64_t(1) << 31), "dec n_clusters " + std::to_string(k));
    const auto alpha = in.get<double>();
    in.expect(std::isfinite(alpha) && alpha > 0.0, "dec alpha " + std::to_string(alpha));
    const auto n_init = in.get<std::uint64_t>();
    in.expect(n_init >= 1 && n_init < (std::uint64_t(1) << 31), "dec k-means runs " + std::to_string(n_init));
    in.expect(k * dim <= in.remaining() / sizeof(float), "dec centres larger than the section");
    Matrix centers(static_cast<std::size_t>(k), dim);
    in.get_array(centers.data(), centers.size());
    for (std::size_t i = 0; i < centers.size(); ++i) in.expect(std::isfinite(centers.data()[i]), "a non-finite dec centre");
    auto c = std::make_unique<DecClusterer>(static_cast<std::size_t>(k), alpha, static_cast<std::size_t>(n_init));
    c->centers_ = std::move(centers);
    return c;
}

}  // namespace n2d
