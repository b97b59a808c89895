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

DijkstraWorkspace::DijkstraWorkspace(const GeodesicGraph& graph)
    : graph_(graph), dist_(graph.n), done_(graph.n) {
    // Every push follows a strict improvement along an edge or a start: never more than this.
    heap_.reserve(graph.edges.size() + graph.n + 1);
}

void DijkstraWorkspace::run(const std::int32_t* sources, const double* start, std::size_t n_sources,
                            const std::uint8_t* target_mask, std::size_t n_targets) {
    std::fill(dist_.begin(), dist_.end(), std::numeric_limits<double>::infinity());
    std::fill(done_.begin(), done_.end(), std::uint8_t(0));
    heap_.clear();
    using Item = std::pair<double, std::int32_t>;
    const auto later = [](const Item& a, const Item& b) { return a.first > b.first || (a.first == b.first && a.second > b.second); };
    for (std::size_t t = 0; t < n_sources; ++t) {
        const std::size_t s = std::size_t(sources[t]);
        const double d0 = start ? start[t] : 0.0;
        if (d0 < dist_[s]) {
            dist_[s] = d0;
            heap_.emplace_back(d0, sources[t]);
            std::push_heap(heap_.begin(), heap_.end(), later);
        }
    }
    std::size_t targets_left = target_mask ? n_targets : 0;
    const GeodesicEdge* edges = graph_.edges.data();
    while (!heap_.empty()) {
        std::pop_heap(heap_.begin(), heap_.end(), later);
        const Item top = heap_.back();
        heap_.pop_back();
        const std::size_t v = std::size_t(top.second);
        if (done_[v]) continue;
        done_[v] = 1;
        if (target_mask && target_mask[v] && --targets_left == 0) break;
        const double dv = top.first;
        for (std::uint64_t e = graph_.offsets[v], end = graph_.offsets[v + 1]; e < end; ++e) {
            const std::size_t w = std::size_t(edges[e].to);
            const double nd = dv + double(edges[e].weight);
            if (nd < dist_[w]) {
                dist_[w] = nd;
                heap_.emplace_back(nd, edges[e].to);
                std::push_heap(heap_.begin(), heap_.end(), later);
            }
        }
    }
}

void geodesics_from(const GeodesicGraph& graph, const std::int32_t* sources, std::size_t count, float* out,
                    ThreadPool& pool) {
    const std::size_t n = graph.n;
    std::vector<std::unique_ptr<DijkstraWorkspace>> ws(pool.num_threads());
    pool.parallel_for(0, count, 8, [&](std::size_t lo, std::size_t hi, std::size_t worker) {
        if (!ws[worker]) ws[worker] = std::make_unique<DijkstraWorkspace>(graph);
        DijkstraWorkspace& w = *ws[worker];
        for (std::size_t i = lo; i < hi; ++i) {
            w.run(sources + i, nullptr, 1);
            const double* d = w.dist();
            float* row = out + i * n;
            for (std::size_t j = 0; j < n; ++j) row[j] = float(d[j]);
        }
    });
}

}  // namespace n2d
