#include "n2d/core/detail/task_graph.hpp"

#include <algorithm>
#include <string>

#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

TaskGraph::TaskGraph(std::size_t n_resources, const std::vector<std::uint32_t>& uses_begin,
                     const std::vector<std::uint32_t>& uses) {
    N2D_ASSERT(!uses_begin.empty() && uses_begin.back() == uses.size() && uses_begin.size() - 1 < kEmpty,
               "TaskGraph: uses_begin must hold n + 1 offsets into uses (n < 2^32 − 1)");
    n_ = uses_begin.size() - 1;
    // Each task's direct predecessors: the last earlier user of each of its resources.
    constexpr std::uint32_t kNone = kEmpty;
    std::vector<std::uint32_t> last(n_resources, kNone), pred_begin(n_ + 1, 0), pred;
    for (std::size_t t = 0; t < n_; ++t) {
        N2D_ASSERT(uses_begin[t] <= uses_begin[t + 1], "TaskGraph: uses_begin must not decrease");
        const auto first = static_cast<std::ptrdiff_t>(pred.size());
        for (std::size_t u = uses_begin[t]; u < uses_begin[t + 1]; ++u) {
            const std::uint32_t r = uses[u];
            N2D_ASSERT(r < n_resources, "TaskGraph: resource " + std::to_string(r) + " out of range");
            const std::uint32_t p = last[r];
            if (p != kNone && p != t && std::find(pred.begin() + first, pred.end(), p) == pred.end()) pred.push_back(p);
            last[r] = static_cast<std::uint32_t>(t);
        }
        pred_begin[t + 1] = static_cast<std::uint32_t>(pred.size());
    }
    // The same edges as successor lists (each list ascending: predecessors are visited in task order).
    n_pred_.assign(n_, 0);
    succ_begin_.assign(n_ + 1, 0);
    for (std::size_t t = 0; t < n_; ++t) {
        n_pred_[t] = pred_begin[t + 1] - pred_begin[t];
        for (std::size_t i = pred_begin[t]; i < pred_begin[t + 1]; ++i) ++succ_begin_[pred[i] + 1];
    }
    for (std::size_t t = 0; t < n_; ++t) succ_begin_[t + 1] += succ_begin_[t];
    succ_.resize(pred.size());
    std::vector<std::uint32_t> fill(succ_begin_.begin(), succ_begin_.end() - 1);
    for (std::size_t t = 0; t < n_; ++t)
        for (std::size_t i = pred_begin[t]; i < pred_begin[t + 1]; ++i) succ_[fill[pred[i]]++] = static_cast<std::uint32_t>(t);
    pending_ = std::make_unique<std::atomic<std::uint32_t>[]>(n_);
    queue_ = std::make_unique<std::atomic<std::uint32_t>[]>(n_);
}

void TaskGraph::push(std::uint32_t task) noexcept {
    queue_[pushed_.fetch_add(1, std::memory_order_relaxed)].store(task, std::memory_order_release);
}

void TaskGraph::run(ThreadPool& pool, Thunk thunk, void* ctx) {
    if (n_ == 0) return;
    // Reset while no thread runs (the previous run's parallel_for has returned; this one's
    // publishes the state to its workers). The tasks without predecessors are ready at once.
    pushed_.store(0, std::memory_order_relaxed);
    claimed_.store(0, std::memory_order_relaxed);
    finished_.store(0, std::memory_order_relaxed);
    failed_.store(false, std::memory_order_relaxed);
    for (std::size_t t = 0; t < n_; ++t) {
        pending_[t].store(n_pred_[t], std::memory_order_relaxed);
        queue_[t].store(kEmpty, std::memory_order_relaxed);
    }
    for (std::size_t t = 0; t < n_; ++t)
        if (n_pred_[t] == 0) push(static_cast<std::uint32_t>(t));
    // One chunk per thread: each claims ready tasks until none is left to claim. A chunk that
    // finds every task claimed returns, so the number of threads that join does not matter.
    pool.parallel_for(0, pool.num_threads(), 1,
                      [&](std::size_t, std::size_t, std::size_t worker) { work(worker, thunk, ctx); });
}

void TaskGraph::work(std::size_t worker, Thunk thunk, void* ctx) {
    const auto n = static_cast<std::uint32_t>(n_);
    for (;;) {
        std::uint32_t slot = claimed_.load(std::memory_order_relaxed);
        if (slot >= n || failed_.load(std::memory_order_relaxed)) return;
        // Read before the queue slot: a task pushed after this read also raises finished_ after
        // its push, so waiting on this value cannot miss it.
        const std::uint32_t seen = finished_.load(std::memory_order_acquire);
        const std::uint32_t task = queue_[slot].load(std::memory_order_acquire);
        if (task == kEmpty) {  // nothing ready: every unclaimed task waits on a running one
            std::unique_lock lock(idle_mutex_);
            idle_.wait(lock, [&] { return finished_.load(std::memory_order_acquire) != seen; });
            continue;
        }
        if (!claimed_.compare_exchange_weak(slot, slot + 1, std::memory_order_relaxed)) continue;
        try {
            thunk(ctx, task, worker);
        } catch (...) {
            failed_.store(true, std::memory_order_relaxed);
            finish_one();
            throw;
        }
        // acq_rel: the last predecessor to finish has seen the others' writes and hands them
        // all (with its own) to the thread that claims the successor from the queue.
        for (std::size_t i = succ_begin_[task]; i < succ_begin_[task + 1]; ++i)
            if (pending_[succ_[i]].fetch_sub(1, std::memory_order_acq_rel) == 1) push(succ_[i]);
        finish_one();
    }
}

// Raised before taking the lock, and an idle thread checks it under the lock: a thread about to
// wait still holds the lock, so the wake cannot fall between its check and its wait.
void TaskGraph::finish_one() {
    finished_.fetch_add(1, std::memory_order_release);
    { const std::lock_guard lock(idle_mutex_); }
    idle_.notify_all();
}

}  // namespace n2d
