// The compute-device interface the network runs on (ggml-style split: registry → device →
// memory). Model code allocates device memory, uploads inputs and calls ops; it never touches
// a device's memory directly. Pointers passed to ops are device addresses from alloc() — on
// the CPU they are host pointers; a CUDA device would use device pointers and an OpenCL device
// shared-virtual-memory pointers, so model code needs no change when such devices are added.
// GPU runtimes are to be loaded on demand (dlopen at first use), so the library has no
// link-time dependency on them; a missing runtime means "device absent", never a crash.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "n2d/blas/activation.hpp"
#include "n2d/device/devices.hpp"
#include "n2d/blas/gemm.hpp"
#include "n2d/blas/detail/vector.hpp"

namespace n2d::inline v0 {

class ThreadPool;


// Operations a device may implement; supports() lets callers fall back or refuse early.
enum class DeviceOp { gemm, bias_add, col_sums, sq_row_norms, activation, axpy, scale, adam_update, fill, copy };

class Device {
public:
    virtual ~Device() = default;
    virtual std::string name() const = 0;
    virtual DeviceType type() const = 0;
    virtual bool supports(DeviceOp op) const = 0;

    // Memory: `count` floats, 64-byte aligned, zero-initialised.
    virtual float* alloc(std::size_t count) = 0;
    virtual void free(float* ptr) noexcept = 0;
    virtual void upload(float* dst, const float* host_src, std::size_t count) = 0;
    virtual void download(float* host_dst, const float* src, std::size_t count) = 0;
    // Waits until every queued op finished (no-op on the CPU).
    virtual void synchronize() = 0;

    // Ops (semantics as the n2d:: functions of the same name in n2d/blas).
    virtual void gemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* A,
                      std::size_t lda, const float* B, std::size_t ldb, float beta, float* C, std::size_t ldc) = 0;
    virtual void bias_add(float* y, std::size_t rows, std::size_t cols, std::size_t ldy, const float* bias) = 0;
    virtual void col_sums(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) = 0;
    virtual void sq_row_norms(const float* x, std::size_t rows, std::size_t cols, std::size_t ldx, float* out) = 0;
    virtual void activation_forward(Activation act, std::size_t n, const float* z, float* y, float alpha) = 0;
    virtual void activation_backward(Activation act, std::size_t n, const float* z, const float* y, const float* dy,
                                     float* dz, float alpha) = 0;
    virtual void axpy(std::size_t n, float a, const float* x, float* y) = 0;
    virtual void scale(std::size_t n, float a, float* x) = 0;
    virtual void adam_update(std::size_t n, float* w, const float* g, float* m, float* v, const AdamStep& step) = 0;
    virtual void fill(std::size_t n, float value, float* x) = 0;
    virtual void copy(std::size_t n, const float* src, float* dst) = 0;
};

// RAII device allocation.
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    DeviceBuffer(Device& dev, std::size_t count) : dev_(&dev), ptr_(dev.alloc(count)), size_(count) {}
    ~DeviceBuffer() { reset(); }
    DeviceBuffer(DeviceBuffer&& o) noexcept : dev_(o.dev_), ptr_(o.ptr_), size_(o.size_) { o.ptr_ = nullptr; o.size_ = 0; }
    DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
        if (this != &o) { reset(); dev_ = o.dev_; ptr_ = o.ptr_; size_ = o.size_; o.ptr_ = nullptr; o.size_ = 0; }
        return *this;
    }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    float* data() const noexcept { return ptr_; }
    std::size_t size() const noexcept { return size_; }
    void reset() noexcept {
        if (ptr_) dev_->free(ptr_);
        ptr_ = nullptr;
        size_ = 0;
    }

private:
    Device* dev_ = nullptr;
    float* ptr_ = nullptr;
    std::size_t size_ = 0;
};

// A CPU device on the given pool (default: the library-wide pool) and SIMD target (default:
// the active one). Its gemm is multithreaded; its vector ops run on the calling thread.
std::unique_ptr<Device> make_cpu_device(ThreadPool* pool = nullptr);
// The process-wide CPU device on the default pool.
Device& cpu_device();

// Opens a device by name ("cpu"); throws n2d::Error naming the available devices otherwise.
std::unique_ptr<Device> open_device(const std::string& name);

}  // namespace n2d
