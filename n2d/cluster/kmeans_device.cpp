// The CPU device's k-means assignment op: exact squared distances in double, first centre on
// ties (the reference a device's kmeans_assign is checked against).
#include <cstdint>
#include <limits>

#include "n2d/core/thread_pool.hpp"
#include "n2d/device/detail/cpu_ops.hpp"

namespace n2d::inline v0 {

void cpu_kmeans_assign(ThreadPool& pool, const KmeansAssignArgs& a) {
    N2D_ASSERT(a.k >= 1, "kmeans_assign needs at least one centre");
    const float* x = a.x.host<float>();
    const float* c = a.centers.host<float>();
    std::int32_t* labels = a.labels.host<std::int32_t>();
    double* dist2 = a.dist2.host<double>();
    pool.parallel_for(0, a.n, 256, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            const float* xi = x + i * a.d;
            double best = std::numeric_limits<double>::infinity();
            std::int32_t arg = 0;
            for (std::size_t j = 0; j < a.k; ++j) {
                const float* cj = c + j * a.d;
                double s = 0.0;
                for (std::size_t t = 0; t < a.d; ++t) {
                    const double diff = double(xi[t]) - double(cj[t]);
                    s += diff * diff;
                }
                if (s < best) {
                    best = s;
                    arg = static_cast<std::int32_t>(j);
                }
            }
            labels[i] = arg;
            dist2[i] = best;
        }
    });
}

}  // namespace n2d
