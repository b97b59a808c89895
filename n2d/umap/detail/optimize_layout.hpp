// UMAP stage: stochastic gradient descent of the embedding (umap-learn 0.5 semantics,
// REFERENCE.md §4.7, §4.9): edges sampled every max(w)/w epochs, negative_sample_rate
// negatives per sample, per-dimension gradient clip at ±4, learning rate decaying linearly,
// the attractive force −2ab·d^(2b−2)/(1 + a·d^(2b)) and the repulsive 2γb/((0.001 + d²)(1 + a·d^(2b))).
//
// Reproducible parallel SGD. The vertices are cut into P fixed index blocks (P = sgd_blocks,
// default 16); the directed edges are grouped into tasks by the pair of blocks they join, and
// the tasks into rounds by a round-robin tournament (P − 1 rounds of P/2 block pairs, then one
// round of the P within-block tasks), so the tasks of a round touch disjoint vertex sets. The
// result is that of running the tasks one by one in round order. An epoch runs them as a
// dataflow (TaskGraph, n2d/core/detail/task_graph.hpp): task {a, b} starts as soon as the tasks
// before it on block a and on block b have finished, with no barrier between rounds, so a
// descheduled thread delays only the tasks that conflict with its own. Each task walks its
// edges sequentially and moves both ends of each sampled edge as umap-learn's loop does
// (move_other, Gauss–Seidel from one sample to the next). Within one sample, the attraction and
// the negatives are all evaluated at the head's position before the sample and their moves
// summed (umap-learn applies them one after another): the forces of a sample are then
// independent and are computed together by the SIMD kernels of sgd_kernels.hpp, which roughly
// halves the SGD's time. Negative samples are read from a snapshot taken at the start of the
// epoch (the epoch's one barrier) and drawn from a stream derived from (seed, epoch, task). The
// blocks do not depend on the thread count and no read depends on scheduling, so the result is
// bit-identical across runs AND across thread counts (for the same SIMD target and build).
//
// One epoch is also the device op umap_epoch (n2d/device/detail/device.hpp): the CPU device's
// cpu_umap_epoch runs the same code as optimize_layout's CPU path, round by round with a barrier
// after each (the op knows a schedule by its rounds only; the result is the same); on another
// device, optimize_layout uploads the edges and the schedule once and runs every epoch there.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/device/detail/device.hpp"
#include "n2d/core/progress.hpp"
#include "n2d/umap/fuzzy_set.hpp"

