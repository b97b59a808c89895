// Helpers shared by the test suites.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/core/rng.hpp"

namespace n2d::test {

// The shared datasets directory (N2D_DATA_DIR, else ../shared/datasets beside the checkout),
// or an empty path when absent or N2D_DATA_DIR=none — tests that need it skip with a message.
inline std::filesystem::path shared_datasets() {
    if (const char* env = std::getenv("N2D_DATA_DIR"); env && *env)
        return std::string(env) == "none" ? std::filesystem::path() : std::filesystem::path(env);
    std::filesystem::path p = std::filesystem::path(N2D_SOURCE_DIR) / ".." / "shared" / "datasets";
    return std::filesystem::exists(p) ? p : std::filesystem::path();
}

// `v` (row-major) as a matrix of `cols` columns.
inline Matrix matrix_from(const std::vector<float>& v, std::size_t cols) {
    Matrix m(v.size() / cols, cols);
    std::copy(v.begin(), v.end(), m.data());
    return m;
}

// n points round `centers` blobs of `spread` about uniform centres in [-10, 10]^d; point i
// belongs to blob i % centers (written to `labels` when given).
inline Matrix blobs(std::size_t n, std::size_t d, std::size_t centers, double spread, std::uint64_t seed,
                    std::vector<int>* labels = nullptr) {
    Rng rng(seed);
    std::vector<double> c(centers * d);
    for (auto& v : c) v = rng.uniform(-10, 10);
    Matrix x(n, d);
    if (labels) labels->resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t k = i % centers;
        if (labels) (*labels)[i] = int(k);
        for (std::size_t t = 0; t < d; ++t) x(i, t) = float(c[k * d + t] + spread * rng.normal());
    }
    return x;
}

// n floats uniform in [lo, hi) from `seed`.
inline std::vector<float> random_floats(std::size_t n, std::uint64_t seed, double lo, double hi) {
    Rng r(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(r.uniform(lo, hi));
    return v;
}

}  // namespace n2d::test
