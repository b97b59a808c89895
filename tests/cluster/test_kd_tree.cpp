// The shared kd-tree (linalg/detail/kd_tree.hpp) on its own: its shape over a subset of rows, the
// box bound against squared_euclidean at extreme scales and up to kMaxDims dimensions, and the
// order in which search() hands out leaves. HDBSCAN's and the spectral init's searches are tested
// against their scans in test_hdbscan.cpp and tests/umap/test_spectral.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/linalg/detail/kd_tree.hpp"
#include "n2d/linalg/detail/squared_distance.hpp"

namespace n2d::inline v0::test {

using detail::KdTree;

TEST_CASE("KdTree over a subset of rows: preorder nodes that halve their ranges, small leaves, copied points") {
    std::mt19937_64 rng(11);
    for (int trial = 0; trial < 12; ++trial) {
        const std::size_t n = 1 + rng() % 400, d = 1 + rng() % 6, leaf_size = 1 + rng() % 10;
        CAPTURE(trial);
        std::vector<double> x(n * d);
        for (double& v : x) v = trial % 2 ? double(rng() % 3) : double(rng() % 1000) / 7.0;  // ties, or few
        std::vector<std::size_t> rows;
        for (std::size_t i = 0; i < n; ++i)
            if (rng() % 3) rows.push_back(i);
        const KdTree tree(x.data(), d, rows, leaf_size);
        REQUIRE(tree.size() == rows.size());
        std::vector<std::size_t> held;
        for (std::size_t pos = 0; pos < tree.size(); ++pos) {
            held.push_back(tree.row(pos));
            CHECK(std::equal(tree.point(pos), tree.point(pos) + d, x.data() + tree.row(pos) * d));
            const KdTree::Node& lf = tree.node(tree.leaf_of(pos));
            CHECK((lf.left == KdTree::kNoNode && lf.begin <= pos && pos < lf.end));
        }
        std::sort(held.begin(), held.end());
        CHECK(held == rows);
        if (rows.empty()) {
            CHECK(tree.nodes().empty());
            continue;
        }
        CHECK((tree.node(0).begin == 0 && tree.node(0).end == rows.size() && tree.node(0).parent == KdTree::kNoNode));
        for (std::size_t id = 0; id < tree.nodes().size(); ++id) {
            const KdTree::Node& nd = tree.node(id);
            if (nd.left == KdTree::kNoNode) {
                CHECK(nd.end - nd.begin <= leaf_size);
                continue;
            }
            CHECK(nd.end - nd.begin > leaf_size);
            const KdTree::Node &l = tree.node(nd.left), &r = tree.node(nd.right);
            CHECK((nd.left > id && nd.right > nd.left && l.parent == id && r.parent == id));
            CHECK((l.begin == nd.begin && l.end == nd.begin + (nd.end - nd.begin) / 2 && r.begin == l.end && r.end == nd.end));
            // Every point of the node lies in its box: the bound from any of them is 0.
            for (std::size_t p = nd.begin; p < nd.end; ++p) CHECK(tree.box_lower_bound(tree.point(p), id) == 0.0);
        }
    }
    CHECK_THROWS_AS(KdTree(nullptr, KdTree::kMaxDims + 1, std::vector<std::size_t>{}, 8), Error);
    CHECK_THROWS_AS(KdTree(nullptr, 0, std::vector<std::size_t>{}, 8), Error);
    CHECK_THROWS_AS(KdTree(nullptr, std::size_t(0), std::size_t(2), 0), Error);
}

// The box bound must stay at or below the computed squared distance of every point in the box,
// whatever the scale (squares that underflow into subnormals or overflow to infinity) and up to
// kMaxDims terms summed in another order than squared_euclidean sums them.
TEST_CASE("KdTree box bound never exceeds squared_euclidean to a point in the box") {
    std::mt19937_64 rng(5);
    const std::size_t dims[] = {1, 2, 3, 7, 16, 100, KdTree::kMaxDims};
    for (std::size_t d : dims) {
        CAPTURE(d);
        const std::size_t n = d > 100 ? 40 : 200, queries = d > 100 ? 10 : 60;
        std::uniform_real_distribution<double> unit(-1.0, 1.0);
        // Points spread over one scale at a time, queries near and far from them: squares that
        // round to subnormals or zero, ordinary ones, and ones that overflow.
        for (const double scale : {1e-170, 1e-158, 1e-3, 1.0, 1e10, 1e150, 1e155}) {
            CAPTURE(scale);
            std::vector<double> x(n * d);
            for (double& v : x) v = scale * (1.0 + unit(rng));
            const KdTree tree(x.data(), n, d, 4);
            std::size_t above = 0;
            for (std::size_t t = 0; t < queries; ++t) {
                std::vector<double> q(d);
                for (double& v : q) v = scale * (1.0 + (t % 2 ? 3.0 : 1.0) * unit(rng));
                for (std::size_t id = 0; id < tree.nodes().size(); ++id) {
                    const double bound = tree.box_lower_bound(q.data(), id);
                    const KdTree::Node& nd = tree.node(id);
                    for (std::size_t p = nd.begin; p < nd.end; ++p)
                        above += bound > detail::squared_euclidean(q.data(), tree.point(p), d);
                }
            }
            CHECK(above == 0);
        }
    }
}

TEST_CASE("KdTree search hands out leaves in the order asked, skipping what bound leaves out or prune cuts; search_nearest") {
    std::mt19937_64 rng(3);
    std::vector<double> x(300 * 2);
    for (double& v : x) v = double(rng() % 100);
    const KdTree tree(x.data(), 300, 2, 5);
    std::vector<KdTree::Pending> stack;
    auto leaves = [&](bool left_first, std::size_t left_out, bool prune_all) {
        std::vector<std::size_t> begins;
        tree.search(
            stack, [&](std::size_t id) { return id == left_out ? std::nullopt : std::optional<double>(double(id)); },
            [&](const KdTree::Pending& p) {
                CHECK(p.bound == double(p.node));  // each node arrives with its own bound
                return prune_all;
            },
            [&](const KdTree::Node& nd) { begins.push_back(nd.begin); }, [&](const KdTree::Pending&, const KdTree::Pending&) { return left_first; });
        return begins;
    };
    // Left first: preorder depth-first, so leaf ranges in ascending order and covering all points.
    const std::vector<std::size_t> ascending = leaves(true, KdTree::kNoNode, false);
    REQUIRE(!ascending.empty());
    CHECK(std::is_sorted(ascending.begin(), ascending.end()));
    std::size_t covered = 0;
    for (std::size_t b : ascending) covered += tree.node(tree.leaf_of(b)).end - b;
    CHECK(covered == tree.size());
    std::vector<std::size_t> descending = leaves(false, KdTree::kNoNode, false);
    std::reverse(descending.begin(), descending.end());
    CHECK(descending == ascending);
    // Leaving out the root's left child drops exactly its leaves; pruning everything, all of them.
    const std::size_t split = tree.node(tree.node(0).left).end;
    std::vector<std::size_t> right_only;
    for (std::size_t b : ascending)
        if (b >= split) right_only.push_back(b);
    CHECK(leaves(true, tree.node(0).left, false) == right_only);
    CHECK(leaves(true, 0, false).empty());
    CHECK(leaves(true, KdTree::kNoNode, true).empty());
    // search_nearest from queries off the points: the nearest squared distance, as a scan finds it.
    for (int t = 0; t < 50; ++t) {
        const double q[2] = {double(rng() % 1000) / 9.0 - 5.0, double(rng() % 1000) / 9.0 - 5.0};
        double best = std::numeric_limits<double>::infinity(), scan = best;
        tree.search_nearest(stack, q, [&] { return best; }, [&](const KdTree::Node& nd) {
            for (std::size_t p = nd.begin; p < nd.end; ++p) best = std::min(best, detail::squared_euclidean(q, tree.point(p), 2));
        });
        for (std::size_t i = 0; i < 300; ++i) scan = std::min(scan, detail::squared_euclidean(q, x.data() + 2 * i, 2));
        CHECK(best == scan);
    }
}

}  // namespace n2d::inline v0::test
