// Barnes–Hut t-SNE objective (sklearn 1.2.1 _kl_divergence_bh, _barnes_hut_tsne.pyx,
// _quad_tree.pyx): a 2^dim-ary space-partitioning tree over the embedding, repulsion from cell
// summaries, attraction over the sparse P.
//
// The tree is built top-down by stable partitions of a point permutation (same cells as
// sklearn's insertion build: root box [min, M'] per axis, halved at the float centre, child
// bits axis 0 first), into node arrays reused across iterations. Its preorder layout lets each
// point traverse without a stack, and visiting points in the tree's leaf order keeps nearby
// points' traversals in cache. Z is summed per fixed chunk of that order and the chunk sums are
// added in chunk order: bit-identical at any thread count.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/manifold/detail/tsne.hpp"

namespace n2d::inline v0 {
namespace tsne_detail {

namespace {

constexpr float kDuplicate = 1e-6f;   // sklearn's EPSILON: closer on every axis = same point
constexpr std::size_t kMaxDepth = 96; // cells this deep stop splitting (float centres stop halving)
constexpr std::size_t kBhGrain = 256;

template <int D>
class TreeBuilder {
public:
    TreeBuilder(const float* y, BhWorkspace& ws) : y_(y), ws_(ws) {}

    void build(std::size_t n) {
        ws_.nodes.clear();
        ws_.perm.resize(n);
        ws_.scratch.resize(n);
        for (std::size_t i = 0; i < n; ++i) ws_.perm[i] = std::uint32_t(i);
        float lo[D], hi[D];
        for (int a = 0; a < D; ++a) lo[a] = hi[a] = y_[a];
        for (std::size_t i = 1; i < n; ++i)
            for (int a = 0; a < D; ++a) {
                lo[a] = std::min(lo[a], y_[i * D + a]);
                hi[a] = std::max(hi[a], y_[i * D + a]);
            }
        for (int a = 0; a < D; ++a) {  // sklearn widens the upper bound so every point is strictly inside
            const float m = hi[a];
            const float sign = m > 0 ? 1.0f : (m < 0 ? -1.0f : 0.0f);
            hi[a] = std::max(m * (1.0f + 1e-3f * sign), m + 1e-3f);
        }
        node(0, n, lo, hi, 0);
    }

private:
    void node(std::size_t begin, std::size_t end, const float* lo, const float* hi, std::size_t depth) {
        const std::size_t id = ws_.nodes.size();
        ws_.nodes.push_back(BhNode{});
        std::uint32_t* perm = ws_.perm.data();
        double sum[D] = {};
        bool duplicates = true;
        const float* first = y_ + std::size_t(perm[begin]) * D;
        for (std::size_t t = begin; t < end; ++t) {
            const float* p = y_ + std::size_t(perm[t]) * D;
            for (int a = 0; a < D; ++a) {
                sum[a] += double(p[a]);
                duplicates = duplicates && std::fabs(p[a] - first[a]) <= kDuplicate;
            }
        }
        const std::size_t count = end - begin;
        BhNode nd{};
        for (int a = 0; a < D; ++a) nd.c[a] = float(sum[a] / double(count));
        nd.count = float(count);
        float center[D];
        float w2 = 0.0f;
        bool splits = true;
        for (int a = 0; a < D; ++a) {
            const float w = hi[a] - lo[a];
            w2 = std::max(w2, w * w);
            center[a] = (lo[a] + hi[a]) / 2.0f;
            splits = splits && center[a] > lo[a] && center[a] < hi[a];
        }
        if (count == 1 || duplicates || depth >= kMaxDepth || !splits) {
            nd.w2 = -1.0f;
            nd.next = std::uint32_t(id + 1);
            ws_.nodes[id] = nd;
            return;
        }
        nd.w2 = w2;
        ws_.nodes[id] = nd;

        // Stable counting sort of perm[begin, end) by child index (axis 0 the most significant bit).
        constexpr int kChildren = 1 << D;
        std::size_t offset[kChildren + 1] = {};
        auto child_of = [&](std::uint32_t i) {
            int c = 0;
            for (int a = 0; a < D; ++a) c = 2 * c + (y_[std::size_t(i) * D + a] >= center[a] ? 1 : 0);
            return c;
        };
        for (std::size_t t = begin; t < end; ++t) ++offset[child_of(perm[t]) + 1];
        for (int c = 0; c < kChildren; ++c) offset[c + 1] += offset[c];
        std::size_t fill[kChildren];
        for (int c = 0; c < kChildren; ++c) fill[c] = begin + offset[c];
        std::uint32_t* tmp = ws_.scratch.data();
        for (std::size_t t = begin; t < end; ++t) tmp[fill[child_of(perm[t])]++] = perm[t];
        std::copy(tmp + begin, tmp + end, perm + begin);

        for (int c = 0; c < kChildren; ++c) {
            if (offset[c] == offset[c + 1]) continue;
            float clo[D], chi[D];
            for (int a = 0; a < D; ++a) {
                const bool upper = (c >> (D - 1 - a)) & 1;
                clo[a] = upper ? center[a] : lo[a];
                chi[a] = upper ? hi[a] : center[a];
            }
            node(begin + offset[c], begin + offset[c + 1], clo, chi, depth + 1);
        }
        ws_.nodes[id].next = std::uint32_t(ws_.nodes.size());
    }

