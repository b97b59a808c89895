#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "n2d/blas/detail/vector.hpp"
#include "n2d/n2d.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {

// Checks sgemm on `target` against the reference for one shape; returns max relative error.
void check_gemm(SimdTarget target, ThreadPool& pool, Trans ta, Trans tb, std::size_t m, std::size_t n,
                std::size_t k, float alpha, float beta, std::size_t pad) {
    const std::size_t a_rows = ta == Trans::N ? m : k, a_cols = ta == Trans::N ? k : m;
    const std::size_t b_rows = tb == Trans::N ? k : n, b_cols = tb == Trans::N ? n : k;
    const std::size_t lda = a_cols + pad, ldb = b_cols + pad, ldc = n + pad;
    auto A = test::random_floats(a_rows * lda + 1, 1 + m, -1.0, 1.0);
    auto B = test::random_floats(b_rows * ldb + 1, 2 + n, -1.0, 1.0);
    auto C = test::random_floats(m * ldc + 1, 3 + k, -1.0, 1.0);
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
    const std::string target_name = to_string(target);
    CAPTURE(target_name);
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
    // Edges of every micro-tile (MR 4/6/8, NR 8/16/32), k crossing the KC block (384), n crossing
    // the NC block (512), tiny n (computed transposed), few rows (B read in place) and one or two
    // rows or columns (vector-matrix products).
    const std::size_t shapes[][3] = {{1, 1, 1},     {1, 17, 3},     {5, 1, 9},     {7, 13, 1},    {17, 31, 29},
                                     {33, 65, 47},  {64, 64, 64},   {8, 32, 385},  {97, 129, 255}, {130, 70, 301},
                                     {255, 17, 600}, {600, 33, 5},  {3, 600, 17},  {250, 10, 40}, {10, 300, 50},
                                     {33, 1100, 9}, {9, 49, 769},   {2, 300, 700}, {900, 2, 40},
                                     {1, 2100, 30}};
    for (SimdTarget t : usable_targets())
        for (auto ta : {Trans::N, Trans::T})
            for (auto tb : {Trans::N, Trans::T})
                for (const auto& s : shapes)
                    for (auto [alpha, beta] : {std::pair{1.0f, 0.0f}, std::pair{1.0f, 1.0f}, std::pair{-0.5f, 0.3f},
                                               std::pair{0.0f, 2.0f}})
                        check_gemm(t, pool, ta, tb, s[0], s[1], s[2], alpha, beta, (s[0] + s[2]) % 3 + (s[1] % 5 == 0 ? 17 : 0));
}

TEST_CASE("sgemm results do not depend on the thread count") {
    // Shapes that split rows, split columns, run transposed (tiny n), read B in place and run as
    // vector-matrix products (one or two rows or columns).
    const std::size_t shapes[][3] = {{300, 257, 513}, {64, 700, 200}, {3000, 10, 300}, {24, 2000, 300},
                                     {1, 9000, 300},  {5000, 2, 500}};
    ThreadPool p1(1), p2(2), p3(3), p5(5);
    for (SimdTarget t : usable_targets())
        for (const auto& s : shapes)
            for (auto ta : {Trans::N, Trans::T})
                for (auto tb : {Trans::N, Trans::T}) {
                    const std::size_t m = s[0], n = s[1], k = s[2];
                    const std::size_t lda = ta == Trans::N ? k : m, ldb = tb == Trans::N ? n : k;
                    auto A = test::random_floats(m * k, 11 + m, -1.0, 1.0);
                    auto B = test::random_floats(k * n, 12 + n, -1.0, 1.0);
                    const auto C0 = test::random_floats(m * n, 13, -1.0, 1.0);
                    std::vector<float> ref;
                    for (ThreadPool* pool : {&p1, &p2, &p3, &p5}) {
                        std::vector<float> C = C0;
                        sgemm(t, *pool, ta, tb, m, n, k, 0.5f, A.data(), lda, B.data(), ldb, 0.25f, C.data(), n);
                        if (ref.empty()) ref = C;
                        const std::string target_name = to_string(t);
                        CAPTURE(target_name);
                        CAPTURE(m);
                        CAPTURE(n);
                        CAPTURE(pool->num_threads());
                        CHECK(std::memcmp(ref.data(), C.data(), C.size() * sizeof(float)) == 0);
                    }
                }
}