namespace n2d::inline v0 {

class ThreadPool;
class Device;

struct LayoutParams {
    double a = 1.577, b = 0.895;       // curve parameters (find_ab.hpp)
    float repulsion_strength = 1.0f;   // γ
    float learning_rate = 1.0f;        // α0; epoch e ≥ 1 runs with α0·(1 − (e − 1)/n_epochs)
    float negative_sample_rate = 5.0f; // negatives per positive sample
    std::size_t n_epochs = 200;
    // Vertex blocks of the parallel schedule (even, >= 2). Up to sgd_blocks / 2 threads work at
    // once (sgd_blocks in the last round). The layout depends on this value (never on the thread
    // count).
    std::size_t sgd_blocks = 16;
};

// The fit optimiser's schedule (see above): order lists edge ids (CSR positions) grouped by
// task, task t spanning order[task_begin[t], task_begin[t+1]); round r runs tasks
// [round_begin[r], round_begin[r+1]); head[e] is the row of edge e.
struct EdgeRounds {
    std::vector<std::uint32_t> order;
    std::vector<std::size_t> task_begin;
    std::vector<std::size_t> round_begin;
    std::vector<std::uint32_t> head;
};
EdgeRounds schedule_edges(const SparseGraph& graph, std::size_t n_blocks = 16);

// The blocks each task of that schedule uses — task t joins blocks uses[2t] <= uses[2t + 1] —
// as TaskGraph takes them (uses_begin[t] = 2t): the fit's epochs run as that graph.
void schedule_block_uses(std::size_t n_blocks, std::vector<std::uint32_t>& uses_begin,
                         std::vector<std::uint32_t>& uses);

// The fit's edges in schedule order as separate arrays (umap_epoch's layout): edge i has ends
// head[i], tail[i], sampling periods eps[i] = max(w)/w and eps_neg[i] = eps[i] / negative_sample_rate
// (0 when the rate is 0) and counters next[i], next_neg[i] (umap-learn's epoch_of_next_sample
// and epoch_of_next_negative_sample, starting at the periods); task t spans edges
// [task_begin[t], task_begin[t+1]), round r tasks [round_begin[r], round_begin[r+1]).
struct LayoutEdges {
    std::vector<std::uint32_t> head, tail;
    std::vector<float> eps, eps_neg, next, next_neg;
    std::vector<std::uint32_t> task_begin, round_begin;
    std::size_t size() const noexcept { return head.size(); }
};
// min_weight > 0 lays out the edges prune_edges(graph, min_weight) would keep, as if that graph
// were passed (without making it).
LayoutEdges layout_edges(const SparseGraph& graph, const LayoutParams& params, float min_weight = 0.0f);

// Learning rate of `epoch` (umap-learn decays α after each epoch: epoch e ≥ 1 runs with
// α0·(1 − (e − 1)/n_epochs)).
float layout_alpha(float alpha0, std::size_t epoch, std::size_t n_epochs);

// The layout state on a device: the embedding, its epoch-start snapshot, the edges and the
// schedule uploaded once, and the umap_epoch arguments over them (the device path of
// optimize_layout; tests drive it epoch by epoch).
struct DeviceLayout {
    Device& dev;
    Buffer emb, snapshot, head, tail, eps, eps_neg, next, next_neg, task_begin, round_begin;
    UmapEpochArgs args;

    DeviceLayout(Device& dev, ConstMatrixView embedding, const LayoutEdges& edges, const LayoutParams& params,
                 std::uint64_t seed);
    void epoch(std::size_t e, float alpha);  // queues epoch e with learning rate alpha
};

// umap-learn's pruning: entries with weight < threshold dropped (zeros always dropped).
SparseGraph prune_edges(const SparseGraph& graph, float threshold);

// Largest weight of the graph (0 for an empty graph).
float max_weight(const SparseGraph& graph);

// Optimises `embedding` (n × dim, the initial layout) in place along the symmetric `graph`.
// `progress` (stage "umap") is called after every epoch; returning false throws n2d::Cancelled.
// `device`: null or the CPU device runs on `pool`; another device that supports umap_epoch
// runs every epoch there (same schedule and streams; its float arithmetic may differ in the
// last bits, so the layout is close to, not bit-identical with, the CPU's); one that does not
// runs on the CPU.
void optimize_layout(MatrixView embedding, const SparseGraph& graph, const LayoutParams& params, std::uint64_t seed,
                     const ProgressCallback& progress = {}, ThreadPool* pool = nullptr, Device* device = nullptr);

// optimize_layout over edges already laid out by layout_edges(graph, params) (graph n × n, n the
// embedding's rows): fit builds them first so the graph can be freed before the epochs run.
// `edges` keeps the sampling counters of the last epoch.
void optimize_edges(MatrixView embedding, LayoutEdges& edges, const LayoutParams& params, std::uint64_t seed,
                    const ProgressCallback& progress = {}, ThreadPool* pool = nullptr, Device* device = nullptr);

// transform: optimises each row i of `points` (its initial positions) along row i of `graph`
// (n_points × n_tail) against the fixed `tail` embedding; negatives are tail points drawn from a
// stream seeded by row_seeds[i]. Each row uses its own max weight for the sampling periods and
// the pruning, so a row's result depends only on that row — never on the others in the call.
void optimize_points(MatrixView points, ConstMatrixView tail, const SparseGraph& graph, const LayoutParams& params,
                     const std::vector<std::uint64_t>& row_seeds, ThreadPool* pool = nullptr);

}  // namespace n2d
