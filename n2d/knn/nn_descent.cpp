// NN-descent (Dong, Moses & Li 2011) as pynndescent 0.5.8 runs it in low-memory mode:
// random-projection forest → leaf-pair initialisation → random fill → iterations of
// (sample new/old candidates with random priorities, local join, apply updates) until an
// iteration makes at most delta·n·k heap updates.
//
// Determinism at any thread count (pynndescent's results depend on its thread count):
//  * every random number is a pure function of (seed, tree / iteration / vertex / edge);
//  * work is cut into chunks whose boundaries depend only on n;
//  * proposed heap updates go into buckets [chunk][destination partition]; each partition is
//    then applied by one task, chunk by chunk, so every heap sees the same push sequence.
// Threshold tests use heap roots read while no heap is written (generation and application are
// separate phases), as pynndescent's block-start thresholds do.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "n2d/blas/gemm.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/knn/detail/common.hpp"

namespace n2d::inline v0::knn_detail {

namespace {

constexpr std::size_t kChunk = 64;         // vertices (or leaves) per generation task
constexpr std::size_t kJoinBlock = 4096;   // vertices joined between two apply phases (bounds memory)
constexpr std::size_t kPartitions = 64;    // destination partitions for the apply phase

std::uint64_t mix64(std::uint64_t z) noexcept {
    z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDull;
    z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53ull;
    return z ^ (z >> 33);
}

// A proposed push of `other` (at distance d) into the heap of `target`.
struct Update {
    std::int32_t target, other;
    float d;
};
// The reverse candidates of an iteration in CSR form: target t is offered the sources
// src[begin[t], begin[t + 1]) in ascending (source, slot) order — the order the pushes always had —
// each stored as source << 1 | its "new" flag; priorities are recomputed where they are pushed.
struct ReverseLists {
    std::vector<std::size_t> begin;
    std::vector<std::uint32_t> src;
    ReverseLists(std::size_t n, std::size_t k) : begin(n + 1), src(n * k) {}
};

// The neighbour heaps: per vertex k slots (max-heap on distance, slot 0 = worst), with the
// "new" flag of each entry.
struct Graph {
    std::size_t n, k;
    std::vector<std::int32_t> idx;
    std::vector<float> dist;
    std::vector<unsigned char> flag;
    Graph(std::size_t n_, std::size_t k_)
        : n(n_), k(k_), idx(n_ * k_, -1), dist(n_ * k_, std::numeric_limits<float>::infinity()), flag(n_ * k_, 0) {}
    float threshold(std::size_t v) const noexcept { return dist[v * k]; }