TEST_CASE("alpha == 0 only scales C and never reads A or B") {
    ThreadPool pool(2);
    std::vector<float> A(64 * 64, std::nanf("")), B = A, C;
    for (SimdTarget t : usable_targets()) {
        C.assign(64 * 64, 3.0f);
        sgemm(t, pool, Trans::N, Trans::N, 64, 64, 64, 0.0f, A.data(), 64, B.data(), 64, 0.5f, C.data(), 64);
        CHECK(C[0] == 1.5f);
        CHECK(C[64 * 64 - 1] == 1.5f);
        sgemm(t, pool, Trans::N, Trans::N, 64, 64, 64, 0.0f, A.data(), 64, B.data(), 64, 1.0f, C.data(), 64);
        CHECK(C[100] == 1.5f);
    }
}

TEST_CASE("sgemm rejects strides smaller than the matrices") {
    ThreadPool pool(1);
    std::vector<float> A(100, 1.0f), B(100, 1.0f), C(100, 0.0f);
    CHECK_THROWS_AS(sgemm(SimdTarget::scalar, pool, Trans::N, Trans::N, 4, 5, 6, 1.0f, A.data(), 6, B.data(), 5,
                          0.0f, C.data(), 4),
                    Error);  // ldc < n
    CHECK_THROWS_AS(sgemm(SimdTarget::scalar, pool, Trans::N, Trans::N, 4, 5, 6, 1.0f, A.data(), 5, B.data(), 5,
                          0.0f, C.data(), 5),
                    Error);  // lda < k
    CHECK_THROWS_AS(sgemm(SimdTarget::scalar, pool, Trans::N, Trans::T, 4, 5, 6, 1.0f, A.data(), 6, B.data(), 5,
                          0.0f, C.data(), 5),
                    Error);  // B^T stored 5×6 needs ldb >= 6
    for (SimdTarget t : {SimdTarget::avx2, SimdTarget::avx512, SimdTarget::neon})
        if (!target_usable(t))
            CHECK_THROWS_AS(sgemm(t, pool, Trans::N, Trans::N, 1, 1, 1, 1.0f, A.data(), 1, B.data(), 1, 0.0f,
                                  C.data(), 1),
                            Error);
}

