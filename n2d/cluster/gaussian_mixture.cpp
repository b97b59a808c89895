// GaussianMixture: validation, initialisation, the EM loop over n_init restarts, inference.
#include "n2d/cluster/gaussian_mixture.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <string>

#include "n2d/cluster/detail/gmm_internal.hpp"
#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/detail/timing.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/device/detail/offload.hpp"

namespace n2d::inline v0 {

using detail::GmmParams;

namespace {
// The device statistics are full second moments per chunk; diag and spherical models on wide
// data would need far more than their host statistics, so beyond this they stay on the host.
constexpr std::size_t kMaxDeviceStatsBytes = std::size_t(256) << 20;

// The device that runs the E-step (gmm_estep in double precision), or null for the host code.
Device* estep_device(Device* dev, std::size_t n, std::size_t k, std::size_t d, CovarianceType type) {
    Device* e = offload_device(dev, DeviceOp::gmm_estep);
    if (!e || !e->supports_f64()) return nullptr;
    const std::size_t chunks = (n + detail::kGmmChunk - 1) / detail::kGmmChunk;
    const std::size_t device_bytes = chunks * k * (1 + d + d * (d + 1) / 2) * sizeof(double);
    const std::size_t host_bytes = chunks * k * (1 + d + detail::second_moment_size(type, d)) * sizeof(double);
    return device_bytes <= std::max(kMaxDeviceStatsBytes, host_bytes) ? e : nullptr;
}
}  // namespace

// Passes over the data with per-worker scratch and per-chunk statistics reduced in chunk order;
// with a device, the E-step passes over `x` (those without resp_in) run there.
struct GaussianMixture::Fit {
    ThreadPool& pool;
    std::vector<detail::GmmScratch> scratch;
    std::vector<double> chunk_stats, chunk_total;
    std::unique_ptr<detail::GmmDevicePass> device;

    Fit(ThreadPool& p, std::size_t k, std::size_t d, CovarianceType type, Device* dev, ConstMatrixView x)
        : pool(p), scratch(p.num_threads()) {
        for (auto& s : scratch) s.resize(k, d);
        if (Device* e = estep_device(dev, x.rows, k, d, type)) device = std::make_unique<detail::GmmDevicePass>(*e, x, k);
    }

