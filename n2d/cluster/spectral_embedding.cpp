// Affinity graphs and the spectral embedding of spectral clustering (REFERENCE.md §13.1, §13.3).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "n2d/cluster/detail/spectral_internal.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/linalg/detail/lanczos.hpp"
#include "n2d/linalg/detail/normalized_adjacency.hpp"
#include "n2d/umap/detail/spectral_init.hpp"

namespace n2d::inline v0::spectral_detail {

namespace {

// Eigen-residual tolerance of the Lanczos solver. sklearn's ARPACK runs to machine precision;
// the clusters only need the eigenspace, but near-degenerate eigenvalues separate slowly, so
// the tolerance is kept tight.
constexpr double kEigenTol = 1e-9;

// Everything the embedding needs from a graph, whatever its storage.
struct GraphSpectrum {
    std::size_t n = 0;
    const std::vector<double>* sqrt_deg = nullptr;
    std::vector<int> component;       // component label per vertex
    std::size_t n_components = 0;
    SymmetricOperator op;             // y = M x
    std::vector<double> dense;        // M row-major when n <= kDenseEigenLimit, else empty
};

Embedding embed(GraphSpectrum& g, std::size_t k, std::uint64_t seed, ThreadPool& pool) {
    const std::size_t n = g.n;
    const std::vector<double>& sd = *g.sqrt_deg;
    // Components with an edge (isolated vertices have M-eigenvalue 0, not 1), largest first.
    std::vector<std::size_t> size(g.n_components, 0), first(g.n_components, n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<std::size_t>(g.component[i]);
        ++size[c];
        first[c] = std::min(first[c], i);
    }
    std::vector<std::size_t> order;
    for (std::size_t c = 0; c < g.n_components; ++c)
        if (size[c] >= 2) order.push_back(c);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return size[a] > size[b]; });
    const std::size_t n_known = std::min(order.size(), k);
    // The known eigenvectors for eigenvalue 1 of M: sqrt(degree) on each component, normalised.
    std::vector<double> cols(n * k, 0.0);
    for (std::size_t t = 0; t < n_known; ++t) {
        // Scaled by the largest entry first: rbf degrees can be tiny enough for d² to underflow.
        double* q = cols.data() + t * n;
        double largest = 0.0, norm = 0.0;
        for (std::size_t i = 0; i < n; ++i)
            if (static_cast<std::size_t>(g.component[i]) == order[t]) largest = std::max(largest, sd[i]);
        for (std::size_t i = 0; i < n; ++i)
            if (static_cast<std::size_t>(g.component[i]) == order[t]) {
                q[i] = sd[i] / largest;
                norm += q[i] * q[i];
            }
        norm = std::sqrt(norm);
        for (std::size_t i = 0; i < n; ++i) q[i] /= norm;
    }
    Embedding out;
    out.n_components = g.n_components;
    const std::size_t rest = k - n_known;
    if (rest > 0 && !g.dense.empty()) {
        // M − 3 Σ q qᵀ moves the known eigenvalues from 1 to −2, below M's spectrum [−1, 1].
        std::vector<double>& m = g.dense;
        for (std::size_t t = 0; t < n_known; ++t) {
            const double* q = cols.data() + t * n;
            for (std::size_t i = 0; i < n; ++i)
                if (q[i] != 0.0)
                    for (std::size_t j = 0; j < n; ++j) m[i * n + j] -= 3.0 * q[i] * q[j];
        }
        std::vector<double> values, vectors;
        jacobi_eigen(n, std::move(m), values, vectors);
        for (std::size_t t = 0; t < rest; ++t)
            for (std::size_t i = 0; i < n; ++i) cols[(n_known + t) * n + i] = vectors[i * n + (n - 1 - t)];
    } else if (rest > 0) {
        LanczosOptions lo;
        lo.n_eigen = rest;
        lo.tol = kEigenTol;
        lo.seed = seed;
        lo.deflate = cols.data();
        lo.n_deflate = n_known;
        LanczosResult r = lanczos_largest(n, g.op, lo, &pool);
        out.converged = r.converged;
        std::copy(r.vectors.begin(), r.vectors.end(), cols.begin() + static_cast<std::ptrdiff_t>(n_known * n));
    }
    // u = D^-1/2 x (isolated vertices divide by 1, as sklearn), then the sign flip.
    for (std::size_t t = 0; t < k; ++t)
        for (std::size_t i = 0; i < n; ++i) cols[t * n + i] /= sd[i] > 0.0 ? sd[i] : 1.0;
    fix_eigenvector_signs(cols.data(), n, k);
    // Near-zero degrees (an rbf gamma so large that affinities approach underflow) make u too
    // large for float32; one global factor then brings it back (k-means does not see it).
    double top = 0.0;
    for (double v : cols) top = std::max(top, std::fabs(v));
    const double scale = top > 1e30 ? 1.0 / top : 1.0;
    out.vectors = Matrix(n, k);
    for (std::size_t t = 0; t < k; ++t)
        for (std::size_t i = 0; i < n; ++i) out.vectors(i, t) = static_cast<float>(cols[t * n + i] * scale);
    return out;
}

void check_k(std::size_t n, std::size_t k) {
    N2D_ASSERT(k >= 1 && k < n, "spectral_embedding: " + std::to_string(k) + " vectors requested for " +
                                    std::to_string(n) + " vertices");
}

}  // namespace

