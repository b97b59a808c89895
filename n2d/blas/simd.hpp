// Run-time SIMD dispatch. Kernels for every target are compiled into one binary with
// per-function target attributes (never -march); the best usable target is chosen once from
// CPUID + XGETBV (x86-64; NEON is always usable on aarch64), or forced with
// N2D_SIMD=scalar|avx2|avx512|neon.
#pragma once
#include <string>
#include <vector>

namespace n2d::inline v0 {

enum class SimdTarget { scalar, avx2, avx512, neon };

const char* to_string(SimdTarget t) noexcept;
// Parses "scalar", "avx2", "avx512", "neon"; throws n2d::Error otherwise.
SimdTarget parse_simd_target(const std::string& name);
// Targets compiled into this binary.
std::vector<SimdTarget> compiled_targets();
// Compiled and supported by this CPU and OS (CPUID + XGETBV for AVX state).
bool target_usable(SimdTarget t) noexcept;
std::vector<SimdTarget> usable_targets();
// The target in use: N2D_SIMD if set (error if unusable), else the best usable one.
SimdTarget active_target();
// Forces a target for the whole process (tests, benchmarks). Throws if not usable.
void set_active_target(SimdTarget t);

}  // namespace n2d
