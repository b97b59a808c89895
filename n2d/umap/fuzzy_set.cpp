#include "n2d/umap/fuzzy_set.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0 {

namespace {

// ρ_i: distance to the local_connectivity-th positive neighbour, interpolated by the fractional part.
float local_rho(const float* row, std::size_t k, float local_connectivity) {
    std::size_t n_positive = 0;
    for (std::size_t j = 0; j < k; ++j) n_positive += row[j] > 0.0f;
    if (n_positive == 0) return 0.0f;
    // nz[m] = the m-th positive entry in row order.
    auto nz = [&](std::size_t m) {
        for (std::size_t j = 0; j < k; ++j)
            if (row[j] > 0.0f && m-- == 0) return row[j];
        return 0.0f;
    };
    if (static_cast<float>(n_positive) >= local_connectivity) {
        const float idx_f = std::floor(local_connectivity);
        const auto idx = static_cast<std::size_t>(idx_f);
        const float frac = local_connectivity - idx_f;
        if (idx > 0) {
            float rho = nz(idx - 1);
            if (frac > kSmoothKTolerance) rho += frac * (nz(idx) - nz(idx - 1));
            return rho;
        }
        return frac * nz(0);
    }
    float largest = 0.0f;
    for (std::size_t j = 0; j < k; ++j)
        if (row[j] > largest) largest = row[j];
    return largest;
}

// Bisection for σ so that Σ_{j>=1} exp(-(d_j - ρ)/σ) = target (float32 arithmetic as umap-learn).
float bisect_sigma(const float* row, std::size_t k, float rho, float target, std::size_t n_iter) {
    float lo = 0.0f, hi = std::numeric_limits<float>::infinity(), mid = 1.0f;
    for (std::size_t it = 0; it < n_iter; ++it) {
        float psum = 0.0f;
        for (std::size_t j = 1; j < k; ++j) {
            const float d = row[j] - rho;
            psum += d > 0.0f ? std::exp(-(d / mid)) : 1.0f;
        }
        if (std::fabs(psum - target) < kSmoothKTolerance) break;
        if (psum > target) {
            hi = mid;
            mid = (lo + hi) / 2.0f;
        } else {
            lo = mid;
            mid = std::isinf(hi) ? mid * 2.0f : (lo + hi) / 2.0f;
        }
    }
    return mid;
}

}  // namespace

SmoothKnnResult smooth_knn_dist(const float* distances, std::size_t n, std::size_t k,
                                const SmoothKnnOptions& options, ThreadPool* pool) {
    N2D_REQUIRE(k >= 1, "smooth_knn_dist: k is 0; pass at least one neighbour per point");
    N2D_REQUIRE(options.local_connectivity >= 0.0f && std::isfinite(options.local_connectivity),
                "smooth_knn_dist: local_connectivity " + std::to_string(options.local_connectivity) +
                    " must be finite and >= 0");
    N2D_REQUIRE(options.n_neighbors > 0.0f, "smooth_knn_dist: n_neighbors must be positive");
    double total = 0.0;
    for (std::size_t i = 0; i < n * k; ++i) {
        const float d = distances[i];
        N2D_REQUIRE(!std::isnan(d) && d >= 0.0f, "smooth_knn_dist: distance " + std::to_string(d) + " at row " +
                                                      std::to_string(i / k) + ", slot " + std::to_string(i % k) +
                                                      " is NaN or negative; kNN distances must be >= 0");
        total += d;
    }
    const float mean_all = (n * k) != 0 ? static_cast<float>(total / static_cast<double>(n * k)) : 0.0f;
    const float target = std::log2(options.n_neighbors) * options.bandwidth;

    SmoothKnnResult r;
    r.sigmas.resize(n);
    r.rhos.resize(n);
    ThreadPool& tp = pool_or_default(pool);
    tp.parallel_for(0, n, 512, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            const float* row = distances + i * k;
            const float rho = local_rho(row, k, options.local_connectivity);
            float sigma = bisect_sigma(row, k, rho, target, options.n_iter);
            float row_sum = 0.0f;
            for (std::size_t j = 0; j < k; ++j) row_sum += row[j];
            const float row_mean = row_sum / static_cast<float>(k);
            if (rho > 0.0f || options.row_local_floor) {
                sigma = std::max(sigma, kMinKDistScale * row_mean);
            } else {
                sigma = std::max(sigma, kMinKDistScale * mean_all);
            }
            r.rhos[i] = rho;
            r.sigmas[i] = sigma;
        }
    });
    return r;
}

