// Internals of GaussianMixture: the parameter set, the blocked E-step / statistics kernel and
// the M-step (parameters and Cholesky factors from the statistics).
#pragma once
#include <cstddef>
#include <vector>

#include "n2d/cluster/gaussian_mixture.hpp"
#include "n2d/device/detail/device.hpp"

namespace n2d::inline v0::detail {

inline constexpr std::size_t kGmmChunk = 1024;  // rows per reduction chunk (fixed: determinism)
inline constexpr std::size_t kGmmLanes = 64;    // rows per SIMD sub-block inside a chunk (a multiple of 8)

struct GmmParams {
    std::size_t k = 0, d = 0;
    CovarianceType type = CovarianceType::full;
    std::vector<double> weights, log_weights, means, covariances, prec_chol, log_det;
    double reg_covar_used = 0.0;  // for error messages
};

// Per-component length of the second-moment statistic: packed upper triangle (full, tied)
// or the diagonal (diag, spherical).
std::size_t second_moment_size(CovarianceType type, std::size_t d);
// Statistics layout: resp mass R[k] | Σ r (x − c)[k×d] | second moments [k × s2].
std::size_t stats_size(const GmmParams& p);

// Scratch for one worker (sized for the parameters' k and d).
struct GmmScratch {
    std::vector<double> xt, diff, wd, lp, y, q, w;
    void resize(std::size_t k, std::size_t d);
};

// Processes `rows` rows of x (row stride `stride`). Outputs, each optional (nullptr):
// logprob[rows] = log p(x); resp_out[rows×k]; labels[rows] = argmax weighted log prob;
// stats (+=) accumulated around `shift` (k×d) with the responsibilities. With resp_in the
// E-step is skipped and resp_in (rows×k) weights the statistics. Returns Σ logprob.
double gmm_block(const GmmParams& p, const float* x, std::size_t stride, std::size_t rows, const double* resp_in,
                 const double* shift, double* logprob, double* resp_out, int* labels, double* stats, GmmScratch& s);

// Parameters from reduced statistics (accumulated around `shift`). `weights_by_n`: weights =
// nk / n (initialisation) instead of nk / Σ nk (M-step). Recomputes the Cholesky factors.
// Throws n2d::Error naming the component when a covariance is not positive definite.
void params_from_stats(const std::vector<double>& stats, const std::vector<double>& shift, std::size_t n,
                       double reg_covar, bool weights_by_n, GmmParams& p);
// prec_chol and log_det from covariances.
void compute_precision_cholesky(GmmParams& p);
// prec_chol, log_det (and covariances) from user precisions (shape by type).
void set_precisions(GmmParams& p, const std::vector<double>& precisions);
// log_det and log_weights from prec_chol and weights.
void refresh_derived(GmmParams& p);

// The E-step with its statistics on a device (gmm_estep) for one data set: x is uploaded once;
// each pass uploads the parameters (diag, spherical and tied as the equivalent full precision
// factors), downloads the per-chunk statistics, sums them in chunk order and converts them to
// the covariance type's layout (stats_size). Outputs as gmm_block's (without resp_in); returns
// Σ logprob, summed row by row within each chunk and chunk by chunk, as the host passes do.
class GmmDevicePass {
public:
    GmmDevicePass(Device& dev, ConstMatrixView x, std::size_t k);
    double pass(const GmmParams& p, const double* shift, double* logprob, double* resp_out, int* labels,
                std::vector<double>* stats);

private:
    Device& dev_;
    std::size_t n_, d_, k_, n_chunks_, full_size_;
    Buffer x_, means_, prec_chol_, log_det_, log_weights_, shift_, logprob_, resp_, labels_, stats_;
    std::vector<double> host_prec_, host_logprob_, host_stats_, full_;
};

// Lower Cholesky factor of the SPD matrix a (d×d, row-major) in place; false if not PD.
bool cholesky_lower(double* a, std::size_t d);

}  // namespace n2d::detail
