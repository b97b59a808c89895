// Hungarian algorithm (shortest augmenting paths with potentials) and cluster accuracy.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/metrics/detail/contingency.hpp"
#include "n2d/metrics/metrics.hpp"

namespace n2d::inline v0 {

namespace {

// Minimum-cost assignment of every row of an r × c matrix (r <= c) to a distinct column.
// cost(i, j) is read through `at`. Returns the column of each row. O(r² c).
template <class At>
std::vector<int> hungarian_rows_le_cols(std::size_t r, std::size_t c, At at) {
    const double inf = std::numeric_limits<double>::infinity();
    // 1-based arrays as in the textbook formulation; column 0 is a virtual start.
    std::vector<double> u(r + 1, 0.0), v(c + 1, 0.0), minv(c + 1);
    std::vector<std::size_t> p(c + 1, 0), way(c + 1, 0);
    std::vector<char> used(c + 1);
    for (std::size_t i = 1; i <= r; ++i) {
        p[0] = i;
        std::size_t j0 = 0;
        std::fill(minv.begin(), minv.end(), inf);
        std::fill(used.begin(), used.end(), 0);
        do {
            used[j0] = 1;
            const std::size_t i0 = p[j0];
            double delta = inf;
            std::size_t j1 = 0;
            for (std::size_t j = 1; j <= c; ++j) {
                if (used[j]) continue;
                const double cur = at(i0 - 1, j - 1) - u[i0] - v[j];
                if (cur < minv[j]) {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if (minv[j] < delta) {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for (std::size_t j = 0; j <= c; ++j) {
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (p[j0] != 0);
        do {
            const std::size_t j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0);
    }
    std::vector<int> row_to_col(r, -1);
    for (std::size_t j = 1; j <= c; ++j)
        if (p[j]) row_to_col[p[j] - 1] = int(j - 1);
    return row_to_col;
}

}  // namespace

std::vector<int> linear_sum_assignment(const std::vector<double>& cost, std::size_t rows, std::size_t cols,
                                       bool maximize) {
    N2D_REQUIRE(cost.size() == rows * cols, "linear_sum_assignment: cost has " + std::to_string(cost.size()) +
                                                " entries but rows * cols = " + std::to_string(rows * cols));
    for (double v : cost)
        N2D_REQUIRE(std::isfinite(v), "linear_sum_assignment: the cost matrix contains NaN or infinity");
    const double sign = maximize ? -1.0 : 1.0;
    if (rows <= cols)
        return hungarian_rows_le_cols(rows, cols, [&](std::size_t i, std::size_t j) { return sign * cost[i * cols + j]; });
    // More rows than columns: assign every column to a row on the transposed problem.
    const auto col_to_row =
        hungarian_rows_le_cols(cols, rows, [&](std::size_t i, std::size_t j) { return sign * cost[j * cols + i]; });
    std::vector<int> row_to_col(rows, -1);
    for (std::size_t j = 0; j < cols; ++j) row_to_col[std::size_t(col_to_row[j])] = int(j);
    return row_to_col;
}

ClusterAccuracy cluster_accuracy(const std::vector<int>& truth, const std::vector<int>& pred) {
    N2D_REQUIRE(!truth.empty(), "cluster_accuracy: no labels given; pass one truth and one predicted label per sample");
    detail::require_same_length(truth, pred, "cluster_accuracy");  // before noise is filtered out
    for (std::size_t i = 0; i < truth.size(); ++i)
        N2D_REQUIRE(truth[i] >= 0, "cluster_accuracy: truth[" + std::to_string(i) + "] = " + std::to_string(truth[i]) +
                                       " is negative; class ids must be 0, 1, 2, ...");
    for (std::size_t i = 0; i < pred.size(); ++i)
        N2D_REQUIRE(pred[i] >= -1, "cluster_accuracy: pred[" + std::to_string(i) + "] = " + std::to_string(pred[i]) +
                                       " is below -1; cluster ids must be 0, 1, 2, ... (-1 = noise)");
    // Noise (-1) never matches a class: it stays out of the matching but counts in n.
    std::vector<int> t_kept, p_kept;
    for (std::size_t i = 0; i < pred.size(); ++i)
        if (pred[i] >= 0) t_kept.push_back(truth[i]), p_kept.push_back(pred[i]);
    ClusterAccuracy out;
    if (p_kept.empty()) return out;
    const auto t = detail::make_contingency(t_kept, p_kept, "cluster_accuracy");
    const std::size_t r = t.cluster_ids.size(), c = t.class_ids.size();
    N2D_REQUIRE(double(r) * double(c) <= 2e8, "cluster_accuracy: " + std::to_string(r) + " clusters × " +
                                                  std::to_string(c) + " classes is too large a matching problem");
    // W[cluster, class]: samples of that class in that cluster (clusters as rows, as N2D does).
    std::vector<double> w(r * c, 0.0);
    for (std::size_t k = 0; k < t.cell_count.size(); ++k)
        w[std::size_t(t.cell_col[k]) * c + t.cell_row[k]] = double(t.cell_count[k]);
    const auto match = linear_sum_assignment(w, r, c, true);
    out.mapping.assign(std::size_t(t.cluster_ids.back()) + 1, -1);
    double matched = 0.0;
    for (std::size_t i = 0; i < r; ++i) {
        if (match[i] < 0) continue;
        matched += w[i * c + std::size_t(match[i])];
        out.mapping[std::size_t(t.cluster_ids[i])] = t.class_ids[std::size_t(match[i])];
    }
    out.accuracy = matched / double(truth.size());
    return out;
}

}  // namespace n2d