    // pynndescent's checked_flagged_heap_push: rejects d >= worst and duplicates.
    bool push(std::size_t v, std::int32_t j, float d) noexcept {
        float* D = dist.data() + v * k;
        std::int32_t* I = idx.data() + v * k;
        unsigned char* F = flag.data() + v * k;
        if (!(d < D[0])) return false;
        for (std::size_t s = 0; s < k; ++s)
            if (I[s] == j) return false;
        std::size_t i = 0;
        for (;;) {
            const std::size_t l = 2 * i + 1, r = l + 1;
            std::size_t w;
            if (l >= k) break;
            if (r >= k || D[l] >= D[r]) w = l;
            else w = r;
            if (D[w] > d) {
                D[i] = D[w];
                I[i] = I[w];
                F[i] = F[w];
                i = w;
            } else {
                break;
            }
        }
        D[i] = d;
        I[i] = j;
        F[i] = 1;
        return true;
    }
};

// Per-vertex candidate lists keeping the `cap` lowest (priority, id), no duplicates. The
// priorities are only needed while a list is built: the caller passes that vertex's `cap` slots
// of scratch (P), so they are not kept for every vertex.
struct Candidates {
    std::size_t cap;
    std::vector<std::int32_t> idx;
    std::vector<std::uint32_t> count;
    Candidates(std::size_t n, std::size_t c) : cap(c), idx(n * c), count(n) {}
    static bool above(std::uint32_t pa, std::int32_t ia, std::uint32_t pb, std::int32_t ib) noexcept {
        return pa > pb || (pa == pb && ia > ib);
    }
    void push(std::size_t v, std::int32_t j, std::uint32_t p, std::uint32_t* P) noexcept {
        std::int32_t* I = idx.data() + v * cap;
        std::uint32_t& m = count[v];
        if (m == cap && !above(P[0], I[0], p, j)) return;
        for (std::size_t s = 0; s < m; ++s)
            if (I[s] == j) return;
        std::size_t i;
        if (m < cap) {  // sift up from the end
            i = m++;
            while (i > 0) {
                const std::size_t parent = (i - 1) / 2;
                if (!above(P[parent], I[parent], p, j)) break;
                P[i] = P[parent];
                I[i] = I[parent];
                i = parent;
            }
        } else {  // replace the root, sift down
            i = 0;
            for (;;) {
                const std::size_t l = 2 * i + 1, r = l + 1;
                std::size_t w = i;
                std::uint32_t wp = p;
                std::int32_t wi = j;
                if (l < m && above(P[l], I[l], wp, wi)) { w = l; wp = P[l]; wi = I[l]; }
                if (r < m && above(P[r], I[r], wp, wi)) w = r;
                if (w == i) break;
                P[i] = P[w];
                I[i] = I[w];
                i = w;
            }
        }
        P[i] = p;
        I[i] = j;
    }
    bool contains(std::size_t v, std::int32_t j) const noexcept {
        const std::int32_t* I = idx.data() + v * cap;
        for (std::size_t s = 0; s < count[v]; ++s)
            if (I[s] == j) return true;
        return false;
    }
};

// Buckets of records by (generation chunk, destination partition).
template <class Record>
struct Buckets {
    std::size_t part_size;
    std::vector<std::vector<Record>> b;
    explicit Buckets(std::size_t n) : part_size((n + kPartitions - 1) / kPartitions) {}
    void reset(std::size_t chunks) {
        if (b.size() < chunks * kPartitions) b.resize(chunks * kPartitions);
        for (auto& v : b) v.clear();
    }
    void add(std::size_t chunk, const Record& r) {
        b[chunk * kPartitions + static_cast<std::size_t>(r.target) / part_size].push_back(r);
    }
    const std::vector<Record>& at(std::size_t chunk, std::size_t part) const { return b[chunk * kPartitions + part]; }
};

// Applies every update bucket, partition by partition in chunk order; returns successful pushes.
std::size_t apply(Graph& g, const Buckets<Update>& ub, std::size_t chunks, ThreadPool& pool) {
    std::vector<std::size_t> counts(kPartitions, 0);
    pool.parallel_for(0, kPartitions, 1, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t p = lo; p < hi; ++p)
            for (std::size_t c = 0; c < chunks; ++c)
                for (const Update& u : ub.at(c, p))
                    counts[p] += g.push(static_cast<std::size_t>(u.target), u.other, u.d);
    });
    return std::accumulate(counts.begin(), counts.end(), std::size_t(0));
}

// Per-thread scratch for distance batches.
struct DescentScratch {
    std::vector<const float*> ptrs;
    std::vector<float> d;
    std::vector<std::int32_t> ids;
    std::vector<std::int32_t> list;  // one vertex's new then old candidates
};

// Proposes the pairs among `ids` (the first `n_new` are new candidates): new×new (p < q) and
// new×old, each where it beats a current threshold.
void join(const Space& space, const Graph& g, const std::int32_t* ids, std::size_t n_new, std::size_t n_all,
          std::size_t chunk, Buckets<Update>& ub, DescentScratch& s) {
    for (std::size_t x = 0; x < n_new; ++x) {
        const std::int32_t p = ids[x];
        std::size_t cnt = 0;
        for (std::size_t y = x + 1; y < n_all; ++y) {
            if (ids[y] == p) continue;
            s.ids[cnt] = ids[y];
            s.ptrs[cnt++] = space.row(static_cast<std::size_t>(ids[y]));
        }
        space.distances(space.row(static_cast<std::size_t>(p)), s.ptrs.data(), cnt, s.d.data());
        const float tp = g.threshold(static_cast<std::size_t>(p));
        for (std::size_t y = 0; y < cnt; ++y) {
            const float d = s.d[y];
            const std::int32_t q = s.ids[y];
            if (d < tp) ub.add(chunk, {p, q, d});
            if (d < g.threshold(static_cast<std::size_t>(q))) ub.add(chunk, {q, p, d});
        }
    }
}

