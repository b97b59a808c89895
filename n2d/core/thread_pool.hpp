// One thread pool for the whole library (no OpenMP).
//
// Determinism contract: parallel_for splits [begin, end) into chunks of `grain` items whose
// boundaries depend only on (begin, end, grain) — never on the thread count — so code that
// writes per-chunk results (and derives per-chunk RNG streams from the chunk index) gives
// identical output at any thread count. Which worker runs a chunk is unspecified.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace n2d::inline v0 {

class ThreadPool {
public:
    // threads == 0: N2D_NUM_THREADS if set, else std::thread::hardware_concurrency().
    explicit ThreadPool(std::size_t threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    // Total threads that run chunks (the calling thread counts as one).
    std::size_t num_threads() const noexcept { return workers_.size() + 1; }

    // Calls fn(lo, hi, worker) for consecutive chunks [lo, hi) of at most `grain` items;
    // worker < num_threads() identifies the thread (for per-thread scratch). Blocks until all
    // chunks ran; rethrows the first exception. Nested calls from inside a chunk run inline.
    // Safe to call from several threads at once: the calls take turns on the pool (one job at a
    // time; a call that fits one chunk runs inline at once), each with the contract above.
    template <class Fn>
    void parallel_for(std::size_t begin, std::size_t end, std::size_t grain, Fn&& fn) {
        if (end <= begin) return;
        auto thunk = [](void* ctx, std::size_t lo, std::size_t hi, std::size_t w) {
            (*static_cast<std::remove_reference_t<Fn>*>(ctx))(lo, hi, w);
        };
        run(begin, end, grain == 0 ? 1 : grain, thunk, static_cast<void*>(&fn));
    }

private:
    using Thunk = void (*)(void*, std::size_t, std::size_t, std::size_t);
    void run(std::size_t begin, std::size_t end, std::size_t grain, Thunk thunk, void* ctx);
    void worker_loop(std::size_t worker);
    void run_chunks(std::size_t worker);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    std::mutex submit_;  // one parallel_for at a time per pool
    // Current job (guarded by mutex_ for publication; chunks claimed atomically).
    std::size_t generation_ = 0, active_ = 0;
    bool stop_ = false;
    std::size_t begin_ = 0, end_ = 0, grain_ = 1, n_chunks_ = 0;
    Thunk thunk_ = nullptr;
    void* ctx_ = nullptr;
    std::size_t next_chunk_ = 0;
    std::exception_ptr error_;
};

// The library-wide pool. Created on first use with N2D_NUM_THREADS / hardware threads.
ThreadPool& default_pool();
// `pool` when given, else the library-wide pool (what every `ThreadPool* pool = nullptr` option means).
inline ThreadPool& pool_or_default(ThreadPool* pool) { return pool ? *pool : default_pool(); }
// Recreates the library-wide pool with `threads` threads (0 = default rule). Not thread-safe
// with respect to concurrent users of default_pool().
void set_num_threads(std::size_t threads);
// Threads the default rule gives: N2D_NUM_THREADS if set and valid, else hardware threads.
std::size_t default_num_threads();

}  // namespace n2d
