// The SGD force kernels (sgd_kernels.hpp): the vectorised power against std::pow, and the
// attraction/repulsion coefficients of every usable SIMD target against the formulas.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "n2d/umap/detail/sgd_kernels.hpp"

using namespace n2d;

TEST_CASE("SGD kernels: the power matches std::pow to 1e-6 relative on a grid of d² and b") {
    std::vector<float> x, out;
    for (double l = -30.0; l <= 30.0; l += 0.001) x.push_back(static_cast<float>(std::pow(10.0, l)));
    out.resize(x.size());
    for (SimdTarget t : usable_targets())
        for (float b : {0.5f, 0.7905f, 0.895f, 1.0f, 1.334f, 2.0f}) {
            pow_batch(t, x.data(), b, out.data(), x.size());
            double worst = 0.0;
            for (std::size_t i = 0; i < x.size(); ++i) {
                const double ref = std::pow(static_cast<double>(x[i]), static_cast<double>(b));
                if (ref < 1e-37 || ref > 1e37) continue;  // outside float's normal range
                worst = std::max(worst, std::fabs(out[i] - ref) / ref);
            }
            INFO("target " << to_string(t) << ", b = " << b);
            CHECK(worst < 1e-6);
        }
}

TEST_CASE("SGD kernels: force coefficients follow the UMAP formulas; zero, negative and NaN lanes give 0") {
    const double a = 1.929, b = 0.7915;
    const float gamma = 1.5f;
    const ForceCurve f(a, b, gamma);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float d2[kForceBatch] = {0.37f, 0.0f, 1e-4f, 2.5f, -1.0f, nan, 40.0f, 1e3f};
    for (SimdTarget t : usable_targets()) {
        INFO("target " << to_string(t));
        float sample[kForceBatch], repel[kForceBatch];
        sample_forces_fn(t)(f, d2, sample);
        repel_forces_fn(t)(f, d2, repel);
        for (int i = 0; i < kForceBatch; ++i) {
            const double d = d2[i];
            if (!(d > 0.0)) {
                CHECK(sample[i] == 0.0f);
                CHECK(repel[i] == 0.0f);
                continue;
            }
            const double pb = std::pow(d, b);
            const double attract_ref = -2.0 * a * b * std::pow(d, b - 1.0) / (1.0 + a * pb);
            const double repel_ref = 2.0 * gamma * b / ((0.001 + d) * (1.0 + a * pb));
            CHECK(repel[i] == doctest::Approx(repel_ref).epsilon(1e-5));
            if (i == 0)
                CHECK(sample[i] == doctest::Approx(attract_ref).epsilon(1e-5));
            else
                CHECK(sample[i] == doctest::Approx(repel_ref).epsilon(1e-5));
        }
    }
}
