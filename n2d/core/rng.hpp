// Our own seeded RNG: identical streams with any compiler, standard library and thread count.
// Engine: xoshiro256** seeded through SplitMix64. Independent streams are derived from
// (seed, stream id) so per-task generators never depend on scheduling.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#if !defined(__SIZEOF_INT128__) && defined(_MSC_VER) && defined(_M_X64)
#include <intrin.h>
#endif

namespace n2d::inline v0 {

// Full 64x64 -> 128-bit product, {high word, low word}, the same bits on every compiler.
struct Product128 {
    std::uint64_t hi, lo;
};

// Schoolbook product of 32-bit halves: the fallback where the compiler has no 128-bit type.
inline Product128 mul_64x64_portable(std::uint64_t a, std::uint64_t b) noexcept {
    const std::uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
    const std::uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const std::uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);  // < 3 * 2^32
    return {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (mid << 32) | (p00 & 0xFFFFFFFFu)};
}

inline Product128 mul_64x64(std::uint64_t a, std::uint64_t b) noexcept {
#if defined(__SIZEOF_INT128__)
    const __uint128_t m = static_cast<__uint128_t>(a) * b;
    return {static_cast<std::uint64_t>(m >> 64), static_cast<std::uint64_t>(m)};
#elif defined(_MSC_VER) && defined(_M_X64)
    std::uint64_t hi;
    const std::uint64_t lo = _umul128(a, b, &hi);
    return {hi, lo};
#else
    return mul_64x64_portable(a, b);
#endif
}

// SplitMix64 step: a strong 64-bit mixer, used for seeding and stream derivation.
inline std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Hash of (seed, a, b): for deriving per-task seeds, e.g. derive_seed(seed, epoch, chunk).
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0) noexcept {
    std::uint64_t s = seed;
    std::uint64_t h = splitmix64(s);
    s = h ^ (a * 0xD1B54A32D192ED03ull);
    h = splitmix64(s);
    s = h ^ (b * 0x8CB92BA72F3D8DD7ull);
    return splitmix64(s);
}

class Rng {
public:
    explicit Rng(std::uint64_t seed = 0, std::uint64_t stream = 0) noexcept { reseed(seed, stream); }

    void reseed(std::uint64_t seed, std::uint64_t stream = 0) noexcept {
        std::uint64_t sm = derive_seed(seed, stream, 0x6E32642Dull);
        for (auto& w : s_) w = splitmix64(sm);
    }

    // Next raw 64 bits.
    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    std::uint32_t next_u32() noexcept { return static_cast<std::uint32_t>(next() >> 32); }

    // Uniform double in [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform double in [lo, hi).
    double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
    // Uniform float in [0, 1) with 24 random bits.
    float uniform_float() noexcept { return static_cast<float>(next() >> 40) * 0x1.0p-24f; }

    // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). n must be > 0.
    std::uint64_t below(std::uint64_t n) noexcept {
        Product128 m = mul_64x64(next(), n);
        if (m.lo < n) {
            const std::uint64_t t = (0 - n) % n;
            while (m.lo < t) m = mul_64x64(next(), n);
        }
        return m.hi;
    }

    // Standard normal by the polar Box–Muller method (std::normal_distribution differs between
    // standard libraries; this does not). Uses only +,*,/,log,sqrt: IEEE-reproducible.
    double normal() noexcept {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u, v, s;
        do {
            u = 2.0 * uniform() - 1.0;
            v = 2.0 * uniform() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        const double f = std::sqrt(-2.0 * std::log(s) / s);
        spare_ = v * f;
        has_spare_ = true;
        return u * f;
    }
    double normal(double mean, double sd) noexcept { return mean + sd * normal(); }

    // Fisher–Yates shuffle of [first, first+n).
    template <class T>
    void shuffle(T* first, std::size_t n) noexcept {
        for (std::size_t i = n; i > 1; --i) {
            std::size_t j = static_cast<std::size_t>(below(i));
            std::swap(first[i - 1], first[j]);
        }
    }
    template <class Container>
    void shuffle(Container& c) noexcept { shuffle(c.data(), c.size()); }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace n2d
