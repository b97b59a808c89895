#include "n2d/linalg/detail/lanczos.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0 {

void jacobi_eigen(std::size_t n, std::vector<double> a, std::vector<double>& values, std::vector<double>& vectors) {
    N2D_ASSERT(a.size() == n * n, "jacobi_eigen: matrix has " + std::to_string(a.size()) + " entries, not " +
                                       std::to_string(n * n));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) a[i * n + j] = a[j * n + i] = 0.5 * (a[i * n + j] + a[j * n + i]);
    std::vector<double> v(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) v[i * n + i] = 1.0;
    double total = 0.0;
    for (double x : a) total += x * x;
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0.0;
        for (std::size_t p = 0; p < n; ++p)
            for (std::size_t q = p + 1; q < n; ++q) off += a[p * n + q] * a[p * n + q];
        if (off <= 1e-30 * total || off == 0.0) break;
        for (std::size_t p = 0; p < n; ++p)
            for (std::size_t q = p + 1; q < n; ++q) {
                const double apq = a[p * n + q];
                if (apq == 0.0) continue;
                // Rotation that zeroes a[p][q] (Rutishauser's stable formulas).
                const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
                const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
                for (std::size_t k = 0; k < n; ++k) {  // columns p, q
                    const double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (std::size_t k = 0; k < n; ++k) {  // rows p, q
                    const double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for (std::size_t k = 0; k < n; ++k) {
                    const double vkp = v[k * n + p], vkq = v[k * n + q];
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return a[x * n + x] < a[y * n + y]; });
    values.resize(n);
    vectors.assign(n * n, 0.0);
    for (std::size_t c = 0; c < n; ++c) {
        values[c] = a[order[c] * n + order[c]];
        for (std::size_t r = 0; r < n; ++r) vectors[r * n + c] = v[r * n + order[c]];
    }
}

namespace {

constexpr std::size_t kLanczosRowChunk = 4096;

// Column-major n-vectors with chunked, order-fixed reductions (thread-count independent).
class Basis {
public:
    Basis(std::size_t n, ThreadPool& pool) : n_(n), pool_(pool), n_chunks_((n + kLanczosRowChunk - 1) / kLanczosRowChunk) {}

    // out[i] = <vecs_i, w> for `count` vectors stored contiguously from `vecs`. Four partial
    // sums per chunk break the add-latency chain; their order is fixed, so results are too.
    void dots(const double* vecs, std::size_t count, const double* w, double* out) {
        partial_.assign(n_chunks_ * count, 0.0);
        pool_.parallel_for(0, n_, kLanczosRowChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            double* p = partial_.data() + (lo / kLanczosRowChunk) * count;
            for (std::size_t i = 0; i < count; ++i) {
                const double* v = vecs + i * n_;
                double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
                std::size_t r = lo;
                for (; r + 4 <= hi; r += 4) {
                    s0 += v[r] * w[r];
                    s1 += v[r + 1] * w[r + 1];
                    s2 += v[r + 2] * w[r + 2];
                    s3 += v[r + 3] * w[r + 3];
                }
                for (; r < hi; ++r) s0 += v[r] * w[r];
                p[i] = (s0 + s1) + (s2 + s3);
            }
        });
        for (std::size_t i = 0; i < count; ++i) out[i] = 0.0;
        for (std::size_t c = 0; c < n_chunks_; ++c)
            for (std::size_t i = 0; i < count; ++i) out[i] += partial_[c * count + i];
    }
    double norm(const double* w) {
        double s;
        dots(w, 1, w, &s);
        return std::sqrt(s);
    }
    // w -= Σ coef_i vecs_i (four vectors per sweep over w).
    void subtract(const double* vecs, std::size_t count, const double* coef, double* w) {
        pool_.parallel_for(0, n_, kLanczosRowChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            std::size_t i = 0;
            for (; i + 4 <= count; i += 4) {
                const double *v0 = vecs + i * n_, *v1 = v0 + n_, *v2 = v1 + n_, *v3 = v2 + n_;
                const double c0 = coef[i], c1 = coef[i + 1], c2 = coef[i + 2], c3 = coef[i + 3];
                for (std::size_t r = lo; r < hi; ++r) w[r] -= (c0 * v0[r] + c1 * v1[r]) + (c2 * v2[r] + c3 * v3[r]);
            }
            for (; i < count; ++i) {
                const double* v = vecs + i * n_;
                const double c = coef[i];
                for (std::size_t r = lo; r < hi; ++r) w[r] -= c * v[r];
            }
        });
    }
    // Classical Gram–Schmidt with one re-orthogonalisation when the first pass removed most of
    // w (the DGKS criterion, ‖w'‖ < 0.7‖w‖); adds the coefficients to `coef` if given.
    void orthogonalize(const double* vecs, std::size_t count, double* w, double* coef) {
        if (count == 0) return;
        tmp_.resize(count);
        if (coef) std::fill(coef, coef + count, 0.0);
        double before = norm(w);
        for (int pass = 0; pass < 3; ++pass) {
            dots(vecs, count, w, tmp_.data());
            subtract(vecs, count, tmp_.data(), w);
            if (coef)
                for (std::size_t i = 0; i < count; ++i) coef[i] += tmp_[i];
            const double after = norm(w);
            if (after >= 0.7 * before) break;
            before = after;
        }
    }
    void scale(double* w, double s) {
        for (std::size_t r = 0; r < n_; ++r) w[r] *= s;
    }

private:
    std::size_t n_;
    ThreadPool& pool_;
    std::size_t n_chunks_;
    std::vector<double> partial_, tmp_;
};

}  // namespace

