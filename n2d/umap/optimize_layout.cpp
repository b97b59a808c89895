#include "n2d/umap/detail/optimize_layout.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <cstring>
#include <string>
#include <vector>

#include "n2d/core/detail/per_thread.hpp"
#include "n2d/core/detail/task_graph.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/device/detail/cpu_ops.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/umap/detail/sgd_kernels.hpp"

namespace n2d::inline v0 {

SparseGraph prune_edges(const SparseGraph& graph, float threshold) {
    SparseGraph out;
    out.n_rows = graph.n_rows;
    out.n_cols = graph.n_cols;
    out.indptr.assign(graph.n_rows + 1, 0);
    auto kept = [&](std::size_t e) { return graph.weights[e] >= threshold && graph.weights[e] > 0.0f; };
    std::size_t count = 0;  // counted first: allocated at its exact size
    for (std::size_t e = 0; e < graph.nnz(); ++e) count += kept(e);
    out.indices.resize(count);
    out.weights.resize(count);
    std::size_t slot = 0;
    for (std::size_t i = 0; i < graph.n_rows; ++i) {
        for (std::size_t e = graph.row_begin(i); e < graph.row_end(i); ++e)
            if (kept(e)) {
                out.indices[slot] = graph.indices[e];
                out.weights[slot++] = graph.weights[e];
            }
        out.indptr[i + 1] = slot;
    }
    return out;
}

float max_weight(const SparseGraph& graph) {
    float m = 0.0f;
    for (float w : graph.weights) m = std::max(m, w);
    return m;
}

namespace {

// Negative-sample stream of one (seed, epoch, vertex): SplitMix64, cheap to seed per vertex.
struct SampleStream {
    std::uint64_t state;
    std::size_t below(std::size_t n) noexcept {
        const std::uint64_t z = splitmix64(state);
        return static_cast<std::size_t>(mul_64x64(z, n).hi);
    }
};

// The force formulas (sgd_kernels.hpp) for the active SIMD target.
struct Forces {
    ForceCurve curve;
    ForceBatchFn sample_batch, repel_batch;
    Forces(double a, double b, float gamma)
        : curve(a, b, gamma), sample_batch(sample_forces_fn(active_target())), repel_batch(repel_forces_fn(active_target())) {}
    explicit Forces(const LayoutParams& p) : Forces(p.a, p.b, p.repulsion_strength) {}
    // Attraction coefficient for squared distance d2 > 0: −2ab·d2^(b−1)/(1 + a·d2^b).
    float attract(float d2) const noexcept {
        float in[kForceBatch] = {d2}, out[kForceBatch];
        sample_batch(curve, in, out);
        return out[0];
    }
    // Repulsion coefficient for d2 > 0: 2γb/((0.001 + d2)(1 + a·d2^b)).
    float repel(float d2) const noexcept {
        float in[kForceBatch] = {d2}, out[kForceBatch];
        repel_batch(curve, in, out);
        return out[0];
    }
};

inline float clip4(float g) noexcept { return g > 4.0f ? 4.0f : (g < -4.0f ? -4.0f : g); }

// Two interleaved partial sums halve the latency of the sum (the SGD is latency-bound).
inline float squared_distance(const float* x, const float* y, std::size_t dim) noexcept {
    float s0 = 0.0f, s1 = 0.0f;
    std::size_t d = 0;
    for (; d + 2 <= dim; d += 2) {
        const float t0 = x[d] - y[d], t1 = x[d + 1] - y[d + 1];
        s0 += t0 * t0;
        s1 += t1 * t1;
    }
    if (d < dim) {
        const float t = x[d] - y[d];
        s0 += t * t;
    }
    return s0 + s1;
}

// x += step · clip(c · (x − y)) per dimension.
inline void move(float* x, const float* y, std::size_t dim, float c, float step) noexcept {
    for (std::size_t d = 0; d < dim; ++d) x[d] += step * clip4(c * (x[d] - y[d]));
}

// Per-edge sampling schedule (umap-learn's epochs_per_sample and its counters).
struct Schedule {
    std::vector<float> eps, eps_neg, next, next_neg;
    void init(const float* weights, std::size_t count, float max_w, float negative_sample_rate) {
        eps.resize(count);
        eps_neg.resize(count);
        next.resize(count);
        next_neg.resize(count);
        for (std::size_t e = 0; e < count; ++e) {
            eps[e] = weights[e] > 0.0f ? max_w / weights[e] : -1.0f;
            eps_neg[e] = negative_sample_rate > 0.0f ? eps[e] / negative_sample_rate : 0.0f;
            next[e] = eps[e];
            next_neg[e] = eps_neg[e];
        }
    }
};

// One transform epoch of a new point x: its sampled edges [begin, end) to the fixed points
// `others` (n_others rows, stride dim) attract x only, and x is pushed away from negatives drawn
// among the fixed points (umap-learn's move_other = False).
inline void transform_epoch(float* x, std::size_t dim, const float* others, std::size_t n_others,
                            const std::int32_t* cols, std::size_t begin, std::size_t end, Schedule& s, float epoch,
                            float alpha, const Forces& f, SampleStream& rng) {
    for (std::size_t e = begin; e < end; ++e) {
        if (!(s.next[e] <= epoch) || s.eps[e] <= 0.0f) continue;
        const float* y = others + static_cast<std::size_t>(cols[e]) * dim;
        const float d2 = squared_distance(x, y, dim);
        if (d2 > 0.0f) move(x, y, dim, f.attract(d2), alpha);
        s.next[e] += s.eps[e];
        if (s.eps_neg[e] <= 0.0f) continue;
        const float ratio = (epoch - s.next_neg[e]) / s.eps_neg[e];
        const int n_neg = ratio > 0.0f ? static_cast<int>(ratio) : 0;
        for (int p = 0; p < n_neg; ++p) {
            const float* z = others + rng.below(n_others) * dim;
            const float dz = squared_distance(x, z, dim);
            if (dz > 0.0f) move(x, z, dim, f.repel(dz), alpha);
        }
        s.next_neg[e] += static_cast<float>(n_neg) * s.eps_neg[e];
    }
}

// The number of negatives an edge sampled at `epoch` draws (umap-learn's counter rule).
inline int negatives_due(float eps_neg, float next_neg, float epoch) noexcept {
    if (eps_neg <= 0.0f) return 0;
    const float ratio = (epoch - next_neg) / eps_neg;
    return ratio > 0.0f ? static_cast<int>(ratio) : 0;
}

// A host view's address; null for an empty view (an op's edge arrays when there are no edges).
template <class T>
T* host_or_null(const BufView& v) {
    return v.empty() ? nullptr : v.host<T>();
}

// One epoch's view of the fit state (edges in schedule order, one array per field, as the
// umap_epoch op has them), shared by the concurrent tasks.
struct EpochTasks {
    float* emb;
    const float* snapshot;
    std::size_t n, dim;
    const std::uint32_t *head, *tail;
    const float *eps, *eps_neg;
    float *next, *next_neg;
    const std::uint32_t* task_begin;
    std::uint64_t seed;
    std::size_t epoch;
    float alpha;
    const Forces& forces;
};

// A sampled edge i: both ends attract (umap-learn's move_other) and the head is pushed away
// from its n_neg negatives `picks`, read from the epoch's snapshot. Unlike umap-learn, which
// moves the head after each of these forces in turn, the attraction and the first
// kForceBatch − 1 negatives are all evaluated at the head's position before the sample and
// their moves summed (in pick order): the distances and powers are independent, so they overlap
// and share SIMD instructions instead of forming one long dependency chain through the head.
// Further negatives (negative_sample_rate ≥ kForceBatch) follow in batches of kForceBatch.
template <std::size_t D>
inline void sample_edge(const EpochTasks& c, std::size_t dim_rt, std::size_t i, const std::uint32_t* picks,
                        int n_neg) {
    const std::size_t dim = D ? D : dim_rt;
    const Forces& f = c.forces;
    const float alpha = c.alpha;
    const std::uint32_t head = c.head[i];
    float* x = c.emb + std::size_t(head) * dim;
    float* y = c.emb + std::size_t(c.tail[i]) * dim;
    c.next[i] += c.eps[i];
    constexpr int kBatch = kForceBatch;
    const float* rows[kBatch];
    float d2[kBatch], coef[kBatch];
    int first = 1, done = 0;  // lane 0 of the first batch is the attraction
    do {
        const int count = std::min(kBatch - first, n_neg - done);
        for (int p = 0; p < count; ++p) {
            const std::uint32_t pick = picks[done + p];
            rows[first + p] = pick == head ? x : c.snapshot + std::size_t(pick) * dim;  // itself: no force
        }
        if (first) rows[0] = y;
        const int lanes = first + count;
        for (int p = 0; p < kBatch; ++p) d2[p] = p < lanes ? squared_distance(x, rows[p], dim) : 0.0f;
        (first ? f.sample_batch : f.repel_batch)(f.curve, d2, coef);
        if (first) {
            for (std::size_t d = 0; d < dim; ++d) {
                const float xd = x[d], g = alpha * clip4(coef[0] * (xd - y[d]));
                float step = 0.0f;
                for (int p = 1; p < lanes; ++p) step += alpha * clip4(coef[p] * (xd - rows[p][d]));
                x[d] = xd + (step + g);
                y[d] -= g;
            }
        } else {
            for (std::size_t d = 0; d < dim; ++d) {
                const float xd = x[d];
                float step = 0.0f;
                for (int p = 0; p < lanes; ++p) step += alpha * clip4(coef[p] * (xd - rows[p][d]));
                x[d] = xd + step;
            }
        }
        done += count;
        first = 0;
    } while (done < n_neg);
    c.next_neg[i] += static_cast<float>(n_neg) * c.eps_neg[i];
}

// A thread's negative picks of one window (run_tasks_fixed): kept between tasks and epochs so
// the SGD allocates only when a window first needs more than any before.
struct SgdWindowPicks {
    std::vector<std::uint32_t> picks;
};

// Runs tasks [lo, hi); D > 0 fixes the embedding dimension at compile time (unrolled loops).
// A task's edges go in windows of kWindow: the first pass finds the due edges, draws their
// negatives (the same stream order as drawing them edge by edge) and prefetches the rows the
// second pass, which applies the samples in order, will read at random — the neighbour and the
// negatives — so their cache misses overlap.
template <std::size_t D>
void run_tasks_fixed(const EpochTasks& c, std::size_t lo, std::size_t hi) {
    constexpr std::size_t kWindow = 16;
    const std::size_t dim = D ? D : c.dim;
    const float ep = static_cast<float>(c.epoch);
    std::vector<std::uint32_t>& picks = per_thread<SgdWindowPicks>().picks;
    if (picks.capacity() < kWindow * 8) picks.reserve(kWindow * 8);
    int n_neg[kWindow];
    for (std::size_t t = lo; t < hi; ++t) {
        SampleStream rng{derive_seed(c.seed, c.epoch, t)};
        const std::size_t t_end = c.task_begin[t + 1];
        for (std::size_t w = c.task_begin[t]; w < t_end; w += kWindow) {
            const std::size_t w_end = std::min(w + kWindow, t_end);
            picks.clear();
            for (std::size_t i = w; i < w_end; ++i) {
                const bool due = c.next[i] <= ep && c.eps[i] > 0.0f;
                n_neg[i - w] = due ? negatives_due(c.eps_neg[i], c.next_neg[i], ep) : -1;
                if (!due) continue;
                __builtin_prefetch(c.emb + std::size_t(c.tail[i]) * dim);
                for (int p = 0; p < n_neg[i - w]; ++p) {
                    picks.push_back(static_cast<std::uint32_t>(rng.below(c.n)));
                    __builtin_prefetch(c.snapshot + std::size_t(picks.back()) * dim);
                }
            }
            const std::uint32_t* next_pick = picks.data();
            for (std::size_t i = w; i < w_end; ++i) {
                if (n_neg[i - w] < 0) continue;
                sample_edge<D>(c, dim, i, next_pick, n_neg[i - w]);
                next_pick += n_neg[i - w];
            }
        }
    }
}

using TaskFn = void (*)(const EpochTasks&, std::size_t, std::size_t);
TaskFn task_function(std::size_t dim) {
    switch (dim) {
        case 2: return run_tasks_fixed<2>;
        case 3: return run_tasks_fixed<3>;
        case 4: return run_tasks_fixed<4>;
        case 5: return run_tasks_fixed<5>;
        case 6: return run_tasks_fixed<6>;
        case 8: return run_tasks_fixed<8>;
        case 10: return run_tasks_fixed<10>;
        case 16: return run_tasks_fixed<16>;
        default: return run_tasks_fixed<0>;
    }
}

// One epoch (umap_epoch's semantics): snapshot ← embedding, then the tasks. With `blocks` (the
// tournament's dataflow, schedule_block_uses) each task starts as soon as the previous tasks on
// its two blocks have finished; without it (a schedule known only by its rounds, as the
// umap_epoch op gets it) the rounds run in order, each round's tasks concurrently. Either way
// every task sees exactly the writes of the tasks before it that share its vertices (the tasks
// of a round are vertex-disjoint): the result of running the tasks in order, at any thread count.
void run_epoch(ThreadPool& pool, const EpochTasks& c, float* snapshot, const std::uint32_t* round_begin,
               std::size_t n_rounds, TaskFn task_fn, TaskGraph* blocks = nullptr) {
    std::memcpy(snapshot, c.emb, c.n * c.dim * sizeof(float));
    if (blocks) {
        blocks->run(pool, [&](std::size_t t, std::size_t) { task_fn(c, t, t + 1); });
        return;
    }
    auto run_tasks = [&](std::size_t lo, std::size_t hi, std::size_t) { task_fn(c, lo, hi); };
    for (std::size_t r = 0; r < n_rounds; ++r) pool.parallel_for(round_begin[r], round_begin[r + 1], 1, run_tasks);
}

void check_params(const LayoutParams& p) {
    N2D_REQUIRE(std::isfinite(p.a) && std::isfinite(p.b) && p.a > 0 && p.b > 0,
                "UMAP curve parameters a = " + std::to_string(p.a) + ", b = " + std::to_string(p.b) +
                    " must be positive and finite");
    N2D_REQUIRE(p.repulsion_strength >= 0.0f, "UMAP repulsion_strength must be >= 0");
    N2D_REQUIRE(p.learning_rate >= 0.0f, "UMAP learning_rate must be >= 0");
    N2D_REQUIRE(p.negative_sample_rate >= 0.0f, "UMAP negative_sample_rate must be >= 0");
}

}  // namespace

namespace {

// The tournament of schedule_edges: task_of[a * P + b] = task index of block pair {a, b};
// rounds 0..P-2 pair the blocks by the circle method (P/2 pairs each), round P-1 holds the P
// within-block tasks. Returns the rounds' first tasks (P + 1 entries, the last = task count).
template <class Index>
std::vector<Index> block_tasks(std::size_t P, std::vector<std::uint32_t>& task_of) {
    task_of.assign(P * P, 0);
    std::vector<Index> round_begin{0};
    std::uint32_t task = 0;
    for (std::size_t r = 0; r + 1 < P; ++r) {
        auto pair = [&](std::size_t a, std::size_t b) {
            task_of[a * P + b] = task_of[b * P + a] = task++;
        };
        pair(P - 1, r);
        for (std::size_t k = 1; k < P / 2; ++k) pair((r + k) % (P - 1), (r + (P - 1) - k) % (P - 1));
        round_begin.push_back(task);
    }
    for (std::size_t b = 0; b < P; ++b) task_of[b * P + b] = task++;
    round_begin.push_back(task);
    return round_begin;
}

void check_schedule(std::size_t n, std::size_t nnz, std::size_t n_blocks) {
    N2D_REQUIRE(nnz < (std::size_t(1) << 32), "UMAP graph has too many edges (" + std::to_string(nnz) + ")");
    N2D_ASSERT(n_blocks >= 2 && n_blocks % 2 == 0, "schedule_edges: n_blocks must be even and >= 2");
    N2D_ASSERT(n <= std::numeric_limits<std::uint64_t>::max() / n_blocks,
               "schedule_edges: n * n_blocks overflows 64 bits");
}

}  // namespace

EdgeRounds schedule_edges(const SparseGraph& graph, std::size_t n_blocks) {
    const std::size_t n = graph.n_rows, nnz = graph.nnz();
    check_schedule(n, nnz, n_blocks);
    const std::size_t P = n_blocks;
    auto block = [&](std::size_t v) { return static_cast<std::size_t>(std::uint64_t(v) * P / n); };
    std::vector<std::uint32_t> task_of;
    EdgeRounds out;
    out.round_begin = block_tasks<std::size_t>(P, task_of);
    const std::size_t task = out.round_begin.back();
    out.head.resize(nnz);
    std::vector<std::uint32_t> task_of_edge(nnz);
    out.task_begin.assign(task + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t e = graph.row_begin(i); e < graph.row_end(i); ++e) {
            out.head[e] = static_cast<std::uint32_t>(i);
            task_of_edge[e] = task_of[block(i) * P + block(static_cast<std::size_t>(graph.indices[e]))];
            ++out.task_begin[task_of_edge[e] + 1];
        }
    for (std::size_t t = 0; t < task; ++t) out.task_begin[t + 1] += out.task_begin[t];
    out.order.resize(nnz);
    std::vector<std::size_t> fill(out.task_begin.begin(), out.task_begin.end() - 1);
    for (std::size_t e = 0; e < nnz; ++e) out.order[fill[task_of_edge[e]]++] = static_cast<std::uint32_t>(e);
    return out;
}

// With these uses a task waits only for the previous tasks, in round order, on its own two
// blocks (every round uses every block, so those are tasks of the round before): the rounds'
// order restricted to the pairs of tasks that conflict.
void schedule_block_uses(std::size_t n_blocks, std::vector<std::uint32_t>& uses_begin,
                         std::vector<std::uint32_t>& uses) {
    const std::size_t P = n_blocks;
    N2D_ASSERT(P >= 2 && P % 2 == 0, "schedule_block_uses: n_blocks must be even and >= 2");
    std::vector<std::uint32_t> task_of;
    const std::size_t tasks = block_tasks<std::uint32_t>(P, task_of).back();
    uses_begin.assign(tasks + 1, 0);
    uses.assign(2 * tasks, 0);
    for (std::size_t t = 0; t <= tasks; ++t) uses_begin[t] = static_cast<std::uint32_t>(2 * t);
    for (std::size_t a = 0; a < P; ++a)
        for (std::size_t b = a; b < P; ++b) {
            const std::uint32_t t = task_of[a * P + b];
            uses[2 * t] = static_cast<std::uint32_t>(a);
            uses[2 * t + 1] = static_cast<std::uint32_t>(b);
        }
}

float layout_alpha(float alpha0, std::size_t epoch, std::size_t n_epochs) {
    return epoch == 0 ? alpha0
                      : alpha0 * (1.0f - static_cast<float>(epoch - 1) / static_cast<float>(n_epochs));
}

// schedule_edges' order filled in place: counting the edges per task, then writing each edge,
// rows in order, at its task's next slot, lists every task's edges in CSR order as
// schedule_edges' `order` does, without that permutation, its head array or a separate
// schedule — the edge arrays are the largest allocation of a fit, so no second copy is made.
LayoutEdges layout_edges(const SparseGraph& graph, const LayoutParams& params, float min_weight) {
    const std::size_t n = graph.n_rows, P = params.sgd_blocks;
    // The edges prune_edges(graph, min_weight) keeps, and their largest weight.
    // (min_weight <= 0: every edge, a non-positive weight getting period -1, never sampled.)
    auto kept = [&](std::size_t e) { return !(min_weight > 0.0f) || graph.weights[e] >= min_weight; };
    std::size_t m = 0;
    float max_w = 0.0f;
    for (std::size_t e = 0; e < graph.nnz(); ++e)
        if (kept(e)) {
            ++m;
            max_w = std::max(max_w, graph.weights[e]);
        }
    check_schedule(n, m, P);
    auto block = [&](std::size_t v) { return static_cast<std::size_t>(std::uint64_t(v) * P / n); };
    std::vector<std::uint32_t> task_of;
    LayoutEdges out;
    out.round_begin = block_tasks<std::uint32_t>(P, task_of);
    const std::size_t tasks = out.round_begin.back();
    out.task_begin.assign(tasks + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t e = graph.row_begin(i); e < graph.row_end(i); ++e)
            if (kept(e)) ++out.task_begin[task_of[block(i) * P + block(static_cast<std::size_t>(graph.indices[e]))] + 1];
    for (std::size_t t = 0; t < tasks; ++t) out.task_begin[t + 1] += out.task_begin[t];
    const float rate = params.negative_sample_rate;
    out.head.resize(m);
    out.tail.resize(m);
    out.eps.resize(m);
    out.eps_neg.resize(m);
    out.next.resize(m);
    out.next_neg.resize(m);
    std::vector<std::uint32_t> fill(out.task_begin.begin(), out.task_begin.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t e = graph.row_begin(i); e < graph.row_end(i); ++e) {
            if (!kept(e)) continue;
            const auto col = static_cast<std::size_t>(graph.indices[e]);
            const std::size_t slot = fill[task_of[block(i) * P + block(col)]]++;
            // umap-learn's epochs_per_sample and its counters, as Schedule::init has them.
            const float w = graph.weights[e];
            const float eps = w > 0.0f ? max_w / w : -1.0f;
            const float eps_neg = rate > 0.0f ? eps / rate : 0.0f;
            out.head[slot] = static_cast<std::uint32_t>(i);
            out.tail[slot] = static_cast<std::uint32_t>(col);
            out.eps[slot] = eps;
            out.eps_neg[slot] = eps_neg;
            out.next[slot] = eps;
            out.next_neg[slot] = eps_neg;
        }
    return out;
}

void cpu_umap_epoch(ThreadPool& pool, const UmapEpochArgs& a) {
    const std::size_t m = a.n_edges;
    N2D_ASSERT(a.embedding.count >= a.n * a.dim && a.snapshot.count >= a.n * a.dim && a.edge_head.count >= m &&
                   a.edge_tail.count >= m && a.eps.count >= m && a.eps_neg.count >= m && a.next.count >= m &&
                   a.next_neg.count >= m && a.task_begin.count > a.n_tasks && a.round_begin.count > a.n_rounds,
               "cpu_umap_epoch: a view is shorter than its size arguments");
    if (a.n == 0 || a.dim == 0) return;
    const auto* task_begin = a.task_begin.host<std::uint32_t>();
    const auto* round_begin = a.round_begin.host<std::uint32_t>();
    N2D_ASSERT(task_begin[a.n_tasks] == m && round_begin[a.n_rounds] == a.n_tasks,
               "cpu_umap_epoch: the schedule does not cover the edges and tasks");
    const Forces forces(a.a, a.b, a.gamma);
    float* snapshot = a.snapshot.host<float>();
    const EpochTasks c{a.embedding.host<float>(),
                       snapshot,
                       a.n,
                       a.dim,
                       host_or_null<std::uint32_t>(a.edge_head),
                       host_or_null<std::uint32_t>(a.edge_tail),
                       host_or_null<float>(a.eps),
                       host_or_null<float>(a.eps_neg),
                       host_or_null<float>(a.next),
                       host_or_null<float>(a.next_neg),
                       task_begin,
                       a.seed,
                       a.epoch,
                       a.alpha,
                       forces};
    run_epoch(pool, c, snapshot, round_begin, a.n_rounds, task_function(a.dim));
}

namespace {

// Progress after epoch `epoch` (0-based); false from the callback cancels.
void report_epoch(const ProgressCallback& progress, std::size_t epoch, std::size_t n_epochs,
                  std::chrono::steady_clock::time_point start) {
    if (!progress) return;
    Progress p;
    p.stage = "umap";
    p.step = epoch + 1;
    p.total = n_epochs;
    p.loss = std::nan("");
    p.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    p.items_per_second = p.elapsed_seconds > 0 ? static_cast<double>(epoch + 1) / p.elapsed_seconds : 0.0;
    p.eta_seconds = p.elapsed_seconds / static_cast<double>(epoch + 1) * static_cast<double>(n_epochs - epoch - 1);
    if (!progress(p)) ::n2d::detail::throw_cancelled("umap");
}

// The layout on a non-host device: the embedding, the edges and the schedule go up once, every
// epoch is one umap_epoch op, the embedding comes back at the end.
void optimize_on_device(Device& dev, MatrixView embedding, const LayoutEdges& edges, const LayoutParams& params,
                        std::uint64_t seed, const ProgressCallback& progress) {
    DeviceLayout layout(dev, embedding, edges, params, seed);
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t epoch = 0; epoch < params.n_epochs; ++epoch) {
        if (epoch > 0)  // epoch 0 samples nothing, as on the CPU
            layout.epoch(epoch, layout_alpha(params.learning_rate, epoch, params.n_epochs));
        if (progress) {
            dev.synchronize();  // report (and let the caller cancel) at the pace of the device
            report_epoch(progress, epoch, params.n_epochs, start);
        }
    }
    dev.download(embedding.data, layout.emb.view());
}

}  // namespace

