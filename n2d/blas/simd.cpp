#include "n2d/blas/simd.hpp"

#include <atomic>
#include <cstdint>
#include <cstdlib>

#include "n2d/blas/detail/dispatch.hpp"
#include "n2d/core/error.hpp"

#if defined(N2D_ARCH_X86_64)
#if defined(_MSC_VER) && !defined(__clang__)
#define N2D_MSVC_CPUID 1
#include <intrin.h>
#else
#include <cpuid.h>  // GCC and Clang, MinGW-w64 included
#endif
#endif

namespace n2d::inline v0 {

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
    N2D_FAIL("n2d: unknown SIMD target '" + name + "'; use one of scalar, avx2, avx512, neon");
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
// The compiler-specific bits: XGETBV(0) and CPUID(leaf, subleaf), false if the leaf is absent.
std::uint64_t xgetbv0() {
#if defined(N2D_MSVC_CPUID)
    return _xgetbv(0);
#else
    std::uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<std::uint64_t>(hi) << 32) | lo;
#endif
}
bool cpuid(unsigned leaf, unsigned sub, unsigned& a, unsigned& b, unsigned& c, unsigned& d) {
#if defined(N2D_MSVC_CPUID)
    int r[4];
    __cpuid(r, static_cast<int>(leaf & 0x80000000u));
    if (static_cast<unsigned>(r[0]) < leaf) return false;
    __cpuidex(r, static_cast<int>(leaf), static_cast<int>(sub));
    a = static_cast<unsigned>(r[0]), b = static_cast<unsigned>(r[1]), c = static_cast<unsigned>(r[2]), d = static_cast<unsigned>(r[3]);
    return true;
#else
    return __get_cpuid_count(leaf, sub, &a, &b, &c, &d);
#endif
}
bool cpu_has_avx2_fma() {
    unsigned a, b, c, d;
    if (!cpuid(1, 0, a, b, c, d)) return false;
    const bool fma = c & (1u << 12), osxsave = c & (1u << 27), avx = c & (1u << 28);
    if (!(fma && osxsave && avx)) return false;
    if ((xgetbv0() & 0x6) != 0x6) return false;  // XMM and YMM state enabled by the OS
    if (!cpuid(7, 0, a, b, c, d)) return false;
    return b & (1u << 5);  // AVX2
}
bool cpu_has_avx512() {
    if (!cpu_has_avx2_fma()) return false;
    unsigned a, b, c, d;
    if (!cpuid(7, 0, a, b, c, d)) return false;
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
