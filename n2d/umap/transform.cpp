// Umap::transform — new points embedded against the fixed training embedding (umap-learn's
// transform / init_graph_transform), made batch-independent (see umap.hpp).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/umap/detail/optimize_layout.hpp"
#include "n2d/umap/umap.hpp"

namespace n2d::inline v0 {

namespace {

// Seed of one point's negative-sample stream: transform_seed mixed with the point's bits.
std::uint64_t point_seed(std::uint64_t seed, const float* row, std::size_t d) {
    std::uint64_t h = derive_seed(seed, d, 0x5472616Eull);
    for (std::size_t j = 0; j < d; ++j) {
        std::uint32_t bits;
        std::memcpy(&bits, row + j, sizeof bits);
        h = derive_seed(h, bits, j);
    }
    return h;
}

}  // namespace

Matrix Umap::transform(ConstMatrixView x) const {
    N2D_REQUIRE(fitted(), "Umap::transform: the model is not fitted; call fit() or load() first");
    N2D_REQUIRE(x.cols == index_.dim(), "Umap::transform: input has " + std::to_string(x.cols) +
                                            " columns but the model was fitted on " + std::to_string(index_.dim()));
    require_finite(x, "UMAP transform input");
    const std::size_t m = x.rows, dim = embedding_.cols(), n_train = embedding_.rows();
    Matrix out(m, dim);
    if (m == 0) return out;

    const std::size_t k = std::min(k_, n_train);
    const KnnGraph nn = index_.query(x, k, options_.transform_epsilon);
    SmoothKnnOptions so;
    so.n_neighbors = static_cast<float>(k);
    so.local_connectivity = std::max(0.0f, options_.local_connectivity - 1.0f);
    so.row_local_floor = true;
    const SmoothKnnResult sr = smooth_knn_dist(nn.distances.data(), m, nn.k, so, options_.pool);
    const SparseGraph g = membership_graph(nn.indices.data(), nn.distances.data(), m, nn.k, n_train, sr, true);

    // Initial positions: a neighbour with weight exactly 1 (first by index) gives its position,
    // otherwise the weighted mean of the neighbours' positions.
    for (std::size_t i = 0; i < m; ++i) {
        float* xi = out.row(i);
        const std::size_t b = g.row_begin(i), e = g.row_end(i);
        if (b == e) {  // every weight underflowed: start at the nearest neighbour
            std::memcpy(xi, embedding_.row(static_cast<std::size_t>(nn.indices[i * nn.k])), dim * sizeof(float));
            continue;
        }
        std::size_t exact = e;
        for (std::size_t p = b; p < e && exact == e; ++p)
            if (g.weights[p] == 1.0f) exact = p;
        if (exact != e) {
            std::memcpy(xi, embedding_.row(static_cast<std::size_t>(g.indices[exact])), dim * sizeof(float));
            continue;
        }
        double total = 0.0;
        for (std::size_t p = b; p < e; ++p) total += g.weights[p];
        for (std::size_t c = 0; c < dim; ++c) {
            double s = 0.0;
            for (std::size_t p = b; p < e; ++p)
                s += g.weights[p] * embedding_(static_cast<std::size_t>(g.indices[p]), c);
            xi[c] = static_cast<float>(s / total);
        }
    }

    LayoutParams lp;
    lp.a = a_;
    lp.b = b_;
    lp.repulsion_strength = options_.repulsion_strength;
    lp.learning_rate = options_.learning_rate / 4.0f;
    lp.negative_sample_rate = options_.negative_sample_rate;
    lp.n_epochs = options_.n_epochs ? std::max<std::size_t>(*options_.n_epochs / 3, 1) : 100;
    std::vector<std::uint64_t> seeds(m);
    for (std::size_t i = 0; i < m; ++i) seeds[i] = point_seed(options_.transform_seed, x.row(i), x.cols);
    optimize_points(out, embedding_, g, lp, seeds, options_.pool);
    return out;
}

}  // namespace n2d
