// Helpers shared by the manifold learners' tests (t-SNE, Isomap, LLE).
#pragma once
#include <cmath>
#include <cstring>

#include "n2d/core/matrix.hpp"

namespace n2d::inline v0::test {

// Same shape and the same bits in every entry (thread-count and save/load determinism).
inline bool same_bits(const Matrix& a, const Matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// No NaN or infinity anywhere.
inline bool all_finite(const Matrix& m) {
    for (std::size_t t = 0; t < m.size(); ++t)
        if (!std::isfinite(m.data()[t])) return false;
    return true;
}

}  // namespace n2d