    // Returns Σ log p(x); fills the optional outputs (see detail::gmm_block). x is the Fit's data.
    double pass(const GmmParams& p, ConstMatrixView x, const double* resp_in, const double* shift, double* logprob,
                double* resp_out, int* labels, std::vector<double>* stats) {
        if (device && !resp_in) return device->pass(p, shift, logprob, resp_out, labels, stats);
        const std::size_t n = x.rows, k = p.k;
        const std::size_t n_chunks = (n + detail::kGmmChunk - 1) / detail::kGmmChunk;
        const std::size_t ss = detail::stats_size(p);
        chunk_total.assign(n_chunks, 0.0);
        if (stats) chunk_stats.assign(n_chunks * ss, 0.0);
        pool.parallel_for(0, n, detail::kGmmChunk, [&](std::size_t lo, std::size_t hi, std::size_t w) {
            const std::size_t c = lo / detail::kGmmChunk;
            chunk_total[c] = detail::gmm_block(p, x.row(lo), x.stride, hi - lo, resp_in ? resp_in + lo * k : nullptr, shift,
                                               logprob ? logprob + lo : nullptr, resp_out ? resp_out + lo * k : nullptr,
                                               labels ? labels + lo : nullptr, stats ? &chunk_stats[c * ss] : nullptr,
                                               scratch[w]);
        });
        if (stats) {
            stats->assign(ss, 0.0);
            for (std::size_t c = 0; c < n_chunks; ++c)
                for (std::size_t i = 0; i < ss; ++i) (*stats)[i] += chunk_stats[c * ss + i];
        }
        double total = 0.0;
        for (double t : chunk_total) total += t;
        return total;
    }
};

namespace {

constexpr double kEmptyMass = 1e-6;  // responsibility mass below which a component counts as empty

std::size_t precisions_size(CovarianceType t, std::size_t k, std::size_t d) {
    switch (t) {
        case CovarianceType::full: return k * d * d;
        case CovarianceType::tied: return d * d;
        case CovarianceType::diag: return k * d;
        case CovarianceType::spherical: return k;
    }
    return 0;
}

void validate_options(const GaussianMixtureOptions& o) {
    N2D_REQUIRE(o.n_components >= 1, "GaussianMixture: n_components must be at least 1");
    N2D_REQUIRE(o.tol >= 0 && std::isfinite(o.tol), "GaussianMixture: tol must be a finite number >= 0");
    N2D_REQUIRE(o.reg_covar >= 0 && std::isfinite(o.reg_covar), "GaussianMixture: reg_covar must be a finite number >= 0");
    N2D_REQUIRE(o.max_iter >= 1, "GaussianMixture: max_iter must be at least 1");
    N2D_REQUIRE(o.n_init >= 1, "GaussianMixture: n_init must be at least 1");
}

void validate_inits(const GaussianMixtureOptions& o, std::size_t d) {
    const std::size_t k = o.n_components;
    if (!o.weights_init.empty()) {
        N2D_REQUIRE(o.weights_init.size() == k, "GaussianMixture: weights_init has " + std::to_string(o.weights_init.size()) +
                                                    " entries but n_components is " + std::to_string(k));
        double sum = 0.0;
        for (double w : o.weights_init) {
            N2D_REQUIRE(w >= 0.0 && w <= 1.0, "GaussianMixture: weights_init entries must lie in [0, 1]");
            sum += w;
        }
        N2D_REQUIRE(std::abs(sum - 1.0) <= 1e-6, "GaussianMixture: weights_init should be normalized, but sums to " +
                                                     std::to_string(sum));
    }
    if (!o.means_init.empty()) {
        N2D_REQUIRE(o.means_init.size() == k * d, "GaussianMixture: means_init has " + std::to_string(o.means_init.size()) +
                                                      " entries but n_components × n_features = " + std::to_string(k * d));
        for (double v : o.means_init) N2D_REQUIRE(std::isfinite(v), "GaussianMixture: means_init contains NaN or infinity");
    }
    if (!o.precisions_init.empty()) {
        const std::size_t want = precisions_size(o.covariance_type, k, d);
        N2D_REQUIRE(o.precisions_init.size() == want,
                    "GaussianMixture: precisions_init has " + std::to_string(o.precisions_init.size()) + " entries but " +
                        to_string(o.covariance_type) + " covariances with n_components=" + std::to_string(k) +
                        " and n_features=" + std::to_string(d) + " need " + std::to_string(want));
    }
}

// Initial responsibilities (n × k) by the chosen method.
std::vector<double> initial_resp(const GaussianMixtureOptions& o, ConstMatrixView x, std::size_t init, ThreadPool& pool) {
    const std::size_t n = x.rows, k = o.n_components;
    std::vector<double> resp(n * k, 0.0);
    Rng rng(o.seed, init);
    auto random_indices = [&] {
        std::vector<std::size_t> perm(n);
        std::iota(perm.begin(), perm.end(), std::size_t(0));
        for (std::size_t i = 0; i < k; ++i) std::swap(perm[i], perm[i + std::size_t(rng.below(n - i))]);
        perm.resize(k);
        return perm;
    };
    switch (o.init_params) {
        case InitParams::kmeans: {
            KMeansOptions ko;
            ko.n_clusters = k;
            ko.n_init = 1;
            ko.seed = derive_seed(o.seed, init, 0x6B6D);
            ko.pool = &pool;
            ko.device = o.device;
            KMeans km(ko);
            km.fit(x);
            for (std::size_t i = 0; i < n; ++i) resp[i * k + std::size_t(km.labels()[i])] = 1.0;
            break;
        }
        case InitParams::k_means_plus_plus: {
            const auto idx = kmeans_plusplus(x, k, rng, &pool);
            for (std::size_t j = 0; j < k; ++j) resp[idx[j] * k + j] = 1.0;
            break;
        }
        case InitParams::random_from_data: {
            const auto idx = random_indices();
            for (std::size_t j = 0; j < k; ++j) resp[idx[j] * k + j] = 1.0;
            break;
        }
        case InitParams::random:
            for (std::size_t i = 0; i < n; ++i) {
                double s = 0.0;
                for (std::size_t j = 0; j < k; ++j) s += resp[i * k + j] = rng.uniform();
                for (std::size_t j = 0; j < k; ++j) resp[i * k + j] /= s;
            }
            break;
    }
    return resp;
}

}  // namespace

const char* to_string(CovarianceType t) noexcept {
    switch (t) {
        case CovarianceType::full: return "full";
        case CovarianceType::tied: return "tied";
        case CovarianceType::diag: return "diag";
        case CovarianceType::spherical: return "spherical";
    }
    return "?";
}

CovarianceType parse_covariance_type(const std::string& name) {
    for (auto t : {CovarianceType::full, CovarianceType::tied, CovarianceType::diag, CovarianceType::spherical})
        if (name == to_string(t)) return t;
    N2D_FAIL("n2d: unknown covariance type '" + name + "'; use full, tied, diag or spherical");
}

const char* to_string(InitParams p) noexcept {
    switch (p) {
        case InitParams::kmeans: return "kmeans";
        case InitParams::k_means_plus_plus: return "k-means++";
        case InitParams::random: return "random";
        case InitParams::random_from_data: return "random_from_data";
    }
    return "?";
}

InitParams parse_init_params(const std::string& name) {
    for (auto p : {InitParams::kmeans, InitParams::k_means_plus_plus, InitParams::random, InitParams::random_from_data})
        if (name == to_string(p)) return p;
    N2D_FAIL("n2d: unknown init_params '" + name + "'; use kmeans, k-means++, random or random_from_data");
}

GaussianMixture::GaussianMixture(GaussianMixtureOptions options) : options_(std::move(options)) {}

void GaussianMixture::require_fitted(const char* what) const {
    N2D_REQUIRE(fitted(), std::string("GaussianMixture::") + what + ": the model is not fitted; call fit() first");
}

void GaussianMixture::check_input(ConstMatrixView x, const char* what) const {
    require_fitted(what);
    N2D_REQUIRE(x.cols == d_, std::string("GaussianMixture::") + what + ": input has " + std::to_string(x.cols) +
                                  " features but the model was fitted on " + std::to_string(d_));
    require_finite(x, "GaussianMixture input");
}

GaussianMixture& GaussianMixture::fit(ConstMatrixView x) {
    validate_options(options_);
    const std::size_t n = x.rows, d = x.cols, k = options_.n_components;
    N2D_REQUIRE(d >= 1 && n >= 2, "GaussianMixture::fit: need at least 2 samples with at least 1 feature, got " +
                                      std::to_string(n) + " x " + std::to_string(d));
    N2D_REQUIRE(n >= k, "GaussianMixture::fit: expected n_samples >= n_components but got n_components = " +
                            std::to_string(k) + ", n_samples = " + std::to_string(n));
    require_finite(x, "GaussianMixture::fit input");
    validate_inits(options_, d);
    const bool warm = options_.warm_start && fitted() && d_ == d;
    // Members change only at the end, so a cancelled or failed fit leaves the previous fit.
    bool converged = false;
    ThreadPool& pool = pool_or_default(options_.pool);
    Fit fit(pool, k, d, options_.covariance_type, options_.device, x);

    GmmParams p;
    p.k = k;
    p.d = d;
    p.type = options_.covariance_type;
    p.reg_covar_used = options_.reg_covar;
    std::vector<double> stats, shift, logprob(n);
    GmmParams best;
    double best_lb = -std::numeric_limits<double>::infinity();
    std::size_t best_iter = 0;
    bool have_best = false;
    const std::size_t n_init = warm ? 1 : options_.n_init;
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t step = 0;

    for (std::size_t init = 0; init < n_init; ++init) {
        if (warm) {
            p.weights = weights_;
            p.means = means_;
            p.covariances = covariances_;
            p.prec_chol = prec_chol_;
            detail::refresh_derived(p);
        } else {
            // Parameters from the initial responsibilities: means first, then covariances around them.
            const auto resp = initial_resp(options_, x, init, pool);
            shift.assign(k * d, 0.0);
            fit.pass(p, x, resp.data(), shift.data(), nullptr, nullptr, nullptr, &stats);
            const double eps10 = 10.0 * std::numeric_limits<double>::epsilon();
            for (std::size_t c = 0; c < k; ++c)
                for (std::size_t t = 0; t < d; ++t) shift[c * d + t] = stats[k + c * d + t] / (stats[c] + eps10);
            fit.pass(p, x, resp.data(), shift.data(), nullptr, nullptr, nullptr, &stats);
            detail::params_from_stats(stats, shift, n, options_.reg_covar, true, p);
            if (!options_.weights_init.empty()) p.weights = options_.weights_init;
            if (!options_.means_init.empty()) p.means = options_.means_init;
            if (!options_.precisions_init.empty()) detail::set_precisions(p, options_.precisions_init);
            detail::refresh_derived(p);
        }
        double lb = warm ? lower_bound_ : -std::numeric_limits<double>::infinity();
        std::size_t iter = 0;
        for (iter = 1; iter <= options_.max_iter; ++iter) {
            const double prev = lb;
            shift = p.means;
            lb = fit.pass(p, x, nullptr, shift.data(), logprob.data(), nullptr, nullptr, &stats) / double(n);
            // Components whose responsibility mass vanished get the worst-explained samples.
            std::vector<std::size_t> empty;
            if (options_.reseed_empty_components)
                for (std::size_t c = 0; c < k; ++c)
                    if (stats[c] < kEmptyMass) empty.push_back(c);
            detail::params_from_stats(stats, shift, n, options_.reg_covar, false, p);
            if (!empty.empty() && empty.size() < k) reseed(p, x, logprob, empty);
            if (options_.progress) {
                Progress pr;
                pr.stage = "gmm";
                pr.step = ++step;
                pr.total = n_init * options_.max_iter;
                pr.loss = lb;
                pr.elapsed_seconds = seconds_since(t0);
                pr.items_per_second = pr.elapsed_seconds > 0 ? double(step) * double(n) / pr.elapsed_seconds : 0.0;
                if (!options_.progress(pr)) ::n2d::detail::throw_cancelled("gmm");
            }
            if (std::abs(lb - prev) < options_.tol) {
                converged = true;
                break;
            }
        }
        iter = std::min(iter, options_.max_iter);
        if (!have_best || lb > best_lb) {
            best = p;
            best_lb = lb;
            best_iter = iter;
            have_best = true;
        }
    }
    converged_ = converged;
    d_ = d;
    weights_ = best.weights;
    means_ = best.means;
    covariances_ = best.covariances;
    prec_chol_ = best.prec_chol;
    log_det_ = best.log_det;
    n_iter_ = best_iter;
    lower_bound_ = best_lb;
    return *this;
}

void GaussianMixture::reseed(detail::GmmParams& p, ConstMatrixView x, const std::vector<double>& logprob,
                             const std::vector<std::size_t>& empty) {
    const std::size_t n = x.rows, d = p.d, k = p.k;
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    const std::size_t m = std::min(empty.size(), n);
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(m), order.end(), [&](std::size_t a, std::size_t b) {
        return logprob[a] < logprob[b] || (logprob[a] == logprob[b] && a < b);
    });
    std::vector<char> is_empty(k, 0);
    for (auto c : empty) is_empty[c] = 1;
    const std::size_t live = k - empty.size();
    // Covariance of a re-seeded component: the mean of the live components' covariances.
    const std::size_t per = p.type == CovarianceType::full ? d * d : p.type == CovarianceType::diag ? d : 1;
    std::vector<double> avg(per, 0.0);
    if (p.type != CovarianceType::tied)
        for (std::size_t c = 0; c < k; ++c)
            if (!is_empty[c])
                for (std::size_t i = 0; i < per; ++i) avg[i] += p.covariances[c * per + i] / double(live);
    for (std::size_t e = 0; e < m; ++e) {
        const std::size_t c = empty[e];
        for (std::size_t t = 0; t < d; ++t) p.means[c * d + t] = double(x(order[e], t));
        if (p.type != CovarianceType::tied) std::copy(avg.begin(), avg.end(), p.covariances.begin() + std::ptrdiff_t(c * per));
        p.weights[c] = 1.0 / double(n);
    }
    const double total = std::accumulate(p.weights.begin(), p.weights.end(), 0.0);
    for (auto& w : p.weights) w /= total;
    detail::compute_precision_cholesky(p);
    detail::refresh_derived(p);
}

