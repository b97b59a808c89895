// UMAP SGD force kernels: the attraction and repulsion coefficients of the layout optimiser
// (optimize_layout.hpp) for a batch of squared distances at once — an edge sample's attraction
// and its negatives. With AVX2 + FMA on x86 and NEON on aarch64 (the same operations) the
// powers d²ᵇ come from a vectorised 2^(b·log2 d²) (atanh series for the logarithm, degree-7
// series for 2^r, Estrin's scheme for short latency; relative error below 1e-6 against std::pow
// over d² in [1e-30, 1e30], about 2.5e-7 measured); the scalar target uses std::pow. Results
// depend on the SIMD target (n2d::active_target()), never on the thread count.
#pragma once
#include <cstddef>

#include "n2d/blas/simd.hpp"

namespace n2d::inline v0 {

inline constexpr int kForceBatch = 8;

// The curve parameters the coefficients need (find_ab.hpp's a, b; repulsion strength γ), and
// per lane the coefficient's form: numerator A·d²ᵇ + B over (d² + C)(1 + a·d²ᵇ), with
// (A, B, C) = (−2ab, 0, 0) for an attraction and (0, 2γb, 0.001) for a repulsion.
// lanes[1] puts the attraction in lane 0 (sample_forces), lanes[0] only repulsions.
struct ForceCurve {
    struct Lanes {
        float A[kForceBatch], B[kForceBatch], C[kForceBatch];
    };
    float a, b;
    Lanes lanes[2];
    ForceCurve(double a_, double b_, float gamma) : a(static_cast<float>(a_)), b(static_cast<float>(b_)), lanes() {
        for (int mode = 0; mode < 2; ++mode)
            for (int i = 0; i < kForceBatch; ++i) {
                const bool attract = mode == 1 && i == 0;
                lanes[mode].A[i] = attract ? static_cast<float>(-2.0 * a_ * b_) : 0.0f;
                lanes[mode].B[i] = attract ? 0.0f : static_cast<float>(2.0 * gamma * b_);
                lanes[mode].C[i] = attract ? 0.0f : 0.001f;
            }
    }
};

// Coefficients of kForceBatch squared distances d2[i] (every lane is computed: pad unused ones
// with 0), 0 where d2[i] ≤ 0 or is NaN, else
//   attraction −2ab·d²^(b−1)/(1 + a·d²^b)   (lane 0 of sample_forces),
//   repulsion  2γb/((0.001 + d²)(1 + a·d²^b)) (lanes 1.. of sample_forces, all of repel_forces).
// The functions suit SIMD target t (target_usable(t) must hold).
using ForceBatchFn = void (*)(const ForceCurve& f, const float* d2, float* coef);
ForceBatchFn sample_forces_fn(SimdTarget t);
ForceBatchFn repel_forces_fn(SimdTarget t);

// out[i] = x[i]^b for x[i] > 0 with the kernels' power (exposed for testing its accuracy).
void pow_batch(SimdTarget t, const float* x, float b, float* out, std::size_t n);

}  // namespace n2d
