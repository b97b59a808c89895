// Helpers shared by the benchmark programs: process CPU time and the MNIST inputs (with a
// same-shaped synthetic stand-in when the dataset is absent) and their fixed random projection.
#pragma once
#include <sys/resource.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "n2d/blas/gemm.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/data/dataset.hpp"

namespace n2d::inline v0::bench {

// User + system CPU seconds of the whole process (all threads).
inline double process_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// MNIST-70k, else (with a note on stderr) synthetic data of the same shape: 70000 × 784, 10
// clusters. `source` names which.
inline Dataset mnist_or_synthetic(std::string& source) {
    try {
        Dataset d = load_dataset("mnist");
        source = "MNIST";
        return d;
    } catch (const Error& e) {
        std::fprintf(stderr, "MNIST unavailable (%s); using synthetic data of the same shape\n", e.what());
        SyntheticOptions so;
        so.n_samples = 70000;
        so.n_clusters = 10;
        so.dim = 784;
        source = "synthetic";
        return make_synthetic(so);
    }
}

// `x` times a fixed random Gaussian matrix (entries N(0, 1/cols), drawn from `seed`): rows × k.
inline Matrix random_projection(const Matrix& x, std::size_t k, std::uint64_t seed) {
    const std::size_t d = x.cols();
    Matrix proj(d, k);
    Rng rng(seed);
    for (std::size_t i = 0; i < proj.size(); ++i) proj.data()[i] = static_cast<float>(rng.normal() / std::sqrt(double(d)));
    Matrix out(x.rows(), k);
    sgemm(Trans::N, Trans::N, x.rows(), k, d, 1.0f, x.data(), d, proj.data(), k, 0.0f, out.data(), k);
    return out;
}

}  // namespace n2d::bench
