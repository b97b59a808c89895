#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "n2d/n2d.hpp"

using namespace n2d;

namespace {

std::vector<float> random_vector(std::size_t n, std::uint64_t seed) {
    Rng r(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(r.uniform(-1.0, 1.0));
    return v;
}

// Checks sgemm on `target` against the reference for one shape; returns max relative error.
void check_gemm(SimdTarget target, ThreadPool& pool, Trans ta, Trans tb, std::size_t m, std::size_t n,
                std::size_t k, float alpha, float beta, std::size_t pad) {
    const std::size_t a_rows = ta == Trans::N ? m : k, a_cols = ta == Trans::N ? k : m;
    const std::size_t b_rows = tb == Trans::N ? k : n, b_cols = tb == Trans::N ? n : k;
    const std::size_t lda = a_cols + pad, ldb = b_cols + pad, ldc = n + pad;
    auto A = random_vector(a_rows * lda + 1, 1 + m);
    auto B = random_vector(b_rows * ldb + 1, 2 + n);
    auto C = random_vector(m * ldc + 1, 3 + k);
    auto R = C;
    sgemm(target, pool, ta, tb, m, n, k, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), ldc);
    sgemm_reference(ta, tb, m, n, k, alpha, A.data(), lda, B.data(), ldb, beta, R.data(), ldc);
    const float tol = 1e-5f * static_cast<float>(k + 4);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < ldc; ++j) {
            const float got = C[i * ldc + j], want = R[i * ldc + j];
            if (j >= n) bad += got != want;  // padding untouched
            else bad += !(std::fabs(got - want) <= tol);
        }
    CAPTURE(to_string(target));
    CAPTURE(m);
    CAPTURE(n);
    CAPTURE(k);
    CAPTURE(static_cast<int>(ta));
    CAPTURE(static_cast<int>(tb));
    CAPTURE(alpha);
    CAPTURE(beta);
    CHECK(bad == 0);
}

}  // namespace

TEST_CASE("sgemm matches the reference on awkward shapes for every usable target") {
    ThreadPool pool(2);
    const std::size_t shapes[][3] = {{1, 1, 1},   {1, 17, 3},   {5, 1, 9},    {7, 13, 1},   {17, 31, 29},
                                     {33, 65, 47}, {64, 64, 64}, {97, 129, 255}, {130, 70, 301}, {255, 17, 600},
                                     {600, 33, 5}};
    for (SimdTarget t : usable_targets())
        for (auto ta : {Trans::N, Trans::T})
            for (auto tb : {Trans::N, Trans::T})
                for (const auto& s : shapes)
                    for (auto [alpha, beta] : {std::pair{1.0f, 0.0f}, std::pair{1.0f, 1.0f}, std::pair{-0.5f, 0.3f},
                                               std::pair{0.0f, 2.0f}})
                        check_gemm(t, pool, ta, tb, s[0], s[1], s[2], alpha, beta, (s[0] + s[2]) % 3);
}

TEST_CASE("sgemm results do not depend on the thread count") {
    const std::size_t m = 300, n = 257, k = 513;
    auto A = random_vector(m * k, 11), B = random_vector(k * n, 12);
    for (SimdTarget t : usable_targets()) {
        std::vector<float> ref;
        for (std::size_t threads : {1u, 2u, 5u}) {
            ThreadPool pool(threads);
            std::vector<float> C(m * n, 0.0f);
            sgemm(t, pool, Trans::N, Trans::N, m, n, k, 1.0f, A.data(), k, B.data(), n, 0.0f, C.data(), n);
            if (ref.empty()) ref = C;
            else CHECK(std::memcmp(ref.data(), C.data(), C.size() * sizeof(float)) == 0);
        }
    }
}

TEST_CASE("beta == 0 overwrites NaN in C") {
    float A[4] = {1, 2, 3, 4}, B[4] = {1, 0, 0, 1}, C[4];
    for (SimdTarget t : usable_targets()) {
        ThreadPool pool(1);
        for (float& c : C) c = std::nanf("");
        sgemm(t, pool, Trans::N, Trans::N, 2, 2, 2, 1.0f, A, 2, B, 2, 0.0f, C, 2);
        CHECK(C[0] == 1.0f);
        CHECK(C[3] == 4.0f);
    }
}

TEST_CASE("simd targets parse and the scalar target is always usable") {
    CHECK(target_usable(SimdTarget::scalar));
    CHECK(parse_simd_target("avx2") == SimdTarget::avx2);
    CHECK_THROWS_AS(parse_simd_target("sse9"), Error);
    for (SimdTarget t : usable_targets()) {
        bool compiled = false;
        for (SimdTarget c : compiled_targets()) compiled |= c == t;
        CHECK(compiled);
    }
}
