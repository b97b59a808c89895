#include "n2d/blas/simd.hpp"

#include <atomic>
#include <cstdint>
#include <cstdlib>

#include "n2d/blas/detail/dispatch.hpp"
#include "n2d/core/error.hpp"

#if defined(N2D_ARCH_X86_64)
#include <cpuid.h>
#endif

namespace n2d {

const char* to_string(SimdTarget t) noexcept {
    switch (t) {
        case SimdTarget::scalar: return "scalar";
        case SimdTarget::avx2: return "avx2";
        case SimdTarget::avx512: return "avx512";
        case SimdTarget::neon: return "neon";
    }
    return "unknown";
}

SimdTarget parse_simd_target(const std::string& name) {
    for (SimdTarget t : {SimdTarget::scalar, SimdTarget::avx2, SimdTarget::avx512, SimdTarget::neon})
        if (name == to_string(t)) return t;
    throw Error("n2d: unknown SIMD target '" + name + "'; use one of scalar, avx2, avx512, neon");
}

std::vector<SimdTarget> compiled_targets() {
#if defined(N2D_ARCH_X86_64)
    return {SimdTarget::scalar, SimdTarget::avx2, SimdTarget::avx512};
#elif defined(N2D_ARCH_AARCH64)
    return {SimdTarget::scalar, SimdTarget::neon};
#else
    return {SimdTarget::scalar};
#endif
}

namespace {
#if defined(N2D_ARCH_X86_64)
std::uint64_t xgetbv0() {
    std::uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<std::uint64_t>(hi) << 32) | lo;
}
bool cpu_has_avx2_fma() {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool fma = c & (1u << 12), osxsave = c & (1u << 27), avx = c & (1u << 28);
    if (!(fma && osxsave && avx)) return false;
    if ((xgetbv0() & 0x6) != 0x6) return false;  // XMM and YMM state enabled by the OS
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return b & (1u << 5);  // AVX2
}
bool cpu_has_avx512() {
    if (!cpu_has_avx2_fma()) return false;
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const bool f = b & (1u << 16), dq = b & (1u << 17), bw = b & (1u << 30), vl = b & (1u << 31);
    return f && dq && bw && vl && (xgetbv0() & 0xE6) == 0xE6;  // opmask, ZMM0-15 hi, ZMM16-31
}
#endif
}  // namespace

bool target_usable(SimdTarget t) noexcept {
    switch (t) {
        case SimdTarget::scalar: return true;
#if defined(N2D_ARCH_X86_64)
        case SimdTarget::avx2: return cpu_has_avx2_fma();
        case SimdTarget::avx512: return cpu_has_avx512();
#elif defined(N2D_ARCH_AARCH64)
        case SimdTarget::neon: return true;  // Advanced SIMD is mandatory on AArch64
#endif
        default: return false;
    }
}

std::vector<SimdTarget> usable_targets() {
    std::vector<SimdTarget> out;
    for (SimdTarget t : compiled_targets())
        if (target_usable(t)) out.push_back(t);
    return out;
}

namespace {
std::atomic<int> g_active{-1};

SimdTarget choose_target() {
    if (const char* env = std::getenv("N2D_SIMD"); env && *env) {
        SimdTarget t = parse_simd_target(env);
        N2D_REQUIRE(target_usable(t), std::string("N2D_SIMD=") + env +
                                          " is not usable on this CPU or build; run `n2d info` for the usable targets");
        return t;
    }
    return usable_targets().back();
}
}  // namespace

SimdTarget active_target() {
    int v = g_active.load(std::memory_order_acquire);
    if (v < 0) {
        v = static_cast<int>(choose_target());
        g_active.store(v, std::memory_order_release);
    }
    return static_cast<SimdTarget>(v);
}

void set_active_target(SimdTarget t) {
    N2D_REQUIRE(target_usable(t), std::string("SIMD target ") + to_string(t) + " is not usable on this CPU or build");
    g_active.store(static_cast<int>(t), std::memory_order_release);
}

}  // namespace n2d
