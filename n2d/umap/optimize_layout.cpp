#include "n2d/umap/detail/optimize_layout.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <cstring>
#include <string>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/umap/detail/sgd_kernels.hpp"

namespace n2d::inline v0 {

SparseGraph prune_edges(const SparseGraph& graph, float threshold) {
    SparseGraph out;
    out.n_rows = graph.n_rows;
    out.n_cols = graph.n_cols;
    out.indptr.assign(graph.n_rows + 1, 0);
    out.indices.reserve(graph.nnz());
    out.weights.reserve(graph.nnz());
    for (std::size_t i = 0; i < graph.n_rows; ++i) {
        for (std::size_t e = graph.row_begin(i); e < graph.row_end(i); ++e)
            if (graph.weights[e] >= threshold && graph.weights[e] > 0.0f) {
                out.indices.push_back(graph.indices[e]);
                out.weights.push_back(graph.weights[e]);
            }
        out.indptr[i + 1] = out.indices.size();
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
    explicit Forces(const LayoutParams& p)
        : curve(p.a, p.b, p.repulsion_strength),
          sample_batch(sample_forces_fn(active_target())),
          repel_batch(repel_forces_fn(active_target())) {}
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

// One directed edge of the fit with its sampling counters, stored in schedule order so an
// epoch streams through memory.
struct FitEdge {
    std::uint32_t head, tail;
    float eps, eps_neg, next, next_neg;
};

// The number of negatives an edge sampled at `epoch` draws (umap-learn's counter rule).
inline int negatives_due(const FitEdge& edge, float epoch) noexcept {
    if (edge.eps_neg <= 0.0f) return 0;
    const float ratio = (epoch - edge.next_neg) / edge.eps_neg;
    return ratio > 0.0f ? static_cast<int>(ratio) : 0;
}

// A sampled edge: both ends attract (umap-learn's move_other) and the head is pushed away from
// its n_neg negatives `picks`, read from the epoch's snapshot. Unlike umap-learn, which moves
// the head after each of these forces in turn, the attraction and the first
// kForceBatch − 1 negatives are all evaluated at the head's position before the sample and
// their moves summed (in pick order): the distances and powers are independent, so they overlap
// and share SIMD instructions instead of forming one long dependency chain through the head.
// Further negatives (negative_sample_rate ≥ kForceBatch) follow in batches of kForceBatch.
template <std::size_t D>
inline void sample_edge(float* emb, const float* snapshot, std::size_t dim_rt, FitEdge& edge, float alpha,
                        const Forces& f, const std::uint32_t* picks, int n_neg) {
    const std::size_t dim = D ? D : dim_rt;
    float* x = emb + std::size_t(edge.head) * dim;
    float* y = emb + std::size_t(edge.tail) * dim;
    edge.next += edge.eps;
    constexpr int kBatch = kForceBatch;
    const float* rows[kBatch];
    float d2[kBatch], coef[kBatch];
    int first = 1, done = 0;  // lane 0 of the first batch is the attraction
    do {
        const int count = std::min(kBatch - first, n_neg - done);
        for (int p = 0; p < count; ++p) {
            const std::uint32_t pick = picks[done + p];
            rows[first + p] = pick == edge.head ? x : snapshot + std::size_t(pick) * dim;  // itself: no force
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
    edge.next_neg += static_cast<float>(n_neg) * edge.eps_neg;
}

// One epoch's view of the fit state, shared by the concurrent tasks of a round.
struct EpochTasks {
    float* emb;
    const float* snapshot;
    std::size_t n, dim;
    FitEdge* edges;
    const std::size_t* task_begin;
    std::uint64_t seed;
    std::size_t epoch;
    float alpha;
    const Forces& forces;
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
    std::vector<std::uint32_t> picks;
    picks.reserve(kWindow * 8);
    int n_neg[kWindow];
    for (std::size_t t = lo; t < hi; ++t) {
        SampleStream rng{derive_seed(c.seed, c.epoch, t)};
        for (std::size_t w = c.task_begin[t]; w < c.task_begin[t + 1]; w += kWindow) {
            const std::size_t w_end = std::min(w + kWindow, c.task_begin[t + 1]);
            picks.clear();
            for (std::size_t idx = w; idx < w_end; ++idx) {
                const FitEdge& edge = c.edges[idx];
                const bool due = edge.next <= ep && edge.eps > 0.0f;
                n_neg[idx - w] = due ? negatives_due(edge, ep) : -1;
                if (!due) continue;
                __builtin_prefetch(c.emb + std::size_t(edge.tail) * dim);
                for (int p = 0; p < n_neg[idx - w]; ++p) {
                    picks.push_back(static_cast<std::uint32_t>(rng.below(c.n)));
                    __builtin_prefetch(c.snapshot + std::size_t(picks.back()) * dim);
                }
            }
            const std::uint32_t* next_pick = picks.data();
            for (std::size_t idx = w; idx < w_end; ++idx) {
                if (n_neg[idx - w] < 0) continue;
                sample_edge<D>(c.emb, c.snapshot, dim, c.edges[idx], c.alpha, c.forces, next_pick, n_neg[idx - w]);
                next_pick += n_neg[idx - w];
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

float epoch_alpha(float alpha0, std::size_t epoch, std::size_t n_epochs) {
    // umap-learn decays α after each epoch: epoch e ≥ 1 runs with α0·(1 − (e − 1)/n_epochs).
    return epoch == 0 ? alpha0
                      : alpha0 * (1.0f - static_cast<float>(epoch - 1) / static_cast<float>(n_epochs));
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

EdgeRounds schedule_edges(const SparseGraph& graph, std::size_t n_blocks) {
    const std::size_t n = graph.n_rows, nnz = graph.nnz();
    N2D_REQUIRE(nnz < (std::size_t(1) << 32), "UMAP graph has too many edges (" + std::to_string(nnz) + ")");
    N2D_ASSERT(n_blocks >= 2 && n_blocks % 2 == 0, "schedule_edges: n_blocks must be even and >= 2");
    const std::size_t P = n_blocks;
    N2D_ASSERT(n <= std::numeric_limits<std::uint64_t>::max() / P, "schedule_edges: n * n_blocks overflows 64 bits");
    auto block = [&](std::size_t v) { return static_cast<std::size_t>(std::uint64_t(v) * P / n); };
    // Tasks: rounds 0..P-2 pair the blocks by the circle method (P/2 pairs each), round P-1
    // holds the P within-block tasks. task_of[a * P + b] = task index of block pair {a, b}.
    std::vector<std::uint32_t> task_of(P * P);
    EdgeRounds out;
    out.round_begin.push_back(0);
    std::uint32_t task = 0;
    for (std::size_t r = 0; r + 1 < P; ++r) {
        auto pair = [&](std::size_t a, std::size_t b) {
            task_of[a * P + b] = task_of[b * P + a] = task++;
        };
        pair(P - 1, r);
        for (std::size_t k = 1; k < P / 2; ++k) pair((r + k) % (P - 1), (r + (P - 1) - k) % (P - 1));
        out.round_begin.push_back(task);
    }
    for (std::size_t b = 0; b < P; ++b) task_of[b * P + b] = task++;
    out.round_begin.push_back(task);
    out.head.resize(nnz);
    std::vector<std::uint32_t> task_of_edge(nnz);
    out.task_begin.assign(static_cast<std::size_t>(task) + 1, 0);
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

void optimize_layout(MatrixView embedding, const SparseGraph& graph, const LayoutParams& params, std::uint64_t seed,
                     const ProgressCallback& progress, ThreadPool* pool_ptr) {
    check_params(params);
    const std::size_t n = embedding.rows, dim = embedding.cols;
    N2D_ASSERT(graph.n_rows == n && graph.n_cols == n,
                "optimize_layout: graph of " + std::to_string(graph.n_rows) + " x " + std::to_string(graph.n_cols) +
                    " for an embedding of " + std::to_string(n) + " rows");
    N2D_ASSERT(embedding.contiguous(), "optimize_layout: the embedding must be contiguous");
    ThreadPool& pool = pool_or_default(pool_ptr);
    const Forces forces(params);
    const EdgeRounds rounds = schedule_edges(graph, params.sgd_blocks);
    std::vector<FitEdge> edges(graph.nnz());
    {
        Schedule s;
        s.init(graph.weights.data(), graph.nnz(), max_weight(graph), params.negative_sample_rate);
        for (std::size_t idx = 0; idx < edges.size(); ++idx) {
            const std::size_t e = rounds.order[idx];
            edges[idx] = {rounds.head[e], static_cast<std::uint32_t>(graph.indices[e]), s.eps[e], s.eps_neg[e],
                          s.next[e], s.next_neg[e]};
        }
    }
    Matrix snapshot(n, dim);
    float* emb = embedding.data;
    const TaskFn task_fn = task_function(dim);
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t epoch = 0; epoch < params.n_epochs; ++epoch) {
        const float alpha = epoch_alpha(params.learning_rate, epoch, params.n_epochs);
        const EpochTasks ctx{emb, snapshot.data(), n, dim, edges.data(), rounds.task_begin.data(), seed, epoch,
                             alpha, forces};
        // The tasks of one round are vertex-disjoint: they may run concurrently, same result.
        auto run_tasks = [&](std::size_t lo, std::size_t hi, std::size_t) { task_fn(ctx, lo, hi); };
        if (epoch > 0 && n > 0) {  // epoch 0 samples nothing (every edge first fires at epoch >= 1)
            std::memcpy(snapshot.data(), emb, n * dim * sizeof(float));
            for (std::size_t r = 0; r + 1 < rounds.round_begin.size(); ++r)
                pool.parallel_for(rounds.round_begin[r], rounds.round_begin[r + 1], 1, run_tasks);
        }
        if (progress) {
            Progress p;
            p.stage = "umap";
            p.step = epoch + 1;
            p.total = params.n_epochs;
            p.loss = std::nan("");
            p.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            p.items_per_second = p.elapsed_seconds > 0 ? static_cast<double>(epoch + 1) / p.elapsed_seconds : 0.0;
            p.eta_seconds = p.elapsed_seconds / static_cast<double>(epoch + 1) *
                            static_cast<double>(params.n_epochs - epoch - 1);
            if (!progress(p)) ::n2d::detail::throw_cancelled("umap");
        }
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
                                epoch_alpha(params.learning_rate, epoch, params.n_epochs), forces, rng);
        }
    });
}

}  // namespace n2d
