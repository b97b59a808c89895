#include "n2d/umap/detail/spectral_init.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/knn/detail/metric.hpp"
#include "n2d/linalg/detail/kd_tree.hpp"
#include "n2d/linalg/detail/lanczos.hpp"
#include "n2d/linalg/detail/normalized_adjacency.hpp"
#include "n2d/linalg/detail/squared_distance.hpp"

namespace n2d::inline v0 {

std::vector<int> connected_components(const SparseGraph& graph, std::size_t& n_components) {
    const std::size_t n = graph.n_rows;
    std::vector<int> label(n, -1);
    std::vector<std::size_t> queue;
    queue.reserve(n);
    int next = 0;
    for (std::size_t s = 0; s < n; ++s) {
        if (label[s] >= 0) continue;
        label[s] = next;
        queue.assign(1, s);
        for (std::size_t q = 0; q < queue.size(); ++q) {
            const std::size_t v = queue[q];
            for (std::size_t e = graph.row_begin(v); e < graph.row_end(v); ++e) {
                const auto u = static_cast<std::size_t>(graph.indices[e]);
                if (label[u] < 0) {
                    label[u] = next;
                    queue.push_back(u);
                }
            }
        }
        ++next;
    }
    n_components = static_cast<std::size_t>(next);
    return label;
}

Matrix random_layout(std::size_t n, std::size_t n_components, std::uint64_t seed) {
    Matrix m(n, n_components);
    Rng rng(seed, 0x52616E64ull);
    for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(rng.uniform(-10.0, 10.0));
    return m;
}

void noisy_scale(MatrixView layout, std::uint64_t seed) {
    float largest = 0.0f;
    for (std::size_t i = 0; i < layout.rows; ++i)
        for (std::size_t j = 0; j < layout.cols; ++j) largest = std::max(largest, std::fabs(layout(i, j)));
    const float factor = largest > 0.0f ? 10.0f / largest : 1.0f;
    Rng rng(seed, 0x4E6F6973ull);
    for (std::size_t i = 0; i < layout.rows; ++i)
        for (std::size_t j = 0; j < layout.cols; ++j)
            layout(i, j) = layout(i, j) * factor + static_cast<float>(rng.normal(0.0, 1e-4));
}

void rescale_to_box(MatrixView layout) {
    for (std::size_t j = 0; j < layout.cols; ++j) {
        float lo = std::numeric_limits<float>::infinity(), hi = -lo;
        for (std::size_t i = 0; i < layout.rows; ++i) {
            lo = std::min(lo, layout(i, j));
            hi = std::max(hi, layout(i, j));
        }
        const float range = hi - lo;
        for (std::size_t i = 0; i < layout.rows; ++i)
            layout(i, j) = range > 0.0f ? 10.0f * (layout(i, j) - lo) / range : 0.0f;
    }
}

namespace {

// The `dim` eigenvectors of M = D^-1/2 W D^-1/2 after the trivial one (largest eigenvalues
// first), column-major n × dim. `dense` (n × n, row-major M) is used when given, else `op`.
std::vector<double> nontrivial_eigenvectors(std::size_t n, const std::vector<double>& sqrt_deg, const double* dense,
                                            const SymmetricOperator& op, std::size_t dim,
                                            const SpectralOptions& options, std::uint64_t seed, ThreadPool& pool,
                                            bool& converged) {
    std::vector<double> out(n * dim);
    if (dense) {
        std::vector<double> values, vectors;
        jacobi_eigen(n, std::vector<double>(dense, dense + n * n), values, vectors);
        for (std::size_t c = 0; c < dim; ++c)  // skip column n-1 (eigenvalue 1, the trivial vector)
            for (std::size_t i = 0; i < n; ++i) out[c * n + i] = vectors[i * n + (n - 2 - c)];
        converged = true;
        return out;
    }
    std::vector<double> trivial(sqrt_deg);
    double norm = 0.0;
    for (double x : trivial) norm += x * x;
    norm = std::sqrt(norm);
    for (double& x : trivial) x /= norm;
    LanczosOptions lo;
    lo.n_eigen = dim;
    lo.tol = options.tol;
    lo.max_matvecs = options.max_matvecs;
    lo.seed = seed;
    lo.deflate = trivial.data();
    lo.n_deflate = 1;
    LanczosResult r = lanczos_largest(n, op, lo, &pool);
    converged = r.converged;
    return std::move(r.vectors);
}

// Spectral layout of one connected graph (n × dim, unscaled).
Matrix connected_layout(const SparseGraph& g, std::size_t dim, const SpectralOptions& options, std::uint64_t seed,
                        ThreadPool& pool, bool& converged) {
    const std::size_t n = g.n_rows;
    if (n <= dim + 1) {  // too small for dim non-trivial eigenvectors: umap-learn's random fallback
        converged = false;
        return random_layout(n, dim, seed);
    }
    const NormalizedAdjacency adjacency(CsrView{n, g.indptr.data(), g.indices.data(), g.weights.data()});
    std::vector<double> dense;
    if (n <= options.dense_limit) dense = adjacency.dense();
    const SymmetricOperator op = adjacency.op(pool);
    const std::vector<double>& sqrt_deg = adjacency.sqrt_degree();
    std::vector<double> vecs = nontrivial_eigenvectors(n, sqrt_deg, dense.empty() ? nullptr : dense.data(), op, dim,
                                                       options, seed, pool, converged);
    fix_eigenvector_signs(vecs.data(), n, dim);
    Matrix out(n, dim);
    for (std::size_t c = 0; c < dim; ++c)
        for (std::size_t i = 0; i < n; ++i) out(i, c) = static_cast<float>(vecs[c * n + i]);
    return out;
}

// The points' (nc × cols, row-major) principal components, nc × dim, the largest coordinate
// scaled to 1: memory linear in nc, for more components than a dense affinity can hold.
std::vector<double> principal_layout(const std::vector<double>& points, std::size_t nc, std::size_t cols,
                                     std::size_t dim) {
    std::vector<double> mean(cols, 0.0), centred(cols), cov(cols * cols, 0.0);
    for (std::size_t p = 0; p < nc; ++p)
        for (std::size_t j = 0; j < cols; ++j) mean[j] += points[p * cols + j] / static_cast<double>(nc);
    for (std::size_t p = 0; p < nc; ++p) {
        for (std::size_t j = 0; j < cols; ++j) centred[j] = points[p * cols + j] - mean[j];
        for (std::size_t i = 0; i < cols; ++i)
            for (std::size_t j = i; j < cols; ++j) cov[i * cols + j] += centred[i] * centred[j];
    }
    for (std::size_t i = 0; i < cols; ++i)
        for (std::size_t j = 0; j < i; ++j) cov[i * cols + j] = cov[j * cols + i];
    std::vector<double> values, vectors;
    jacobi_eigen(cols, std::move(cov), values, vectors);  // ascending: the largest is column cols - 1
    std::vector<double> meta(nc * dim, 0.0);
    double largest = 0.0;
    for (std::size_t p = 0; p < nc; ++p)
        for (std::size_t c = 0; c < std::min(dim, cols); ++c) {
            double s = 0.0;
            for (std::size_t j = 0; j < cols; ++j) s += (points[p * cols + j] - mean[j]) * vectors[j * cols + (cols - 1 - c)];
            meta[p * dim + c] = s;
            largest = std::max(largest, std::fabs(s));
        }
    if (largest > 0.0)
        for (double& v : meta) v /= largest;
    return meta;
}

// Positions of the components (nc × dim, row-major doubles).
std::vector<double> component_meta_layout(const std::vector<int>& labels, std::size_t nc, std::size_t dim,
                                          const SpectralOptions& options, ThreadPool& pool) {
    std::vector<double> meta(nc * dim, 0.0);
    if (nc <= 2 * dim || options.data.empty()) {  // ±unit axes
        const std::size_t half = (nc + 1) / 2;
        for (std::size_t c = 0; c < nc; ++c) {
            const std::size_t axis = c < half ? c : c - half;
            if (axis < dim) meta[c * dim + axis] = c < half ? 1.0 : -1.0;
        }
        return meta;
    }
    // Spectral embedding of the component centroids under affinity exp(-d²) (sklearn's
    // SpectralEmbedding(affinity = "precomputed") as umap-learn's component_layout calls it).
    const ConstMatrixView& x = options.data;
    std::vector<double> sums(nc * x.cols, 0.0);
    std::vector<std::size_t> counts(nc, 0);
    for (std::size_t i = 0; i < x.rows; ++i) {
        const auto c = static_cast<std::size_t>(labels[i]);
        ++counts[c];
        for (std::size_t j = 0; j < x.cols; ++j) sums[c * x.cols + j] += x(i, j);
    }
    for (std::size_t c = 0; c < nc; ++c)
        for (std::size_t j = 0; j < x.cols; ++j) sums[c * x.cols + j] /= static_cast<double>(counts[c]);
    if (nc > options.meta_dense_limit) return principal_layout(sums, nc, x.cols, dim);
    Matrix centroids(nc, x.cols);
    for (std::size_t c = 0; c < nc; ++c)
        for (std::size_t j = 0; j < x.cols; ++j) centroids(c, j) = static_cast<float>(sums[c * x.cols + j]);
    const knn_detail::Space space(centroids, options.metric, options.minkowski_p, pool);
    std::vector<double> affinity(nc * nc), sqrt_deg(nc);
    for (std::size_t p = 0; p < nc; ++p)
        for (std::size_t q = 0; q < nc; ++q) {
            const double d = space.to_true(space.distance(space.row(p), space.row(q)));
            affinity[p * nc + q] = p == q ? 1.0 : std::exp(-d * d);
        }
    for (std::size_t p = 0; p < nc; ++p) {
        double d = 0.0;
        for (std::size_t q = 0; q < nc; ++q) d += affinity[p * nc + q];
        sqrt_deg[p] = std::sqrt(d);
    }
    for (std::size_t p = 0; p < nc; ++p)
        for (std::size_t q = 0; q < nc; ++q) affinity[p * nc + q] /= sqrt_deg[p] * sqrt_deg[q];
    const bool dense = nc <= std::max<std::size_t>(options.dense_limit, 512);
    SymmetricOperator op = [&](const double* in, double* out) {
        for (std::size_t p = 0; p < nc; ++p) {
            double s = 0.0;
            for (std::size_t q = 0; q < nc; ++q) s += affinity[p * nc + q] * in[q];
            out[p] = s;
        }
    };
    bool converged = false;
    std::vector<double> vecs = nontrivial_eigenvectors(nc, sqrt_deg, dense ? affinity.data() : nullptr, op, dim,
                                                       options, derive_seed(options.seed, 0x4D657461ull), pool,
                                                       converged);
    for (std::size_t c = 0; c < dim; ++c)  // random-walk eigenvectors, as sklearn returns them
        for (std::size_t p = 0; p < nc; ++p) vecs[c * nc + p] /= sqrt_deg[p];
    fix_eigenvector_signs(vecs.data(), nc, dim);
    double largest = -std::numeric_limits<double>::infinity();
    for (double v : vecs) largest = std::max(largest, v);
    if (!(largest > 0.0)) largest = 1.0;
    for (std::size_t p = 0; p < nc; ++p)
        for (std::size_t c = 0; c < dim; ++c) meta[p * dim + c] = vecs[c * nc + p] / largest;
    return meta;
}

// Points per leaf of nearest_positive_distances' kd-tree.
constexpr std::size_t kSpectralLeaf = 8;

}  // namespace

std::vector<double> nearest_positive_distances(const std::vector<double>& points, std::size_t n, std::size_t dim,
                                               ThreadPool* pool_ptr) {
    N2D_REQUIRE(points.size() == n * dim, "nearest_positive_distances: " + std::to_string(points.size()) +
                                              " coordinates for " + std::to_string(n) + " x " + std::to_string(dim));
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> out(n, inf);
    auto row = [&](std::size_t i) { return points.data() + i * dim; };
    auto brute = [&](std::size_t c) {
        double best = inf;
        for (std::size_t o = 0; o < n; ++o) {
            const double d2 = detail::squared_euclidean(row(c), row(o), dim);
            if (d2 > 0.0) best = std::min(best, d2);
        }
        return best;
    };
    ThreadPool& pool = pool_or_default(pool_ptr);
    bool finite = true;
    for (double v : points) finite = finite && std::isfinite(v);
    // The tree's ordering needs finite coordinates, its box bound at most KdTree::kMaxDims.
    if (!finite || dim == 0 || dim > detail::KdTree::kMaxDims) {
        pool.parallel_for(0, n, 64, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t c = lo; c < hi; ++c) out[c] = std::sqrt(brute(c));
        });
        return out;
    }
    // Equal points have equal distances to everything: one representative each, so a point's
    // many duplicates (skipped, at distance 0) are not searched over and over.
    std::vector<std::size_t> by_coords(n), rep(n);
    for (std::size_t i = 0; i < n; ++i) by_coords[i] = i;
    std::sort(by_coords.begin(), by_coords.end(), [&](std::size_t p, std::size_t q) {
        return std::lexicographical_compare(row(p), row(p) + dim, row(q), row(q) + dim);
    });
    std::vector<std::size_t> order;  // the representatives
    order.reserve(n);
    for (std::size_t r = 0; r < n; ++r) {
        const std::size_t i = by_coords[r];
        if (r == 0 || !std::equal(row(i), row(i) + dim, row(order.back()))) order.push_back(i);
        rep[i] = order.back();
    }
    by_coords = std::vector<std::size_t>();
    // A node is skipped when its box's squared gap to the query (rounded down below every
    // squared_euclidean in it) exceeds the best squared distance so far, so the minimum found
    // is exactly the brute-force one.
    const detail::KdTree tree(points.data(), dim, std::move(order), kSpectralLeaf);
    std::vector<double> best_of(n, inf);  // set at the representatives
    pool.parallel_for(0, tree.size(), 64, [&](std::size_t lo, std::size_t hi, std::size_t) {
        std::vector<detail::KdTree::Pending> stack;  // bounds: squared distances
        for (std::size_t pos = lo; pos < hi; ++pos) {
            const double* q = tree.point(pos);
            double best = inf;
            tree.search_nearest(stack, q, [&] { return best; }, [&](const detail::KdTree::Node& node) {
                for (std::size_t i = node.begin; i < node.end; ++i) {
                    const double d2 = detail::squared_euclidean(q, tree.point(i), dim);
                    if (d2 > 0.0) best = std::min(best, d2);
                }
            });
            best_of[tree.row(pos)] = best;
        }
    });
    for (std::size_t c = 0; c < n; ++c) out[c] = std::sqrt(best_of[rep[c]]);
    return out;
}