DeviceLayout::DeviceLayout(Device& d, ConstMatrixView embedding, const LayoutEdges& e, const LayoutParams& p,
                           std::uint64_t seed)
    : dev(d),
      emb(upload_new(d, embedding.data, embedding.rows * embedding.cols)),
      snapshot(d, DType::f32, embedding.rows * embedding.cols),
      head(upload_new(d, e.head.data(), e.size())),
      tail(upload_new(d, e.tail.data(), e.size())),
      eps(upload_new(d, e.eps.data(), e.size())),
      eps_neg(upload_new(d, e.eps_neg.data(), e.size())),
      next(upload_new(d, e.next.data(), e.size())),
      next_neg(upload_new(d, e.next_neg.data(), e.size())),
      task_begin(upload_new(d, e.task_begin.data(), e.task_begin.size())),
      round_begin(upload_new(d, e.round_begin.data(), e.round_begin.size())) {
    N2D_ASSERT(embedding.contiguous(), "DeviceLayout: the embedding must be contiguous");
    args.n = embedding.rows;
    args.dim = embedding.cols;
    args.n_edges = e.size();
    args.n_tasks = e.task_begin.size() - 1;
    args.n_rounds = e.round_begin.size() - 1;
    args.seed = seed;
    args.a = p.a;
    args.b = p.b;
    args.gamma = p.repulsion_strength;
    args.embedding = emb.view();
    args.snapshot = snapshot.view();
    args.edge_head = head.view();
    args.edge_tail = tail.view();
    args.eps = eps.view();
    args.eps_neg = eps_neg.view();
    args.next = next.view();
    args.next_neg = next_neg.view();
    args.task_begin = task_begin.view();
    args.round_begin = round_begin.view();
}

