#include <algorithm>
#include <cmath>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/manifold/detail/lle_detail.hpp"

namespace n2d::inline v0::lle_detail {

std::vector<std::int32_t> training_neighbors(const KnnGraph& graph, std::size_t k) {
    N2D_ASSERT(graph.k >= k + 1, "lle: neighbour graph has " + std::to_string(graph.k) + " columns, " +
                                     std::to_string(k + 1) + " needed");
    std::vector<std::int32_t> out(graph.n * k);
    for (std::size_t i = 0; i < graph.n; ++i) {
        const std::int32_t* g = graph.row_indices(i);
        const float* d = graph.row_distances(i);
        std::int32_t* o = out.data() + i * k;
        // The point sorts among its zero-distance twins by index; the list without its first entry.
        std::size_t pos = 0;  // where the point goes among the others
        while (pos < k && d[1 + pos] == 0.0f && g[1 + pos] < static_cast<std::int32_t>(i)) ++pos;
        if (pos == 0) {
            std::copy(g + 1, g + 1 + k, o);
        } else {
            std::copy(g + 2, g + 1 + pos, o);  // twins before it, less the first
            o[pos - 1] = static_cast<std::int32_t>(i);
            std::copy(g + 1 + pos, g + 1 + k, o + pos);
        }
    }
    return out;
}

namespace {

struct WeightsScratch {
    std::vector<double> c, g, w;
};

// Cholesky of the k × k matrix g in place and the solve g w = b (b in w); false if not positive definite.
bool solve_spd(std::size_t k, double* g, double* w) {
    for (std::size_t j = 0; j < k; ++j) {
        double d = g[j * k + j];
        for (std::size_t p = 0; p < j; ++p) d -= g[j * k + p] * g[j * k + p];
        if (!(d > 0.0) || !std::isfinite(d)) return false;
        const double ljj = std::sqrt(d);
        g[j * k + j] = ljj;
        for (std::size_t i = j + 1; i < k; ++i) {
            double s = g[i * k + j];
            for (std::size_t p = 0; p < j; ++p) s -= g[i * k + p] * g[j * k + p];
            g[i * k + j] = s / ljj;
        }
    }
    for (std::size_t i = 0; i < k; ++i) {
        double s = w[i];
        for (std::size_t p = 0; p < i; ++p) s -= g[i * k + p] * w[p];
        w[i] = s / g[i * k + i];
    }
    for (std::size_t i = k; i-- > 0;) {
        double s = w[i];
        for (std::size_t p = i + 1; p < k; ++p) s -= g[p * k + i] * w[p];
        w[i] = s / g[i * k + i];
    }
    return true;
}

}  // namespace

std::vector<double> barycenter_weights(ConstMatrixView queries, ConstMatrixView train, const std::int32_t* ind,
                                       std::size_t k, double reg, ThreadPool& pool) {
    const std::size_t m = queries.rows, dim = queries.cols;
    std::vector<double> weights(m * k);
    std::vector<unsigned char> failed(m, 0);
    std::vector<WeightsScratch> scratch(pool.num_threads());
    for (auto& s : scratch) {
        s.c.resize(k * dim);
        s.g.resize(k * k);
        s.w.resize(k);
    }
    pool.parallel_for(0, m, 64, [&](std::size_t lo, std::size_t hi, std::size_t worker) {
        WeightsScratch& s = scratch[worker];
        for (std::size_t i = lo; i < hi; ++i) {
            const float* x = queries.row(i);
            const std::int32_t* nb = ind + i * k;
            for (std::size_t a = 0; a < k; ++a) {
                const float* y = train.row(static_cast<std::size_t>(nb[a]));
                for (std::size_t t = 0; t < dim; ++t) s.c[a * dim + t] = double(y[t]) - double(x[t]);
            }
            double trace = 0.0;
            for (std::size_t a = 0; a < k; ++a)
                for (std::size_t b = 0; b <= a; ++b) {
                    double dot = 0.0;
                    for (std::size_t t = 0; t < dim; ++t) dot += s.c[a * dim + t] * s.c[b * dim + t];
                    s.g[a * k + b] = s.g[b * k + a] = dot;
                }
            for (std::size_t a = 0; a < k; ++a) trace += s.g[a * k + a];
            const double r = trace > 0.0 ? reg * trace : reg;
            for (std::size_t a = 0; a < k; ++a) {
                s.g[a * k + a] += r;
                s.w[a] = 1.0;
            }
            if (!solve_spd(k, s.g.data(), s.w.data())) {
                failed[i] = 1;
                continue;
            }
            double sum = 0.0;
            for (std::size_t a = 0; a < k; ++a) sum += s.w[a];
            double* out = weights.data() + i * k;
            for (std::size_t a = 0; a < k; ++a) out[a] = s.w[a] / sum;
        }
    });
    const auto bad = std::find(failed.begin(), failed.end(), 1);
    N2D_REQUIRE(bad == failed.end(),
                "LocallyLinearEmbedding: the regularised local Gram matrix of point " +
                    std::to_string(bad - failed.begin()) +
                    " is not positive definite (its neighbours coincide with it and reg = " + std::to_string(reg) +
                    "); pass reg > 0 (default 1e-3) or remove duplicate points");
    return weights;
}

LleOperator::LleOperator(const SparseWeights& w, ThreadPool& pool) : w_(w), pool_(pool), u_(w.n) {
    // Wᵀ by a counting sort over columns; rows stay ascending within a column.
    t_start_.assign(w.n + 1, 0);
    for (std::int32_t j : w.idx) ++t_start_[static_cast<std::size_t>(j) + 1];
    for (std::size_t j = 0; j < w.n; ++j) t_start_[j + 1] += t_start_[j];
    t_row_.resize(w.idx.size());
    t_w_.resize(w.idx.size());
    std::vector<std::size_t> fill(t_start_.begin(), t_start_.end() - 1);
    for (std::size_t i = 0; i < w.n; ++i)
        for (std::size_t a = 0; a < w.k; ++a) {
            const std::size_t j = static_cast<std::size_t>(w.idx[i * w.k + a]), p = fill[j]++;
            t_row_[p] = static_cast<std::int32_t>(i);
            t_w_[p] = w.w[i * w.k + a];
        }
}

void LleOperator::apply(const double* x, double* y) const {
    const std::size_t n = w_.n, k = w_.k;
    double* u = u_.data();
    pool_.parallel_for(0, n, 1024, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            const std::int32_t* nb = w_.idx.data() + i * k;
            const double* wi = w_.w.data() + i * k;
            double s = x[i];
            for (std::size_t a = 0; a < k; ++a) s -= wi[a] * x[nb[a]];
            u[i] = s;
        }
    });
    pool_.parallel_for(0, n, 1024, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t j = lo; j < hi; ++j) {
            double s = u[j];
            for (std::size_t p = t_start_[j]; p < t_start_[j + 1]; ++p) s -= t_w_[p] * u[t_row_[p]];
            y[j] = s;
        }
    });
}

