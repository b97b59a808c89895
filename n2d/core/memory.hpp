// Allocation hooks: every 64-byte-aligned buffer of the library (Matrix, AlignedArray, the CPU
// device's memory — autoencoder weights, activations and optimiser state — and the gemm packing
// buffers) is taken from the installed allocator. Other, smaller containers (std::vector in the
// kNN graph, UMAP graph, k-means scratch) use the global operator new.
//
// Each block remembers the allocator that made it and is given back to that one, so an
// allocator may be replaced while blocks are live; its functions and `user` must stay valid
// until the last block it made is freed. set_allocator is safe to call at any time, but
// allocations that race with it may use either allocator.
#pragma once
#include <cstddef>

namespace n2d::inline v0 {

struct Allocator {
    // Required pair: plain allocation (nullptr on failure) and its release.
    void* (*alloc_fn)(std::size_t bytes, void* user) = nullptr;
    void (*free_fn)(void* ptr, void* user) = nullptr;
    // Optional pair (both or neither): aligned allocation; when absent, aligned blocks are
    // carved out of a slightly larger alloc_fn block.
    void* (*aligned_alloc_fn)(std::size_t bytes, std::size_t alignment, void* user) = nullptr;
    void (*aligned_free_fn)(void* ptr, void* user) = nullptr;
    void* user = nullptr;
};

// Installs `a` for every later allocation; throws n2d::Error when a function pair is incomplete.
void set_allocator(const Allocator& a);
// Back to the default (std::aligned_alloc, or _aligned_malloc on Windows).
void reset_allocator() noexcept;

// `bytes` (> 0) with 64-byte alignment from the installed allocator; throws n2d::OutOfMemory
// (naming the size) when the allocator returns nothing.
void* allocate_aligned(std::size_t bytes);
// Releases a block from allocate_aligned (nullptr is ignored) to the allocator that made it.
void free_aligned(void* ptr) noexcept;

}  // namespace n2d