void DeviceLayout::epoch(std::size_t e, float alpha) {
    args.epoch = e;
    args.alpha = alpha;
    dev.umap_epoch(args);
}

void optimize_layout(MatrixView embedding, const SparseGraph& graph, const LayoutParams& params, std::uint64_t seed,
                     const ProgressCallback& progress, ThreadPool* pool_ptr, Device* device) {
    N2D_ASSERT(graph.n_rows == embedding.rows && graph.n_cols == embedding.rows,
                "optimize_layout: graph of " + std::to_string(graph.n_rows) + " x " + std::to_string(graph.n_cols) +
                    " for an embedding of " + std::to_string(embedding.rows) + " rows");
    LayoutEdges edges = layout_edges(graph, params);
    optimize_edges(embedding, edges, params, seed, progress, pool_ptr, device);
}

void optimize_edges(MatrixView embedding, LayoutEdges& edges, const LayoutParams& params, std::uint64_t seed,
                    const ProgressCallback& progress, ThreadPool* pool_ptr, Device* device) {
    check_params(params);
    const std::size_t n = embedding.rows, dim = embedding.cols;
    N2D_ASSERT(embedding.contiguous(), "optimize_layout: the embedding must be contiguous");
    N2D_ASSERT(edges.task_begin.size() == (params.sgd_blocks * (params.sgd_blocks + 1)) / 2 + 1 &&
                   edges.round_begin.size() == params.sgd_blocks + 1 && edges.task_begin.back() == edges.size(),
               "optimize_edges: the edges were not scheduled with these parameters");
    if (device && device->type() != DeviceType::cpu && device->supports(DeviceOp::umap_epoch) && n > 0 && dim > 0 &&
        edges.size() > 0)
        return optimize_on_device(*device, embedding, edges, params, seed, progress);

    ThreadPool& pool = pool_or_default(pool_ptr);
    const Forces forces(params);
    Matrix snapshot(n, dim);
    const TaskFn task_fn = task_function(dim);
    std::vector<std::uint32_t> uses_begin, uses;
    schedule_block_uses(params.sgd_blocks, uses_begin, uses);
    TaskGraph blocks(params.sgd_blocks, uses_begin, uses);
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t epoch = 0; epoch < params.n_epochs; ++epoch) {
        if (epoch > 0 && n > 0) {  // epoch 0 samples nothing (every edge first fires at epoch >= 1)
            const EpochTasks c{embedding.data,
                               snapshot.data(),
                               n,
                               dim,
                               edges.head.data(),
                               edges.tail.data(),
                               edges.eps.data(),
                               edges.eps_neg.data(),
                               edges.next.data(),
                               edges.next_neg.data(),
                               edges.task_begin.data(),
                               seed,
                               epoch,
                               layout_alpha(params.learning_rate, epoch, params.n_epochs),
                               forces};
            run_epoch(pool, c, snapshot.data(), edges.round_begin.data(), edges.round_begin.size() - 1, task_fn, &blocks);
        }
        report_epoch(progress, epoch, params.n_epochs, start);
    }
}

