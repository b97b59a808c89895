// t-SNE optimiser (sklearn 1.2.1 _tsne and _gradient_descent): 250 exploration iterations
// with P × early_exaggeration and momentum 0.5, then a fresh descent (update 0, gains 1) with
// momentum 0.8 up to n_iter. Delta-bar-delta gains (+0.2 where the update and the gradient
// disagree in sign, ×0.8 elsewhere, floored at 0.01). Every 50 iterations the KL is checked
// for progress and the gain-scaled gradient norm against min_grad_norm.
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "n2d/core/detail/timing.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/manifold/detail/tsne.hpp"

namespace n2d::inline v0 {
namespace tsne_detail {

namespace {

constexpr std::size_t kExplorationIters = 250;
constexpr std::size_t kCheckEvery = 50;
constexpr float kMinGain = 0.01f;
constexpr std::size_t kOptimizeGrain = 4096;  // elements per update chunk

struct Descent {
    const SparseP* sparse;
    const DenseP* dense;
    Matrix& y;
    const TsneOptions& o;
    float learning_rate;
    ThreadPool& pool;
    std::chrono::steady_clock::time_point start;
    std::vector<float> grad, update, gains;
    std::vector<double> chunk_norm;
    BhWorkspace ws;

    double objective(float exaggeration, bool compute_error) {
        if (sparse)
            return bh_gradient(*sparse, exaggeration, y, float(o.angle), compute_error, grad.data(), ws, pool);
        return exact_gradient(*dense, double(exaggeration), y, compute_error, grad.data(), pool);
    }

    // Gains, update and step; returns ‖gains ∘ grad‖ (summed over fixed chunks in order).
    double step(float momentum) {
        const std::size_t total = grad.size();
        chunk_norm.resize((total + kOptimizeGrain - 1) / kOptimizeGrain);
        float* yp = y.data();
        pool.parallel_for(0, total, kOptimizeGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
            double norm = 0.0;
            for (std::size_t t = lo; t < hi; ++t) {
                float g = grad[t];
                float& gain = gains[t];
                gain = update[t] * g < 0.0f ? gain + 0.2f : gain * 0.8f;
                gain = std::max(gain, kMinGain);
                g *= gain;
                update[t] = momentum * update[t] - learning_rate * g;
                yp[t] += update[t];
                norm += double(g) * double(g);
            }
            chunk_norm[lo / kOptimizeGrain] = norm;
        });
        double norm = 0.0;
        for (double s : chunk_norm) norm += s;
        return std::sqrt(norm);
    }

    void report(std::size_t i, double error) const {
        if (!o.progress) return;
        Progress p;
        p.stage = "tsne";
        p.step = i + 1;
        p.total = o.n_iter;
        p.loss = error;
        p.elapsed_seconds = seconds_since(start);
        p.items_per_second = p.elapsed_seconds > 0 ? double(i + 1) / p.elapsed_seconds : 0.0;
        p.eta_seconds = p.elapsed_seconds / double(i + 1) * double(o.n_iter - std::min(o.n_iter, i + 1));
        if (!o.progress(p)) ::n2d::detail::throw_cancelled("tsne");
    }

    // One _gradient_descent call over iterations [it, n_iter); returns {error, last index}.
    OptimizeResult run(std::size_t it, std::size_t n_iter, float momentum, float exaggeration,
                       std::size_t without_progress) {
        std::fill(update.begin(), update.end(), 0.0f);
        std::fill(gains.begin(), gains.end(), 1.0f);
        double error = std::numeric_limits<double>::max(), best_error = error;
        std::size_t best_iter = it, last = it;  // as Python's loop variable: `it` when no iteration runs
        for (std::size_t i = it; i < n_iter; ++i) {
            last = i;
            const bool check = (i + 1) % kCheckEvery == 0;
            error = objective(exaggeration, check || i == n_iter - 1);
            const double grad_norm = step(momentum);
            report(i, error);
            if (check) {
                if (error < best_error) {
                    best_error = error;
                    best_iter = i;
                } else if (i - best_iter > without_progress) {
                    break;
                }
                if (grad_norm <= o.min_grad_norm) break;
            }
        }
        return {error, last};
    }
};

}  // namespace

double resolve_learning_rate(const TsneOptions& o, std::size_t n) {
    if (o.learning_rate > 0) return o.learning_rate;
    return std::max(double(n) / o.early_exaggeration / 4.0, 50.0);
}

OptimizeResult optimize(const SparseP* sparse, const DenseP* dense, Matrix& y, const TsneOptions& o,
                        double learning_rate, ThreadPool& pool) {
    const std::size_t n = y.rows();
    N2D_REQUIRE(sparse || dense, "t-SNE optimise: no affinities given");
    N2D_REQUIRE((sparse ? sparse->n : dense->n) == n,
                "t-SNE optimise: the layout has " + std::to_string(n) + " rows but P is for " +
                    std::to_string(sparse ? sparse->n : dense->n) + " points");
    N2D_REQUIRE(dense == nullptr || dense->values.size() == n * n, "t-SNE optimise: dense P is not n × n");
    N2D_REQUIRE(learning_rate > 0 && std::isfinite(learning_rate), "t-SNE optimise: learning rate must be > 0");
    Descent d{sparse, dense, y, o, float(learning_rate), pool, std::chrono::steady_clock::now(), {}, {}, {}, {}, {}};
    d.grad.assign(y.size(), 0.0f);
    d.update.assign(y.size(), 0.0f);
    d.gains.assign(y.size(), 1.0f);
    const OptimizeResult explore =
        d.run(0, kExplorationIters, 0.5f, float(o.early_exaggeration), kExplorationIters);
    return d.run(explore.n_iter + 1, o.n_iter, 0.8f, 1.0f, o.n_iter_without_progress);
}

}  // namespace tsne_detail
}  // namespace n2d
