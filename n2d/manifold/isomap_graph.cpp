#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/manifold/detail/geodesic.hpp"

namespace n2d::inline v0 {

GeodesicGraph undirected_graph(const KnnGraph& knn) {
    const std::size_t n = knn.n;
    GeodesicGraph g;
    g.n = n;
    // Count both directions of every edge, fill, then sort each row and merge duplicates.
    std::vector<std::uint64_t> count(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < knn.k; ++t) {
            const std::int32_t j = knn.row_indices(i)[t];
            if (j < 0 || std::size_t(j) == i) continue;
            ++count[i + 1];
            ++count[std::size_t(j) + 1];
        }
    for (std::size_t i = 0; i < n; ++i) count[i + 1] += count[i];
    std::vector<GeodesicEdge> raw(count[n]);
    std::vector<std::uint64_t> fill(count.begin(), count.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < knn.k; ++t) {
            const std::int32_t j = knn.row_indices(i)[t];
            if (j < 0 || std::size_t(j) == i) continue;
            const float w = knn.row_distances(i)[t];
            raw[fill[i]++] = {j, w};
            raw[fill[std::size_t(j)]++] = {std::int32_t(i), w};
        }
    g.offsets.assign(n + 1, 0);
    g.edges.reserve(raw.size());
    for (std::size_t i = 0; i < n; ++i) {
        auto* b = raw.data() + count[i];
        auto* e = raw.data() + count[i + 1];
        std::sort(b, e, [](const GeodesicEdge& a, const GeodesicEdge& c) {
            return a.to < c.to || (a.to == c.to && a.weight < c.weight);
        });
        for (auto* p = b; p != e; ++p)
            if (g.edges.size() == g.offsets[i] || g.edges.back().to != p->to) g.edges.push_back(*p);
        g.offsets[i + 1] = g.edges.size();
    }
    return g;
}

std::vector<int> graph_components(const GeodesicGraph& graph, std::size_t& n_components) {
    std::vector<int> label(graph.n, -1);
    std::vector<std::int32_t> stack;
    n_components = 0;
    for (std::size_t s = 0; s < graph.n; ++s) {
        if (label[s] >= 0) continue;
        const int c = int(n_components++);
        label[s] = c;
        stack.assign(1, std::int32_t(s));
        while (!stack.empty()) {
            const std::size_t v = std::size_t(stack.back());
            stack.pop_back();
            for (std::uint64_t e = graph.offsets[v]; e < graph.offsets[v + 1]; ++e) {
                const std::int32_t w = graph.edges[e].to;
                if (label[std::size_t(w)] < 0) {
                    label[std::size_t(w)] = c;
                    stack.push_back(w);
                }
            }
        }
    }
    return label;
}

namespace {

struct Closest {
    double d2 = std::numeric_limits<double>::infinity();
    std::size_t a = 0, b = 0;  // positions within the two member lists
};

// The closest pair between two point sets (first minimum in row-major order over a × b).
Closest closest_pair(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b, ConstMatrixView x,
                     ThreadPool& pool) {
    constexpr std::size_t kChunk = 64;
    const std::size_t n_chunks = (a.size() + kChunk - 1) / kChunk;
    std::vector<Closest> best(n_chunks);
    pool.parallel_for(0, a.size(), kChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
        Closest c;
        for (std::size_t i = lo; i < hi; ++i) {
            const float* xi = x.row(std::size_t(a[i]));
            for (std::size_t j = 0; j < b.size(); ++j) {
                const float* xj = x.row(std::size_t(b[j]));
                double s = 0.0;
                for (std::size_t t = 0; t < x.cols; ++t) {
                    const double d = double(xi[t]) - double(xj[t]);
                    s += d * d;
                }
                if (s < c.d2) c = {s, i, j};
            }
        }
        best[lo / kChunk] = c;
    });
    Closest out;
    for (const Closest& c : best)
        if (c.d2 < out.d2) out = c;
    return out;
}

}  // namespace

std::size_t join_components(GeodesicGraph& graph, ConstMatrixView x, ThreadPool& pool) {
    std::size_t n_comp = 0;
    const std::vector<int> label = graph_components(graph, n_comp);
    if (n_comp <= 1) return n_comp;
    std::vector<std::vector<std::int32_t>> members(n_comp);
    for (std::size_t i = 0; i < graph.n; ++i) members[std::size_t(label[i])].push_back(std::int32_t(i));
    // New edges per vertex, then one merge into the CSR arrays.
    std::vector<std::vector<GeodesicEdge>> extra(graph.n);
    for (std::size_t ci = 0; ci < n_comp; ++ci)
        for (std::size_t cj = 0; cj < ci; ++cj) {
            const Closest c = closest_pair(members[ci], members[cj], x, pool);
            const std::int32_t u = members[ci][c.a], v = members[cj][c.b];
            const float w = float(std::sqrt(c.d2));
            extra[std::size_t(u)].push_back({v, w});
            extra[std::size_t(v)].push_back({u, w});
        }
    GeodesicGraph out;
    out.n = graph.n;
    out.offsets.assign(graph.n + 1, 0);
    out.edges.reserve(graph.edges.size() + 2 * n_comp * (n_comp - 1) / 2);
    std::vector<GeodesicEdge> row;
    for (std::size_t i = 0; i < graph.n; ++i) {
        row.assign(graph.edges.begin() + std::ptrdiff_t(graph.offsets[i]),
                   graph.edges.begin() + std::ptrdiff_t(graph.offsets[i + 1]));
        row.insert(row.end(), extra[i].begin(), extra[i].end());
        // Joined vertices lie in different components, so no edge is duplicated.
        std::sort(row.begin(), row.end(), [](const GeodesicEdge& a, const GeodesicEdge& b) { return a.to < b.to; });
        out.edges.insert(out.edges.end(), row.begin(), row.end());
        out.offsets[i + 1] = out.edges.size();
    }
    graph = std::move(out);
    return n_comp;
}

