#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "n2d/blas/detail/vector.hpp"
#include "n2d/n2d.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {
void check_close(const std::vector<float>& a, const std::vector<float>& b, float tol, const std::string& what) {
    CAPTURE(what);
    REQUIRE(a.size() == b.size());
    std::size_t bad = 0;
    for (std::size_t i = 0; i < a.size(); ++i) bad += !(std::fabs(a[i] - b[i]) <= tol * (1.0f + std::fabs(b[i])));
    CHECK(bad == 0);
}
}  // namespace

TEST_CASE("vector kernels of every usable target match scalar") {
    const VectorKernels& ref = vector_kernels(SimdTarget::scalar);
    for (SimdTarget t : usable_targets()) {
        const std::string target_name = to_string(t);
        CAPTURE(target_name);
        const VectorKernels& k = vector_kernels(t);
        for (std::size_t n : {1u, 7u, 8u, 15u, 16u, 17u, 31u, 33u, 63u, 64u, 65u, 100u, 1027u}) {
            CAPTURE(n);
            const std::size_t rows = 5, ld = n + 3;
            auto x = test::random_floats(rows * ld, n, -2.0, 2.0), bias = test::random_floats(n, n + 1, -2.0, 2.0);
            auto y1 = x, y2 = x;
            ref.bias_add(y1.data(), rows, n, ld, bias.data());
            k.bias_add(y2.data(), rows, n, ld, bias.data());
            check_close(y2, y1, 0.0f, "bias_add");  // additions only: the same bits on every target

            std::vector<float> s1(n), s2(n, 123.0f);  // col_sums overwrites its output
            ref.col_sums(x.data(), rows, n, ld, s1.data());
            k.col_sums(x.data(), rows, n, ld, s2.data());
            check_close(s2, s1, 0.0f, "col_sums");

            std::vector<float> r1(rows), r2(rows);
            ref.sq_row_norms(x.data(), rows, n, ld, r1.data());
            k.sq_row_norms(x.data(), rows, n, ld, r2.data());
            check_close(r2, r1, 1e-5f, "sq_row_norms");

            auto a = test::random_floats(n, 3 * n, -2.0, 2.0), b = test::random_floats(n, 5 * n, -2.0, 2.0);
            auto b1 = b, b2 = b;
            ref.axpy(n, 0.7f, a.data(), b1.data());
            k.axpy(n, 0.7f, a.data(), b2.data());
            check_close(b2, b1, 1e-6f, "axpy");
            ref.scale(n, -1.3f, b1.data());
            k.scale(n, -1.3f, b2.data());
            check_close(b2, b1, 1e-6f, "scale");
            float mag = 0.0f;  // the rounding scale of a dot product is sum |a_i b_i|
            for (std::size_t i = 0; i < n; ++i) mag += std::fabs(a[i] * b[i]);
            CHECK(std::fabs(k.dot(n, a.data(), b.data()) - ref.dot(n, a.data(), b.data())) <= 1e-5f * (mag + 1.0f));

            std::vector<float> f1(n), f2(n), g1(n), g2(n);
            ref.relu_forward(n, a.data(), f1.data());
            k.relu_forward(n, a.data(), f2.data());
            check_close(f2, f1, 0.0f, "relu_forward");
            ref.relu_backward(n, a.data(), b.data(), g1.data());
            k.relu_backward(n, a.data(), b.data(), g2.data());
            check_close(g2, g1, 0.0f, "relu_backward");

            auto w1 = a, w2 = a, m1 = b, m2 = b;
            std::vector<float> v1(n, 0.01f), v2(n, 0.01f);
            AdamStep step{1e-3f, 0.9f, 0.999f, 1e-7f};
            ref.adam_update(n, w1.data(), b.data(), m1.data(), v1.data(), step);
            k.adam_update(n, w2.data(), b.data(), m2.data(), v2.data(), step);
            check_close(w2, w1, 1e-6f, "adam w");
            check_close(m2, m1, 1e-6f, "adam m");
            check_close(v2, v1, 1e-6f, "adam v");
        }
    }
}

TEST_CASE("vector kernels leave memory past n untouched and handle NaN like scalar") {
    for (SimdTarget t : usable_targets()) {
        const std::string target_name = to_string(t);
        CAPTURE(target_name);
        const VectorKernels& k = vector_kernels(t);
        for (std::size_t n : {3u, 13u, 21u, 47u}) {
            CAPTURE(n);
            std::vector<float> x = test::random_floats(n + 8, 7 * n, -2.0, 2.0), y(n + 8, 5.0f), dx(n + 8, 5.0f);
            x[0] = std::nanf("");
            x[1] = -0.0f;
            k.relu_forward(n, x.data(), y.data());
            CHECK(y[0] == 0.0f);
            CHECK(!std::signbit(y[1]));
            for (std::size_t i = n; i < n + 8; ++i) CHECK(y[i] == 5.0f);
            k.relu_backward(n, x.data(), x.data(), dx.data());
            CHECK(dx[0] == 0.0f);
            for (std::size_t i = n; i < n + 8; ++i) CHECK(dx[i] == 5.0f);
            std::vector<float> z(n + 8, 1.0f);
            k.axpy(n, 2.0f, z.data(), y.data());
            k.scale(n, 3.0f, z.data());
            for (std::size_t i = n; i < n + 8; ++i) {
                CHECK(y[i] == 5.0f);
                CHECK(z[i] == 1.0f);
            }
        }
    }
}

TEST_CASE("vector_kernels rejects a target this CPU cannot run") {
    for (SimdTarget t : {SimdTarget::avx2, SimdTarget::avx512, SimdTarget::neon})
        if (!target_usable(t)) CHECK_THROWS_AS(vector_kernels(t), Error);
}

TEST_CASE("adam step follows the Keras update") {
    float w = 1.0f, g = 0.5f, m = 0.0f, v = 0.0f;
    const float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f;
    const float lr_t = lr * std::sqrt(1 - b2) / (1 - b1);
    adam_update(1, &w, &g, &m, &v, AdamStep{lr_t, b1, b2, 1e-7f});
    CHECK(m == doctest::Approx(0.05));
    CHECK(v == doctest::Approx(0.00025));
    CHECK(w == doctest::Approx(1.0 - lr_t * 0.05 / (std::sqrt(0.00025) + 1e-7)));
}
