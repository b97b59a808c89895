// Gaussian mixture fitted by EM with scikit-learn 1.2 semantics (REFERENCE.md §5): four
// covariance types, k-means / k-means++ / random / random-from-data initialisation, n_init
// restarts keeping the best lower bound, warm start, user-supplied initial parameters.
//
// Numerics: everything is computed in double from the float input. EM runs in log space with
// Cholesky factors of the precisions (no explicit inverses) and log-sum-exp responsibilities.
// Each EM iteration is one pass over the data: the E-step of a row block is followed at once
// by its M-step statistics, accumulated around the current means (shifted sums, so tight
// clusters far from the origin lose no precision) — the same estimates as sklearn's two-step
// formulas to ~1e-12 relative. Responsibilities use a vectorised exp (≤ 2 ulp); a component
// whose weighted density is below e^-708 of a row's largest gets responsibility exactly 0.
//
// Determinism: one seed drives every initialisation (init i uses streams derived from (seed,
// i)); statistics are summed over fixed 1024-row chunks and reduced in chunk order, so a fit
// gives the same parameters with any thread count. NumPy's random streams are not reproduced,
// so seeded inits differ from sklearn's; with explicit weights_init/means_init/precisions_init
// the EM trajectory is sklearn's.
//
// Degenerate data never yields NaN: reg_covar is added to every covariance diagonal; a
// component whose responsibility mass vanishes (< 1e-6 samples) is re-seeded at the worst
// explained sample when reseed_empty_components is set (the default; sklearn keeps such a
// component alive at a vanishing weight — set it false for sklearn's exact behaviour); a
// covariance that is still not positive definite (e.g. reg_covar = 0 on collapsed points)
// raises n2d::Error saying which component and what to change.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"

namespace n2d::inline v0 {

class ThreadPool;
class Device;
namespace detail {
struct GmmParams;
}

enum class CovarianceType { full, tied, diag, spherical };
enum class InitParams { kmeans, k_means_plus_plus, random, random_from_data };

const char* to_string(CovarianceType t) noexcept;
CovarianceType parse_covariance_type(const std::string& name);  // "full", "tied", "diag", "spherical"
const char* to_string(InitParams p) noexcept;
InitParams parse_init_params(const std::string& name);  // "kmeans", "k-means++", "random", "random_from_data"

struct GaussianMixtureOptions {
    std::size_t n_components = 1;
    CovarianceType covariance_type = CovarianceType::full;
    double tol = 1e-3;          // stop when the per-sample lower bound changes by less
    double reg_covar = 1e-6;    // added to every covariance diagonal
    std::size_t max_iter = 100; // EM iterations per initialisation (>= 1)
    std::size_t n_init = 1;     // initialisations; the best lower bound is kept
    InitParams init_params = InitParams::kmeans;  // responsibilities from one k-means run (n_init 1)
    // Optional initial parameters (sklearn weights_init / means_init / precisions_init); each
    // overrides the value the init_params responsibilities give. Flattened row-major:
    // weights k; means k×d; precisions full k×d×d, tied d×d, diag k×d, spherical k.
    std::vector<double> weights_init, means_init, precisions_init;
    std::uint64_t seed = 0;     // sklearn random_state
    bool warm_start = false;    // refit from the current parameters (one initialisation)
    bool reseed_empty_components = true;  // see the header comment
    ThreadPool* pool = nullptr; // nullptr = default_pool()
    ProgressCallback progress;  // stage "gmm", one step per EM iteration, loss = lower bound
    // Where to run (null: the CPU); not serialised. On a GPU with double precision, every E-step
    // with its statistics (and predict, predict_proba, score_samples) runs there: x uploaded
    // once, the parameters per iteration; the host sums the per-chunk statistics in chunk order
    // and runs the M-step. Initialisation (and its k-means) follows the same device. Diag and
    // spherical models whose full per-chunk statistics would pass 256 MiB stay on the CPU. The
    // device must outlive the calls that use it.
    Device* device = nullptr;
};

// Draws from a fitted mixture: rows grouped by component, as sklearn's sample().
struct GaussianMixtureSample {
    Matrix x;
    std::vector<int> labels;
};

class GaussianMixture {
public:
    explicit GaussianMixture(GaussianMixtureOptions options = {});