std::vector<int> GaussianMixture::fit_predict(ConstMatrixView x) {
    fit(x);
    return predict(x);
}

namespace {
GmmParams view_params(std::size_t k, std::size_t d, CovarianceType type, const std::vector<double>& weights,
                      const std::vector<double>& means, const std::vector<double>& prec_chol) {
    GmmParams p;
    p.k = k;
    p.d = d;
    p.type = type;
    p.weights = weights;
    p.means = means;
    p.prec_chol = prec_chol;
    detail::refresh_derived(p);
    return p;
}
}  // namespace

std::vector<int> GaussianMixture::predict(ConstMatrixView x) const {
    check_input(x, "predict");
    const auto p = view_params(n_components(), d_, covariance_type(), weights_, means_, prec_chol_);
    Fit f(pool_or_default(options_.pool), p.k, d_, p.type, options_.device, x);
    std::vector<int> labels(x.rows);
    f.pass(p, x, nullptr, nullptr, nullptr, nullptr, labels.data(), nullptr);
    return labels;
}

std::vector<double> GaussianMixture::predict_proba_double(ConstMatrixView x) const {
    check_input(x, "predict_proba");
    const auto p = view_params(n_components(), d_, covariance_type(), weights_, means_, prec_chol_);
    Fit f(pool_or_default(options_.pool), p.k, d_, p.type, options_.device, x);
    std::vector<double> resp(x.rows * p.k);
    f.pass(p, x, nullptr, nullptr, nullptr, resp.data(), nullptr, nullptr);
    return resp;
}