namespace {

// The subgraph induced by `members` (ascending vertex ids), relabelled 0..size-1.
SparseGraph induced_subgraph(const SparseGraph& g, const std::vector<std::size_t>& members,
                             std::vector<std::int32_t>& local_id) {
    SparseGraph s;
    s.n_rows = s.n_cols = members.size();
    s.indptr.assign(members.size() + 1, 0);
    for (std::size_t l = 0; l < members.size(); ++l) local_id[members[l]] = static_cast<std::int32_t>(l);
    for (std::size_t l = 0; l < members.size(); ++l) {
        const std::size_t v = members[l];
        for (std::size_t e = g.row_begin(v); e < g.row_end(v); ++e) {
            s.indices.push_back(local_id[static_cast<std::size_t>(g.indices[e])]);
            s.weights.push_back(g.weights[e]);
        }
        s.indptr[l + 1] = s.indices.size();
    }
    return s;
}

}  // namespace

Matrix spectral_layout(const SparseGraph& graph, const SpectralOptions& options, ThreadPool* pool_ptr,
                       bool* converged) {
    ThreadPool& pool = pool_or_default(pool_ptr);
    const std::size_t dim = options.n_components, n = graph.n_rows;
    N2D_REQUIRE(dim >= 1, "spectral_layout: n_components must be >= 1");
    N2D_REQUIRE(graph.n_cols == n, "spectral_layout: the graph must be square");
    N2D_REQUIRE(options.data.empty() || options.data.rows == n,
                "spectral_layout: data has " + std::to_string(options.data.rows) + " rows for a graph of " +
                    std::to_string(n) + " vertices");
    std::size_t nc = 0;
    const std::vector<int> labels = connected_components(graph, nc);
    bool all_converged = true;
    Matrix out;
    if (nc <= 1) {
        out = connected_layout(graph, dim, options, options.seed, pool, all_converged);
    } else {
        const std::vector<double> meta = component_meta_layout(labels, nc, dim, options, pool);
        std::vector<std::vector<std::size_t>> members(nc);
        for (std::size_t i = 0; i < n; ++i) members[static_cast<std::size_t>(labels[i])].push_back(i);
        out = Matrix(n, dim);
        std::vector<std::int32_t> local_id(n, -1);
        const std::vector<double> nearest_centre = nearest_positive_distances(meta, nc, dim, &pool);
        for (std::size_t c = 0; c < nc; ++c) {
            // Half the distance to the nearest other component centre.
            const double nearest = nearest_centre[c];
            const double range = std::isfinite(nearest) ? nearest / 2.0 : 1.0;
            const std::vector<std::size_t>& mem = members[c];
            const std::uint64_t seed = derive_seed(options.seed, 0x436F6D70ull, c);
            if (mem.size() < 2 * dim || mem.size() <= dim + 1) {
                Rng rng(seed);
                for (std::size_t v : mem)
                    for (std::size_t j = 0; j < dim; ++j)
                        out(v, j) = static_cast<float>(rng.uniform(-range, range) + meta[c * dim + j]);
                continue;
            }
            bool ok = true;
            const Matrix sub = connected_layout(induced_subgraph(graph, mem, local_id), dim, options, seed, pool, ok);
            all_converged = all_converged && ok;
            float largest = 0.0f;
            for (std::size_t i = 0; i < sub.size(); ++i) largest = std::max(largest, std::fabs(sub.data()[i]));
            const double scale = largest > 0.0f ? range / largest : 0.0;
            for (std::size_t l = 0; l < mem.size(); ++l)
                for (std::size_t j = 0; j < dim; ++j)
                    out(mem[l], j) = static_cast<float>(sub(l, j) * scale + meta[c * dim + j]);
        }
    }
    if (converged) *converged = all_converged;
    return out;
}

}  // namespace n2d
