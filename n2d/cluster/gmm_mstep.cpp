// GMM M-step: weights, means and covariances from the accumulated statistics, then the
// Cholesky factors of the precisions (sklearn _estimate_gaussian_parameters and
// _compute_precision_cholesky), all in double.
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "n2d/cluster/detail/gmm_internal.hpp"
#include "n2d/core/error.hpp"

namespace n2d::inline v0::detail {

namespace {

std::string fmt_g(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

const char* kIllDefined =
    " has an ill-defined empirical covariance (for instance caused by singleton or collapsed samples); "
    "decrease n_components, or increase reg_covar";

// Inverse of a lower-triangular d×d matrix (row-major) into `inv` (lower triangular).
void invert_lower(const double* l, std::size_t d, double* inv) {
    for (std::size_t i = 0; i < d * d; ++i) inv[i] = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
        inv[j * d + j] = 1.0 / l[j * d + j];
        for (std::size_t i = j + 1; i < d; ++i) {
            double s = 0.0;
            for (std::size_t m = j; m < i; ++m) s += l[i * d + m] * inv[m * d + j];
            inv[i * d + j] = -s / l[i * d + i];
        }
    }
}

// Covariance (d×d) → upper U = (L⁻¹)ᵀ with L Lᵀ = Σ; returns log det U, or NaN if not PD.
double precision_factor(const double* cov, std::size_t d, double* u, std::vector<double>& work) {
    work.assign(cov, cov + d * d);
    if (!cholesky_lower(work.data(), d)) return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> inv(d * d);
    invert_lower(work.data(), d, inv.data());
    double log_det = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
        for (std::size_t j = 0; j < d; ++j) u[i * d + j] = inv[j * d + i];
        log_det += std::log(u[i * d + i]);
    }
    return log_det;
}

}  // namespace

bool cholesky_lower(double* a, std::size_t d) {
    for (std::size_t j = 0; j < d; ++j) {
        double diag = a[j * d + j];
        for (std::size_t m = 0; m < j; ++m) diag -= a[j * d + m] * a[j * d + m];
        if (!(diag > 0.0) || !std::isfinite(diag)) return false;
        const double ljj = std::sqrt(diag);
        a[j * d + j] = ljj;
        for (std::size_t i = j + 1; i < d; ++i) {
            double s = a[i * d + j];
            for (std::size_t m = 0; m < j; ++m) s -= a[i * d + m] * a[j * d + m];
            a[i * d + j] = s / ljj;
        }
        for (std::size_t i = 0; i < j; ++i) a[i * d + j] = 0.0;  // clear the upper triangle
    }
    return true;
}

void compute_precision_cholesky(GmmParams& p) {
    const std::size_t k = p.k, d = p.d;
    std::vector<double> work;
    p.log_det.assign(k, 0.0);
    switch (p.type) {
        case CovarianceType::full:
            p.prec_chol.assign(k * d * d, 0.0);
            for (std::size_t c = 0; c < k; ++c) {
                const double ld = precision_factor(&p.covariances[c * d * d], d, &p.prec_chol[c * d * d], work);
                N2D_REQUIRE(std::isfinite(ld), "GaussianMixture: fitting failed because component " + std::to_string(c) +
                                                   kIllDefined + " (reg_covar is now " + fmt_g(p.reg_covar_used) + ")");
                p.log_det[c] = ld;
            }
            break;
        case CovarianceType::tied: {
            p.prec_chol.assign(d * d, 0.0);
            const double ld = precision_factor(p.covariances.data(), d, p.prec_chol.data(), work);
            N2D_REQUIRE(std::isfinite(ld), std::string("GaussianMixture: fitting failed because the tied covariance") +
                                               kIllDefined + " (reg_covar is now " + fmt_g(p.reg_covar_used) + ")");
            p.log_det.assign(k, ld);
            break;
        }
        case CovarianceType::diag:
        case CovarianceType::spherical: {
            const std::size_t per = p.type == CovarianceType::diag ? d : 1;
            p.prec_chol.assign(k * per, 0.0);
            for (std::size_t c = 0; c < k; ++c) {
                double ld = 0.0;
                for (std::size_t t = 0; t < per; ++t) {
                    const double v = p.covariances[c * per + t];
                    N2D_REQUIRE(v > 0.0 && std::isfinite(v), "GaussianMixture: fitting failed because component " +
                                                                 std::to_string(c) + kIllDefined + " (reg_covar is now " +
                                                                 fmt_g(p.reg_covar_used) + ")");
                    p.prec_chol[c * per + t] = 1.0 / std::sqrt(v);
                    ld += std::log(p.prec_chol[c * per + t]);
                }
                p.log_det[c] = per == 1 ? double(d) * ld : ld;
            }
            break;
        }
    }
}

