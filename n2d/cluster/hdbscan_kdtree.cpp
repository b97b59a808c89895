// Exact kd-tree searches for HDBSCAN's core distances and Prim chain. Every search computes the
// same double distances as the all-pairs scans in hdbscan_mst.cpp and breaks ties by point
// index, so the results are the scans', bit for bit; the tree only skips boxes that cannot hold
// a better point.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

#include "n2d/cluster/detail/hdbscan_internal.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0::detail {

namespace {

constexpr std::size_t kHkdLeafSize = 16;
constexpr std::size_t kHkdNone = std::numeric_limits<std::size_t>::max();
// The box bound is rounded down by this factor: far more than the rounding of a sum of d
// squares can move it, far less than any gap between boxes that pruning relies on.
constexpr double kHkdSlack = 1.0 - 1e-12;
// Below this many points a scan is as quick as building and searching the tree.
constexpr std::size_t kHkdMinPoints = 256;
// Prim's searches need far more pruning than the core-distance searches to beat its scan (it
// skips most distances by their core floors): they run only where the latter computed at most
// 1/kHkdPrimPruning of all pairs.
constexpr std::size_t kHkdPrimPruning = 32;
// Nearest outside points each Prim tree point keeps: fewer searches again, against longer ones.
constexpr std::size_t kHkdListSize = 8;
// Above this many dimensions boxes rarely prune and repeated searches would cost more than scans.
constexpr std::size_t kHkdMaxDims = 16;

// Builds the node over positions [begin, end) of tree.index and returns its id: a tight box,
// split at the median of its widest side (ties by point index) until a leaf is small.
std::size_t hkd_build(HdbscanKdTree& tree, const HdbscanData& data, std::size_t begin, std::size_t end,
                      std::size_t parent) {
    const std::size_t d = data.d, id = tree.nodes.size();
    tree.nodes.push_back({begin, end, HdbscanKdTree::kNoNode, HdbscanKdTree::kNoNode, parent});
    tree.lo.resize((id + 1) * d, std::numeric_limits<double>::infinity());
    tree.hi.resize((id + 1) * d, -std::numeric_limits<double>::infinity());
    double* lo = tree.lo.data() + id * d;
    double* hi = tree.hi.data() + id * d;
    for (std::size_t p = begin; p < end; ++p) {
        const double* x = data.row(tree.index[p]);
        for (std::size_t j = 0; j < d; ++j) lo[j] = std::min(lo[j], x[j]), hi[j] = std::max(hi[j], x[j]);
    }
    // A flat node (duplicates) splits too, by index, so that ties still prune by index.
    std::size_t split = 0;
    for (std::size_t j = 1; j < d; ++j)
        if (hi[j] - lo[j] > hi[split] - lo[split]) split = j;
    if (end - begin <= kHkdLeafSize) return id;
    const std::size_t mid = begin + (end - begin) / 2;
    const auto first = tree.index.begin();
    std::nth_element(first + std::ptrdiff_t(begin), first + std::ptrdiff_t(mid), first + std::ptrdiff_t(end),
                     [&](std::size_t a, std::size_t b) {
                         const double xa = data.row(a)[split], xb = data.row(b)[split];
                         return xa < xb || (xa == xb && a < b);
                     });
    const std::size_t left = hkd_build(tree, data, begin, mid, id);
    const std::size_t right = hkd_build(tree, data, mid, end, id);
    tree.nodes[id].left = left, tree.nodes[id].right = right;
    return id;
}

}  // namespace

bool hdbscan_use_kdtree(std::size_t n, std::size_t d) noexcept { return n >= kHkdMinPoints && d <= kHkdMaxDims; }

bool hdbscan_prim_by_kdtree(std::size_t n, std::size_t knn_distances) noexcept {
    return knn_distances <= n * (n / kHkdPrimPruning);
}