void init_from_forest(const Space& space, Graph& g, const std::vector<RpTree>& forest, Buckets<Update>& ub,
                      std::vector<DescentScratch>& scratch, ThreadPool& pool) {
    for (const RpTree& tree : forest) {
        const std::size_t leaves = tree.n_leaves(), chunks = (leaves + kChunk - 1) / kChunk;
        ub.reset(chunks);
        pool.parallel_for(0, chunks, 1, [&](std::size_t lo, std::size_t hi, std::size_t w) {
            DescentScratch& s = scratch[w];
            for (std::size_t c = lo; c < hi; ++c)
                for (std::size_t leaf = c * kChunk; leaf < std::min(leaves, (c + 1) * kChunk); ++leaf) {
                    const auto a = static_cast<std::size_t>(tree.leaf_start[leaf]);
                    const auto b = static_cast<std::size_t>(tree.leaf_start[leaf + 1]);
                    if (s.ptrs.size() < b - a) {
                        s.ptrs.resize(b - a);
                        s.d.resize(b - a);
                        s.ids.resize(b - a);
                    }
                    join(space, g, tree.points.data() + a, b - a, b - a, c, ub, s);
                }
        });
        apply(g, ub, chunks, pool);
    }
}

// Tops up heaps the forest left short with random points (deterministic per vertex).
void random_fill(Graph& g, std::uint64_t seed, const Space& space, ThreadPool& pool) {
    const std::size_t n = g.n, k = g.k;
    pool.parallel_for(0, n, 1024, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t v = lo; v < hi; ++v) {
            if (g.idx[v * k] >= 0) continue;
            Rng rng(derive_seed(seed, 0x52414E44ull, v));
            for (std::size_t attempt = 0; attempt < 4 * k && g.idx[v * k] < 0; ++attempt) {
                const auto j = static_cast<std::size_t>(rng.below(n));
                if (j != v) g.push(v, static_cast<std::int32_t>(j), space.distance(space.row(v), space.row(j)));
            }
            // Few points or many collisions: walk the ids from a random start until full.
            const std::size_t start = static_cast<std::size_t>(rng.below(n));
            for (std::size_t t = 0; t < n && g.idx[v * k] < 0; ++t) {
                const std::size_t j = (start + t) % n;
                if (j != v) g.push(v, static_cast<std::int32_t>(j), space.distance(space.row(v), space.row(j)));
            }
        }
    });
}