namespace {
constexpr std::int32_t kUnseen = -1, kSettled = -2;
}  // namespace

DijkstraWorkspace::DijkstraWorkspace(const GeodesicGraph& graph)
    : graph_(graph), dist_(graph.n), pos_(graph.n), heap_(graph.n) {}

void DijkstraWorkspace::sift_up(std::size_t i, Entry e) noexcept {
    while (i > 0) {
        const std::size_t parent = (i - 1) / 4;
        if (heap_[parent].key <= e.key) break;
        heap_[i] = heap_[parent];
        pos_[std::size_t(heap_[i].v)] = std::int32_t(i);
        i = parent;
    }
    heap_[i] = e;
    pos_[std::size_t(e.v)] = std::int32_t(i);
}

void DijkstraWorkspace::sift_down(Entry e) noexcept {
    std::size_t i = 0;
    for (;;) {
        const std::size_t first = 4 * i + 1;
        if (first >= size_) break;
        const std::size_t last = std::min(first + 4, size_);
        std::size_t best = first;
        for (std::size_t c = first + 1; c < last; ++c)
            if (heap_[c].key < heap_[best].key) best = c;
        if (heap_[best].key >= e.key) break;
        heap_[i] = heap_[best];
        pos_[std::size_t(heap_[i].v)] = std::int32_t(i);
        i = best;
    }
    heap_[i] = e;
    pos_[std::size_t(e.v)] = std::int32_t(i);
}

void DijkstraWorkspace::run(const std::int32_t* sources, const double* start, std::size_t n_sources,
                            const std::uint8_t* target_mask, std::size_t n_targets) {
    std::fill(dist_.begin(), dist_.end(), std::numeric_limits<double>::infinity());
    std::fill(pos_.begin(), pos_.end(), kUnseen);
    size_ = 0;
    for (std::size_t t = 0; t < n_sources; ++t) {
        const std::size_t s = std::size_t(sources[t]);
        const double d0 = start ? start[t] : 0.0;
        if (d0 < dist_[s]) {
            dist_[s] = d0;
            sift_up(pos_[s] == kUnseen ? size_++ : std::size_t(pos_[s]), {d0, sources[t]});
        }
    }
    std::size_t targets_left = target_mask ? n_targets : 0;
    const GeodesicEdge* edges = graph_.edges.data();
    while (size_ > 0) {
        const Entry top = heap_[0];
        --size_;
        if (size_ > 0) sift_down(heap_[size_]);
        const std::size_t v = std::size_t(top.v);
        pos_[v] = kSettled;
        if (target_mask && target_mask[v] && --targets_left == 0) break;
        const double dv = top.key;
        for (std::uint64_t e = graph_.offsets[v], end = graph_.offsets[v + 1]; e < end; ++e) {
            const std::size_t w = std::size_t(edges[e].to);
            const double nd = dv + double(edges[e].weight);
            if (nd < dist_[w]) {  // a settled vertex never improves (non-negative lengths)
                dist_[w] = nd;
                sift_up(pos_[w] == kUnseen ? size_++ : std::size_t(pos_[w]), {nd, edges[e].to});
            }
        }
    }
}

void geodesics_from(const GeodesicGraph& graph, const std::int32_t* sources, std::size_t count, float* out,
                    bool by_vertex, ThreadPool& pool) {
    const std::size_t n = graph.n;
    std::vector<std::unique_ptr<DijkstraWorkspace>> ws(pool.num_threads());
    pool.parallel_for(0, count, 8, [&](std::size_t lo, std::size_t hi, std::size_t worker) {
        if (!ws[worker]) ws[worker] = std::make_unique<DijkstraWorkspace>(graph);
        DijkstraWorkspace& w = *ws[worker];
        for (std::size_t i = lo; i < hi; ++i) {
            w.run(sources + i, nullptr, 1);
            const double* d = w.dist();
            float* row = out + (by_vertex ? std::size_t(sources[i]) : i) * n;
            for (std::size_t j = 0; j < n; ++j) row[j] = float(d[j]);
        }
    });
}

std::vector<std::uint8_t> independent_set(const GeodesicGraph& graph) {
    std::vector<std::uint8_t> marked(graph.n, 0), blocked(graph.n, 0);
    for (std::size_t v = 0; v < graph.n; ++v) {
        // A vertex without edges has no neighbour rows to derive from.
        if (blocked[v] || graph.offsets[v] == graph.offsets[v + 1]) continue;
        marked[v] = 1;
        for (std::uint64_t e = graph.offsets[v]; e < graph.offsets[v + 1]; ++e) blocked[std::size_t(graph.edges[e].to)] = 1;
    }
    return marked;
}

void derive_rows(const GeodesicGraph& graph, const std::vector<std::uint8_t>& marked, float* d, ThreadPool& pool) {
    const std::size_t n = graph.n;
    pool.parallel_for(0, n, 16, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t v = lo; v < hi; ++v) {
            if (!marked[v]) continue;
            float* row = d + v * n;
            std::fill(row, row + n, std::numeric_limits<float>::infinity());
            for (std::uint64_t e = graph.offsets[v]; e < graph.offsets[v + 1]; ++e) {
                const float w = graph.edges[e].weight;
                const float* src = d + std::size_t(graph.edges[e].to) * n;
                for (std::size_t j = 0; j < n; ++j) {
                    const float c = w + src[j];
                    row[j] = c < row[j] ? c : row[j];
                }
            }
            row[v] = 0.0f;
        }
    });
}

}  // namespace n2d