LanczosResult lanczos_largest(std::size_t n, const SymmetricOperator& op, const LanczosOptions& options,
                              ThreadPool* pool_ptr) {
    ThreadPool& pool = pool_or_default(pool_ptr);
    const std::size_t nev = options.n_eigen, nd = options.n_deflate;
    N2D_ASSERT(nev >= 1 && nd < n && nev <= n - nd,
                "lanczos: " + std::to_string(nev) + " eigenpairs requested from a space of dimension " +
                    std::to_string(n) + " minus " + std::to_string(nd) + " deflated vectors");
    const std::size_t space = n - nd;
    std::size_t m = options.krylov_dim ? options.krylov_dim : std::max(2 * nev + 1, nev + 40);
    m = std::min(std::max(m, nev + 1), space);
    const std::size_t budget = options.max_matvecs ? options.max_matvecs : std::max<std::size_t>(2000, 20 * m);

    const std::size_t ld = m;  // leading dimension of H (m may shrink on breakdown)
    Basis basis(n, pool);
    std::vector<double> V((m + 1) * n), w(n), H(m * m, 0.0), coef(m + 1), dcoef(nd + 1);
    Rng rng(options.seed, 0x4C616E63ull);
    // A fresh random unit vector orthogonal to the deflated space and the first `count` basis vectors.
    auto random_vector = [&](double* out, std::size_t count) {
        for (int attempt = 0; attempt < 8; ++attempt) {
            for (std::size_t r = 0; r < n; ++r) out[r] = rng.normal();
            basis.orthogonalize(options.deflate, nd, out, nullptr);
            basis.orthogonalize(V.data(), count, out, nullptr);
            const double nr = basis.norm(out);
            if (nr > 1e-8) {
                basis.scale(out, 1.0 / nr);
                return true;
            }
        }
        return false;
    };
    N2D_REQUIRE(random_vector(V.data(), 0), "lanczos: could not find a start vector outside the deflated space");

    LanczosResult result;
    std::vector<double> theta, U, residual(n), Y;
    double beta_last = 0.0;
    std::size_t j0 = 0;
    for (;;) {
        for (std::size_t j = j0; j < m; ++j) {
            double* vj = V.data() + j * n;
            op(vj, w.data());
            ++result.matvecs;
            basis.orthogonalize(options.deflate, nd, w.data(), nullptr);
            basis.orthogonalize(V.data(), j + 1, w.data(), coef.data());
            for (std::size_t i = 0; i <= j; ++i) H[i * ld + j] = H[j * ld + i] = coef[i];
            const double beta = basis.norm(w.data());
            if (j + 1 < m) {
                double* next = V.data() + (j + 1) * n;
                if (beta > 1e-12 * (1.0 + std::fabs(H[j * ld + j]))) {
                    std::copy(w.begin(), w.end(), next);
                    basis.scale(next, 1.0 / beta);
                } else if (!random_vector(next, j + 1)) {
                    m = j + 1;  // the whole space is spanned
                    beta_last = 0.0;
                    break;
                }
            } else {
                residual = w;
                beta_last = beta;
            }
        }
        // Rayleigh–Ritz on the projected matrix (top-left m × m block of H).
        std::vector<double> Hm(m * m);
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < m; ++j) Hm[i * m + j] = H[i * ld + j];
        jacobi_eigen(m, Hm, theta, U);
        const std::size_t want = std::min(nev, m);
        bool converged = want == nev;
        result.residuals.assign(want, 0.0);
        for (std::size_t t = 0; t < want; ++t) {
            const std::size_t c = m - 1 - t;
            result.residuals[t] = std::fabs(beta_last * U[(m - 1) * m + c]);
            converged = converged && result.residuals[t] <= options.tol;
        }
        const std::size_t keep = std::min(m - 1, nev + (m - nev) / 2);
        const bool stop = converged || beta_last == 0.0 || result.matvecs + (m - keep) > budget;
        // Ritz vectors of the top `count` pairs into Y (column-major).
        auto ritz = [&](std::size_t count) {
            Y.assign(count * n, 0.0);
            pool.parallel_for(0, n, kLanczosRowChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
                for (std::size_t t = 0; t < count; ++t) {
                    const std::size_t c = m - 1 - t;
                    double* y = Y.data() + t * n;
                    for (std::size_t j = 0; j < m; ++j) {
                        const double u = U[j * m + c];
                        const double* v = V.data() + j * n;
                        for (std::size_t r = lo; r < hi; ++r) y[r] += u * v[r];
                    }
                }
            });
        };
        if (stop) {
            ritz(want);
            result.values.assign(theta.rbegin(), theta.rbegin() + static_cast<std::ptrdiff_t>(want));
            result.vectors = std::move(Y);
            result.converged = converged;
            return result;
        }
        // Thick restart: keep the top `keep` Ritz vectors, continue from the residual direction.
        ritz(keep);
        std::copy(Y.begin(), Y.end(), V.begin());
        std::fill(H.begin(), H.end(), 0.0);
        for (std::size_t t = 0; t < keep; ++t) H[t * ld + t] = theta[m - 1 - t];
        double* next = V.data() + keep * n;
        std::copy(residual.begin(), residual.end(), next);
        basis.orthogonalize(options.deflate, nd, next, nullptr);
        basis.orthogonalize(V.data(), keep, next, nullptr);
        const double nr = basis.norm(next);
        if (nr > 1e-12) basis.scale(next, 1.0 / nr);
        else random_vector(next, keep);
        j0 = keep;
    }
}

}  // namespace n2d
