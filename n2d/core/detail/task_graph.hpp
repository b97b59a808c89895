// Tasks that share resources, run on a ThreadPool as a dataflow instead of in barrier-separated
// rounds. Tasks 0..n−1 each name the resources they use (the vertex blocks of UMAP's SGD, say):
// two tasks that share a resource run in index order — the later one starts once the earlier has
// finished and sees its writes — and tasks that share none may run in any order or at once. So
// the result is the one of running the tasks one by one in index order, at any thread count,
// while a thread that finishes a task claims any ready one: a slow or descheduled thread delays
// only the tasks that wait on its own, not a whole round.
//
// Each task waits for the previous user of each of its resources (its direct predecessors; the
// rest of the order follows by transitivity). A task becomes ready when its counter of
// unfinished predecessors reaches zero, and is then appended to a queue that the threads claim
// from in turn; both are lock-free (a thread with nothing ready sleeps on a condition
// variable), and run() allocates nothing.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0 {

class TaskGraph {
public:
    TaskGraph() = default;
    // Task t uses resources uses[uses_begin[t] .. uses_begin[t + 1]) (ids < n_resources; a
    // resource named twice by one task counts once). uses_begin has n + 1 entries.
    TaskGraph(std::size_t n_resources, const std::vector<std::uint32_t>& uses_begin,
              const std::vector<std::uint32_t>& uses);
    TaskGraph(const TaskGraph&) = delete;
    TaskGraph& operator=(const TaskGraph&) = delete;

    std::size_t size() const noexcept { return n_; }
    // The direct predecessors' count of task t and its direct successors (all > t).
    std::size_t predecessors(std::size_t t) const noexcept { return n_pred_[t]; }
    const std::uint32_t* successors_begin(std::size_t t) const noexcept { return succ_.data() + succ_begin_[t]; }
    const std::uint32_t* successors_end(std::size_t t) const noexcept { return succ_.data() + succ_begin_[t + 1]; }

    // Calls fn(task, worker) once for every task, in the order above; worker < pool.num_threads()
    // identifies the thread (for per-thread scratch). Blocks until every task ran; rethrows the
    // first exception (tasks not yet started then do not run). One run of a graph at a time.
    template <class Fn>
    void run(ThreadPool& pool, Fn&& fn) {
        auto thunk = [](void* ctx, std::size_t task, std::size_t worker) {
            (*static_cast<std::remove_reference_t<Fn>*>(ctx))(task, worker);
        };
        run(pool, thunk, static_cast<void*>(&fn));
    }

private:
    using Thunk = void (*)(void*, std::size_t, std::size_t);
    static constexpr std::uint32_t kEmpty = ~std::uint32_t(0);
    void run(ThreadPool& pool, Thunk thunk, void* ctx);
    void work(std::size_t worker, Thunk thunk, void* ctx);
    void push(std::uint32_t task) noexcept;
    void finish_one();

    std::size_t n_ = 0;
    std::vector<std::uint32_t> n_pred_, succ_begin_, succ_;
    // One run's state: unfinished predecessors per task; the ready queue (queue_[i] = the i-th
    // task to become ready, kEmpty until it is written), its written and claimed ends; the
    // finished tasks (what an idle thread waits on); whether a task threw.
    std::unique_ptr<std::atomic<std::uint32_t>[]> pending_, queue_;
    std::atomic<std::uint32_t> pushed_{0}, claimed_{0}, finished_{0};
    std::atomic<bool> failed_{false};
    // Idle threads sleep on a condition variable, not on std::atomic::wait: MinGW's libstdc++
    // implements the latter without futexes, and under it the SGD's epochs crawled.
    std::mutex idle_mutex_;
    std::condition_variable idle_;
};

}  // namespace n2d