Matrix GaussianMixture::predict_proba(ConstMatrixView x) const {
    const auto resp = predict_proba_double(x);
    Matrix out(x.rows, n_components());
    for (std::size_t i = 0; i < resp.size(); ++i) out.data()[i] = float(resp[i]);
    return out;
}

std::vector<double> GaussianMixture::score_samples(ConstMatrixView x) const {
    check_input(x, "score_samples");
    const auto p = view_params(n_components(), d_, covariance_type(), weights_, means_, prec_chol_);
    Fit f(pool_or_default(options_.pool), p.k, d_, p.type, options_.device, x);
    std::vector<double> lp(x.rows);
    f.pass(p, x, nullptr, nullptr, lp.data(), nullptr, nullptr, nullptr);
    return lp;
}

double GaussianMixture::score(ConstMatrixView x) const {
    N2D_REQUIRE(x.rows > 0, "GaussianMixture::score: the input has no rows");
    const auto lp = score_samples(x);
    return std::accumulate(lp.begin(), lp.end(), 0.0) / double(x.rows);
}

std::size_t GaussianMixture::n_parameters() const {
    require_fitted("n_parameters");
    const std::size_t k = n_components(), d = d_;
    std::size_t cov = 0;
    switch (covariance_type()) {
        case CovarianceType::full: cov = k * d * (d + 1) / 2; break;
        case CovarianceType::tied: cov = d * (d + 1) / 2; break;
        case CovarianceType::diag: cov = k * d; break;
        case CovarianceType::spherical: cov = k; break;
    }
    return cov + k * d + k - 1;
}

double GaussianMixture::bic(ConstMatrixView x) const {
    const double n = double(x.rows);
    return -2.0 * score(x) * n + double(n_parameters()) * std::log(n);
}

double GaussianMixture::aic(ConstMatrixView x) const {
    return -2.0 * score(x) * double(x.rows) + 2.0 * double(n_parameters());
}

std::vector<double> GaussianMixture::precisions() const {
    require_fitted("precisions");
    const std::size_t d = d_;
    std::vector<double> out(prec_chol_.size());
    if (covariance_type() == CovarianceType::full || covariance_type() == CovarianceType::tied) {
        const std::size_t blocks = prec_chol_.size() / (d * d);
        for (std::size_t c = 0; c < blocks; ++c) {
            const double* u = &prec_chol_[c * d * d];
            for (std::size_t i = 0; i < d; ++i)
                for (std::size_t j = 0; j < d; ++j) {
                    double s = 0.0;
                    for (std::size_t m = std::max(i, j); m < d; ++m) s += u[i * d + m] * u[j * d + m];
                    out[c * d * d + i * d + j] = s;
                }
        }
    } else {
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = prec_chol_[i] * prec_chol_[i];
    }
    return out;
}

}  // namespace n2d