SparseGraph knn_affinity(const KnnGraph& knn, ThreadPool& pool) {
    const std::size_t n = knn.n, k = knn.k;
    // Row i holds (j, ½) for each neighbour j of i and (j, ½) for each j having i as neighbour;
    // sorting by column and adding duplicates gives ½(C + Cᵀ) without the diagonal.
    std::vector<std::size_t> count(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < k; ++t) {
            const auto j = static_cast<std::size_t>(knn.indices[i * k + t]);
            if (j == i) continue;
            ++count[i + 1];
            ++count[j + 1];
        }
    std::partial_sum(count.begin(), count.end(), count.begin());
    std::vector<std::int32_t> raw(count[n]);
    std::vector<std::size_t> fill(count.begin(), count.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < k; ++t) {
            const auto j = static_cast<std::size_t>(knn.indices[i * k + t]);
            if (j == i) continue;
            raw[fill[i]++] = static_cast<std::int32_t>(j);
            raw[fill[j]++] = static_cast<std::int32_t>(i);
        }
    // Sort each row; a column met twice is a mutual edge (weight 1), once a one-way edge (½).
    std::vector<std::size_t> runs(n + 1, 0);
    pool.parallel_for(0, n, 1024, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            const auto b = raw.begin() + static_cast<std::ptrdiff_t>(count[i]);
            const auto e = raw.begin() + static_cast<std::ptrdiff_t>(count[i + 1]);
            std::sort(b, e);
            runs[i + 1] = static_cast<std::size_t>(e - b) == 0 ? 0 : 1;
            for (auto it = b + 1; it < e; ++it) runs[i + 1] += *it != *(it - 1);
        }
    });
    SparseGraph g;
    g.n_rows = g.n_cols = n;
    g.indptr.assign(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) g.indptr[i + 1] = g.indptr[i] + runs[i + 1];
    g.indices.resize(g.indptr[n]);
    g.weights.resize(g.indptr[n]);
    pool.parallel_for(0, n, 1024, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            std::size_t out = g.indptr[i];
            for (std::size_t e = count[i]; e < count[i + 1]; ++e) {
                if (e > count[i] && raw[e] == raw[e - 1]) {
                    g.weights[out - 1] += 0.5f;
                    continue;
                }
                g.indices[out] = raw[e];
                g.weights[out++] = 0.5f;
            }
        }
    });
    return g;
}

std::vector<double> rbf_affinity(ConstMatrixView x, double gamma, ThreadPool& pool) {
    const std::size_t n = x.rows, d = x.cols;
    std::vector<double> a(n * n);
    pool.parallel_for(0, n, 16, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                double s = 0.0;
                for (std::size_t t = 0; t < d; ++t) {
                    const double diff = double(x(i, t)) - double(x(j, t));
                    s += diff * diff;
                }
                a[i * n + j] = i == j ? 0.0 : std::exp(-gamma * s);
            }
    });
    return a;
}

Embedding spectral_embedding(const SparseGraph& w, std::size_t k, std::uint64_t seed, ThreadPool& pool) {
    const std::size_t n = w.n_rows;
    check_k(n, k);
    const NormalizedAdjacency adjacency(CsrView{n, w.indptr.data(), w.indices.data(), w.weights.data()});
    GraphSpectrum g;
    g.n = n;
    g.sqrt_deg = &adjacency.sqrt_degree();
    g.component = connected_components(w, g.n_components);
    g.op = adjacency.op(pool);
    if (n <= kDenseEigenLimit) g.dense = adjacency.dense();
    return embed(g, k, seed, pool);
}

Embedding spectral_embedding_dense(std::vector<double> w, std::size_t n, std::size_t k, std::uint64_t seed,
                                   ThreadPool& pool) {
    check_k(n, k);
    N2D_ASSERT(w.size() == n * n, "spectral_embedding_dense: matrix size");
    std::vector<double> sqrt_deg(n), inv(n);
    for (std::size_t i = 0; i < n; ++i) {
        double d = 0.0;
        for (std::size_t j = 0; j < n; ++j) d += w[i * n + j];
        sqrt_deg[i] = std::sqrt(d);
        inv[i] = d > 0.0 ? 1.0 / sqrt_deg[i] : 0.0;
    }
    GraphSpectrum g;
    g.n = n;
    g.sqrt_deg = &sqrt_deg;
    // Components by breadth-first search over the positive entries.
    g.component.assign(n, -1);
    std::vector<std::size_t> queue;
    for (std::size_t s = 0; s < n; ++s) {
        if (g.component[s] >= 0) continue;
        const int label = static_cast<int>(g.n_components++);
        g.component[s] = label;
        queue.assign(1, s);
        for (std::size_t q = 0; q < queue.size(); ++q)
            for (std::size_t j = 0; j < n; ++j)
                if (g.component[j] < 0 && w[queue[q] * n + j] > 0.0) {
                    g.component[j] = label;
                    queue.push_back(j);
                }
    }
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) w[i * n + j] = w[i * n + j] * inv[i] * inv[j];  // inv_i·inv_j may overflow
    const std::vector<double>& m = w;
    g.op = [&m, n, &pool](const double* x, double* y) {
        pool.parallel_for(0, n, 64, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t i = lo; i < hi; ++i) {
                const double* row = m.data() + i * n;
                double s = 0.0;
                for (std::size_t j = 0; j < n; ++j) s += row[j] * x[j];
                y[i] = s;
            }
        });
    };
    if (n <= kDenseEigenLimit) g.dense = w;
    return embed(g, k, seed, pool);
}

}  // namespace n2d::inline v0::spectral_detail
