// Squared Euclidean distance in double, summed axis by axis in index order: the exact searches
// (HDBSCAN's scans and kd-tree, UMAP's nearest component centre) prune with bounds summed the
// same way, so a search that skips boxes returns bit for bit what a scan would.
#pragma once
#include <cstddef>

namespace n2d::inline v0::detail {

inline double squared_euclidean(const double* a, const double* b, std::size_t d) noexcept {
    double s = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
        const double t = a[j] - b[j];
        s += t * t;
    }
    return s;
}

}  // namespace n2d::detail
