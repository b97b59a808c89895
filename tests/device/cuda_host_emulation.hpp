// Just enough of CUDA's built-ins to run n2d/device/cuda/kernels.cu on the host: each block's
// threads are real threads sharing the block's __shared__ variables (function statics; blocks
// run one after another) and a barrier for __syncthreads. Lets machines without a GPU test the
// kernels' logic against the CPU device (the device's rounding of powf, exp, … aside).
#pragma once
#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "n2d/core/rng.hpp"

namespace cuda_emulation {
struct Dim3 {
    unsigned x = 0, y = 0, z = 0;
};
// A reusable barrier for a block's threads. Not std::barrier: its atomic wait deadlocks in
// MinGW's libstdc++ under wine.
class Barrier {
public:
    explicit Barrier(unsigned count) : count_(count) {}
    void arrive_and_wait() {
        std::unique_lock lock(mutex_);
        const unsigned long long phase = phase_;
        if (++arrived_ == count_) {
            arrived_ = 0;
            ++phase_;
            all_.notify_all();
            return;
        }
        all_.wait(lock, [&] { return phase_ != phase; });
    }

private:
    std::mutex mutex_;
    std::condition_variable all_;
    unsigned count_, arrived_ = 0;
    unsigned long long phase_ = 0;
};
inline std::unique_ptr<Barrier> block_barrier;
}  // namespace cuda_emulation

inline thread_local cuda_emulation::Dim3 blockIdx, threadIdx;
inline cuda_emulation::Dim3 blockDim, gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(x)
#define __shared__ static
#define __restrict__ __restrict

inline void __syncthreads() { cuda_emulation::block_barrier->arrive_and_wait(); }
inline unsigned atomicAdd(unsigned* p, unsigned v) { return std::atomic_ref<unsigned>(*p).fetch_add(v); }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) { return n2d::mul_64x64(a, b).hi; }
inline unsigned __float_as_uint(float f) {
    unsigned u;
    std::memcpy(&u, &f, 4);
    return u;
}
inline float __int_as_float(int i) {
    float f;
    std::memcpy(&f, &i, 4);
    return f;
}
inline double __longlong_as_double(long long i) {
    double f;
    std::memcpy(&f, &i, 8);
    return f;
}
using std::min;

namespace cuda_emulation {
// Runs `kernel` (a call of one kernel) on a gx × gy grid of blocks of `threads` threads.
template <class F>
void launch(unsigned gx, unsigned gy, unsigned threads, F kernel) {
    gridDim = {gx, gy, 1};
    blockDim = {threads, 1, 1};
    for (unsigned by = 0; by < gy; ++by)
        for (unsigned bx = 0; bx < gx; ++bx) {
            block_barrier = std::make_unique<Barrier>(threads);
            std::vector<std::thread> pool;
            for (unsigned t = 0; t < threads; ++t)
                pool.emplace_back([&, t] {
                    blockIdx = {bx, by, 0};
                    threadIdx = {t, 0, 0};
                    kernel();
                });
            for (auto& th : pool) th.join();
        }
}
}  // namespace cuda_emulation
