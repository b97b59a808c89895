// build_knn: option checks, the exact / NN-descent choice, and the conversion of reduced
// neighbour lists into the public graph (true distances, the point itself first).
#include <cmath>
#include <limits>
#include <string>

#include "n2d/device/detail/offload.hpp"
#include "n2d/knn/detail/build.hpp"

namespace n2d::inline v0 {
namespace knn_detail {

namespace {
// Python's round(): halves to even.
std::size_t round_half_even(double x) { return static_cast<std::size_t>(std::nearbyint(x)); }
}  // namespace

ResolvedOptions resolve(std::size_t n, const KnnOptions& o) {
    N2D_REQUIRE(o.n_neighbors > 0, "n_neighbors is 0; pass at least 1");
    const std::size_t others = o.n_neighbors - (o.include_self ? 1 : 0);  // neighbours besides the point
    N2D_REQUIRE(n > 0, "kNN data has no rows; pass at least one point");
    N2D_REQUIRE(others <= n - 1,
                "n_neighbors = " + std::to_string(o.n_neighbors) + " needs " + std::to_string(others) +
                    " neighbours besides each point but the data has only " + std::to_string(n) + " points" +
                    (o.include_self ? " (the point itself counts as its first neighbour)" : "") +
                    "; pass n_neighbors <= " + std::to_string(o.include_self ? n : n - 1));
    N2D_REQUIRE(std::isfinite(o.delta) && o.delta >= 0.0f,
                "delta = " + std::to_string(o.delta) + " is invalid; pass a finite value >= 0 (default 0.001)");
    ResolvedOptions r;
    r.method = o.method;
    if (r.method == KnnMethod::automatic) r.method = n < kExactBelow ? KnnMethod::exact : KnnMethod::nn_descent;
    r.device = offload_device(o.device, DeviceOp::knn_tile);
    r.nnd.k = others;
    r.nnd.delta = o.delta;
    r.nnd.seed = o.seed;
    const double dn = static_cast<double>(n);
    r.nnd.n_trees = o.n_trees.value_or(std::min<std::size_t>(32, 5 + round_half_even(std::pow(dn, 0.25))));
    r.nnd.n_iters = o.n_iters.value_or(std::max<std::size_t>(5, round_half_even(std::log2(dn))));
    r.nnd.max_candidates = o.max_candidates.value_or(std::min<std::size_t>(60, (3 * o.n_neighbors + 1) / 2));
    r.nnd.leaf_size = o.leaf_size.value_or(std::max<std::size_t>(10, o.n_neighbors));
    N2D_REQUIRE(r.nnd.max_candidates > 0, "max_candidates is 0; pass at least 1 (default min(60, 1.5 n_neighbors))");
    N2D_REQUIRE(r.nnd.leaf_size > 1, "leaf_size must be at least 2 (default max(10, n_neighbors))");
    return r;
}

Neighbors search_training(const Space& space, const ResolvedOptions& r, ThreadPool& pool,
                          const ProgressReporter& progress) {
    if (r.nnd.k == 0) return Neighbors(space.size(), 0);
    if (r.method == KnnMethod::exact && r.device && space.gemm_friendly())
        return device_exact_search(*r.device, space, r.nnd.k, pool, &progress);
    if (r.method == KnnMethod::exact)
        return exact_search(space, space.data().data(), space.size(), r.nnd.k, true, pool, &progress);
    return nn_descent(space, r.nnd, pool, &progress);
}

KnnGraph to_graph(const Space& space, const Neighbors& nb, bool self_first) {
    KnnGraph g;
    g.n = nb.n;
    g.k = nb.k + (self_first ? 1 : 0);
    g.indices.resize(g.n * g.k);
    g.distances.resize(g.n * g.k);
    for (std::size_t i = 0; i < g.n; ++i) {
        std::int32_t* gi = g.indices.data() + i * g.k;
        float* gd = g.distances.data() + i * g.k;
        if (self_first) {
            *gi++ = static_cast<std::int32_t>(i);
            *gd++ = 0.0f;
        }
        for (std::size_t j = 0; j < nb.k; ++j) {
            gi[j] = nb.idx[i * nb.k + j];
            gd[j] = gi[j] < 0 ? std::numeric_limits<float>::infinity() : space.to_true(nb.dist[i * nb.k + j]);
        }
    }
    return g;
}

}  // namespace knn_detail

KnnGraph build_knn(ConstMatrixView data, const KnnOptions& options) {
    using namespace knn_detail;
    ThreadPool& pool = pool_or_default(options.pool);
    const ResolvedOptions r = resolve(data.rows, options);
    const Space space(data, options.metric, options.minkowski_p, pool);
    const ProgressReporter progress(options.progress);
    return to_graph(space, search_training(space, r, pool, progress), options.include_self);
}

}  // namespace n2d
