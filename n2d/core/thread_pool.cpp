#include "n2d/core/thread_pool.hpp"

#include <cstdlib>
#include <memory>
#include <string>

#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

namespace {
thread_local bool t_inside_chunk = false;
}

std::size_t default_num_threads() {
    if (const char* env = std::getenv("N2D_NUM_THREADS"); env && *env) {
        char* endp = nullptr;
        long v = std::strtol(env, &endp, 10);
        N2D_REQUIRE(endp && *endp == '\0' && v > 0 && v <= 4096,
                    std::string("N2D_NUM_THREADS='") + env + "' is not a thread count; set it to an integer in 1..4096 or unset it");
        return static_cast<std::size_t>(v);
    }
    unsigned hw = std::thread::hardware_concurrency();
    return hw ? hw : 1;
}

ThreadPool::ThreadPool(std::size_t threads) {
    if (threads == 0) threads = default_num_threads();
    workers_.reserve(threads - 1);
    for (std::size_t w = 1; w < threads; ++w) workers_.emplace_back([this, w] { worker_loop(w); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::run_chunks(std::size_t worker) {
    const bool was_inside = t_inside_chunk;
    t_inside_chunk = true;
    for (;;) {
        std::size_t chunk;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (next_chunk_ >= n_chunks_ || error_) break;
            chunk = next_chunk_++;
        }
        std::size_t lo = begin_ + chunk * grain_;
        std::size_t hi = end_ - lo < grain_ ? end_ : lo + grain_;
        try {
            thunk_(ctx_, lo, hi, worker);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!error_) error_ = std::current_exception();
        }
    }
    t_inside_chunk = was_inside;
}

void ThreadPool::worker_loop(std::size_t worker) {
    std::size_t seen = 0;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
            if (stop_) return;
            seen = generation_;
            ++active_;
        }
        run_chunks(worker);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (--active_ == 0) done_.notify_all();
        }
    }
}

void ThreadPool::run(std::size_t begin, std::size_t end, std::size_t grain, Thunk thunk, void* ctx) {
    const std::size_t n_chunks = (end - begin + grain - 1) / grain;
    if (t_inside_chunk || workers_.empty() || n_chunks == 1) {
        // Inline: same chunk boundaries, worker 0 (nested calls must not block on the pool).
        for (std::size_t c = 0; c < n_chunks; ++c) {
            std::size_t lo = begin + c * grain;
            thunk(ctx, lo, end - lo < grain ? end : lo + grain, 0);
        }
        return;
    }
    std::lock_guard<std::mutex> submit(submit_);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        begin_ = begin; end_ = end; grain_ = grain; n_chunks_ = n_chunks;
        thunk_ = thunk; ctx_ = ctx; next_chunk_ = 0; error_ = nullptr;
        ++generation_;
    }
    wake_.notify_all();
    run_chunks(0);
    std::exception_ptr err;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [&] { return active_ == 0; });
        n_chunks_ = 0;  // late wakers find nothing to do
        err = error_;
        error_ = nullptr;
    }
    if (err) std::rethrow_exception(err);
}

namespace {
std::unique_ptr<ThreadPool>& pool_slot() {
    static std::unique_ptr<ThreadPool> pool;
    return pool;
}
std::mutex& pool_mutex() {
    static std::mutex m;
    return m;
}
}  // namespace

ThreadPool& default_pool() {
    std::lock_guard<std::mutex> lock(pool_mutex());
    auto& p = pool_slot();
    if (!p) p = std::make_unique<ThreadPool>(0);
    return *p;
}

void set_num_threads(std::size_t threads) {
    std::lock_guard<std::mutex> lock(pool_mutex());
    pool_slot() = std::make_unique<ThreadPool>(threads);
}

}  // namespace n2d
