// Core distances and the mutual-reachability single-linkage tree (R's coredist, prims and
// hclustMergeOrder, rewritten to compute distances on the fly in O(n) memory).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "n2d/cluster/detail/hdbscan_internal.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0::detail {

HdbscanData to_double(ConstMatrixView x) {
    HdbscanData data{std::vector<double>(x.rows * x.cols), x.rows, x.cols};
    for (std::size_t i = 0; i < x.rows; ++i)
        for (std::size_t j = 0; j < x.cols; ++j) data.x[i * x.cols + j] = x(i, j);
    return data;
}

std::vector<double> core_distances(const HdbscanData& data, std::size_t min_samples, const KdTree* tree,
                                   ThreadPool& pool, std::size_t* distances) {
    const std::size_t n = data.n;
    if (distances) *distances = 0;
    std::vector<double> core(n, 0.0);
    if (min_samples <= 1) return core;
    if (tree) return core_distances_kdtree(*tree, min_samples, pool, distances);
    // One heap per worker, allocated once; the point itself is the first of min_samples.
    const std::size_t k = min_samples - 1;
    std::vector<std::vector<double>> scratch(pool.num_threads(), std::vector<double>(k));
    pool.parallel_for(0, n, kHdbscanChunk / 8, [&](std::size_t lo, std::size_t hi, std::size_t w) {
        for (std::size_t i = lo; i < hi; ++i) {
            KthSmallest kth(scratch[w].data(), k);
            for (std::size_t j = 0; j < n; ++j)
                if (j != i) kth.push(squared_euclidean(data.row(i), data.row(j), data.d));
            // sqrt is monotone: the root of the k-th squared distance is the k-th distance, bit
            // for bit.
            core[i] = std::sqrt(kth.kth());
        }
    });
    return core;
}

PrimChain prim_chain_scan(const HdbscanData& data, const std::vector<double>& core, ThreadPool& pool) {
    const std::size_t n = data.n, inf_index = std::numeric_limits<std::size_t>::max();
    constexpr double inf = std::numeric_limits<double>::infinity();
    std::vector<double> key(n, inf);
    std::vector<char> in_tree(n, 0);
    const std::size_t chunks = (n + kHdbscanChunk - 1) / kHdbscanChunk;
    std::vector<std::pair<double, std::size_t>> best(chunks);
    PrimChain chain;
    chain.added.reserve(n - 1), chain.previous.reserve(n - 1), chain.weight.reserve(n - 1);
    std::size_t current = 0;
    for (std::size_t step = 0; step + 1 < n; ++step) {
        in_tree[current] = 1;
        const double* c = data.row(current);
        const double core_c = core[current];
        pool.parallel_for(0, n, kHdbscanChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            std::pair<double, std::size_t> b{inf, inf_index};
            for (std::size_t i = lo; i < hi; ++i) {
                if (in_tree[i]) continue;
                // mr >= both core distances: when they already reach key[i], no update is possible.
                const double floor = std::max(core_c, core[i]);
                if (floor < key[i]) {
                    const double mr = std::max(euclidean(c, data.row(i), data.d), floor);
                    if (mr < key[i]) key[i] = mr;
                }
                if (key[i] < b.first || b.second == inf_index) b = {key[i], i};
            }
            best[lo / kHdbscanChunk] = b;
        });
        // Chunks in order with a strict comparison: the lowest index wins ties, as in R.
        std::pair<double, std::size_t> b{inf, inf_index};
        for (const auto& cb : best)
            if (cb.second != inf_index && (b.second == inf_index || cb.first < b.first)) b = cb;
        N2D_ASSERT(b.second != inf_index, "Prim: no vertex left outside the tree");
        chain.added.push_back(b.second), chain.previous.push_back(current), chain.weight.push_back(b.first);
        current = b.second;
    }
    return chain;
}

namespace {

struct UnionFind {
    std::vector<std::size_t> parent, node;  // node: the tree id currently naming each set root
    explicit UnionFind(std::size_t n) : parent(n), node(n) {
        std::iota(parent.begin(), parent.end(), std::size_t(0));
        std::iota(node.begin(), node.end(), std::size_t(0));
    }
    std::size_t find(std::size_t v) {
        while (parent[v] != v) v = parent[v] = parent[parent[v]];
        return v;
    }
};

}  // namespace

MergeTree merge_tree_of(const PrimChain& chain, std::size_t n) {
    MergeTree tree;
    if (n < 2) return tree;
    std::vector<std::size_t> order(n - 1);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return chain.weight[a] < chain.weight[b]; });
    tree.left.resize(n - 1), tree.right.resize(n - 1), tree.size.resize(n - 1), tree.height.resize(n - 1);
    std::vector<std::size_t> set_size(n, 1);
    UnionFind uf(n);
    for (std::size_t k = 0; k < n - 1; ++k) {
        const std::size_t e = order[k];
        const std::size_t a = uf.find(chain.added[e]), b = uf.find(chain.previous[e]);
        N2D_ASSERT(a != b, "MST edge inside one component");
        tree.left[k] = uf.node[a], tree.right[k] = uf.node[b], tree.height[k] = chain.weight[e];
        tree.size[k] = set_size[a] + set_size[b];
        uf.parent[b] = a, uf.node[a] = n + k, set_size[a] = tree.size[k];
    }
    return tree;
}

MergeTree mutual_reachability_tree(const HdbscanData& data, const std::vector<double>& core, const KdTree* tree,
                                   ThreadPool& pool) {
    const std::size_t n = data.n;
    if (n < 2) return {};
    if (tree) {
        // Half the scan's distances: beyond that the searches are losing to it.
        auto chain = prim_chain_kdtree(*tree, core, n / 2 * (n - 1) / 2);
        if (chain) return merge_tree_of(*chain, n);
    }
    return merge_tree_of(prim_chain_scan(data, core, pool), n);
}

}  // namespace n2d::detail
