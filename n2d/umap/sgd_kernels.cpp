#include "n2d/umap/detail/sgd_kernels.hpp"

#include <cfloat>
#include <cmath>

#include "n2d/blas/detail/dispatch.hpp"

#if defined(N2D_ARCH_X86_64)
#include <immintrin.h>
#elif defined(N2D_ARCH_AARCH64)
#include <arm_neon.h>
#endif

namespace n2d::inline v0 {

namespace {

void forces_scalar(const ForceCurve& f, const float* d2, float* coef, bool attract_first) {
    const ForceCurve::Lanes& L = f.lanes[attract_first ? 1 : 0];
    for (int i = 0; i < kForceBatch; ++i) {
        const float d = d2[i];
        if (!(d > 0.0f)) {
            coef[i] = 0.0f;
            continue;
        }
        const float pb = std::pow(d, f.b);
        coef[i] = (L.A[i] * pb + L.B[i]) / ((d + L.C[i]) * (1.0f + f.a * pb));
    }
}

void sample_forces_scalar(const ForceCurve& f, const float* d2, float* coef) { forces_scalar(f, d2, coef, true); }
void repel_forces_scalar(const ForceCurve& f, const float* d2, float* coef) { forces_scalar(f, d2, coef, false); }

void pow_scalar(const float* x, float b, float* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = std::pow(x[i], b);
}

#if defined(N2D_ARCH_X86_64)

// x^b for x > 0 (clamped to [FLT_MIN, FLT_MAX]) as 2^(b·log2 x).
N2D_TARGET_AVX2 inline __m256 pow8(__m256 x, __m256 b) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(FLT_MIN)), _mm256_set1_ps(FLT_MAX));
    // x = m·2^e with m in [√½, √2): log2 x = e + 2·atanh(t)/ln 2, t = (m − 1)/(m + 1), |t| ≤ 0.1716.
    const __m256i xi = _mm256_castps_si256(x);
    const __m256i e = _mm256_srai_epi32(_mm256_sub_epi32(xi, _mm256_set1_epi32(0x3f3504f3)), 23);
    const __m256 m = _mm256_castsi256_ps(_mm256_sub_epi32(xi, _mm256_slli_epi32(e, 23)));
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 t = _mm256_div_ps(_mm256_sub_ps(m, one), _mm256_add_ps(m, one));
    const __m256 t2 = _mm256_mul_ps(t, t);
    // 2/ln2 · (1 + t²/3 + t⁴/5 + t⁶/7 + t⁸/9): the next term is below 3e-9 relative. Estrin's
    // scheme (short dependency chains: the optimiser waits on every power).
    constexpr double kL = 2.0 / 0.6931471805599453;
    const __m256 t4 = _mm256_mul_ps(t2, t2);
    const __m256 p01 = _mm256_fmadd_ps(_mm256_set1_ps(float(kL / 3)), t2, _mm256_set1_ps(float(kL)));
    const __m256 p23 = _mm256_fmadd_ps(_mm256_set1_ps(float(kL / 7)), t2, _mm256_set1_ps(float(kL / 5)));
    const __m256 p = _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(float(kL / 9)), t4, p23), t4, p01);
    // y = b·log2 x = b·e + b·t·p. b·e is split exactly (FMA) into a whole part k_e and the rest,
    // so the fraction that the polynomial sees keeps full precision even where |y| is large.
    const __m256 ef = _mm256_cvtepi32_ps(e);
    const __m256 be = _mm256_mul_ps(b, ef);
    const __m256 be_err = _mm256_fmsub_ps(b, ef, be);
    const __m256 k_e = _mm256_round_ps(be, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m256 frac = _mm256_fmadd_ps(_mm256_mul_ps(b, t), p, _mm256_add_ps(_mm256_sub_ps(be, k_e), be_err));
    // 2^y = 2^(k_e + k_f) · 2^r, k_f = round(frac), |r| ≤ ½: Taylor series of e^(r ln 2) to degree 7.
    const __m256 k_f = _mm256_round_ps(frac, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m256 r = _mm256_mul_ps(_mm256_sub_ps(frac, k_f), _mm256_set1_ps(0.6931471805599453f));
    const __m256 k = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(k_e, k_f), _mm256_set1_ps(-126.0f)),
                                   _mm256_set1_ps(126.0f));
    const __m256 r2 = _mm256_mul_ps(r, r);
    const __m256 r4 = _mm256_mul_ps(r2, r2);
    const __m256 q01 = _mm256_add_ps(r, one);
    const __m256 q23 = _mm256_fmadd_ps(_mm256_set1_ps(1.0f / 6.0f), r, _mm256_set1_ps(0.5f));
    const __m256 q45 = _mm256_fmadd_ps(_mm256_set1_ps(1.0f / 120.0f), r, _mm256_set1_ps(1.0f / 24.0f));
    const __m256 q67 = _mm256_fmadd_ps(_mm256_set1_ps(1.0f / 5040.0f), r, _mm256_set1_ps(1.0f / 720.0f));
    const __m256 q = _mm256_fmadd_ps(_mm256_fmadd_ps(q67, r2, q45), r4, _mm256_fmadd_ps(q23, r2, q01));
    const __m256i scale = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(q, _mm256_castsi256_ps(scale));
}

