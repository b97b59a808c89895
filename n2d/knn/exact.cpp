// Exact k-nearest-neighbour search by blocked distance tiles.
//
// Squared-euclidean spaces (euclidean, cosine, correlation) expand ‖q − x‖² = ‖q‖² + ‖x‖² − 2 q·x
// and get q·x for a 128 × 512 tile from one sgemm call, so the bulk of the work runs at GEMM
// speed and memory stays at one tile per thread. The expansion loses accuracy to cancellation,
// so each row keeps a few more candidates than asked (clamped at 0), re-ranks them with the
// exact kernel, and proves the ranking: with a rounding bound `tol` on the expansion, every
// point not kept has exact distance ≥ (worst kept approximation) − tol; unless that is strictly above
// the k-th exact distance, the row is rescanned with the exact kernel.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "n2d/blas/gemm.hpp"
#include "n2d/blas/detail/vector.hpp"
#include "n2d/core/detail/timing.hpp"
#include "n2d/knn/detail/common.hpp"

namespace n2d::inline v0::knn_detail {

Neighbors::Neighbors(std::size_t rows, std::size_t cols)
    : n(rows), k(cols), idx(rows * cols, -1), dist(rows * cols, std::numeric_limits<float>::infinity()) {}

void BestK::push(const Cand& c) noexcept {
    std::size_t i;
    if (size_ < cap_) {  // sift up
        i = size_++;
        while (i > 0) {
            std::size_t parent = (i - 1) / 2;
            if (!better(h_[parent], c)) break;
            h_[i] = h_[parent];
            i = parent;
        }
        h_[i] = c;
        return;
    }
    i = 0;  // replace the root, sift down
    for (;;) {
        std::size_t l = 2 * i + 1, r = l + 1, w = i;
        Cand worst = c;
        if (l < size_ && better(worst, h_[l])) { w = l; worst = h_[l]; }
        if (r < size_ && better(worst, h_[r])) w = r;
        if (w == i) break;
        h_[i] = h_[w];
        i = w;
    }
    h_[i] = c;
}

std::size_t BestK::sort() noexcept {
    std::sort(h_, h_ + size_, better);
    return size_;
}

void ProgressReporter::report(std::size_t step, std::size_t total, double loss) const {
    if (!cb_) return;
    Progress p;
    p.stage = "knn";
    p.step = step;
    p.total = total;
    p.loss = loss;
    p.elapsed_seconds = seconds_since(start_);
    p.eta_seconds = step ? p.elapsed_seconds * double(total - std::min(step, total)) / double(step) : 0.0;
    p.items_per_second = p.elapsed_seconds > 0 ? double(step) / p.elapsed_seconds : 0.0;
    if (!cb_(p)) ::n2d::detail::throw_cancelled("knn");
}

namespace {

constexpr std::size_t kQueryBlock = 128;  // query rows per task (GEMM m)
constexpr std::size_t kDataTile = 512;    // data rows per GEMM tile (GEMM n)

// The searches below run over a `Rows`: a Space (its prepared rows) or RawRows (the knn_tile
// op's reference rows). Both give size(), dim() (a multiple of 8), row(i), distances() and
// gemm_friendly(); templates keep the Space search's code exactly what it was.

// Every data row's exact distance to `q`, keeping the k best in `out` (sorted).
template <class Rows>
void scan_row(const Rows& space, const float* q, std::size_t skip, std::size_t k, std::vector<const float*>& ptrs,
              std::vector<float>& d, std::vector<Cand>& heap, Cand* out) {
    const std::size_t n = space.size();
    heap.resize(k);
    BestK best(heap.data(), k);
    ptrs.resize(kDataTile);
    d.resize(kDataTile);
    for (std::size_t j0 = 0; j0 < n; j0 += kDataTile) {
        const std::size_t cnt = std::min(kDataTile, n - j0);
        for (std::size_t j = 0; j < cnt; ++j) ptrs[j] = space.row(j0 + j);
        space.distances(q, ptrs.data(), cnt, d.data());
        for (std::size_t j = 0; j < cnt; ++j) {
            if (j0 + j == skip) continue;
            Cand c{d[j], static_cast<std::int32_t>(j0 + j)};
            if (best.admits(c)) best.push(c);
        }
    }
    const std::size_t m = best.sort();
    for (std::size_t j = 0; j < k; ++j) out[j] = j < m ? heap[j] : Cand{std::numeric_limits<float>::infinity(), -1};
}

struct ExactScratch {
    std::vector<float> tile, d;
    std::vector<Cand> heap, heap2;
    std::vector<const float*> ptrs;
    std::vector<Cand> row;
};

void store(Neighbors& out, std::size_t q, const Cand* row) {
    for (std::size_t j = 0; j < out.k; ++j) {
        out.idx[q * out.k + j] = row[j].i;
        out.dist[q * out.k + j] = row[j].d;
    }
}

// GEMM tiles, candidate re-ranking and the rounding proof for one block of query rows.
template <class Rows>
void gemm_block(const Rows& space, const float* queries, std::size_t q0, std::size_t qn, std::size_t k,
                bool exclude_self, const std::vector<float>& xnorm, float max_norm, ThreadPool& pool, ExactScratch& s,
                Neighbors& out) {
    const std::size_t n = space.size(), dim = space.dim();
    const std::size_t extra = std::max<std::size_t>(8, k / 2);
    const std::size_t cap = k + extra;
    s.tile.resize(kQueryBlock * kDataTile);
    s.heap.resize(kQueryBlock * cap);
    s.d.resize(std::max(cap, kDataTile));
    s.ptrs.resize(std::max(cap, kDataTile));
    s.row.resize(k);
    std::vector<BestK> heaps;
    heaps.reserve(qn);
    float qnorm[kQueryBlock];
    const SimdTarget target = active_target();
    vector_kernels(target).sq_row_norms(queries + q0 * dim, qn, dim, dim, qnorm);
    for (std::size_t i = 0; i < qn; ++i) heaps.emplace_back(s.heap.data() + i * cap, cap);

    for (std::size_t j0 = 0; j0 < n; j0 += kDataTile) {
        const std::size_t cnt = std::min(kDataTile, n - j0);
        // Runs inline: we are inside one of `pool`'s chunks.
        sgemm(target, pool, Trans::N, Trans::T, qn, cnt, dim, -2.0f, queries + q0 * dim, dim, space.row(j0), dim,
              0.0f, s.tile.data(), kDataTile);
        for (std::size_t i = 0; i < qn; ++i) {
            float* t = s.tile.data() + i * kDataTile;
            BestK& h = heaps[i];
            const std::size_t self = exclude_self ? q0 + i : std::size_t(-1);
            // Two passes: a branch-free (vectorisable) expansion, then a scan that rejects most
            // entries with one compare.
            const float qi = qnorm[i];
            const float* xn = xnorm.data() + j0;
            for (std::size_t j = 0; j < cnt; ++j) t[j] = std::max(0.0f, qi + xn[j] + t[j]);
            for (std::size_t j = 0; j < cnt; ++j) {
                const float a = t[j];
                if (h.full() && !(a <= h.worst().d)) continue;  // fast reject
                if (j0 + j == self) continue;
                Cand c{a, static_cast<std::int32_t>(j0 + j)};
                if (h.admits(c)) h.push(c);
            }
        }
    }
    // Rounding bound of the expansion (each of the three terms carries at most (dim+2)·u
    // relative error of |q|² + |x|² + 2|q||x|), doubled for the summation-order slack.
    const float u = std::numeric_limits<float>::epsilon() * 0.5f;
    const float gamma = 2.0f * float(dim + 8) * u;
    for (std::size_t i = 0; i < qn; ++i) {
        BestK& h = heaps[i];
        const float* q = queries + (q0 + i) * dim;
        const std::size_t m = h.size();
        const float worst_approx = h.worst().d;
        Cand* c = h.data();
        for (std::size_t j = 0; j < m; ++j) s.ptrs[j] = space.row(static_cast<std::size_t>(c[j].i));
        space.distances(q, s.ptrs.data(), m, s.d.data());
        for (std::size_t j = 0; j < m; ++j) c[j].d = s.d[j];
        std::sort(c, c + m, better);
        const std::size_t others = n - (exclude_self ? 1 : 0);
        bool proven = m == others;  // every other point was a candidate
        if (!proven && m >= k) {
            const float qq = std::sqrt(qnorm[i]) + max_norm;
            const float tol = gamma * (qq * qq + c[k - 1].d);
            proven = c[k - 1].d < worst_approx - tol;  // strict: outside points are farther
        }
        if (proven) {
            for (std::size_t j = 0; j < k; ++j)
                s.row[j] = j < m ? c[j] : Cand{std::numeric_limits<float>::infinity(), -1};
        } else {
            scan_row(space, q, exclude_self ? q0 + i : std::size_t(-1), k, s.ptrs, s.d, s.heap2, s.row.data());
        }
        store(out, q0 + i, s.row.data());
    }
}

// Direct kernel tiles for metrics without a GEMM form.
template <class Rows>
void direct_block(const Rows& space, const float* queries, std::size_t q0, std::size_t qn, std::size_t k,
                  bool exclude_self, ExactScratch& s, Neighbors& out) {
    for (std::size_t i = 0; i < qn; ++i) {
        scan_row(space, queries + (q0 + i) * space.dim(), exclude_self ? q0 + i : std::size_t(-1), k, s.ptrs, s.d,
                 s.heap2, (s.row.resize(k), s.row.data()));
        store(out, q0 + i, s.row.data());
    }
}

template <class Rows>
Neighbors search(const Rows& space, const float* queries, std::size_t nq, std::size_t k, bool exclude_self,
                 ThreadPool& pool, const ProgressReporter* progress) {
    Neighbors out(nq, k);
    if (nq == 0 || k == 0) return out;
    const std::size_t n = space.size();
    std::vector<float> xnorm;
    float max_norm = 0.0f;
    if (space.gemm_friendly()) {
        xnorm.resize(n);
        vector_kernels(active_target()).sq_row_norms(space.row(0), n, space.dim(), space.dim(), xnorm.data());
        for (float v : xnorm) max_norm = std::max(max_norm, v);
        max_norm = std::sqrt(max_norm);
    }
    std::vector<ExactScratch> scratch(pool.num_threads());
    const std::size_t n_blocks = (nq + kQueryBlock - 1) / kQueryBlock;
    // Batches of blocks between progress reports (the callback runs on this thread only).
    const std::size_t per_batch = std::max<std::size_t>(pool.num_threads() * 4, 1);
    for (std::size_t b0 = 0; b0 < n_blocks; b0 += per_batch) {
        const std::size_t b1 = std::min(n_blocks, b0 + per_batch);
        pool.parallel_for(b0, b1, 1, [&](std::size_t lo, std::size_t hi, std::size_t w) {
            for (std::size_t b = lo; b < hi; ++b) {
                const std::size_t q0 = b * kQueryBlock, qn = std::min(kQueryBlock, nq - q0);
                if (space.gemm_friendly())
                    gemm_block(space, queries, q0, qn, k, exclude_self, xnorm, max_norm, pool, scratch[w], out);
                else
                    direct_block(space, queries, q0, qn, k, exclude_self, scratch[w], out);
            }
        });
        if (progress) progress->report(b1, n_blocks, std::numeric_limits<double>::quiet_NaN());
    }
    return out;
}

}  // namespace

Neighbors exact_search(const Space& space, const float* queries, std::size_t nq, std::size_t k, bool exclude_self,
                       ThreadPool& pool, const ProgressReporter* progress) {
    return search(space, queries, nq, k, exclude_self, pool, progress);
}

Neighbors exact_search(const RawRows& refs, const float* queries, std::size_t nq, std::size_t k, ThreadPool& pool) {
    return search(refs, queries, nq, k, false, pool, nullptr);
}

}  // namespace n2d::knn_detail
