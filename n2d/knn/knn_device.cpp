// kNN on a device: the CPU device's knn_tile op (the exact tile search of exact.cpp on raw rows)
// and the exact training search through any device's knn_tile.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "n2d/device/detail/cpu_ops.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/knn/detail/common.hpp"

namespace n2d::inline v0 {

void cpu_knn_tile(ThreadPool& pool, const KnnTileArgs& a) {
    N2D_ASSERT(a.dim >= 1 && a.k >= 1, "knn_tile needs dim >= 1 and k >= 1");
    if (a.n_queries == 0) return;
    std::int32_t* idx = a.indices.host<std::int32_t>();
    float* dist = a.distances.host<float>();
    if (a.n_refs == 0) {
        std::fill_n(idx, a.n_queries * a.k, -1);
        std::fill_n(dist, a.n_queries * a.k, std::numeric_limits<float>::infinity());
        return;
    }
    const float* q = a.queries.host<float>();
    const float* r = a.refs.host<float>();
    // The exact kernels read rows of a multiple of 8 floats: zero-padded copies otherwise (the
    // kNN stage's own rows are already padded).
    const std::size_t w = knn_detail::padded_width(a.dim);
    std::vector<float> qp, rp;
    if (w != a.dim) {
        auto pad = [&](const float* src, std::size_t rows, std::vector<float>& dst) {
            dst.assign(rows * w, 0.0f);
            for (std::size_t i = 0; i < rows; ++i) std::memcpy(&dst[i * w], src + i * a.dim, a.dim * sizeof(float));
            return dst.data();
        };
        q = pad(q, a.n_queries, qp);
        r = pad(r, a.n_refs, rp);
    }
    const knn_detail::Neighbors nb = knn_detail::exact_search(knn_detail::RawRows(r, a.n_refs, w), q, a.n_queries, a.k, pool);
    std::copy(nb.idx.begin(), nb.idx.end(), idx);
    std::copy(nb.dist.begin(), nb.dist.end(), dist);
}

namespace knn_detail {

namespace {
// Queries per tile: large enough to keep a GPU busy, small enough that the host re-ranks one
// block while the device computes the next.
constexpr std::size_t kDeviceQueryBlock = 4096;

struct RerankScratch {
    std::vector<const float*> ptrs;
    std::vector<float> d;
    std::vector<Cand> c;
};
}  // namespace

Neighbors device_exact_search(Device& dev, const Space& space, std::size_t k, ThreadPool& pool,
                              const ProgressReporter* progress) {
    const std::size_t n = space.size(), dim = space.dim();
    Neighbors out(n, k);
    if (n == 0 || k == 0) return out;
    // The point itself (not skipped by the op) plus the margin of candidates the GEMM search keeps,
    // so a device that ranks near-ties differently still hands the host the true k nearest.
    const std::size_t kt = std::min(n, k + 1 + std::max<std::size_t>(8, k / 2));
    const std::size_t block = std::min(n, kDeviceQueryBlock);
    const std::size_t n_blocks = (n + block - 1) / block;
    const Buffer rows = upload_new(dev, space.row(0), n * dim);
    const Buffer idx[2] = {Buffer(dev, DType::i32, block * kt), Buffer(dev, DType::i32, block * kt)};
    const Buffer dist(dev, DType::f32, block * kt);  // squared distances: recomputed on the host
    std::vector<std::int32_t> cand(block * kt);
    std::vector<RerankScratch> scratch(pool.num_threads());
    for (auto& s : scratch) {
        s.ptrs.resize(kt);
        s.d.resize(kt);
        s.c.resize(kt);
    }
    auto launch = [&](std::size_t b) {
        const std::size_t q0 = b * block, qn = std::min(block, n - q0);
        KnnTileArgs t;
        t.n_queries = qn;
        t.n_refs = n;
        t.dim = dim;
        t.k = kt;
        t.queries = rows.view(q0 * dim, qn * dim);
        t.refs = rows.view();
        t.indices = idx[b % 2].view(0, qn * kt);
        t.distances = dist.view(0, qn * kt);
        dev.knn_tile(t);
    };
    launch(0);
    for (std::size_t b = 0; b < n_blocks; ++b) {
        const std::size_t q0 = b * block, qn = std::min(block, n - q0);
        dev.download(cand.data(), idx[b % 2].view(0, qn * kt));
        if (b + 1 < n_blocks) launch(b + 1);  // queued: the device runs it while the host re-ranks
        pool.parallel_for(0, qn, 64, [&](std::size_t lo, std::size_t hi, std::size_t w) {
            RerankScratch& s = scratch[w];
            for (std::size_t i = lo; i < hi; ++i) {
                const std::size_t q = q0 + i;
                const std::int32_t* ci = cand.data() + i * kt;
                std::size_t m = 0;
                for (std::size_t j = 0; j < kt; ++j) {
                    const std::int32_t c = ci[j];
                    if (c < 0 || std::size_t(c) == q) continue;
                    N2D_ASSERT(std::size_t(c) < n, "knn_tile returned an index out of range");
                    s.c[m].i = c;
                    s.ptrs[m++] = space.row(std::size_t(c));
                }
                space.distances(space.row(q), s.ptrs.data(), m, s.d.data());
                for (std::size_t j = 0; j < m; ++j) s.c[j].d = s.d[j];
                std::sort(s.c.begin(), s.c.begin() + std::ptrdiff_t(m), better);
                for (std::size_t j = 0; j < k; ++j) {
                    out.idx[q * k + j] = j < m ? s.c[j].i : -1;
                    out.dist[q * k + j] = j < m ? s.c[j].d : std::numeric_limits<float>::infinity();
                }
            }
        });
        if (progress) progress->report(b + 1, n_blocks, std::numeric_limits<double>::quiet_NaN());
    }
    return out;
}

}  // namespace knn_detail
}  // namespace n2d