N2D_TARGET_AVX2 inline void forces_avx2(const ForceCurve& f, const float* d2, float* coef, bool attract_first) {
    const ForceCurve::Lanes& L = f.lanes[attract_first ? 1 : 0];
    const __m256 d = _mm256_loadu_ps(d2);
    const __m256 pb = pow8(d, _mm256_set1_ps(f.b));
    const __m256 num = _mm256_fmadd_ps(_mm256_loadu_ps(L.A), pb, _mm256_loadu_ps(L.B));
    const __m256 den = _mm256_mul_ps(_mm256_add_ps(d, _mm256_loadu_ps(L.C)),
                                     _mm256_fmadd_ps(_mm256_set1_ps(f.a), pb, _mm256_set1_ps(1.0f)));
    const __m256 positive = _mm256_cmp_ps(d, _mm256_setzero_ps(), _CMP_GT_OQ);
    _mm256_storeu_ps(coef, _mm256_and_ps(_mm256_div_ps(num, den), positive));
}

N2D_TARGET_AVX2 void sample_forces_avx2(const ForceCurve& f, const float* d2, float* coef) {
    forces_avx2(f, d2, coef, true);
}
N2D_TARGET_AVX2 void repel_forces_avx2(const ForceCurve& f, const float* d2, float* coef) {
    forces_avx2(f, d2, coef, false);
}

N2D_TARGET_AVX2 void pow_avx2(const float* x, float b, float* out, std::size_t n) {
    const __m256 vb = _mm256_set1_ps(b);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, pow8(_mm256_loadu_ps(x + i), vb));
    if (i < n) {
        float tail[8] = {1, 1, 1, 1, 1, 1, 1, 1}, res[8];
        for (std::size_t j = i; j < n; ++j) tail[j - i] = x[j];
        _mm256_storeu_ps(res, pow8(_mm256_loadu_ps(tail), vb));
        for (std::size_t j = i; j < n; ++j) out[j] = res[j - i];
    }
}

#elif defined(N2D_ARCH_AARCH64)
// The AVX2 pow8 step for step on four lanes (the same operations and FMAs, so the same bits).
inline float32x4_t pow4(float32x4_t x, float32x4_t b) {
    x = vminq_f32(vmaxq_f32(x, vdupq_n_f32(FLT_MIN)), vdupq_n_f32(FLT_MAX));
    const int32x4_t xi = vreinterpretq_s32_f32(x);
    const int32x4_t e = vshrq_n_s32(vsubq_s32(xi, vdupq_n_s32(0x3f3504f3)), 23);
    const float32x4_t m = vreinterpretq_f32_s32(vsubq_s32(xi, vshlq_n_s32(e, 23)));
    const float32x4_t one = vdupq_n_f32(1.0f);
    const float32x4_t t = vdivq_f32(vsubq_f32(m, one), vaddq_f32(m, one));
    const float32x4_t t2 = vmulq_f32(t, t);
    constexpr double kL = 2.0 / 0.6931471805599453;
    const float32x4_t t4 = vmulq_f32(t2, t2);
    const float32x4_t p01 = vfmaq_f32(vdupq_n_f32(float(kL)), vdupq_n_f32(float(kL / 3)), t2);
    const float32x4_t p23 = vfmaq_f32(vdupq_n_f32(float(kL / 5)), vdupq_n_f32(float(kL / 7)), t2);
    const float32x4_t p = vfmaq_f32(p01, vfmaq_f32(p23, vdupq_n_f32(float(kL / 9)), t4), t4);
    const float32x4_t ef = vcvtq_f32_s32(e);
    const float32x4_t be = vmulq_f32(b, ef);
    const float32x4_t be_err = vfmaq_f32(vnegq_f32(be), b, ef);
    const float32x4_t k_e = vrndnq_f32(be);
    const float32x4_t frac = vfmaq_f32(vaddq_f32(vsubq_f32(be, k_e), be_err), vmulq_f32(b, t), p);
    const float32x4_t k_f = vrndnq_f32(frac);
    const float32x4_t r = vmulq_f32(vsubq_f32(frac, k_f), vdupq_n_f32(0.6931471805599453f));
    const float32x4_t k = vminq_f32(vmaxq_f32(vaddq_f32(k_e, k_f), vdupq_n_f32(-126.0f)), vdupq_n_f32(126.0f));
    const float32x4_t r2 = vmulq_f32(r, r);
    const float32x4_t r4 = vmulq_f32(r2, r2);
    const float32x4_t q01 = vaddq_f32(r, one);
    const float32x4_t q23 = vfmaq_f32(vdupq_n_f32(0.5f), vdupq_n_f32(1.0f / 6.0f), r);
    const float32x4_t q45 = vfmaq_f32(vdupq_n_f32(1.0f / 24.0f), vdupq_n_f32(1.0f / 120.0f), r);
    const float32x4_t q67 = vfmaq_f32(vdupq_n_f32(1.0f / 720.0f), vdupq_n_f32(1.0f / 5040.0f), r);
    const float32x4_t q = vfmaq_f32(vfmaq_f32(q01, q23, r2), vfmaq_f32(q45, q67, r2), r4);
    const int32x4_t scale = vshlq_n_s32(vaddq_s32(vcvtnq_s32_f32(k), vdupq_n_s32(127)), 23);
    return vmulq_f32(q, vreinterpretq_f32_s32(scale));
}

