// Isomap's neighbourhood graph and its shortest paths (REFERENCE.md §11.2 steps 2–4).
//
// The graph is the kNN graph made undirected (an edge usable both ways, as SciPy's
// shortest_path(directed=False) reads sklearn's directed kNN graph), stored as CSR with each
// row sorted by target. A graph with several connected components is completed as
// sklearn 1.2.1 does: every pair of components is joined by its closest pair of points.
// Path lengths are summed in double; the per-source work is sequential, so every result is
// independent of the thread count.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/knn/knn.hpp"

namespace n2d::inline v0 {

class ThreadPool;

struct GeodesicEdge {
    std::int32_t to;
    float weight;
};

struct GeodesicGraph {
    std::size_t n = 0;
    std::vector<std::uint64_t> offsets;  // n + 1
    std::vector<GeodesicEdge> edges;     // row i: edges[offsets[i], offsets[i+1]), sorted by `to`
};

// The undirected union of the kNN graph's edges (an edge present both ways keeps the shorter
// length). Self loops are dropped.
GeodesicGraph undirected_graph(const KnnGraph& knn);

// Connected components labelled 0, 1, … in order of their smallest vertex (SciPy's order).
std::vector<int> graph_components(const GeodesicGraph& graph, std::size_t& n_components);

// sklearn 1.2.1's _fix_connected_components: for every pair of components (i, j < i), the
// closest pair of points (euclidean on `x`, first minimum in row-major order over the points
// of i × the points of j, both by ascending index) is joined by an edge of that length.
// Returns the number of components before joining (1: nothing was done).
std::size_t join_components(GeodesicGraph& graph, ConstMatrixView x, ThreadPool& pool);

// Dijkstra with an indexed 4-ary heap (decrease-key; keys stored inline, so a sift touches one
// array); one per worker, reused across sources (no allocation per run).
class DijkstraWorkspace {
public:
    explicit DijkstraWorkspace(const GeodesicGraph& graph);

    // Shortest path lengths to every vertex from a virtual source joined to `sources[t]` by an
    // edge of length `start[t]` (start = nullptr: all 0). When `target_mask` is given, stops once
    // its `n_targets` marked vertices are settled (the other lengths are then incomplete).
    void run(const std::int32_t* sources, const double* start, std::size_t n_sources,
             const std::uint8_t* target_mask = nullptr, std::size_t n_targets = 0);
    const double* dist() const noexcept { return dist_.data(); }

private:
    struct Entry {
        double key;
        std::int32_t v;
    };
    void sift_up(std::size_t i, Entry e) noexcept;
    void sift_down(Entry e) noexcept;

    const GeodesicGraph& graph_;
    std::vector<double> dist_;
    std::vector<std::int32_t> pos_;  // heap position; kUnseen / kSettled otherwise
    std::vector<Entry> heap_;
    std::size_t size_ = 0;
};

// Geodesic lengths from each of the `count` vertices `sources` (as float32) into row i (or,
// with `by_vertex`, row sources[i]) of the row-major matrix `out` of graph.n columns, parallel
// over sources in fixed chunks.
void geodesics_from(const GeodesicGraph& graph, const std::int32_t* sources, std::size_t count, float* out,
                    bool by_vertex, ThreadPool& pool);

// All-pairs shortest paths need Dijkstra only from a vertex cover: a vertex's first step goes to
// one of its neighbours, so D[v, ·] = min over neighbours u of (w(v, u) + D[u, ·]). Marks a
// greedy independent set (in index order), whose rows are derived that way.
std::vector<std::uint8_t> independent_set(const GeodesicGraph& graph);
// Fills the rows of the marked vertices of the n × n `d` from their neighbours' (complete) rows.
void derive_rows(const GeodesicGraph& graph, const std::vector<std::uint8_t>& marked, float* d, ThreadPool& pool);

}  // namespace n2d
