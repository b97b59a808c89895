// k-nearest-neighbour graphs: exact (blocked GEMM distance tiles) and NN-descent (Dong et
// al. 2011, as pynndescent 0.5.8 runs it: random-projection forest init, sampled local joins,
// early stop), plus a query index for new points (tree leaf seeds + best-first graph search).
//
// Distances. euclidean runs as squared euclidean internally and reports sqrt; cosine and
// correlation run as squared euclidean on unit-normalised (correlation: row-centred) rows and
// report 1 − cos; manhattan, chebyshev and minkowski(p) use their own kernels. Distances are
// float32 as pynndescent computes them.
//
// Reproducibility contract. For a given seed, SIMD target (N2D_SIMD) and input, build_knn,
// KnnIndex::build and KnnIndex::query return bit-identical results at ANY thread count:
// every random draw comes from a stream derived from (seed, tree / iteration / vertex), work is
// split into chunks whose boundaries do not depend on the thread count, and heap updates are
// applied per destination vertex in chunk order. Different SIMD targets sum in a different
// order, so the last bits of distances (and hence near-tie choices) may differ between them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"

namespace n2d::inline v0 {

class ThreadPool;
class Device;

enum class Metric { euclidean, cosine, correlation, manhattan, chebyshev, minkowski };

// "euclidean"/"l2", "cosine", "correlation", "manhattan"/"l1"/"cityblock"/"taxicab",
// "chebyshev"/"linfinity"/"linf", "minkowski"; throws n2d::Error listing the accepted names.
Metric parse_metric(const std::string& name);
const char* to_string(Metric metric) noexcept;

struct KnnGraph {
    std::size_t n = 0, k = 0;
    std::vector<std::int32_t> indices;  // n*k row-major, each row sorted by ascending distance
    std::vector<float> distances;       // true metric distances (euclidean: not squared)

    const std::int32_t* row_indices(std::size_t i) const noexcept { return indices.data() + i * k; }
    const float* row_distances(std::size_t i) const noexcept { return distances.data() + i * k; }
};

enum class KnnMethod { automatic, exact, nn_descent };

struct KnnOptions {
    // Neighbours per point, the point itself included when include_self is set (as UMAP's k).
    std::size_t n_neighbors = 15;
    Metric metric = Metric::euclidean;
    float minkowski_p = 2;  // p >= 1 for Metric::minkowski (1 = manhattan, 2 = euclidean)
    // automatic: exact below 4096 points (umap-learn's rule), NN-descent from there on.
    KnnMethod method = KnnMethod::automatic;
    // NN-descent knobs; unset = pynndescent's NNDescent defaults
    //   n_trees = min(32, 5 + round(n^0.25)), n_iters = max(5, round(log2 n)),
    // except max_candidates = min(60, round-half-up(1.5 n_neighbors)) where pynndescent has
    // min(60, n_neighbors): with that, our recall@20 on a 70000 × 10 MNIST projection was 0.9925
    // against pynndescent's 0.9968; 1.5× the candidates gives ≥ its recall, still > 2× faster.
    // (umap-learn passes n_trees = min(64, 5 + round(sqrt(n)/20)) and max_candidates = 60.)
    std::optional<std::size_t> n_trees, n_iters, max_candidates;
    // Leaf size of the random-projection trees; unset = max(10, n_neighbors).
    std::optional<std::size_t> leaf_size;
    // NN-descent stops after an iteration with at most delta * n * n_neighbors heap updates.
    float delta = 0.001f;
    // A point is its own first neighbour at distance 0, as umap-learn's graphs have it.
    // Other exact duplicates follow it at distance 0.
    bool include_self = true;
    std::uint64_t seed = 0;
    ProgressCallback progress;  // stage "knn": one step per tree batch / NN-descent iteration
    ThreadPool* pool = nullptr;  // nullptr = default_pool()
    // Where to run (null: the CPU); not serialised. A GPU runs the exact search of the training
    // graph (euclidean, cosine, correlation) as kNN tiles; the host re-ranks each row's
    // candidates with the CPU's exact kernel, so distances are the CPU path's. NN-descent, the
    // other metrics and KnnIndex::query run on the CPU.
    Device* device = nullptr;
};

// The k-nearest-neighbour graph of the rows of `data` (n × d, finite values). Throws
// n2d::Error for empty data, NaN/Inf, n_neighbors = 0 or more neighbours than points.
KnnGraph build_knn(ConstMatrixView data, const KnnOptions& options);

// Query index over training points; immutable after build; query() is const and thread-safe.
class KnnIndex {
public:
    KnnIndex();
    ~KnnIndex();
    KnnIndex(KnnIndex&&) noexcept;
    KnnIndex& operator=(KnnIndex&&) noexcept;
    KnnIndex(const KnnIndex&);
    KnnIndex& operator=(const KnnIndex&);

    // Builds the training graph (as build_knn) and the search structures.
    static KnnIndex build(ConstMatrixView data, const KnnOptions& options);
    const KnnGraph& graph() const;

    // The k nearest training points of each query row (no self exclusion: a query equal to a
    // training point finds it at distance 0). A query's result depends only on that query row,
    // never on the other rows of the call. Indices built exactly (small n) answer exactly;
    // NN-descent indices search the graph, expanding points closer than (1 + epsilon) · the current
    // k-th distance (true distance, where pynndescent scales squared euclidean; larger epsilon:
    // slower, higher recall; pynndescent's default 0.1, UMAP's transform 0.12).
    KnnGraph query(ConstMatrixView queries, std::size_t k, float epsilon = 0.1f) const;

    // Serialises everything the index needs, the (prepared) training data included.
    void save(ByteWriter& out) const;
    static KnnIndex load(ByteReader& in);

    std::size_t size() const;
    std::size_t dim() const;
    Metric metric() const;

    struct State;

private:
    explicit KnnIndex(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace n2d
