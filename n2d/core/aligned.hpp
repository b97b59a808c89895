// 64-byte-aligned heap buffers (cache line and AVX-512 register width), taken from the
// allocator installed with set_allocator (n2d/core/memory.hpp): by default std::aligned_alloc,
// or _aligned_malloc/_aligned_free on Windows.
#pragma once
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>

#include "n2d/core/error.hpp"
#include "n2d/core/memory.hpp"

namespace n2d::inline v0 {

inline constexpr std::size_t kAlignment = 64;

struct AlignedFree {
    void operator()(void* p) const noexcept { free_aligned(p); }
};

// Allocates `count` zero-initialised T with 64-byte alignment. T must be trivially copyable.
template <class T>
std::unique_ptr<T[], AlignedFree> aligned_alloc_zeroed(std::size_t count) {
    if (count == 0) return nullptr;
    if (count > (std::size_t(-1) - kAlignment) / sizeof(T))
        detail::throw_out_of_memory(std::size_t(-1), "an array of " + std::to_string(count) + " elements");
    std::size_t bytes = (count * sizeof(T) + kAlignment - 1) / kAlignment * kAlignment;
    void* p = allocate_aligned(bytes);
    std::memset(p, 0, bytes);
    return std::unique_ptr<T[], AlignedFree>(static_cast<T*>(p));
}

// A growable-by-reset aligned array of trivially copyable T.
template <class T>
class AlignedArray {
public:
    AlignedArray() = default;
    explicit AlignedArray(std::size_t n) : data_(aligned_alloc_zeroed<T>(n)), size_(n) {}
    AlignedArray(const AlignedArray& o) : AlignedArray(o.size_) {
        if (size_) std::memcpy(data_.get(), o.data_.get(), size_ * sizeof(T));
    }
    AlignedArray& operator=(const AlignedArray& o) {
        if (this != &o) { AlignedArray t(o); swap(t); }
        return *this;
    }
    AlignedArray(AlignedArray&& o) noexcept : data_(std::move(o.data_)), size_(o.size_) { o.size_ = 0; }
    AlignedArray& operator=(AlignedArray&& o) noexcept {
        data_ = std::move(o.data_); size_ = o.size_; o.size_ = 0;
        return *this;
    }
    void swap(AlignedArray& o) noexcept { std::swap(data_, o.data_); std::swap(size_, o.size_); }

    T* data() noexcept { return data_.get(); }
    const T* data() const noexcept { return data_.get(); }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    T* begin() noexcept { return data(); }
    T* end() noexcept { return data() + size_; }
    const T* begin() const noexcept { return data(); }
    const T* end() const noexcept { return data() + size_; }

private:
    std::unique_ptr<T[], AlignedFree> data_;
    std::size_t size_ = 0;
};

}  // namespace n2d
