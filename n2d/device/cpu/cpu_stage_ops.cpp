// Placeholder CPU stage ops (replaced by the stage modules' implementations).
#include <algorithm>
#include <limits>
#include <vector>

#include "n2d/core/thread_pool.hpp"
#include "n2d/device/detail/cpu_ops.hpp"

namespace n2d::inline v0 {

void cpu_knn_tile(ThreadPool& pool, const KnnTileArgs& a) {
    const float* q = a.queries.host<float>();
    const float* r = a.refs.host<float>();
    std::int32_t* idx = a.indices.host<std::int32_t>();
    float* dist = a.distances.host<float>();
    pool.parallel_for(0, a.n_queries, 16, [&](std::size_t lo, std::size_t hi, std::size_t) {
        std::vector<std::pair<float, std::int32_t>> cand(a.n_refs);
        for (std::size_t i = lo; i < hi; ++i) {
            for (std::size_t j = 0; j < a.n_refs; ++j) {
                float s = 0.0f;
                for (std::size_t t = 0; t < a.dim; ++t) {
                    const float d = q[i * a.dim + t] - r[j * a.dim + t];
                    s += d * d;
                }
                cand[j] = {s, static_cast<std::int32_t>(j)};
            }
            const std::size_t m = std::min(a.k, a.n_refs);
            std::partial_sort(cand.begin(), cand.begin() + m, cand.end());
            for (std::size_t c = 0; c < a.k; ++c) {
                idx[i * a.k + c] = c < m ? cand[c].second : -1;
                dist[i * a.k + c] = c < m ? cand[c].first : std::numeric_limits<float>::infinity();
            }
        }
    });
}

void cpu_kmeans_assign(ThreadPool& pool, const KmeansAssignArgs& a) {
    const float* x = a.x.host<float>();
    const float* c = a.centers.host<float>();
    std::int32_t* labels = a.labels.host<std::int32_t>();
    double* dist2 = a.dist2.host<double>();
    pool.parallel_for(0, a.n, 256, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            double best = std::numeric_limits<double>::infinity();
            std::int32_t arg = 0;
            for (std::size_t j = 0; j < a.k; ++j) {
                double s = 0.0;
                for (std::size_t t = 0; t < a.d; ++t) {
                    const double d = double(x[i * a.d + t]) - double(c[j * a.d + t]);
                    s += d * d;
                }
                if (s < best) { best = s; arg = static_cast<std::int32_t>(j); }
            }
            labels[i] = arg;
            dist2[i] = best;
        }
    });
}

}  // namespace n2d