    GaussianMixture& fit(ConstMatrixView x);
    // fit, then the labels of x under the final parameters (== fit(x).predict(x)).
    std::vector<int> fit_predict(ConstMatrixView x);
    // predict and predict_proba are safe to call from many threads at once.
    std::vector<int> predict(ConstMatrixView x) const;          // argmax_k log π_k N(x | k)
    Matrix predict_proba(ConstMatrixView x) const;              // n × k responsibilities (float)
    std::vector<double> predict_proba_double(ConstMatrixView x) const;  // n × k, row-major, double
    std::vector<double> score_samples(ConstMatrixView x) const; // log p(x_i)
    double score(ConstMatrixView x) const;                      // mean log p(x_i)
    double bic(ConstMatrixView x) const;                        // −2 n score + p ln n
    double aic(ConstMatrixView x) const;                        // −2 n score + 2 p
    std::size_t n_parameters() const;                           // free parameters p
    GaussianMixtureSample sample(std::size_t n, std::uint64_t seed = 0) const;

    bool fitted() const noexcept { return !weights_.empty(); }
    const GaussianMixtureOptions& options() const noexcept { return options_; }
    std::size_t n_components() const noexcept { return options_.n_components; }
    std::size_t n_features() const noexcept { return d_; }
    CovarianceType covariance_type() const noexcept { return options_.covariance_type; }
    // Parameters, flattened row-major with sklearn's shapes (see GaussianMixtureOptions).
    const std::vector<double>& weights() const noexcept { return weights_; }
    const std::vector<double>& means() const noexcept { return means_; }
    const std::vector<double>& covariances() const noexcept { return covariances_; }
    // Upper-triangular U with U Uᵀ = precision (full/tied); 1/σ (diag/spherical).
    const std::vector<double>& precisions_cholesky() const noexcept { return prec_chol_; }
    std::vector<double> precisions() const;  // U Uᵀ (full/tied) or 1/σ² (diag/spherical)
    bool converged() const noexcept { return converged_; }
    std::size_t n_iter() const noexcept { return n_iter_; }
    double lower_bound() const noexcept { return lower_bound_; }

    void save(ByteWriter& out) const;
    static GaussianMixture load(ByteReader& in);

private:
    struct Fit;
    static void reseed(detail::GmmParams& p, ConstMatrixView x, const std::vector<double>& logprob,
                       const std::vector<std::size_t>& empty);
    void require_fitted(const char* what) const;
    void check_input(ConstMatrixView x, const char* what) const;

    GaussianMixtureOptions options_;
    std::size_t d_ = 0;
    std::vector<double> weights_, means_, covariances_, prec_chol_, log_det_;
    bool converged_ = false;
    std::size_t n_iter_ = 0;
    double lower_bound_ = 0.0;
};

// ---- Choosing the number of components (and optionally the covariance type) by BIC or AIC.
enum class SelectionCriterion { bic, aic };

struct GmmSelectionOptions {
    std::size_t min_components = 1;
    std::size_t max_components = 10;
    std::vector<CovarianceType> covariance_types{CovarianceType::full};
    SelectionCriterion criterion = SelectionCriterion::bic;
    GaussianMixtureOptions base;  // every other setting; n_components / covariance_type are overridden
};

struct GmmCandidate {
    std::size_t n_components = 0;
    CovarianceType covariance_type = CovarianceType::full;
    double bic = 0, aic = 0, lower_bound = 0;
    bool converged = false;
    std::size_t n_iter = 0;
};

struct GmmSelection {
    std::vector<GmmCandidate> candidates;  // in order: covariance type, then n_components
    std::size_t best = 0;                  // index into candidates (lowest criterion; first on ties)
    GaussianMixture model;                 // the best candidate, fitted
};

// Fits every (covariance type, n_components) candidate on x and keeps the lowest criterion.
GmmSelection select_gaussian_mixture(ConstMatrixView x, const GmmSelectionOptions& options = {});

}  // namespace n2d
