// Helpers shared by the test suites.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/rng.hpp"

namespace n2d::inline v0::test {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The message of the n2d::Error that `f` throws ("" when it returns).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// The shared datasets directory (N2D_DATA_DIR, else ../shared/datasets beside the checkout),
// or an empty path when absent or N2D_DATA_DIR=none — tests that need it skip with a message.
inline std::filesystem::path shared_datasets() {
    if (const char* env = std::getenv("N2D_DATA_DIR"); env && *env)
        return std::string(env) == "none" ? std::filesystem::path() : std::filesystem::path(env);
    std::filesystem::path p = std::filesystem::path(N2D_SOURCE_DIR) / ".." / "shared" / "datasets";
    return std::filesystem::exists(p) ? p : std::filesystem::path();
}

// A path as UTF-8 text, the encoding n2d's string paths use on every platform.
inline std::string utf8(const std::filesystem::path& p) {
    const std::u8string u = p.u8string();
    return std::string(u.begin(), u.end());
}

// Sets (or with nullptr, removes) an environment variable; the C library has no portable call.
inline void set_env(const char* name, const char* value) {
#if defined(_WIN32)
    _putenv_s(name, value ? value : "");  // "" removes it on Windows
#else
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
#endif
}

// A fresh folder under the system temp folder, removed with everything in it at scope exit.
class ScratchDir {
public:
    explicit ScratchDir(const std::string& prefix) {
        const auto base = std::filesystem::temp_directory_path();
        std::mt19937_64 gen(std::random_device{}() ^ std::uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()));
        for (int attempt = 0; attempt < 100; ++attempt) {
            path_ = base / (prefix + "-" + std::to_string(gen() % 1000000000));
            if (std::filesystem::create_directory(path_)) return;  // false: the name was taken
        }
        throw std::runtime_error("cannot create a scratch folder in " + base.string());
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

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
