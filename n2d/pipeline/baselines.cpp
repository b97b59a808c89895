#include "n2d/pipeline/baselines.hpp"

#include <chrono>

#include "n2d/core/rng.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::size_t kFullCovarianceMaxDim = 64;

template <class Fn>
BaselineResult timed(const char* name, Fn&& fn) {
    const auto t0 = std::chrono::steady_clock::now();
    BaselineResult r;
    r.name = name;
    r.labels = fn();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace

std::vector<BaselineResult> run_paper_baselines(ConstMatrixView x, const N2D& fitted) {
    const auto& o = fitted.options();
    const std::size_t k = o.n_clusters;
    const std::uint64_t seed = derive_seed(o.seed, 100);
    std::vector<BaselineResult> out;

    out.push_back(timed("k-means (raw)", [&] {
        KMeansOptions km;
        km.n_clusters = k;
        km.n_init = 20;
        km.seed = seed;
        km.progress = o.progress;
        return KMeans(km).fit_predict(x);
    }));

    auto gmm_options = [&](std::size_t dim) {
        GaussianMixtureOptions g = o.gmm;
        g.n_components = k;
        g.seed = seed;
        g.progress = o.progress;
        if (dim > kFullCovarianceMaxDim && g.covariance_type == CovarianceType::full) g.covariance_type = CovarianceType::diag;
        return g;
    };
    out.push_back(timed(x.cols > kFullCovarianceMaxDim ? "GMM diag (raw)" : "GMM (raw)",
                        [&] { return GaussianMixture(gmm_options(x.cols)).fit_predict(x); }));

    out.push_back(timed("UMAP+GMM (raw)", [&] {
        UmapOptions u = o.umap;
        if (u.n_components == 0) u.n_components = k;
        u.seed = seed;
        u.progress = o.progress;
        Matrix m = Umap(u).fit_transform(x);
        return GaussianMixture(gmm_options(m.cols())).fit_predict(m);
    }));

    if (o.embedder == EmbedderKind::autoencoder && fitted.latent().rows() == x.rows)
        out.push_back(timed("AE+GMM (no UMAP)", [&] {
            return GaussianMixture(gmm_options(fitted.latent().cols())).fit_predict(fitted.latent());
        }));
    return out;
}

}  // namespace n2d