// Samples candidates for iteration `iter` and clears the "new" flag of sampled entries.
void build_candidates(Graph& g, Candidates& fresh, Candidates& old, ReverseLists& rev,
                      std::vector<std::vector<std::uint32_t>>& prio_scratch, std::uint64_t iter_seed,
                      ThreadPool& pool) {
    const std::size_t n = g.n, k = g.k, cap = fresh.cap;
    auto priority = [iter_seed](std::size_t v, std::int32_t j) {
        return static_cast<std::uint32_t>(mix64(iter_seed ^ (v * 0x9E3779B97F4A7C15ull) ^
                                                (static_cast<std::uint64_t>(j) * 0xD1B54A32D192ED03ull)) >> 32);
    };
    // Reverse lists, counted then filled in (source, slot) order, with the flags as they are now.
    std::fill(rev.begin.begin(), rev.begin.end(), std::size_t(0));
    for (std::size_t e = 0; e < n * k; ++e)
        if (g.idx[e] >= 0) ++rev.begin[static_cast<std::size_t>(g.idx[e]) + 1];
    for (std::size_t t = 0; t < n; ++t) rev.begin[t + 1] += rev.begin[t];
    for (std::size_t v = 0; v < n; ++v)
        for (std::size_t s = 0; s < k; ++s) {
            const std::int32_t j = g.idx[v * k + s];
            if (j >= 0)
                rev.src[rev.begin[static_cast<std::size_t>(j)]++] =
                    static_cast<std::uint32_t>(v << 1) | (g.flag[v * k + s] ? 1u : 0u);
        }
    for (std::size_t t = n; t > 0; --t) rev.begin[t] = rev.begin[t - 1];  // back to the starts
    rev.begin[0] = 0;
    const std::size_t part_size = (n + kPartitions - 1) / kPartitions;
    pool.parallel_for(0, kPartitions, 1, [&](std::size_t lo, std::size_t hi, std::size_t w) {
        std::vector<std::uint32_t>& prio = prio_scratch[w];
        prio.resize(2 * part_size * cap);
        for (std::size_t p = lo; p < hi; ++p) {
            const std::size_t v0 = std::min(n, p * part_size), v1 = std::min(n, v0 + part_size);
            auto push = [&](std::size_t v, std::int32_t j, std::uint32_t pr, bool is_new) {
                std::uint32_t* P = prio.data() + (2 * (v - v0) + (is_new ? 0 : 1)) * cap;
                (is_new ? fresh : old).push(v, j, pr, P);
            };
            for (std::size_t v = v0; v < v1; ++v) {
                fresh.count[v] = old.count[v] = 0;
                for (std::size_t s = 0; s < k; ++s) {
                    const std::int32_t j = g.idx[v * k + s];
                    if (j < 0) continue;
                    push(v, j, priority(v, j), g.flag[v * k + s] != 0);
                }
            }
            // Offers of the partition's targets in ascending target order: each list belongs to
            // one target, and a target's pushes keep their (source, slot) order.
            for (std::size_t v = v0; v < v1; ++v)
                for (std::size_t r = rev.begin[v]; r < rev.begin[v + 1]; ++r) {
                    const std::size_t source = rev.src[r] >> 1;
                    push(v, static_cast<std::int32_t>(source), priority(source, static_cast<std::int32_t>(v)),
                         (rev.src[r] & 1u) != 0);
                }
            for (std::size_t v = v0; v < v1; ++v)
                for (std::size_t s = 0; s < k; ++s)
                    if (g.flag[v * k + s] && fresh.contains(v, g.idx[v * k + s])) g.flag[v * k + s] = 0;
        }
    });
}

// Rows the forest splits. Splitting reads every row once per tree level, so for wide rows the
// forest is memory-bound (raw MNIST: 21 trees × ~13 levels × 220 MB); a fixed Gaussian
// projection to kTreeDim columns (Johnson–Lindenstrauss) keeps the split geometry and cuts that
// traffic ~12×. The trees only seed NN-descent, whose joins use the full rows. Empty = no projection.
constexpr std::size_t kTreeDim = 64;
Matrix tree_rows(const Space& space, std::uint64_t seed, ThreadPool& pool) {
    const std::size_t dim = space.dim();
    if (dim <= 2 * kTreeDim) return Matrix();
    Matrix proj(dim, kTreeDim);
    Rng rng(derive_seed(seed, 0x50524F4Aull));
    const double scale = 1.0 / std::sqrt(double(kTreeDim));
    for (std::size_t i = 0; i < proj.size(); ++i) proj.data()[i] = static_cast<float>(rng.normal() * scale);
    Matrix out(space.size(), kTreeDim);
    sgemm(active_target(), pool, Trans::N, Trans::N, space.size(), kTreeDim, dim, 1.0f, space.data().data(), dim,
          proj.data(), kTreeDim, 0.0f, out.data(), kTreeDim);
    return out;
}

}  // namespace