TEST_CASE("beta == 0 overwrites NaN in C") {
    float A[4] = {1, 2, 3, 4}, B[4] = {1, 0, 0, 1}, C[4];
    for (SimdTarget t : usable_targets()) {
        ThreadPool pool(1);
        for (float& c : C) c = std::nanf("");
        sgemm(t, pool, Trans::N, Trans::N, 2, 2, 2, 1.0f, A, 2, B, 2, 0.0f, C, 2);
        CHECK(C[0] == 1.0f);
        CHECK(C[3] == 4.0f);
        // Full micro-tiles write C directly: no NaN may survive there either.
        std::vector<float> X(64 * 64, 1.0f), Y(64 * 64, std::nanf(""));
        sgemm(t, pool, Trans::N, Trans::N, 64, 64, 64, 1.0f, X.data(), 64, X.data(), 64, 0.0f, Y.data(), 64);
        std::size_t bad = 0;
        for (float y : Y) bad += y != 64.0f;
        CHECK(bad == 0);
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

TEST_CASE("the fused epilogue gives the bits of sgemm followed by bias_add and activation_forward") {
    // Partial tiles on both sides, k over one KC block (several k blocks: the epilogue must wait
    // for the last), n over one NC block, tiny n (computed transposed, epilogue as a pass), one or
    // two rows (vector-matrix path), k == 0, and shapes large enough to run on two threads.
    const std::size_t shapes[][3] = {{7, 13, 5},   {17, 31, 29},  {37, 70, 401}, {13, 530, 50}, {600, 5, 40},
                                     {2, 90, 33},  {97, 129, 255}, {11, 20, 0},  {256, 500, 40}, {301, 130, 130}};
    const Activation acts[] = {Activation::linear, Activation::relu, Activation::sigmoid, Activation::tanh,
                               Activation::leaky_relu, Activation::elu, Activation::gelu};
    ThreadPool p1(1), p2(2);
    for (SimdTarget t : usable_targets())
        for (const auto& s : shapes) {
            const std::size_t m = s[0], n = s[1], k = s[2];
            const std::size_t ldc = n + (m % 3), lda = k + 1, ldb = n + 2;
            const auto A = test::random_floats(m * lda + 1, 21 + m, -1.0, 1.0);
            const auto B = test::random_floats(k * ldb + 1, 22 + n, -1.0, 1.0);
            const auto bias = test::random_floats(n, 23 + k, -1.0, 1.0);
            const auto C0 = test::random_floats(m * ldc, 24, -1.0, 1.0);
            for (Activation act : acts)
                for (int mode = 0; mode < 4; ++mode) {  // bias + separate act_out, bias only, in place, act only
                    const bool with_bias = mode != 3, with_act = mode != 1, in_place = mode == 2 && ldc == n;
                    const float beta = mode == 1 ? 0.5f : 0.0f;
                    // The reference: sgemm, then the two element-wise passes over all of C.
                    std::vector<float> want_c = C0, want_y(m * n, -7.0f);
                    sgemm(t, p1, Trans::N, Trans::N, m, n, k, 1.0f, A.data(), lda, B.data(), ldb, beta,
                          want_c.data(), ldc);
                    if (with_bias) bias_add(want_c.data(), m, n, ldc, bias.data());
                    if (with_act)
                        for (std::size_t i = 0; i < m; ++i)
                            activation_forward(act, n, want_c.data() + i * ldc,
                                               in_place ? want_c.data() + i * ldc : want_y.data() + i * n, 0.2f);
                    for (ThreadPool* pool : {&p1, &p2}) {
                        std::vector<float> c = C0, y(m * n, -7.0f);
                        GemmEpilogue e;
                        e.bias = with_bias ? bias.data() : nullptr;
                        e.act = act;
                        e.act_alpha = 0.2f;
                        e.act_out = !with_act ? nullptr : in_place ? c.data() : y.data();
                        e.ld_act = in_place ? ldc : n;
                        sgemm(t, *pool, Trans::N, Trans::N, m, n, k, 1.0f, A.data(), lda, B.data(), ldb, beta,
                              c.data(), ldc, e);
                        const std::string target_name = to_string(t), act_name = to_string(act);
                        CAPTURE(target_name);
                        CAPTURE(act_name);
                        CAPTURE(mode);
                        CAPTURE(m);
                        CAPTURE(n);
                        CAPTURE(k);
                        CAPTURE(pool->num_threads());
                        CHECK(std::memcmp(c.data(), want_c.data(), c.size() * sizeof(float)) == 0);
                        CHECK(std::memcmp(y.data(), want_y.data(), y.size() * sizeof(float)) == 0);
                    }
                }
        }
}

TEST_CASE("the fused epilogue also applies with transposed operands and rejects a short ld_act") {
    ThreadPool pool(2);
    const std::size_t m = 45, n = 37, k = 390;
    const auto A = test::random_floats(m * k, 31, -1.0, 1.0), B = test::random_floats(k * n, 32, -1.0, 1.0);
    const auto bias = test::random_floats(n, 33, -1.0, 1.0);
    for (auto ta : {Trans::N, Trans::T})
        for (auto tb : {Trans::N, Trans::T}) {
            const std::size_t lda = ta == Trans::N ? k : m, ldb = tb == Trans::N ? n : k;
            std::vector<float> want(m * n), got(m * n), y(m * n);
            sgemm(active_target(), pool, ta, tb, m, n, k, 0.5f, A.data(), lda, B.data(), ldb, 0.0f, want.data(), n);
            bias_add(want.data(), m, n, n, bias.data());
            activation_forward(Activation::elu, m * n, want.data(), want.data(), 0.7f);
            GemmEpilogue e;
            e.bias = bias.data();
            e.act = Activation::elu;
            e.act_alpha = 0.7f;
            e.act_out = y.data();
            e.ld_act = n;
            sgemm(active_target(), pool, ta, tb, m, n, k, 0.5f, A.data(), lda, B.data(), ldb, 0.0f, got.data(), n, e);
            CHECK(std::memcmp(want.data(), y.data(), y.size() * sizeof(float)) == 0);
            e.ld_act = n - 1;
            CHECK_THROWS_AS(sgemm(active_target(), pool, ta, tb, m, n, k, 0.5f, A.data(), lda, B.data(), ldb, 0.0f,
                                  got.data(), n, e),
                            Error);
        }
}
