// DEC's clustering layer: options, the Student-t soft assignment, the target distribution, the
// KL loss and its gradient, and prediction. The training loop is in dec_training.cpp.
#include "n2d/nn/dec.hpp"

#include <algorithm>
#include <cmath>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "n2d/nn/detail/dec.hpp"

namespace n2d::inline v0 {

const char* to_string(DecMode m) noexcept { return m == DecMode::idec ? "idec" : "dec"; }

DecMode parse_dec_mode(const std::string& name) {
    if (name == "dec") return DecMode::dec;
    if (name == "idec") return DecMode::idec;
    N2D_FAIL("n2d: unknown fine-tuning mode '" + name + "'; use dec or idec");
}

void validate(const DecOptions& o) {
    N2D_REQUIRE(o.mode == DecMode::dec || o.mode == DecMode::idec,
                "DecOptions::mode holds an unknown value; use DecMode::dec or DecMode::idec");
    N2D_REQUIRE(o.n_clusters >= 2, "DecOptions::n_clusters is " + std::to_string(o.n_clusters) +
                                       "; DEC needs at least 2 clusters");
    N2D_REQUIRE(std::isfinite(o.alpha) && o.alpha > 0.0,
                "DecOptions::alpha is " + std::to_string(o.alpha) + "; it must be a positive number (DEC uses 1)");
    N2D_REQUIRE(o.update_interval > 0,
                "DecOptions::update_interval is 0; recompute the target every N >= 1 steps (DEC uses 140)");
    N2D_REQUIRE(std::isfinite(o.tol) && o.tol >= 0.0 && o.tol <= 1.0,
                "DecOptions::tol is " + std::to_string(o.tol) +
                    "; it is a fraction of rows in [0, 1] (DEC uses 0.001; 0 runs all max_iter steps)");
    N2D_REQUIRE(o.batch_size > 0 && o.batch_size <= (std::size_t(1) << 24),
                "DecOptions::batch_size is " + std::to_string(o.batch_size) + "; use 1 to 16777216 (DEC uses 256)");
    N2D_REQUIRE(std::isfinite(o.gamma) && o.gamma >= 0.0,
                "DecOptions::gamma is " + std::to_string(o.gamma) + "; it must be a finite number >= 0 (IDEC uses 0.1)");
    N2D_REQUIRE(o.kmeans_n_init >= 1, "DecOptions::kmeans_n_init is 0; use at least 1 k-means run (DEC uses 20)");
    if (o.optimizer) validate(*o.optimizer);
}

OptimizerOptions dec_optimizer(const DecOptions& o) {
    if (o.optimizer) return *o.optimizer;
    return o.mode == DecMode::idec ? OptimizerOptions::adam(1e-3) : OptimizerOptions::sgd(0.01, 0.9);
}

namespace {

// Student-t kernel of one squared distance: (1 + d/α)^(−(α+1)/2).
double kernel(double d2, double alpha) {
    return alpha == 1.0 ? 1.0 / (1.0 + d2) : std::pow(1.0 + d2 / alpha, -(alpha + 1.0) / 2.0);
}

double squared_distance_f64(const float* a, const float* b, std::size_t d) {
    double s = 0.0;
    for (std::size_t c = 0; c < d; ++c) {
        const double t = double(a[c]) - double(b[c]);
        s += t * t;
    }
    return s;
}

// q of one row into out[0..k), in double.
void soft_row(const float* z, ConstMatrixView centers, double alpha, double* out) {
    double sum = 0.0;
    for (std::size_t j = 0; j < centers.rows; ++j) {
        out[j] = kernel(squared_distance_f64(z, centers.row(j), centers.cols), alpha);
        sum += out[j];
    }
    for (std::size_t j = 0; j < centers.rows; ++j) out[j] /= sum;
}

}  // namespace

Matrix dec_soft_assignment(ConstMatrixView codes, ConstMatrixView centers, double alpha, ThreadPool* pool) {
    N2D_REQUIRE(centers.rows > 0 && codes.cols == centers.cols,
                "dec_soft_assignment: codes have " + std::to_string(codes.cols) + " columns and the " +
                    std::to_string(centers.rows) + " centres " + std::to_string(centers.cols) +
                    "; pass at least one centre of the codes' width");
    N2D_REQUIRE(std::isfinite(alpha) && alpha > 0.0, "dec_soft_assignment: alpha must be positive");
    Matrix q(codes.rows, centers.rows);
    pool_or_default(pool).parallel_for(0, codes.rows, 256, [&](std::size_t lo, std::size_t hi, std::size_t) {
        std::vector<double> row(centers.rows);
        for (std::size_t i = lo; i < hi; ++i) {
            soft_row(codes.row(i), centers, alpha, row.data());
            for (std::size_t j = 0; j < centers.rows; ++j) q(i, j) = static_cast<float>(row[j]);
        }
    });
    return q;
}

Matrix dec_target_distribution(ConstMatrixView q) {
    std::vector<double> f(q.cols, 0.0);
    for (std::size_t i = 0; i < q.rows; ++i)  // row order: the same sums at any thread count
        for (std::size_t j = 0; j < q.cols; ++j) f[j] += q(i, j);
    Matrix p(q.rows, q.cols);
    std::vector<double> row(q.cols);
    for (std::size_t i = 0; i < q.rows; ++i) {
        double sum = 0.0;
        for (std::size_t j = 0; j < q.cols; ++j) {
            row[j] = f[j] > 0.0 ? double(q(i, j)) * double(q(i, j)) / f[j] : 0.0;
            sum += row[j];
        }
        for (std::size_t j = 0; j < q.cols; ++j) p(i, j) = static_cast<float>(sum > 0.0 ? row[j] / sum : 0.0);
    }
    return p;
}

std::vector<int> dec_predict(const Autoencoder& ae, ConstMatrixView x, ConstMatrixView centers, double alpha) {
    return nn::argmax_rows(dec_soft_assignment(ae.encode(x), centers, alpha));
}

namespace nn {

std::vector<int> argmax_rows(const Matrix& q) {
    std::vector<int> labels(q.rows());
    for (std::size_t i = 0; i < q.rows(); ++i) {
        const float* r = q.row(i);
        labels[i] = static_cast<int>(std::max_element(r, r + q.cols()) - r);
    }
    return labels;
}

double kl_loss_gradient(ConstMatrixView z, ConstMatrixView centers, ConstMatrixView p, double alpha, double weight,
                        MatrixView dz, std::vector<double>& dmu) {
    const std::size_t rows = z.rows, d = z.cols, k = centers.rows;
    N2D_ASSERT(p.rows == rows && p.cols == k && centers.cols == d && dz.rows == rows && dz.cols == d &&
                   dmu.size() == k * d,
               "kl_loss_gradient shapes");
    const double scale = weight * (alpha + 1.0) / alpha / static_cast<double>(rows);
    std::vector<double> q(k), w(k), g(d);
    double loss = 0.0;
    for (std::size_t i = 0; i < rows; ++i) {
        const float* zi = z.row(i);
        double sum = 0.0, s = 0.0;
        for (std::size_t j = 0; j < k; ++j) {
            const double d2 = squared_distance_f64(zi, centers.row(j), d);
            q[j] = kernel(d2, alpha);
            w[j] = 1.0 / (1.0 + d2 / alpha);
            sum += q[j];
        }
        for (std::size_t j = 0; j < k; ++j) {
            q[j] /= sum;
            const double pij = p(i, j);
            s += pij;
            if (pij > 0.0) loss += pij * std::log(pij / q[j]);
        }
        std::fill(g.begin(), g.end(), 0.0);
        for (std::size_t j = 0; j < k; ++j) {
            const double c = scale * (double(p(i, j)) - s * q[j]) * w[j];
            const float* mu = centers.row(j);
            double* dm = dmu.data() + j * d;
            for (std::size_t e = 0; e < d; ++e) {
                const double t = c * (double(zi[e]) - double(mu[e]));
                g[e] += t;
                dm[e] -= t;
            }
        }
        for (std::size_t e = 0; e < d; ++e) dz(i, e) = static_cast<float>(g[e]);
    }
    return loss / static_cast<double>(rows);
}

}  // namespace nn
}  // namespace n2d
