// Internal: the one SIMD dispatch mechanism every kernel site uses.
//  * One architecture guard: N2D_ARCH_X86_64 or N2D_ARCH_AARCH64 (neither: scalar only).
//  * Per-function target attributes (N2D_TARGET_AVX2, N2D_TARGET_AVX512) on x86-64, never
//    -march: one binary runs on any x86-64. NEON is aarch64's baseline, so it needs none.
//  * One kernel table per site: a struct of function pointers, one const instance per target,
//    gathered in a KernelTables array indexed by SimdTarget and chosen by pick_kernels().
#pragma once
#include <array>
#include <cstddef>

#include "n2d/blas/simd.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#define N2D_ARCH_X86_64 1
#define N2D_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define N2D_TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))
#elif defined(__aarch64__) || defined(_M_ARM64)
#define N2D_ARCH_AARCH64 1
#endif

// For KernelTables initialisers: the argument in a build for that architecture, else nullptr
// (the argument names tables that only exist there).
#if defined(N2D_ARCH_X86_64)
#define N2D_IF_X86_64(table) table
#else
#define N2D_IF_X86_64(table) nullptr
#endif
#if defined(N2D_ARCH_AARCH64)
#define N2D_IF_AARCH64(table) table
#else
#define N2D_IF_AARCH64(table) nullptr
#endif

namespace n2d::inline v0::simd_detail {

inline constexpr std::size_t kTargetCount = 4;  // the SimdTarget enumerators

// A site's tables, indexed by SimdTarget (scalar, avx2, avx512, neon): null where this build has no kernels for the target
// (another architecture). A target without its own kernels at a site points at the next best
// table (e.g. AVX-512 at the AVX2 one), so every usable target has an entry.
template <class Table>
using KernelTables = std::array<const Table*, kTargetCount>;

// Whether target t is compiled and usable here (cached: CPUID runs once per process).
bool usable(SimdTarget t) noexcept;
// Throws n2d::Error naming the site: target t cannot run in this build or on this CPU.
[[noreturn]] void throw_unusable(SimdTarget t, const char* site);

// The site's table for target t; throws when t is not usable here.
template <class Table>
const Table& pick_kernels(const KernelTables<Table>& tables, SimdTarget t, const char* site) {
    const Table* table = tables[static_cast<std::size_t>(t)];
    if (!table || !usable(t)) throw_unusable(t, site);
    return *table;
}
// The table for the process's active target (n2d::active_target()).
template <class Table>
const Table& pick_kernels(const KernelTables<Table>& tables, const char* site) {
    return pick_kernels(tables, active_target(), site);
}

}  // namespace n2d::simd_detail