SparseGraph membership_graph(const std::int32_t* indices, const float* distances, std::size_t n,
                             std::size_t k, std::size_t n_cols, const SmoothKnnResult& sr, bool bipartite) {
    N2D_REQUIRE(sr.rhos.size() == n && sr.sigmas.size() == n,
                "membership_graph: σ/ρ were computed for " + std::to_string(sr.rhos.size()) + " rows, not " +
                    std::to_string(n));
    SparseGraph g;
    g.n_rows = n;
    g.n_cols = n_cols;
    g.indptr.assign(n + 1, 0);
    g.indices.reserve(n * k);
    g.weights.reserve(n * k);
    std::vector<std::pair<std::int32_t, float>> row_entries;
    row_entries.reserve(k);
    for (std::size_t i = 0; i < n; ++i) {
        row_entries.clear();
        for (std::size_t j = 0; j < k; ++j) {
            const std::int32_t c = indices[i * k + j];
            if (c < 0) continue;
            N2D_REQUIRE(static_cast<std::size_t>(c) < n_cols,
                        "membership_graph: neighbour index " + std::to_string(c) + " at row " + std::to_string(i) +
                            " is outside [0, " + std::to_string(n_cols) + ")");
            if (!bipartite && static_cast<std::size_t>(c) == i) continue;
            const float d = distances[i * k + j] - sr.rhos[i];
            const float w = (d <= 0.0f || sr.sigmas[i] == 0.0f) ? 1.0f : std::exp(-(d / sr.sigmas[i]));
            if (w > 0.0f) row_entries.emplace_back(c, w);
        }
        std::sort(row_entries.begin(), row_entries.end(),
                  [](const auto& x, const auto& y) { return x.first < y.first; });
        for (std::size_t e = 0; e < row_entries.size(); ++e) {
            if (e > 0 && row_entries[e].first == row_entries[e - 1].first) {
                g.weights.back() += row_entries[e].second;  // duplicate neighbour: summed as scipy does
                continue;
            }
            g.indices.push_back(row_entries[e].first);
            g.weights.push_back(row_entries[e].second);
        }
        g.indptr[i + 1] = g.indices.size();
    }
    return g;
}

SparseGraph transpose(const SparseGraph& a) {
    SparseGraph t;
    t.n_rows = a.n_cols;
    t.n_cols = a.n_rows;
    t.indptr.assign(a.n_cols + 1, 0);
    for (std::int32_t c : a.indices) ++t.indptr[static_cast<std::size_t>(c) + 1];
    for (std::size_t i = 0; i < a.n_cols; ++i) t.indptr[i + 1] += t.indptr[i];
    t.indices.resize(a.nnz());
    t.weights.resize(a.nnz());
    std::vector<std::size_t> fill(t.indptr.begin(), t.indptr.end() - 1);
    for (std::size_t i = 0; i < a.n_rows; ++i)  // rows in order → columns of the transpose stay sorted
        for (std::size_t e = a.indptr[i]; e < a.indptr[i + 1]; ++e) {
            const std::size_t slot = fill[static_cast<std::size_t>(a.indices[e])]++;
            t.indices[slot] = static_cast<std::int32_t>(i);
            t.weights[slot] = a.weights[e];
        }
    return t;
}

SparseGraph symmetrize(const SparseGraph& a, float set_op_mix_ratio) {
    N2D_REQUIRE(a.n_rows == a.n_cols, "symmetrize: the membership graph is " + std::to_string(a.n_rows) + " x " +
                                          std::to_string(a.n_cols) + ", not square");
    N2D_REQUIRE(set_op_mix_ratio >= 0.0f && set_op_mix_ratio <= 1.0f,
                "set_op_mix_ratio " + std::to_string(set_op_mix_ratio) + " is outside [0, 1]");
    const SparseGraph t = transpose(a);
    const float mix = set_op_mix_ratio;
    // Row i of A merged with row i of Aᵀ; emit(column, weight) for each non-zero result, columns
    // ascending. Run twice, counting then filling, so the result is allocated at its exact size
    // (the fit keeps it as graph_).
    auto merge_row = [&](std::size_t i, auto&& emit) {
        auto put = [&](std::int32_t c, float x, float y) {
            const float prod = x * y;
            const float w = mix * (x + y - prod) + (1.0f - mix) * prod;
            if (w != 0.0f) emit(c, w);
        };
        std::size_t p = a.indptr[i], pe = a.indptr[i + 1], q = t.indptr[i], qe = t.indptr[i + 1];
        while (p < pe || q < qe) {
            if (q == qe || (p < pe && a.indices[p] < t.indices[q])) {
                put(a.indices[p], a.weights[p], 0.0f);
                ++p;
            } else if (p == pe || t.indices[q] < a.indices[p]) {
                put(t.indices[q], 0.0f, t.weights[q]);
                ++q;
            } else {
                put(a.indices[p], a.weights[p], t.weights[q]);
                ++p;
                ++q;
            }
        }
    };
    SparseGraph s;
    s.n_rows = s.n_cols = a.n_rows;
    s.indptr.assign(a.n_rows + 1, 0);
    for (std::size_t i = 0; i < a.n_rows; ++i) {
        std::size_t count = 0;
        merge_row(i, [&](std::int32_t, float) { ++count; });
        s.indptr[i + 1] = s.indptr[i] + count;
    }
    s.indices.resize(s.indptr[a.n_rows]);
    s.weights.resize(s.indptr[a.n_rows]);
    for (std::size_t i = 0; i < a.n_rows; ++i) {
        std::size_t e = s.indptr[i];
        merge_row(i, [&](std::int32_t c, float w) {
            s.indices[e] = c;
            s.weights[e++] = w;
        });
    }
    return s;
}

SparseGraph fuzzy_simplicial_set(const std::int32_t* indices, const float* distances, std::size_t n,
                                 std::size_t k, const SmoothKnnOptions& options, float set_op_mix_ratio,
                                 ThreadPool* pool) {
    const SmoothKnnResult sr = smooth_knn_dist(distances, n, k, options, pool);
    return symmetrize(membership_graph(indices, distances, n, k, n, sr, false), set_op_mix_ratio);
}

}  // namespace n2d