void params_from_stats(const std::vector<double>& stats, const std::vector<double>& shift, std::size_t n,
                       double reg_covar, bool weights_by_n, GmmParams& p) {
    const std::size_t k = p.k, d = p.d, s2n = second_moment_size(p.type, d);
    const double* mass = stats.data();
    const double* s1 = mass + k;
    const double* s2 = s1 + k * d;
    const double eps10 = 10.0 * std::numeric_limits<double>::epsilon();
    std::vector<double> nk(k), delta(k * d);
    double nk_sum = 0.0;
    p.means.assign(k * d, 0.0);
    for (std::size_t c = 0; c < k; ++c) {
        nk[c] = mass[c] + eps10;
        nk_sum += nk[c];
        for (std::size_t t = 0; t < d; ++t) {
            delta[c * d + t] = s1[c * d + t] / nk[c];
            p.means[c * d + t] = (shift[c * d + t] * mass[c] + s1[c * d + t]) / nk[c];
        }
    }
    p.weights.resize(k);
    for (std::size_t c = 0; c < k; ++c) p.weights[c] = nk[c] / (weights_by_n ? double(n) : nk_sum);
    p.reg_covar_used = reg_covar;
    switch (p.type) {
        case CovarianceType::full:
        case CovarianceType::tied: {
            const bool tied = p.type == CovarianceType::tied;
            p.covariances.assign(tied ? d * d : k * d * d, 0.0);
            for (std::size_t c = 0; c < k; ++c) {
                double* cov = p.covariances.data() + (tied ? 0 : c * d * d);
                const double* dc = &delta[c * d];
                // Σ r (x−μ)(x−μ)ᵀ = Σ r (x−c)(x−c)ᵀ − nk δδᵀ with δ = μ − c.
                std::size_t idx = 0;
                for (std::size_t i = 0; i < d; ++i)
                    for (std::size_t j = i; j < d; ++j, ++idx) {
                        const double v = tied ? s2[c * s2n + idx] - nk[c] * dc[i] * dc[j]
                                              : s2[c * s2n + idx] / nk[c] - dc[i] * dc[j];
                        cov[i * d + j] += v;
                        if (j != i) cov[j * d + i] += v;
                    }
            }
            const std::size_t blocks = tied ? 1 : k;
            for (std::size_t c = 0; c < blocks; ++c) {
                double* cov = p.covariances.data() + c * d * d;
                if (tied)
                    for (std::size_t i = 0; i < d * d; ++i) cov[i] /= nk_sum;
                for (std::size_t i = 0; i < d; ++i) cov[i * d + i] += reg_covar;
            }
            break;
        }
        case CovarianceType::diag:
        case CovarianceType::spherical: {
            const bool sph = p.type == CovarianceType::spherical;
            p.covariances.assign(sph ? k : k * d, 0.0);
            for (std::size_t c = 0; c < k; ++c) {
                double mean_var = 0.0;
                for (std::size_t t = 0; t < d; ++t) {
                    const double dt = delta[c * d + t];
                    const double v = s2[c * s2n + t] / nk[c] - dt * dt + reg_covar;
                    if (sph) mean_var += v;
                    else p.covariances[c * d + t] = v;
                }
                if (sph) p.covariances[c] = mean_var / double(d);
            }
            break;
        }
    }
    compute_precision_cholesky(p);
    refresh_derived(p);
}

