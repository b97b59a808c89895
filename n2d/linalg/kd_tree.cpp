#include "n2d/linalg/detail/kd_tree.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "n2d/core/error.hpp"

namespace n2d::inline v0::detail {

namespace {

// The box bound is rounded down by this factor: far more than reordering a sum of up to
// KdTree::kMaxDims squares can move it, far less than any gap between boxes that pruning relies on.
constexpr double kKdtSlack = 1.0 - 1e-12;

std::vector<std::size_t> kdt_all_rows(std::size_t n) {
    std::vector<std::size_t> rows(n);
    std::iota(rows.begin(), rows.end(), std::size_t(0));
    return rows;
}

}  // namespace

KdTree::KdTree(const double* x, std::size_t n, std::size_t d, std::size_t leaf_size)
    : KdTree(x, d, kdt_all_rows(n), leaf_size) {}

KdTree::KdTree(const double* x, std::size_t d, std::vector<std::size_t> rows, std::size_t leaf_size)
    : d_(d), leaf_size_(leaf_size), index_(std::move(rows)), leaf_(index_.size()) {
    N2D_REQUIRE(leaf_size >= 1, "KdTree: leaf_size must be at least 1");
    N2D_REQUIRE(d >= 1 && d <= kMaxDims, "KdTree: " + std::to_string(d) + " dimensions, outside the 1 to " +
                                             std::to_string(kMaxDims) + " it splits and bounds; search by a scan instead");
    const std::size_t n = index_.size();
    nodes_.reserve(4 * (n / leaf_size + 1));
    if (n > 0) build(x, 0, n, kNoNode);
    points_.resize(n * d);
    for (std::size_t pos = 0; pos < n; ++pos) std::copy_n(x + index_[pos] * d, d, points_.data() + pos * d);
    for (const Node& nd : nodes_)
        if (nd.left == kNoNode) std::fill(leaf_.begin() + std::ptrdiff_t(nd.begin), leaf_.begin() + std::ptrdiff_t(nd.end), std::size_t(&nd - nodes_.data()));
}

// Builds the node over positions [begin, end) of index_ and returns its id: a tight box, split
// at the median of its widest side (ties by row id) until a leaf is small.
std::size_t KdTree::build(const double* x, std::size_t begin, std::size_t end, std::size_t parent) {
    const std::size_t d = d_, id = nodes_.size();
    nodes_.push_back({begin, end, kNoNode, kNoNode, parent});
    lo_.resize((id + 1) * d, std::numeric_limits<double>::infinity());
    hi_.resize((id + 1) * d, -std::numeric_limits<double>::infinity());
    double* lo = lo_.data() + id * d;
    double* hi = hi_.data() + id * d;
    for (std::size_t p = begin; p < end; ++p) {
        const double* r = x + index_[p] * d;
        for (std::size_t j = 0; j < d; ++j) lo[j] = std::min(lo[j], r[j]), hi[j] = std::max(hi[j], r[j]);
    }
    if (end - begin <= leaf_size_) return id;
    // A flat node (duplicates) splits too, by row id, so that searches breaking ties by id still prune.
    std::size_t split = 0;
    for (std::size_t j = 1; j < d; ++j)
        if (hi[j] - lo[j] > hi[split] - lo[split]) split = j;
    const std::size_t mid = begin + (end - begin) / 2;
    const auto first = index_.begin();
    std::nth_element(first + std::ptrdiff_t(begin), first + std::ptrdiff_t(mid), first + std::ptrdiff_t(end),
                     [&](std::size_t a, std::size_t b) {
                         const double xa = x[a * d + split], xb = x[b * d + split];
                         return xa < xb || (xa == xb && a < b);
                     });
    const std::size_t left = build(x, begin, mid, id);
    const std::size_t right = build(x, mid, end, id);
    nodes_[id].left = left, nodes_[id].right = right;
    return id;
}

double KdTree::box_lower_bound(const double* q, std::size_t node) const noexcept {
    const std::size_t d = d_;
    const double* l = lo_.data() + node * d;
    const double* h = hi_.data() + node * d;
    // Two sums and no branches (at most one of the gaps is positive): the order of the terms
    // only moves the rounding, which the slack covers. Each gap is at most the computed |q_j - x_j|
    // of any point x in the box (rounding is monotone), so each square is too.
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
    return (s0 + s1) * kKdtSlack;
}

}  // namespace n2d::detail