void optimize_points(MatrixView points, ConstMatrixView tail, const SparseGraph& graph, const LayoutParams& params,
                     const std::vector<std::uint64_t>& row_seeds, ThreadPool* pool_ptr) {
    check_params(params);
    const std::size_t n = points.rows, dim = points.cols;
    N2D_ASSERT(tail.cols == dim && tail.contiguous(),
                "optimize_points: the fixed embedding must be contiguous with " + std::to_string(dim) + " columns");
    N2D_ASSERT(graph.n_rows == n && graph.n_cols == tail.rows && row_seeds.size() == n,
                "optimize_points: graph of " + std::to_string(graph.n_rows) + " x " + std::to_string(graph.n_cols) +
                    " for " + std::to_string(n) + " points and " + std::to_string(tail.rows) + " fixed points");
    if (tail.rows == 0) return;
    ThreadPool& pool = pool_or_default(pool_ptr);
    const Forces forces(params);
    pool.parallel_for(0, n, 64, [&](std::size_t lo, std::size_t hi, std::size_t) {
        Schedule s;
        std::vector<float> weights;
        std::vector<std::int32_t> cols;
        for (std::size_t i = lo; i < hi; ++i) {
            // This row's edges, pruned at its own max weight / n_epochs.
            float max_w = 0.0f;
            for (std::size_t e = graph.row_begin(i); e < graph.row_end(i); ++e) max_w = std::max(max_w, graph.weights[e]);
            const float threshold = max_w / static_cast<float>(std::max<std::size_t>(params.n_epochs, 1));
            weights.clear();
            cols.clear();
            for (std::size_t e = graph.row_begin(i); e < graph.row_end(i); ++e)
                if (graph.weights[e] >= threshold && graph.weights[e] > 0.0f) {
                    weights.push_back(graph.weights[e]);
                    cols.push_back(graph.indices[e]);
                }
            s.init(weights.data(), weights.size(), max_w, params.negative_sample_rate);
            SampleStream rng{row_seeds[i]};
            float* x = points.row(i);
            for (std::size_t epoch = 1; epoch < params.n_epochs; ++epoch)
                transform_epoch(x, dim, tail.data, tail.rows, cols.data(), 0, cols.size(), s, static_cast<float>(epoch),
                                layout_alpha(params.learning_rate, epoch, params.n_epochs), forces, rng);
        }
    });
}

}  // namespace n2d
