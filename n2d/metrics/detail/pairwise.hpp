// Exact distances from one point to every row of a feature-major (d × n) double copy, the
// kernel under silhouette and trustworthiness: vectorised across rows, chosen at run time.
#pragma once
#include <cstddef>
#include <vector>

#include "n2d/core/matrix.hpp"

namespace n2d::inline v0::detail {

// Feature-major double copy of rows `order[i]` (or all rows in order when `order` is empty).
std::vector<double> feature_major(ConstMatrixView x, const std::vector<std::size_t>& order = {});

// out[j] = ‖xt[:, j] − p‖² for j in [0, n); with `take_sqrt` the Euclidean distance instead.
void distances_to_point(const double* xt, std::size_t n, std::size_t d, const double* p, double* out, bool take_sqrt);

// Σ v[j] for j in [0, n) in a fixed order (8 partial sums), vectorised.
double range_sum(const double* v, std::size_t n);

// Number of j with v[j] < bound, for non-negative (or +inf) values: compares bit patterns,
// which order non-negative doubles like their values.
std::size_t count_below(const double* v, std::size_t n, double bound);

}  // namespace n2d::detail
