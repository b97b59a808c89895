// Exact kd-tree searches for HDBSCAN's core distances and Prim chain. Every search computes the
// same double distances as the all-pairs scans in hdbscan_mst.cpp and breaks ties by point
// index, so the results are the scans', bit for bit; the tree only skips boxes that cannot hold
// a better point. The tree itself (build, boxes, traversal) is linalg/detail/kd_tree.hpp.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "n2d/cluster/detail/hdbscan_internal.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0::detail {

namespace {

constexpr std::size_t kHkdLeafSize = 16;
constexpr std::size_t kHkdNone = std::numeric_limits<std::size_t>::max();
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

}  // namespace

bool hdbscan_use_kdtree(std::size_t n, std::size_t d) noexcept { return n >= kHkdMinPoints && d <= kHkdMaxDims; }

bool hdbscan_prim_by_kdtree(std::size_t n, std::size_t knn_distances) noexcept {
    return knn_distances <= n * (n / kHkdPrimPruning);
}

KdTree hdbscan_kdtree(const HdbscanData& data) { return KdTree(data.x.data(), data.n, data.d, kHkdLeafSize); }

std::vector<double> core_distances_kdtree(const KdTree& tree, std::size_t min_samples, ThreadPool& pool,
                                          std::size_t* distances) {
    const std::size_t n = tree.size(), d = tree.dims();
    std::vector<double> core(n, 0.0);
    if (min_samples <= 1 || n == 0) return core;
    const std::size_t k = min_samples - 1;  // the point itself is the first of min_samples
    struct Scratch {
        std::vector<double> heap;
        std::vector<KdTree::Pending> stack;  // bounds: squared distances
        std::size_t distances = 0;
    };
    std::vector<Scratch> scratch(pool.num_threads());
    for (auto& s : scratch) s.heap.resize(k), s.stack.reserve(128);
    // By tree position, so neighbouring queries share their boxes in cache.
    pool.parallel_for(0, n, kHdbscanChunk / 8, [&](std::size_t lo, std::size_t hi, std::size_t w) {
        Scratch& sc = scratch[w];
        for (std::size_t pos = lo; pos < hi; ++pos) {
            KthSmallest kth(sc.heap.data(), k);
            const double* q = tree.point(pos);
            // A point at exactly the k-th distance changes nothing.
            tree.search_nearest(sc.stack, q, [&] { return kth.kth(); }, [&](const KdTree::Node& nd) {
                for (std::size_t p = nd.begin; p < nd.end; ++p)
                    if (p != pos) kth.push(squared_euclidean(q, tree.point(p), d));
                sc.distances += nd.end - nd.begin;
            });
            core[tree.row(pos)] = std::sqrt(kth.kth());  // as the scan: the root of the k-th square
        }
    });
    if (distances) {
        *distances = 0;
        for (const auto& s : scratch) *distances += s.distances;
    }
    return core;
}

std::optional<PrimChain> prim_chain_kdtree(const KdTree& tree, const std::vector<double>& core,
                                           std::size_t max_work) {
    const std::size_t n = tree.size(), d = tree.dims(), n_nodes = tree.nodes().size();
    constexpr double inf = std::numeric_limits<double>::infinity();
    PrimChain chain;
    if (n < 2) return chain;
    chain.added.reserve(n - 1), chain.previous.reserve(n - 1), chain.weight.reserve(n - 1);

    std::vector<double> core_at(n);      // by position
    std::vector<std::size_t> pos_of(n);  // position of each point
    for (std::size_t pos = 0; pos < n; ++pos) core_at[pos] = core[tree.row(pos)], pos_of[tree.row(pos)] = pos;
    // Per node: the smallest core distance in it (a floor under every mutual reachability into
    // it) and the smallest index among its points still outside the Prim tree (kHkdNone: none).
    std::vector<double> min_core(n_nodes);
    std::vector<std::size_t> min_index(n_nodes);
    std::vector<char> taken(n, 0);  // by position: in the Prim tree
    for (std::size_t id = n_nodes; id-- > 0;) {  // preorder ids: children first
        const auto& nd = tree.node(id);
        if (nd.left == KdTree::kNoNode) {
            min_core[id] = inf, min_index[id] = kHkdNone;
            for (std::size_t p = nd.begin; p < nd.end; ++p)
                min_core[id] = std::min(min_core[id], core_at[p]), min_index[id] = std::min(min_index[id], tree.row(p));
        } else {
            min_core[id] = std::min(min_core[nd.left], min_core[nd.right]);
            min_index[id] = std::min(min_index[nd.left], min_index[nd.right]);
        }
    }
    auto take = [&](std::size_t pos) {
        taken[pos] = 1;
        std::size_t id = tree.leaf_of(pos);
        const auto& lf = tree.node(id);
        std::size_t m = kHkdNone;
        for (std::size_t p = lf.begin; p < lf.end; ++p)
            if (!taken[p]) m = std::min(m, tree.row(p));
        min_index[id] = m;
        for (id = lf.parent; id != KdTree::kNoNode; id = tree.node(id).parent) {
            const std::size_t up = std::min(min_index[tree.node(id).left], min_index[tree.node(id).right]);
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
    std::vector<KdTree::Pending> stack;  // bounds: mutual reachabilities
    stack.reserve(128);
    std::size_t work = 0;  // nodes opened and distances computed
    auto search = [&](std::size_t u) {
        found.clear();
        const double* q = tree.point(u);
        const double core_u = core_at[u];
        // Nodes with no point outside are left out.
        auto bound_of = [&](std::size_t id) -> std::optional<double> {
            if (min_index[id] == kHkdNone) return std::nullopt;
            return std::max({std::sqrt(tree.box_lower_bound(q, id)), core_u, min_core[id]});
        };
        // Nothing in a node can enter a full list whose worst is below the node's bound, or
        // equal to it with a lower index than any of the node's.
        auto hopeless = [&](const KdTree::Pending& pd) {
            if (found.size() == L && (pd.bound > found[0].weight ||
                                      (pd.bound == found[0].weight && min_index[pd.node] > found[0].index)))
                return true;
            ++work;
            return false;
        };
        auto scan_leaf = [&](const KdTree::Node& nd) {
            for (std::size_t p = nd.begin; p < nd.end; ++p) {
                if (taken[p]) continue;
                const std::size_t i = tree.row(p);
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
        };
        // The more promising child first: lower bound, then lower index.
        auto left_first = [&](const KdTree::Pending& l, const KdTree::Pending& r) {
            return l.bound < r.bound || (l.bound == r.bound && min_index[l.node] < min_index[r.node]);
        };
        tree.search(stack, bound_of, hopeless, scan_leaf, left_first);
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
        heap.push_back({list_weight[k], tree.row(list_pos[k]), list_pos[k], u});
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