    const float* y_;
    BhWorkspace& ws_;
};

// Student-t weight for α = max(D − 1, 1): (1 + d²)⁻¹ up to 2-D, (1 + d²/2)^(−3/2) in 3-D.
template <int D>
inline float student(float d2) {
    if constexpr (D <= 2) {
        return 1.0f / (1.0f + d2);
    } else {
        const float t = 2.0f / (2.0f + d2);
        return t * std::sqrt(t);
    }
}

// Unnormalised repulsion Σ N_c w_c² (y_i − ȳ_c) of point i into f; returns Σ N_c w_c.
template <int D>
inline double repulsion(const BhNode* nodes, std::size_t n_nodes, const float* yi, float theta2, double* f) {
    double z = 0.0;
    double acc[D] = {};
    std::size_t k = 0;
    while (k < n_nodes) {
        const BhNode& nd = nodes[k];
        float diff[D];
        float d2 = 0.0f;
        for (int a = 0; a < D; ++a) {
            diff[a] = yi[a] - nd.c[a];
            d2 += diff[a] * diff[a];
        }
        if (!(nd.w2 < theta2 * d2)) {  // an internal cell too close: open it
            ++k;
            continue;
        }
        k = nd.next;
        if (nd.w2 < 0.0f) {  // a leaf: self and exact duplicates exert no repulsion
            bool same = true;
            for (int a = 0; a < D; ++a) same = same && std::fabs(diff[a]) <= kDuplicate;
            if (same) continue;
        }
        const float w = student<D>(d2);
        const float nw = nd.count * w;
        z += double(nw);
        const double mult = double(nw * w);
        for (int a = 0; a < D; ++a) acc[a] += mult * double(diff[a]);
    }
    for (int a = 0; a < D; ++a) f[a] = acc[a];
    return z;
}

template <int D>
double gradient(const SparseP& p, float exaggeration, ConstMatrixView yv, float theta, bool compute_error, float* grad,
                BhWorkspace& ws, ThreadPool& pool) {
    const std::size_t n = yv.rows;
    Matrix packed;  // a strided view is copied once; the optimiser passes contiguous layouts
    const float* y = yv.data;
    if (!yv.contiguous()) {
        packed = Matrix::copy_of(yv);
        y = packed.data();
    }
    TreeBuilder<D>(y, ws).build(n);
    const std::size_t n_chunks = (n + kBhGrain - 1) / kBhGrain;
    ws.neg.resize(n * D);
    ws.chunk_z.resize(n_chunks);
    ws.chunk_error.resize(n_chunks);
    const float theta2 = theta * theta;
    const BhNode* nodes = ws.nodes.data();
    const std::size_t n_nodes = ws.nodes.size();
    const std::uint32_t* perm = ws.perm.data();
    double* neg = ws.neg.data();
    pool.parallel_for(0, n, kBhGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
        double z = 0.0;
        for (std::size_t t = lo; t < hi; ++t) {
            const std::size_t i = perm[t];
            z += repulsion<D>(nodes, n_nodes, y + i * D, theta2, neg + i * D);
        }
        ws.chunk_z[lo / kBhGrain] = z;
    });
    double z = 0.0;
    for (double s : ws.chunk_z) z += s;
    z = std::max(z, std::numeric_limits<double>::epsilon());

