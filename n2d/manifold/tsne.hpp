// t-SNE (van der Maaten & Hinton 2008; Barnes–Hut: van der Maaten 2014) with scikit-learn
// 1.2.1 TSNE semantics: perplexity-calibrated affinities on the exact k = min(n − 1,
// ⌊3·perplexity + 1⌋) nearest neighbours (Barnes–Hut) or on all pairs (exact), a PCA or random
// initialisation, and sklearn's two-phase gradient descent with gains and momentum.
//
// Reproducibility contract. With a given seed, input and build, fit_transform returns
// bit-identical results at ANY thread count: the kNN graph is thread-count independent, every
// per-point force is computed on its own, and the normalisation Z, the KL divergence and the
// gradient norm are reduced over fixed chunks in a fixed order (sklearn's OpenMP reduction of Z
// rounds differently with each thread count).
//
// Deliberate differences from sklearn: the PCA initialisation is an exact eigendecomposition of
// the covariance (sklearn: randomised SVD), so only its leading digits match; Barnes–Hut cell
// barycentres are exact means rather than running means, and a cell is summarised when
// w² < θ²·d² (sklearn: w²/d² < θ²). t-SNE has no transform of new points (neither has sklearn).
#pragma once
#include <cstddef>
#include <cstdint>

#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"

namespace n2d::inline v0 {

class ThreadPool;

enum class TsneMethod {
    automatic,   // Barnes–Hut when n_components <= 3, else exact
    barnes_hut,  // O(n log n) per iteration: sparse kNN affinities, 2^d-ary space-partitioning tree
    exact,       // O(n²) time and memory: dense affinities over all pairs
};

enum class TsneInit {
    pca,     // top principal-component scores, scaled to std 1e-4 along the first
    random,  // 1e-4 · standard normal
};

struct TsneOptions {
    std::size_t n_components = 2;
    double perplexity = 30;                  // > 0 and < n
    double early_exaggeration = 12;          // >= 1, applied for the first 250 iterations
    double learning_rate = 0;                // 0 = sklearn's "auto": max(n / early_exaggeration / 4, 50)
    std::size_t n_iter = 1000;               // >= 250
    std::size_t n_iter_without_progress = 300;
    double min_grad_norm = 1e-7;
    double angle = 0.5;                      // Barnes–Hut θ in [0, 1]
    TsneMethod method = TsneMethod::automatic;
    TsneInit init = TsneInit::pca;
    std::uint64_t seed = 0;                  // drives the random initialisation only
    ProgressCallback progress;               // stages "knn" (Barnes–Hut) and "tsne" (one step per iteration,
                                             // loss = KL when computed, else NaN); false cancels
    ThreadPool* pool = nullptr;              // nullptr: default_pool()
};

class Tsne {
public:
    // Throws n2d::Error for invalid options (validate_tsne_options).
    explicit Tsne(TsneOptions options = {});

    // Embeds the rows of x (n × d, finite, n >= 2): n × n_components, float32. Throws n2d::Error
    // for bad options or input, n2d::Cancelled when the progress callback returns false. The
    // exact method holds n × n matrices: it refuses more than 20000 points.
    Matrix fit_transform(ConstMatrixView x);

    bool fitted() const noexcept { return !embedding_.empty(); }
    const Matrix& embedding() const noexcept { return embedding_; }
    // KL(P‖Q) at the last iteration run, as sklearn's kl_divergence_ (1.797e308 when n_iter = 250).
    double kl_divergence() const noexcept { return kl_divergence_; }
    // The last iteration index, as sklearn's n_iter_.
    std::size_t n_iter() const noexcept { return n_iter_; }
    const TsneOptions& options() const noexcept { return options_; }
    // The method the last fit used (automatic resolved).
    TsneMethod method_used() const noexcept { return method_used_; }

    // Options (not the callback or pool), the embedding and the fit statistics. t-SNE has no
    // transform, so this is all a model needs to report the training embedding again.
    void save(ByteWriter& out) const;
    static Tsne load(ByteReader& in);

private:
    TsneOptions options_;
    TsneMethod method_used_ = TsneMethod::automatic;
    Matrix embedding_;
    double kl_divergence_ = 0;
    std::size_t n_iter_ = 0;
};

// Throws n2d::Error naming the first invalid option (n = number of samples, 0 = not yet known).
void validate_tsne_options(const TsneOptions& options, std::size_t n = 0);

}  // namespace n2d
