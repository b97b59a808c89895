// Times the SIMD kernel sites on the active target (N2D_SIMD picks it) with a plain clock, no
// Google Benchmark, so it cross-builds for aarch64 and runs under qemu-user (bench/qemu-neon.sh).
// Prints one line per kernel: name, best-of-5 milliseconds, and a checksum that must not depend
// on the target beyond rounding.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "n2d/blas/gemm.hpp"
#include "n2d/blas/detail/vector.hpp"
#include "n2d/cluster/gaussian_mixture.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/knn/detail/metric.hpp"
#include "n2d/umap/detail/sgd_kernels.hpp"

using namespace n2d;

namespace {

std::vector<float> noise(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(rng.uniform(-1, 1));
    return v;
}

void report(const char* name, const std::function<double()>& body) {
    double best = 1e300, check = 0.0;
    for (int rep = 0; rep < 5; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        check = body();
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (ms < best) best = ms;
    }
    std::printf("%-34s %10.2f ms   checksum %.6g\n", name, best, check);
}

}  // namespace

int main() {
    const SimdTarget t = active_target();
    std::printf("SIMD target: %s (1 thread)\n", to_string(t));
    ThreadPool pool(1);

    const std::size_t n = 128;
    const auto A = noise(n * n, 1), B = noise(n * n, 2);
    std::vector<float> C(n * n);
    report("sgemm 128x128x128", [&] {
        sgemm(t, pool, Trans::N, Trans::N, n, n, n, 1.0f, A.data(), n, B.data(), n, 0.0f, C.data(), n);
        return double(C[0] + C[n * n - 1]);
    });

    const auto x = noise(1 << 16, 3), y0 = noise(1 << 16, 4);
    std::vector<float> y = y0;
    const VectorKernels& vk = vector_kernels(t);
    report("dot + axpy, 65536 floats x 20", [&] {
        double s = 0.0;
        for (int r = 0; r < 20; ++r) {
            s += vk.dot(x.size(), x.data(), y0.data());
            vk.axpy(x.size(), 1e-3f, x.data(), y.data());
        }
        return s;
    });

    const std::size_t dim = 64, rows = 2048;
    const auto pts = noise(rows * dim, 5);
    std::vector<const float*> others;
    for (std::size_t i = 0; i < rows; ++i) others.push_back(pts.data() + i * dim);
    std::vector<float> dist(rows);
    const auto& dk = knn_detail::distance_kernels(knn_detail::Kernel::sqeuclidean, t);
    report("kNN sq-euclidean, 64 x 2048 x 2048", [&] {
        double s = 0.0;
        for (std::size_t i = 0; i < 64; ++i) {
            dk.many(others[i], others.data(), rows, dim, 2.0f, dist.data());
            s += dist[rows - 1];
        }
        return s;
    });

    const ForceCurve curve(1.577, 0.8951, 1.0f);
    auto d2 = noise(1 << 15, 6);
    for (auto& v : d2) v = v * v * 10.0f;
    const ForceBatchFn repel = repel_forces_fn(t);
    report("UMAP repulsion forces, 32768", [&] {
        float coef[kForceBatch];
        double s = 0.0;
        for (std::size_t i = 0; i + kForceBatch <= d2.size(); i += kForceBatch) {
            repel(curve, d2.data() + i, coef);
            s += coef[0];
        }
        return s;
    });

    Matrix data(4000, 10);
    const auto g = noise(data.size(), 7);
    std::copy(g.begin(), g.end(), data.data());
    report("GMM full, k = 5, 4000 x 10, 5 EM", [&] {
        GaussianMixtureOptions o;
        o.n_components = 5;
        o.tol = 0;
        o.max_iter = 5;
        GaussianMixture gm(o);
        gm.fit(data);
        return gm.lower_bound();
    });
    return 0;
}