HdbscanKdTree::HdbscanKdTree(const HdbscanData& data) : n(data.n), d(data.d), index(data.n), leaf(data.n) {
    std::iota(index.begin(), index.end(), std::size_t(0));
    nodes.reserve(4 * (n / kHkdLeafSize + 1));
    if (n > 0) hkd_build(*this, data, 0, n, kNoNode);
    points.resize(n * d);
    for (std::size_t pos = 0; pos < n; ++pos) std::copy_n(data.row(index[pos]), d, points.data() + pos * d);
    for (std::size_t id = 0; id < nodes.size(); ++id)
        if (nodes[id].left == kNoNode) std::fill(leaf.begin() + std::ptrdiff_t(nodes[id].begin), leaf.begin() + std::ptrdiff_t(nodes[id].end), id);
}

double HdbscanKdTree::box_lower_bound(const double* q, std::size_t node) const noexcept {
    const double* l = lo.data() + node * d;
    const double* h = hi.data() + node * d;
    // Two sums and no branches (at most one of the gaps is positive): the order of the terms
    // only moves the rounding, which the slack covers.
    double s0 = 0.0, s1 = 0.0;
    std::size_t j = 0;
    for (; j + 2 <= d; j += 2) {
        const double g0 = std::max(l[j] - q[j], 0.0) + std::max(q[j] - h[j], 0.0);
        const double g1 = std::max(l[j + 1] - q[j + 1], 0.0) + std::max(q[j + 1] - h[j + 1], 0.0);
        s0 += g0 * g0, s1 += g1 * g1;
    }
    if (j < d) {
        const double g = std::max(l[j] - q[j], 0.0) + std::max(q[j] - h[j], 0.0);
        s0 += g * g;
    }
    return (s0 + s1) * kHkdSlack;
}

std::vector<double> core_distances_kdtree(const HdbscanKdTree& tree, std::size_t min_samples, ThreadPool& pool,
                                          std::size_t* distances) {
    const std::size_t n = tree.n, d = tree.d;
    std::vector<double> core(n, 0.0);
    if (min_samples <= 1 || n == 0) return core;
    const std::size_t k = min_samples - 1;  // the point itself is the first of min_samples
    struct Scratch {
        std::vector<double> heap;
        std::vector<std::pair<std::size_t, double>> stack;  // node, squared lower bound
        std::size_t distances = 0;
    };
    std::vector<Scratch> scratch(pool.num_threads());
    for (auto& s : scratch) s.heap.resize(k), s.stack.reserve(128);
    // By tree position, so neighbouring queries share their boxes in cache.
    pool.parallel_for(0, n, kHdbscanChunk / 8, [&](std::size_t lo, std::size_t hi, std::size_t w) {
        auto& stack = scratch[w].stack;
        for (std::size_t pos = lo; pos < hi; ++pos) {
            KthSmallest kth(scratch[w].heap.data(), k);
            const double* q = tree.point(pos);
            stack.clear();
            stack.emplace_back(0, 0.0);
            while (!stack.empty()) {
                const auto [node, bound] = stack.back();
                stack.pop_back();
                if (bound > kth.kth()) continue;  // a point at exactly the k-th distance changes nothing
                const auto& nd = tree.nodes[node];
                if (nd.left == HdbscanKdTree::kNoNode) {
                    for (std::size_t p = nd.begin; p < nd.end; ++p)
                        if (p != pos) kth.push(squared_euclidean(q, tree.point(p), d));
                    scratch[w].distances += nd.end - nd.begin;
                    continue;
                }
                const double bl = tree.box_lower_bound(q, nd.left), br = tree.box_lower_bound(q, nd.right);
                // The nearer child last, so it is searched first.
                if (bl <= br) {
                    stack.emplace_back(nd.right, br), stack.emplace_back(nd.left, bl);
                } else {
                    stack.emplace_back(nd.left, bl), stack.emplace_back(nd.right, br);
                }
            }
            core[tree.index[pos]] = std::sqrt(kth.kth());  // as the scan: the root of the k-th square
        }
    });
    if (distances) {
        *distances = 0;
        for (const auto& s : scratch) *distances += s.distances;
    }
    return core;
}

