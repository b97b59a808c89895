// GaussianMixture serialisation and sampling.
#include <cmath>
#include <string>

#include "n2d/cluster/gaussian_mixture.hpp"
#include "n2d/cluster/detail/gmm_internal.hpp"
#include "n2d/core/rng.hpp"

namespace n2d::inline v0 {

namespace {
constexpr std::uint32_t kGmmMagic = 0x4D4D4732;  // "2GMM"
constexpr std::uint32_t kGmmVersion = 1;
}  // namespace

void GaussianMixture::save(ByteWriter& out) const {
    require_fitted("save");
    out.put<std::uint32_t>(kGmmMagic);
    out.put<std::uint32_t>(kGmmVersion);
    out.put<std::uint64_t>(options_.n_components);
    out.put<std::uint32_t>(std::uint32_t(options_.covariance_type));
    out.put<double>(options_.tol);
    out.put<double>(options_.reg_covar);
    out.put<std::uint64_t>(options_.max_iter);
    out.put<std::uint64_t>(options_.n_init);
    out.put<std::uint32_t>(std::uint32_t(options_.init_params));
    out.put<std::uint64_t>(options_.seed);
    out.put<std::uint8_t>(options_.warm_start);
    out.put<std::uint8_t>(options_.reseed_empty_components);
    out.put<std::uint64_t>(d_);
    out.put_vector(weights_);
    out.put_vector(means_);
    out.put_vector(covariances_);
    out.put_vector(prec_chol_);
    out.put<std::uint8_t>(converged_);
    out.put<std::uint64_t>(n_iter_);
    out.put<double>(lower_bound_);
}

GaussianMixture GaussianMixture::load(ByteReader& in) {
    in.expect(in.get<std::uint32_t>() == kGmmMagic, "not a GaussianMixture record (bad magic)");
    const auto version = in.get<std::uint32_t>();
    in.expect(version == kGmmVersion, "GaussianMixture record version " + std::to_string(version) +
                                       " is not supported (expected " + std::to_string(kGmmVersion) + ")");
    GaussianMixtureOptions o;
    o.n_components = std::size_t(in.get<std::uint64_t>());
    const auto type = in.get<std::uint32_t>();
    in.expect(type <= 3, "GaussianMixture record has an unknown covariance type");
    o.covariance_type = CovarianceType(type);
    o.tol = in.get<double>();
    o.reg_covar = in.get<double>();
    o.max_iter = std::size_t(in.get<std::uint64_t>());
    o.n_init = std::size_t(in.get<std::uint64_t>());
    const auto init = in.get<std::uint32_t>();
    in.expect(init <= 3, "GaussianMixture record has an unknown init_params");
    o.init_params = InitParams(init);
    o.seed = in.get<std::uint64_t>();
    o.warm_start = in.get<std::uint8_t>() != 0;
    o.reseed_empty_components = in.get<std::uint8_t>() != 0;
    const auto d = std::size_t(in.get<std::uint64_t>());
    const std::size_t k = o.n_components;
    in.expect(k >= 1 && k <= (1u << 20) && d >= 1 && d <= (1u << 16), "GaussianMixture record has implausible sizes");
    GaussianMixture g(o);
    g.d_ = d;
    g.weights_ = in.get_vector<double>();
    g.means_ = in.get_vector<double>();
    g.covariances_ = in.get_vector<double>();
    g.prec_chol_ = in.get_vector<double>();
    const bool square = o.covariance_type == CovarianceType::full || o.covariance_type == CovarianceType::tied;
    const std::size_t blocks = o.covariance_type == CovarianceType::tied ? 1 : k;
    const std::size_t per = square ? d * d : o.covariance_type == CovarianceType::diag ? d : 1;
    in.expect(g.weights_.size() == k && g.means_.size() == k * d && g.covariances_.size() == blocks * per &&
                  g.prec_chol_.size() == blocks * per,
              "GaussianMixture record has parameter arrays of the wrong size");
    for (const auto* v : {&g.weights_, &g.means_, &g.covariances_, &g.prec_chol_})
        for (double x : *v) in.expect(std::isfinite(x), "GaussianMixture record has a non-finite parameter");
    for (double w : g.weights_) in.expect(w >= 0.0, "GaussianMixture record has a negative weight");
    if (square) {
        for (std::size_t c = 0; c < blocks; ++c)
            for (std::size_t i = 0; i < d; ++i) in.expect(g.prec_chol_[c * d * d + i * d + i] > 0, "GaussianMixture record has a singular precision factor");
    } else {
        for (double f : g.prec_chol_) in.expect(f > 0, "GaussianMixture record has a non-positive precision factor");
    }
    g.converged_ = in.get<std::uint8_t>() != 0;
    g.n_iter_ = std::size_t(in.get<std::uint64_t>());
    g.lower_bound_ = in.get<double>();
    detail::GmmParams p;
    p.k = k;
    p.d = d;
    p.type = o.covariance_type;
    p.weights = g.weights_;
    p.prec_chol = g.prec_chol_;
    detail::refresh_derived(p);
    g.log_det_ = p.log_det;
    return g;
}

GaussianMixtureSample GaussianMixture::sample(std::size_t n, std::uint64_t seed) const {
    require_fitted("sample");
    N2D_REQUIRE(n >= 1, "GaussianMixture::sample: n must be at least 1");
    const std::size_t k = n_components(), d = d_;
    Rng rng(seed, 0x73616d70ull);
    // Component counts: one categorical draw per sample.
    std::vector<std::size_t> counts(k, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const double u = rng.uniform();
        double acc = 0.0;
        std::size_t c = 0;
        for (; c + 1 < k; ++c) {
            acc += weights_[c];
            if (u < acc) break;
        }
        ++counts[c];
    }
    GaussianMixtureSample out;
    out.x = Matrix(n, d);
    out.labels.resize(n);
    std::vector<double> l(d * d), z(d);
    std::size_t row = 0;
    for (std::size_t c = 0; c < k; ++c) {
        // Square root of the covariance: Cholesky factor (full/tied) or σ (diag/spherical).
        switch (covariance_type()) {
            case CovarianceType::full:
            case CovarianceType::tied: {
                const std::size_t off = covariance_type() == CovarianceType::full ? c * d * d : 0;
                l.assign(covariances_.begin() + std::ptrdiff_t(off), covariances_.begin() + std::ptrdiff_t(off + d * d));
                N2D_REQUIRE(detail::cholesky_lower(l.data(), d),
                            "GaussianMixture::sample: covariance of component " + std::to_string(c) + " is not positive definite");
                break;
            }
            case CovarianceType::diag:
                std::fill(l.begin(), l.end(), 0.0);
                for (std::size_t t = 0; t < d; ++t) l[t * d + t] = std::sqrt(covariances_[c * d + t]);
                break;
            case CovarianceType::spherical:
                std::fill(l.begin(), l.end(), 0.0);
                for (std::size_t t = 0; t < d; ++t) l[t * d + t] = std::sqrt(covariances_[c]);
                break;
        }
        for (std::size_t s = 0; s < counts[c]; ++s, ++row) {
            for (auto& v : z) v = rng.normal();
            for (std::size_t i = 0; i < d; ++i) {
                double v = means_[c * d + i];
                for (std::size_t j = 0; j <= i; ++j) v += l[i * d + j] * z[j];
                out.x(row, i) = float(v);
            }
            out.labels[row] = int(c);
        }
    }
    return out;
}

}  // namespace n2d
