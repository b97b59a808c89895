// Random-projection trees as pynndescent builds its euclidean trees: a node with more than
// leaf_size points is split by the hyperplane halfway between two random member points; points
// within 1e-8 of the plane go to a random side. Where 0.5.8 recursed forever on a split that
// sends every point one way (duplicates), we follow pynndescent >= 0.5.9: such a node's points
// are dealt to random sides instead, and depth is capped at 100.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "n2d/blas/detail/vector.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/knn/detail/common.hpp"

namespace n2d::inline v0::knn_detail {

namespace {
constexpr std::size_t kMaxDepth = 100;
constexpr float kMarginEps = 1e-8f;

struct Task {
    std::size_t lo, hi, depth;
    std::int32_t parent_slot;  // index into children to patch, -1 for the root
};
}  // namespace

RpTree build_rp_tree(ConstMatrixView rows, std::size_t leaf_size, std::uint64_t seed, bool keep_planes) {
    const std::size_t n = rows.rows, dim = rows.cols;
    RpTree tree;
    Rng rng(seed);
    std::vector<std::int32_t> order(n), scratch(n);
    std::iota(order.begin(), order.end(), 0);
    std::vector<float> normal(dim);
    std::vector<unsigned char> side(n);
    const VectorKernels& vk = vector_kernels(active_target());

    // Depth-first, left subtree first, so leaves come out left to right.
    std::vector<Task> stack{{0, n, 0, -1}};
    tree.leaf_start.push_back(0);
    while (!stack.empty()) {
        const Task t = stack.back();
        stack.pop_back();
        const std::size_t m = t.hi - t.lo;
        std::int32_t code;
        if (m <= leaf_size || t.depth >= kMaxDepth) {
            code = -static_cast<std::int32_t>(tree.n_leaves()) - 1;
            tree.points.insert(tree.points.end(), order.begin() + std::ptrdiff_t(t.lo), order.begin() + std::ptrdiff_t(t.hi));
            tree.leaf_start.push_back(static_cast<std::int32_t>(tree.points.size()));
        } else {
            std::size_t l = rng.below(m), r = rng.below(m);
            if (r == l) r = (r + 1) % m;
            const float* xl = rows.row(static_cast<std::size_t>(order[t.lo + l]));
            const float* xr = rows.row(static_cast<std::size_t>(order[t.lo + r]));
            float offset = 0.0f;
            for (std::size_t d = 0; d < dim; ++d) {
                normal[d] = xl[d] - xr[d];
                offset -= normal[d] * (xl[d] + xr[d]) * 0.5f;
            }
            std::size_t n_left = 0;
            for (std::size_t i = t.lo; i < t.hi; ++i) {
                const float margin = offset + vk.dot(dim, normal.data(), rows.row(static_cast<std::size_t>(order[i])));
                const bool left = std::fabs(margin) < kMarginEps ? rng.below(2) == 0 : margin > 0.0f;
                side[i - t.lo] = left;
                n_left += left;
            }
            if (n_left == 0 || n_left == m) {  // failed split: deal the points to random sides
                n_left = 0;
                for (std::size_t i = 0; i < m; ++i) n_left += (side[i] = rng.below(2) == 0);
                if (n_left == 0 || n_left == m) {
                    for (std::size_t i = 0; i < m; ++i) side[i] = i < m / 2;
                    n_left = m / 2;
                }
            }
            // Stable partition: children keep the parent's relative order.
            std::size_t a = t.lo, b = t.lo + n_left;
            for (std::size_t i = t.lo; i < t.hi; ++i) scratch[side[i - t.lo] ? a++ : b++] = order[i];
            std::copy(scratch.begin() + std::ptrdiff_t(t.lo), scratch.begin() + std::ptrdiff_t(t.hi),
                      order.begin() + std::ptrdiff_t(t.lo));
            code = static_cast<std::int32_t>(tree.children.size() / 2);
            tree.children.push_back(0);
            tree.children.push_back(0);
            if (keep_planes) {
                tree.planes.insert(tree.planes.end(), normal.begin(), normal.end());
                tree.offsets.push_back(offset);
            }
            const auto slot = static_cast<std::int32_t>(2 * static_cast<std::size_t>(code));
            stack.push_back({t.lo + n_left, t.hi, t.depth + 1, slot + 1});
            stack.push_back({t.lo, t.lo + n_left, t.depth + 1, slot});
        }
        if (t.parent_slot >= 0) tree.children[static_cast<std::size_t>(t.parent_slot)] = code;
    }
    return tree;
}

std::int32_t descend(const RpTree& tree, const float* row, std::size_t dim) noexcept {
    if (tree.children.empty()) return 0;  // the root is a leaf
    const VectorKernels& vk = vector_kernels(active_target());
    std::int32_t node = 0;
    for (;;) {
        const auto t = static_cast<std::size_t>(node);
        const float margin = tree.offsets[t] + vk.dot(dim, tree.planes.data() + t * dim, row);
        // Ties go left: deterministic, so a query's leaf depends on the query alone.
        const std::int32_t next = tree.children[2 * t + (margin > -kMarginEps ? 0 : 1)];
        if (next < 0) return -next - 1;
        node = next;
    }
}

void RpTree::save(ByteWriter& out) const {
    out.put_vector(children);
    out.put_vector(planes);
    out.put_vector(offsets);
    out.put_vector(leaf_start);
    out.put_vector(points);
}

RpTree RpTree::load(ByteReader& in, std::size_t n_points, std::size_t dim) {
    RpTree t;
    t.children = in.get_vector<std::int32_t>();
    t.planes = in.get_vector<float>();
    t.offsets = in.get_vector<float>();
    t.leaf_start = in.get_vector<std::int32_t>();
    t.points = in.get_vector<std::int32_t>();
    const std::size_t nodes = t.children.size() / 2, leaves = t.n_leaves();
    in.expect(!t.leaf_start.empty() && t.children.size() % 2 == 0 && t.offsets.size() == nodes &&
                  t.planes.size() == nodes * dim && leaves == nodes + 1 && t.points.size() == n_points &&
                  t.leaf_start.front() == 0 &&
                  static_cast<std::size_t>(t.leaf_start.back()) == n_points,
              "inconsistent search tree");
    for (std::size_t i = 0; i + 1 < t.leaf_start.size(); ++i)
        in.expect(t.leaf_start[i] <= t.leaf_start[i + 1], "search tree leaf offsets not ascending");
    // Children come after their parent (pre-order), so descending always terminates.
    for (std::size_t i = 0; i < t.children.size(); ++i) {
        const std::int32_t c = t.children[i];
        in.expect(c < static_cast<std::int32_t>(nodes) && c >= -static_cast<std::int32_t>(leaves) &&
                      (c < 0 || static_cast<std::size_t>(c) > i / 2),
                  "search tree child out of range");
    }
    for (std::int32_t p : t.points)
        in.expect(p >= 0 && static_cast<std::size_t>(p) < n_points, "search tree point id out of range");
    return t;
}

}  // namespace n2d::knn_detail