inline void forces_neon(const ForceCurve& f, const float* d2, float* coef, bool attract_first) {
    const ForceCurve::Lanes& L = f.lanes[attract_first ? 1 : 0];
    for (int h = 0; h < kForceBatch; h += 4) {
        const float32x4_t d = vld1q_f32(d2 + h);
        const float32x4_t pb = pow4(d, vdupq_n_f32(f.b));
        const float32x4_t num = vfmaq_f32(vld1q_f32(L.B + h), vld1q_f32(L.A + h), pb);
        const float32x4_t den =
            vmulq_f32(vaddq_f32(d, vld1q_f32(L.C + h)), vfmaq_f32(vdupq_n_f32(1.0f), vdupq_n_f32(f.a), pb));
        const uint32x4_t positive = vcgtq_f32(d, vdupq_n_f32(0.0f));
        vst1q_f32(coef + h, vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(vdivq_f32(num, den)), positive)));
    }
}

void sample_forces_neon(const ForceCurve& f, const float* d2, float* coef) { forces_neon(f, d2, coef, true); }
void repel_forces_neon(const ForceCurve& f, const float* d2, float* coef) { forces_neon(f, d2, coef, false); }

void pow_neon(const float* x, float b, float* out, std::size_t n) {
    const float32x4_t vb = vdupq_n_f32(b);
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(out + i, pow4(vld1q_f32(x + i), vb));
    if (i < n) {
        float tail[4] = {1, 1, 1, 1}, res[4];
        for (std::size_t j = i; j < n; ++j) tail[j - i] = x[j];
        vst1q_f32(res, pow4(vld1q_f32(tail), vb));
        for (std::size_t j = i; j < n; ++j) out[j] = res[j - i];
    }
}
#endif

struct SgdKernels {
    ForceBatchFn sample, repel;
    void (*pow)(const float* x, float b, float* out, std::size_t n);
};
constexpr SgdKernels kSgdScalar{sample_forces_scalar, repel_forces_scalar, pow_scalar};
#if defined(N2D_ARCH_X86_64)
constexpr SgdKernels kSgdAvx2{sample_forces_avx2, repel_forces_avx2, pow_avx2};
#elif defined(N2D_ARCH_AARCH64)
constexpr SgdKernels kSgdNeon{sample_forces_neon, repel_forces_neon, pow_neon};
#endif
// AVX-512 runs the AVX2 kernels.
constexpr simd_detail::KernelTables<SgdKernels> kSgdTables{&kSgdScalar, N2D_IF_X86_64(&kSgdAvx2), N2D_IF_X86_64(&kSgdAvx2),
                                                        N2D_IF_AARCH64(&kSgdNeon)};
const SgdKernels& sgd_kernels(SimdTarget t) { return simd_detail::pick_kernels(kSgdTables, t, "UMAP SGD"); }

}  // namespace

ForceBatchFn sample_forces_fn(SimdTarget t) { return sgd_kernels(t).sample; }
ForceBatchFn repel_forces_fn(SimdTarget t) { return sgd_kernels(t).repel; }
void pow_batch(SimdTarget t, const float* x, float b, float* out, std::size_t n) { sgd_kernels(t).pow(x, b, out, n); }

}  // namespace n2d