std::optional<PrimChain> prim_chain_kdtree(const HdbscanKdTree& tree, const std::vector<double>& core,
                                           std::size_t max_work) {
    const std::size_t n = tree.n, d = tree.d, n_nodes = tree.nodes.size();
    constexpr double inf = std::numeric_limits<double>::infinity();
    PrimChain chain;
    if (n < 2) return chain;
    chain.added.reserve(n - 1), chain.previous.reserve(n - 1), chain.weight.reserve(n - 1);

    std::vector<double> core_at(n);      // by position
    std::vector<std::size_t> pos_of(n);  // position of each point
    for (std::size_t pos = 0; pos < n; ++pos) core_at[pos] = core[tree.index[pos]], pos_of[tree.index[pos]] = pos;
    // Per node: the smallest core distance in it (a floor under every mutual reachability into
    // it) and the smallest index among its points still outside the Prim tree (kHkdNone: none).
    std::vector<double> min_core(n_nodes);
    std::vector<std::size_t> min_index(n_nodes);
    std::vector<char> taken(n, 0);  // by position: in the Prim tree
    for (std::size_t id = n_nodes; id-- > 0;) {  // preorder ids: children first
        const auto& nd = tree.nodes[id];
        if (nd.left == HdbscanKdTree::kNoNode) {
            min_core[id] = inf, min_index[id] = kHkdNone;
            for (std::size_t p = nd.begin; p < nd.end; ++p)
                min_core[id] = std::min(min_core[id], core_at[p]), min_index[id] = std::min(min_index[id], tree.index[p]);
        } else {
            min_core[id] = std::min(min_core[nd.left], min_core[nd.right]);
            min_index[id] = std::min(min_index[nd.left], min_index[nd.right]);
        }
    }
    auto take = [&](std::size_t pos) {
        taken[pos] = 1;
        std::size_t id = tree.leaf[pos];
        const auto& lf = tree.nodes[id];
        std::size_t m = kHkdNone;
        for (std::size_t p = lf.begin; p < lf.end; ++p)
            if (!taken[p]) m = std::min(m, tree.index[p]);
        min_index[id] = m;
        for (id = lf.parent; id != HdbscanKdTree::kNoNode; id = tree.nodes[id].parent) {
            const std::size_t up = std::min(min_index[tree.nodes[id].left], min_index[tree.nodes[id].right]);
            if (up == min_index[id]) break;  // unchanged here, so unchanged above
            min_index[id] = up;
        }
    };

    // Each tree point u keeps a list of its kHkdListSize nearest outside points by (mutual
    // reachability, index), the order of Prim's keys, from its last search. Points only leave the
    // outside, so the first listed point still outside is u's nearest: u searches again only when
    // its whole list has joined the tree.
    struct Found {
        double weight;
        std::size_t index, pos;
    };
    auto before = [](const Found& a, const Found& b) {
        return a.weight < b.weight || (a.weight == b.weight && a.index < b.index);
    };
    constexpr std::size_t L = kHkdListSize;
    std::vector<double> list_weight(n * L);
    std::vector<std::size_t> list_pos(n * L), list_end(n, 0), list_next(n, 0);
    std::vector<Found> found;  // max-heap by `before`: the worst of the best so far on top
    found.reserve(L);
    std::vector<std::pair<std::size_t, double>> stack;  // node, lower bound on its reachabilities
    stack.reserve(128);
    std::size_t work = 0;  // nodes opened and distances computed
    auto search = [&](std::size_t u) {
        found.clear();
        const double* q = tree.point(u);
        const double core_u = core_at[u];
        auto bound_of = [&](std::size_t id) {
            return std::max({std::sqrt(tree.box_lower_bound(q, id)), core_u, min_core[id]});
        };
        // Nothing in a node can enter a full list whose worst is below the node's bound, or
        // equal to it with a lower index than any of the node's.
        auto hopeless = [&](std::size_t id, double bound) {
            return found.size() == L &&
                   (bound > found[0].weight || (bound == found[0].weight && min_index[id] > found[0].index));
        };
        auto push_child = [&](std::size_t id) {
            if (min_index[id] != kHkdNone) stack.emplace_back(id, bound_of(id));
        };
        stack.clear();
        push_child(0);
        while (!stack.empty()) {
            const auto [id, bound] = stack.back();
            stack.pop_back();
            if (hopeless(id, bound)) continue;
            ++work;
            const auto& nd = tree.nodes[id];
            if (nd.left != HdbscanKdTree::kNoNode) {
                // The more promising child last, so it is searched first.
                const std::size_t size_before = stack.size();
                push_child(nd.left), push_child(nd.right);
                if (stack.size() == size_before + 2) {
                    const auto& a = stack[size_before];
                    const auto& b = stack[size_before + 1];
                    if (a.second < b.second || (a.second == b.second && min_index[a.first] < min_index[b.first]))
                        std::swap(stack[size_before], stack[size_before + 1]);
                }
                continue;
            }
            for (std::size_t p = nd.begin; p < nd.end; ++p) {
                if (taken[p]) continue;
                const std::size_t i = tree.index[p];
                // As the scan: max(distance, floor), where the floor alone may already lose.
                const double floor = std::max(core_u, core_at[p]);
                const bool full = found.size() == L;
                if (full && (floor > found[0].weight || (floor == found[0].weight && i > found[0].index))) continue;
                ++work;
                const Found f{std::max(euclidean(q, tree.point(p), d), floor), i, p};
                if (!full) {
                    found.push_back(f);
                    std::push_heap(found.begin(), found.end(), before);
                } else if (before(f, found[0])) {
                    std::pop_heap(found.begin(), found.end(), before);
                    found.back() = f;
                    std::push_heap(found.begin(), found.end(), before);
                }
            }
        }
        std::sort_heap(found.begin(), found.end(), before);
        for (std::size_t k = 0; k < found.size(); ++k)
            list_weight[u * L + k] = found[k].weight, list_pos[u * L + k] = found[k].pos;
        list_end[u] = found.size(), list_next[u] = 0;
    };

    // One heap entry per tree point: the first of its list that was outside when pushed. An
    // entry never overstates its point's current nearest, so the top entry, if its point is
    // still outside, is Prim's next vertex and key.
    struct Entry {
        double weight;
        std::size_t index, pos, from;
    };
    auto later = [](const Entry& a, const Entry& b) {
        return a.weight > b.weight || (a.weight == b.weight && a.index > b.index);
    };
    std::vector<Entry> heap;
    heap.reserve(n);
    auto offer = [&](std::size_t u) {
        while (list_next[u] < list_end[u] && taken[list_pos[u * L + list_next[u]]]) ++list_next[u];
        if (list_next[u] == list_end[u]) {
            search(u);
            if (list_end[u] == 0) return;  // nothing left outside
        }
        const std::size_t k = u * L + list_next[u];
        heap.push_back({list_weight[k], tree.index[list_pos[k]], list_pos[k], u});
        std::push_heap(heap.begin(), heap.end(), later);
    };
    std::size_t current = 0;
    take(pos_of[0]);
    offer(pos_of[0]);
    for (std::size_t step = 0; step + 1 < n; ++step) {
        Entry top{};
        for (;;) {
            N2D_ASSERT(!heap.empty(), "Prim: no vertex left outside the tree");
            std::pop_heap(heap.begin(), heap.end(), later);
            top = heap.back();
            heap.pop_back();
            if (!taken[top.pos]) break;
            offer(top.from);  // that point joined the tree since: the next on the list
        }
        if (work > max_work) return std::nullopt;
        chain.added.push_back(top.index), chain.previous.push_back(current), chain.weight.push_back(top.weight);
        current = top.index;
        take(top.pos);
        offer(top.from);
        offer(top.pos);
    }
    return chain;
}

}  // namespace n2d::detail