Neighbors nn_descent(const Space& space, const NnDescentParams& prm, ThreadPool& pool,
                     const ProgressReporter* progress) {
    const std::size_t n = space.size(), k = prm.k;
    Neighbors out(n, k);
    if (k == 0) return out;
    Graph g(n, k);
    std::vector<DescentScratch> scratch(pool.num_threads());
    const std::size_t mc = prm.max_candidates;
    for (DescentScratch& s : scratch) {
        s.ptrs.resize(2 * mc);
        s.d.resize(2 * mc);
        s.ids.resize(2 * mc);
        s.list.resize(2 * mc);
    }
    const std::size_t total_steps = prm.n_iters + 1;

    // 1. Forest (one task per tree) and leaf-pair initialisation.
    const Matrix projected = tree_rows(space, prm.seed, pool);
    const ConstMatrixView rows = projected.empty() ? space.data().view() : projected.view();
    std::vector<RpTree> forest(prm.n_trees);
    pool.parallel_for(0, prm.n_trees, 1, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t t = lo; t < hi; ++t)
            forest[t] = build_rp_tree(rows, prm.leaf_size, derive_seed(prm.seed, 0x54524545ull, t), false);
    });
    Buckets<Update> ub(n);
    init_from_forest(space, g, forest, ub, scratch, pool);
    forest.clear();
    forest.shrink_to_fit();
    random_fill(g, prm.seed, space, pool);
    if (progress) progress->report(1, total_steps, std::numeric_limits<double>::quiet_NaN());

    // 2. Iterations.
    Candidates fresh(n, mc), old(n, mc);
    ReverseLists rev(n, k);
    std::vector<std::vector<std::uint32_t>> prio_scratch(pool.num_threads());
    const double stop_at = double(prm.delta) * double(n) * double(k);
    for (std::size_t iter = 0; iter < prm.n_iters; ++iter) {
        build_candidates(g, fresh, old, rev, prio_scratch, derive_seed(prm.seed, 0x49544552ull, iter), pool);
        std::size_t updates = 0;
        for (std::size_t b0 = 0; b0 < n; b0 += kJoinBlock) {
            const std::size_t b1 = std::min(n, b0 + kJoinBlock);
            const std::size_t chunks = (b1 - b0 + kChunk - 1) / kChunk;
            ub.reset(chunks);
            pool.parallel_for(0, chunks, 1, [&](std::size_t lo, std::size_t hi, std::size_t w) {
                DescentScratch& s = scratch[w];
                for (std::size_t c = lo; c < hi; ++c)
                    for (std::size_t v = b0 + c * kChunk; v < std::min(b1, b0 + (c + 1) * kChunk); ++v) {
                        const std::size_t a = fresh.count[v], b = old.count[v];
                        if (a == 0) continue;
                        std::copy_n(fresh.idx.data() + v * mc, a, s.list.data());
                        std::copy_n(old.idx.data() + v * mc, b, s.list.data() + a);
                        join(space, g, s.list.data(), a, a + b, c, ub, s);
                    }
            });
            updates += apply(g, ub, chunks, pool);
        }
        if (progress) progress->report(iter + 2, total_steps, double(updates));
        if (double(updates) <= stop_at) break;
    }

    // 3. Rows ascending by (distance, id).
    pool.parallel_for(0, n, 1024, [&](std::size_t lo, std::size_t hi, std::size_t) {
        std::vector<Cand> row(k);
        for (std::size_t v = lo; v < hi; ++v) {
            for (std::size_t s = 0; s < k; ++s) row[s] = {g.dist[v * k + s], g.idx[v * k + s]};
            std::sort(row.begin(), row.end(), [](const Cand& a, const Cand& b) {
                if (a.i < 0 || b.i < 0) return b.i < 0 && a.i >= 0;
                return better(a, b);
            });
            for (std::size_t s = 0; s < k; ++s) {
                out.idx[v * k + s] = row[s].i;
                out.dist[v * k + s] = row[s].i < 0 ? std::numeric_limits<float>::infinity() : row[s].d;
            }
        }
    });
    return out;
}

}  // namespace n2d::knn_detail
