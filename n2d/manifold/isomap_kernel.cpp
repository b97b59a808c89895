// Classical MDS of a geodesic matrix: symmetrise, double-centre −½D² in place, top eigenpairs
// with sklearn's PSD checks and sign rule (REFERENCE.md §11.2 step 5).
#include <algorithm>
#include <cmath>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/linalg/detail/lanczos.hpp"
#include "n2d/manifold/detail/isomap_model.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::size_t kRows = 64;        // rows per parallel chunk
constexpr std::size_t kTile = 64;        // symmetrisation tile
constexpr std::size_t kDenseLimit = 128;  // Jacobi up to this size

// D ← min(D, Dᵀ): path sums from either end round differently. Tile row bi owns the pairs
// (i, j) with i in it and j >= i, so chunks touch disjoint entries.
void symmetrise(float* d, std::size_t r, ThreadPool& pool) {
    const std::size_t tiles = (r + kTile - 1) / kTile;
    pool.parallel_for(0, tiles, 1, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t bi = lo; bi < hi; ++bi)
            for (std::size_t bj = bi; bj < tiles; ++bj)
                for (std::size_t i = bi * kTile; i < std::min(r, (bi + 1) * kTile); ++i)
                    for (std::size_t j = std::max(i + 1, bj * kTile); j < std::min(r, (bj + 1) * kTile); ++j) {
                        const float v = std::min(d[i * r + j], d[j * r + i]);
                        d[i * r + j] = d[j * r + i] = v;
                    }
    });
}

// sklearn's _check_psd_eigenvalues with its float32 thresholds; `values` descending.
void check_psd(std::vector<double>& values) {
    constexpr double neg_ratio = 5e-3, neg_value = 1e-6, small_pos_ratio = 2e-7;
    const double max_eig = *std::max_element(values.begin(), values.end());
    const double min_eig = *std::min_element(values.begin(), values.end());
    N2D_REQUIRE(max_eig >= 0.0, "isomap: all eigenvalues of the centred geodesic kernel are negative (maximum " +
                                    std::to_string(max_eig) +
                                    "); the geodesic distances are far from euclidean — try more n_neighbors");
    N2D_REQUIRE(!(min_eig < -neg_ratio * max_eig && min_eig < -neg_value),
                "isomap: the centred geodesic kernel has significant negative eigenvalues (" +
                    std::to_string(-min_eig / max_eig) +
                    " of the largest) among the top n_components; lower n_components or change n_neighbors");
    for (double& v : values) {
        if (v < 0.0) v = 0.0;
        if (v > 0.0 && v < small_pos_ratio * max_eig) v = 0.0;
    }
}

}  // namespace

KernelEigen kernel_pca(float* d, std::size_t r, std::size_t k, std::uint64_t seed, ThreadPool& pool) {
    N2D_ASSERT(k >= 1 && k <= r, "kernel_pca: " + std::to_string(k) + " components of " + std::to_string(r));
    symmetrise(d, r, pool);
    KernelEigen out;
    // Column means of K = −½D² (= row means: D is symmetric), each row summed in order.
    out.col_mean.assign(r, 0.0);
    pool.parallel_for(0, r, kRows, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            const float* row = d + i * r;
            double s = 0.0;
            for (std::size_t j = 0; j < r; ++j) s += -0.5 * double(row[j]) * double(row[j]);
            out.col_mean[i] = s / double(r);
        }
    });
    for (double c : out.col_mean) out.all_mean += c;
    out.all_mean /= double(r);
    // Kc in place; ‖Kc‖² of the stored float32 values, so that it matches their eigenvalues.
    std::vector<double> row_sq(r);
    const double a = out.all_mean;
    pool.parallel_for(0, r, kRows, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            float* row = d + i * r;
            const double ci = out.col_mean[i];
            double s = 0.0;
            for (std::size_t j = 0; j < r; ++j) {
                const float v = float(-0.5 * double(row[j]) * double(row[j]) - ci - out.col_mean[j] + a);
                row[j] = v;
                s += double(v) * double(v);
            }
            row_sq[i] = s;
        }
    });
    for (double s : row_sq) out.frobenius2 += s;

    out.values.assign(k, 0.0);
    out.vectors.assign(r * k, 0.0);
    if (r <= kDenseLimit) {
        std::vector<double> a64(r * r), vals, vecs;
        for (std::size_t i = 0; i < r * r; ++i) a64[i] = d[i];
        jacobi_eigen(r, std::move(a64), vals, vecs);
        for (std::size_t c = 0; c < k; ++c) {
            out.values[c] = vals[r - 1 - c];
            for (std::size_t i = 0; i < r; ++i) out.vectors[i * k + c] = vecs[i * r + (r - 1 - c)];
        }
    } else if (out.frobenius2 > 0.0) {
        // y = Kc x over rows in fixed chunks; each row's sum has a fixed order.
        const SymmetricOperator op = [&](const double* x, double* y) {
            pool.parallel_for(0, r, kRows, [&](std::size_t lo, std::size_t hi, std::size_t) {
                for (std::size_t i = lo; i < hi; ++i) {
                    const float* row = d + i * r;
                    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
                    std::size_t j = 0;
                    for (; j + 4 <= r; j += 4) {
                        s0 += double(row[j]) * x[j];
                        s1 += double(row[j + 1]) * x[j + 1];
                        s2 += double(row[j + 2]) * x[j + 2];
                        s3 += double(row[j + 3]) * x[j + 3];
                    }
                    for (; j < r; ++j) s0 += double(row[j]) * x[j];
                    y[i] = (s0 + s1) + (s2 + s3);
                }
            });
        };
        LanczosOptions lo;
        lo.n_eigen = k;
        lo.tol = 1e-9 * std::sqrt(out.frobenius2);  // relative to ‖Kc‖ >= λ_max
        lo.seed = derive_seed(seed, 0x49534F4Dull);
        const LanczosResult res = lanczos_largest(r, op, lo, &pool);
        for (std::size_t c = 0; c < k; ++c) {
            out.values[c] = res.values[c];
            for (std::size_t i = 0; i < r; ++i) out.vectors[i * k + c] = res.vectors[c * r + i];
        }
    }
    check_psd(out.values);
    // Sign: each eigenvector's largest-|·| entry (the first of equals) positive.
    for (std::size_t c = 0; c < k; ++c) {
        std::size_t arg = 0;
        for (std::size_t i = 1; i < r; ++i)
            if (std::fabs(out.vectors[i * k + c]) > std::fabs(out.vectors[arg * k + c])) arg = i;
        if (out.vectors[arg * k + c] < 0.0)
            for (std::size_t i = 0; i < r; ++i) out.vectors[i * k + c] = -out.vectors[i * k + c];
    }
    return out;
}

void kernel_transform(const IsomapModel& m, const double* g, double* y, float* out) {
    const std::size_t r = m.n_reference(), k = m.n_components;
    double mean_k = 0.0;
    for (std::size_t j = 0; j < r; ++j) mean_k += -0.5 * g[j] * g[j];
    mean_k /= double(r);
    std::fill(y, y + k, 0.0);
    for (std::size_t j = 0; j < r; ++j) {
        const double kc = -0.5 * g[j] * g[j] - m.col_mean[j] - mean_k + m.all_mean;
        const double* v = m.eigenvectors.data() + j * k;
        for (std::size_t c = 0; c < k; ++c) y[c] += kc * v[c];
    }
    for (std::size_t c = 0; c < k; ++c)
        out[c] = m.eigenvalues[c] > 0.0 ? float(y[c] / std::sqrt(m.eigenvalues[c])) : 0.0f;
}

}  // namespace n2d
