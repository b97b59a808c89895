// A kd-tree over double points for exact searches: HDBSCAN's core distances and Prim chain
// (cluster/hdbscan_kdtree.cpp) and UMAP's nearest component centre (umap/spectral_init.cpp).
// Each search computes the same squared_euclidean as a scan and skips only boxes whose lower
// bound shows they cannot hold a better point, so its result is the scan's, bit for bit; the
// tree's shape only changes how many distances a search computes.
#pragma once
#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

namespace n2d::inline v0::detail {

class KdTree {
public:
    static constexpr std::size_t kNoNode = std::numeric_limits<std::size_t>::max();
    // The tree takes 1 to kMaxDims dimensions: up to there box_lower_bound's slack covers the
    // reordering of its sums.
    static constexpr std::size_t kMaxDims = 1024;
    struct Node {
        std::size_t begin, end;           // positions of its points
        std::size_t left, right, parent;  // left == kNoNode for a leaf
    };
    // A node waiting on the search stack with the bound its search assigned.
    struct Pending {
        std::size_t node;
        double bound;
    };

    // Over the rows `rows` (distinct ids) of the row-major matrix x with d columns: split at the
    // median of each node's widest side (ties by row id) until a node holds at most leaf_size
    // points. The points are copied, so x may go once the tree is built.
    KdTree(const double* x, std::size_t d, std::vector<std::size_t> rows, std::size_t leaf_size);
    // Over all n rows of x.
    KdTree(const double* x, std::size_t n, std::size_t d, std::size_t leaf_size);

    std::size_t size() const noexcept { return index_.size(); }
    std::size_t dims() const noexcept { return d_; }
    // Preorder: a node's children come after it, so walking the ids backwards meets children first.
    const std::vector<Node>& nodes() const noexcept { return nodes_; }
    const Node& node(std::size_t id) const noexcept { return nodes_[id]; }
    const double* point(std::size_t pos) const noexcept { return points_.data() + pos * d_; }
    // The row id of the point at a position, and the leaf holding a position.
    std::size_t row(std::size_t pos) const noexcept { return index_[pos]; }
    std::size_t leaf_of(std::size_t pos) const noexcept { return leaf_[pos]; }

    // Squared distance from q to the node's box, rounded down a little so that it stays below
    // the squared_euclidean of every point in the box however its own sums are ordered.
    double box_lower_bound(const double* q, std::size_t node) const noexcept;

    // One depth-first search from the root: each node's children are pushed with the bounds
    // bound(id) assigns (std::nullopt leaves a node out), the one left_first(l, r) prefers on
    // top; a node taken off the stack is skipped when prune(pending) says so, else a leaf is
    // handed to leaf(node). `stack` is the caller's, reused across searches.
    template <class Bound, class Prune, class Leaf, class LeftFirst>
    void search(std::vector<Pending>& stack, Bound&& bound, Prune&& prune, Leaf&& leaf,
                LeftFirst&& left_first) const {
        stack.clear();
        if (nodes_.empty()) return;
        if (const std::optional<double> b = bound(std::size_t(0))) stack.push_back({0, *b});
        while (!stack.empty()) {
            const Pending top = stack.back();
            stack.pop_back();
            if (prune(top)) continue;
            const Node& nd = nodes_[top.node];
            if (nd.left == kNoNode) {
                leaf(nd);
                continue;
            }
            const std::optional<double> bl = bound(nd.left), br = bound(nd.right);
            if (bl && br) {
                const Pending l{nd.left, *bl}, r{nd.right, *br};
                if (left_first(l, r)) {
                    stack.push_back(r), stack.push_back(l);
                } else {
                    stack.push_back(l), stack.push_back(r);
                }
            } else if (bl) {
                stack.push_back({nd.left, *bl});
            } else if (br) {
                stack.push_back({nd.right, *br});
            }
        }
    }

    // search() by distance to q: box_lower_bound bounds, the nearer child first (the left one on
    // ties), and a node skipped once its bound exceeds worst(), the squared distance a point in it
    // would have to beat or equal.
    template <class Worst, class Leaf>
    void search_nearest(std::vector<Pending>& stack, const double* q, Worst&& worst, Leaf&& leaf) const {
        search(
            stack, [&](std::size_t id) { return std::optional<double>(box_lower_bound(q, id)); },
            [&](const Pending& p) { return p.bound > worst(); }, leaf,
            [](const Pending& l, const Pending& r) { return l.bound <= r.bound; });
    }

private:
    std::size_t build(const double* x, std::size_t begin, std::size_t end, std::size_t parent);

    std::size_t d_ = 0, leaf_size_ = 1;
    std::vector<Node> nodes_;
    std::vector<double> lo_, hi_;        // nodes × d: the box of each node
    std::vector<double> points_;         // size() × d in tree order
    std::vector<std::size_t> index_;     // the row at each position
    std::vector<std::size_t> leaf_;      // the leaf holding each position
};

}  // namespace n2d::detail
