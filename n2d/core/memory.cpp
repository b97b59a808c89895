#include "n2d/core/memory.hpp"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <forward_list>
#include <mutex>
#include <new>
#include <string>
#ifdef _WIN32
#include <malloc.h>  // _aligned_malloc, _aligned_free
#endif

#include "n2d/core/aligned.hpp"
#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::size_t kAlign = kAlignment;

// Stored just below every block so it goes back to the allocator that made it.
struct Header {
    void (*release)(void* raw, void* user);
    void* user;
    void* raw;
};
static_assert(sizeof(Header) <= kAlign);

void* os_aligned_alloc(std::size_t bytes) {
#ifdef _WIN32
    return _aligned_malloc(bytes, kAlign);
#else
    return std::aligned_alloc(kAlign, (bytes + kAlign - 1) / kAlign * kAlign);  // size: a multiple of the alignment
#endif
}

void os_aligned_free(void* raw, void*) {
#ifdef _WIN32
    _aligned_free(raw);
#else
    std::free(raw);
#endif
}

// nullptr = the default. Installed allocators are kept forever (a few dozen bytes each) so an
// allocation racing with set_allocator never reads a freed one.
std::atomic<const Allocator*> g_current{nullptr};
std::mutex g_install_mutex;

void* finish(void* raw, std::uintptr_t data, void (*release)(void*, void*), void* user) {
    auto* h = reinterpret_cast<Header*>(data - sizeof(Header));
    *h = Header{release, user, raw};
    return reinterpret_cast<void*>(data);
}

}  // namespace

void set_allocator(const Allocator& a) {
    N2D_REQUIRE(a.alloc_fn && a.free_fn,
                "set_allocator: alloc_fn and free_fn are both required (call reset_allocator for the default)");
    N2D_REQUIRE(!a.aligned_alloc_fn == !a.aligned_free_fn,
                "set_allocator: give both aligned_alloc_fn and aligned_free_fn, or neither");
    std::lock_guard lock(g_install_mutex);
    static auto* installed = new std::forward_list<Allocator>;  // never destroyed: see g_current
    installed->push_front(a);
    g_current.store(&installed->front(), std::memory_order_release);
}

void reset_allocator() noexcept { g_current.store(nullptr, std::memory_order_release); }

void* allocate_aligned(std::size_t bytes) {
    N2D_REQUIRE(bytes > 0, "allocate_aligned: a block of 0 bytes was asked for; ask for at least 1");
    const auto out_of_memory = [bytes] { detail::throw_out_of_memory(bytes, "a buffer"); };
    if (bytes > std::size_t(-1) / 2) out_of_memory();  // beyond any address space; also keeps + kAlign from wrapping
    const Allocator* a = g_current.load(std::memory_order_acquire);
    if (!a) {  // the default: one aligned block with the header in its first cache line
        void* raw = os_aligned_alloc(bytes + kAlign);
        if (!raw) out_of_memory();
        return finish(raw, reinterpret_cast<std::uintptr_t>(raw) + kAlign, os_aligned_free, nullptr);
    }
    if (a->aligned_alloc_fn) {
        void* raw = a->aligned_alloc_fn(bytes + kAlign, kAlign, a->user);
        if (!raw) out_of_memory();
        if (reinterpret_cast<std::uintptr_t>(raw) % kAlign) {  // a broken hook: refuse rather than misalign
            a->aligned_free_fn(raw, a->user);
            N2D_FAIL("n2d: the installed aligned_alloc_fn returned a block that is not " + std::to_string(kAlign) +
                        "-byte aligned; it must honour its alignment argument");
        }
        return finish(raw, reinterpret_cast<std::uintptr_t>(raw) + kAlign, a->aligned_free_fn, a->user);
    }
    // Plain allocator: over-allocate and align inside, leaving room for the header.
    void* raw = a->alloc_fn(bytes + sizeof(Header) + kAlign - 1, a->user);
    if (!raw) out_of_memory();
    const std::uintptr_t data = (reinterpret_cast<std::uintptr_t>(raw) + sizeof(Header) + kAlign - 1) / kAlign * kAlign;
    return finish(raw, data, a->free_fn, a->user);
}

void free_aligned(void* ptr) noexcept {
    if (!ptr) return;
    const Header h = *reinterpret_cast<Header*>(static_cast<unsigned char*>(ptr) - sizeof(Header));
    h.release(h.raw, h.user);
}

}  // namespace n2d