    constexpr double c = D <= 2 ? 4.0 : 3.0;  // 2(α + 1)/α
    constexpr float tiny = std::numeric_limits<float>::min();
    pool.parallel_for(0, n, kBhGrain, [&](std::size_t lo, std::size_t hi, std::size_t) {
        double error = 0.0;
        for (std::size_t i = lo; i < hi; ++i) {
            const float* yi = y + i * D;
            double pos[D] = {};
            for (std::size_t e = p.indptr[i]; e < p.indptr[i + 1]; ++e) {
                const float* yj = y + std::size_t(p.indices[e]) * D;
                float diff[D];
                float d2 = 0.0f;
                for (int a = 0; a < D; ++a) {
                    diff[a] = yi[a] - yj[a];
                    d2 += diff[a] * diff[a];
                }
                const float w = student<D>(d2);
                const float pij = p.values[e] * exaggeration;
                if (compute_error) {
                    const double q = double(w) / z;
                    error += double(pij) * std::log(std::max(double(pij), double(tiny)) / std::max(q, double(tiny)));
                }
                const double m = double(pij * w);
                for (int a = 0; a < D; ++a) pos[a] += m * double(diff[a]);
            }
            for (int a = 0; a < D; ++a) grad[i * D + a] = float(c * (pos[a] - neg[i * D + a] / z));
        }
        ws.chunk_error[lo / kBhGrain] = error;
    });
    if (!compute_error) return std::numeric_limits<double>::quiet_NaN();
    double error = 0.0;
    for (double s : ws.chunk_error) error += s;
    return error;
}

}  // namespace

void build_bh_tree(ConstMatrixView y, BhWorkspace& ws) {
    N2D_REQUIRE(y.cols >= 1 && y.cols <= 3 && y.rows >= 1 && y.contiguous(),
                "Barnes–Hut tree: the embedding must be contiguous with 1 to 3 columns");
    switch (y.cols) {
        case 1: TreeBuilder<1>(y.data, ws).build(y.rows); break;
        case 2: TreeBuilder<2>(y.data, ws).build(y.rows); break;
        default: TreeBuilder<3>(y.data, ws).build(y.rows); break;
    }
}

double bh_gradient(const SparseP& p, float exaggeration, ConstMatrixView y, float theta, bool compute_error,
                   float* grad, BhWorkspace& ws, ThreadPool& pool) {
    N2D_REQUIRE(y.rows == p.n && y.rows >= 1, "Barnes–Hut gradient: the embedding has " + std::to_string(y.rows) +
                                                  " rows but P is for " + std::to_string(p.n) + " points");
    switch (y.cols) {
        case 1: return gradient<1>(p, exaggeration, y, theta, compute_error, grad, ws, pool);
        case 2: return gradient<2>(p, exaggeration, y, theta, compute_error, grad, ws, pool);
        case 3: return gradient<3>(p, exaggeration, y, theta, compute_error, grad, ws, pool);
        default:
            N2D_FAIL("n2d: Barnes–Hut t-SNE embeds into 1 to 3 dimensions, not " + std::to_string(y.cols) +
                     " (its tree is a quadtree or octree); use TsneMethod::exact or n_components <= 3");
    }
}

}  // namespace tsne_detail
}  // namespace n2d