double LleOperator::gershgorin() const {
    // Row sums of |M| ≤ Σ_i |B_i·| ⊗ |B_i·| summed per row: |M| 1 ≤ |B|ᵀ(|B| 1).
    const std::size_t n = w_.n, k = w_.k;
    std::vector<double> rowsum(n), col(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        double s = 1.0;
        for (std::size_t a = 0; a < k; ++a) s += std::fabs(w_.w[i * k + a]);
        rowsum[i] = s;
    }
    for (std::size_t i = 0; i < n; ++i) {
        col[i] += rowsum[i];
        for (std::size_t a = 0; a < k; ++a) col[static_cast<std::size_t>(w_.idx[i * k + a])] += std::fabs(w_.w[i * k + a]) * rowsum[i];
    }
    return *std::max_element(col.begin(), col.end());
}

void LleOperator::dense(double* m) const {
    const std::size_t n = w_.n, k = w_.k;
    std::fill(m, m + n * n, 0.0);
    std::vector<std::size_t> col(k + 1);
    std::vector<double> val(k + 1);
    // M = Σ_i b_i b_iᵀ over the rows b_i = e_i − Σ_a w_ia e_{idx_ia} of I − W, in row order.
    for (std::size_t i = 0; i < n; ++i) {
        col[0] = i;
        val[0] = 1.0;
        for (std::size_t a = 0; a < k; ++a) {
            col[a + 1] = static_cast<std::size_t>(w_.idx[i * k + a]);
            val[a + 1] = -w_.w[i * k + a];
        }
        for (std::size_t p = 0; p <= k; ++p) {
            double* row = m + col[p] * n;
            for (std::size_t q = 0; q <= k; ++q) row[col[q]] += val[p] * val[q];
        }
    }
}

}  // namespace n2d::lle_detail