void set_precisions(GmmParams& p, const std::vector<double>& precisions) {
    const std::size_t k = p.k, d = p.d;
    switch (p.type) {
        case CovarianceType::full:
        case CovarianceType::tied: {
            const std::size_t blocks = p.type == CovarianceType::full ? k : 1;
            p.prec_chol.assign(blocks * d * d, 0.0);
            p.covariances.assign(blocks * d * d, 0.0);
            std::vector<double> a(d * d), inv(d * d), ut(d * d);
            for (std::size_t c = 0; c < blocks; ++c) {
                const double* pc = &precisions[c * d * d];
                // Upper U with U Uᵀ = P: the lower Cholesky factor of P with rows and columns reversed.
                for (std::size_t i = 0; i < d; ++i)
                    for (std::size_t j = 0; j < d; ++j) a[i * d + j] = pc[(d - 1 - i) * d + (d - 1 - j)];
                N2D_REQUIRE(cholesky_lower(a.data(), d), "GaussianMixture: precisions_init block " + std::to_string(c) +
                                                             " is not symmetric positive definite; pass valid precision matrices");
                double* u = &p.prec_chol[c * d * d];
                for (std::size_t i = 0; i < d; ++i)
                    for (std::size_t j = 0; j < d; ++j) u[i * d + j] = a[(d - 1 - i) * d + (d - 1 - j)];
                // Σ = P⁻¹ = (U⁻¹)ᵀ U⁻¹, with U⁻¹ = ((Uᵀ)⁻¹)ᵀ.
                for (std::size_t i = 0; i < d; ++i)
                    for (std::size_t j = 0; j < d; ++j) ut[i * d + j] = u[j * d + i];
                invert_lower(ut.data(), d, inv.data());  // inv = (Uᵀ)⁻¹ = (U⁻¹)ᵀ, lower
                double* cov = &p.covariances[c * d * d];
                for (std::size_t i = 0; i < d; ++i)
                    for (std::size_t j = 0; j < d; ++j) {
                        double s = 0.0;
                        for (std::size_t m = 0; m < d; ++m) s += inv[i * d + m] * inv[j * d + m];
                        cov[i * d + j] = s;
                    }
            }
            break;
        }
        case CovarianceType::diag:
        case CovarianceType::spherical: {
            p.prec_chol.resize(precisions.size());
            p.covariances.resize(precisions.size());
            for (std::size_t i = 0; i < precisions.size(); ++i) {
                N2D_REQUIRE(precisions[i] > 0 && std::isfinite(precisions[i]),
                            "GaussianMixture: precisions_init[" + std::to_string(i) + "] = " +
                                std::to_string(precisions[i]) + " must be positive");
                p.prec_chol[i] = std::sqrt(precisions[i]);
                p.covariances[i] = 1.0 / precisions[i];
            }
            break;
        }
    }
    refresh_derived(p);
}

void refresh_derived(GmmParams& p) {
    const std::size_t k = p.k, d = p.d;
    p.log_weights.resize(k);
    for (std::size_t c = 0; c < k; ++c) p.log_weights[c] = std::log(p.weights[c]);
    p.log_det.assign(k, 0.0);
    for (std::size_t c = 0; c < k; ++c) {
        double ld = 0.0;
        switch (p.type) {
            case CovarianceType::full:
                for (std::size_t i = 0; i < d; ++i) ld += std::log(p.prec_chol[c * d * d + i * d + i]);
                break;
            case CovarianceType::tied:
                for (std::size_t i = 0; i < d; ++i) ld += std::log(p.prec_chol[i * d + i]);
                break;
            case CovarianceType::diag:
                for (std::size_t i = 0; i < d; ++i) ld += std::log(p.prec_chol[c * d + i]);
                break;
            case CovarianceType::spherical: ld = double(d) * std::log(p.prec_chol[c]); break;
        }
        p.log_det[c] = ld;
    }
}

}  // namespace n2d::detail
