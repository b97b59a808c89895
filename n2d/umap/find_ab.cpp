#include "n2d/umap/detail/find_ab.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

namespace {

struct Samples {
    std::vector<double> x, y;
};

Samples curve_samples(double spread, double min_dist) {
    constexpr int kPoints = 300;  // numpy linspace(0, 3·spread, 300), endpoints included
    Samples s;
    s.x.resize(kPoints);
    s.y.resize(kPoints);
    for (int i = 0; i < kPoints; ++i) {
        const double x = 3.0 * spread * i / (kPoints - 1);
        s.x[i] = x;
        s.y[i] = x < min_dist ? 1.0 : std::exp(-(x - min_dist) / spread);
    }
    return s;
}

// Sum of squared residuals and, when wanted, the Gauss–Newton normal equations JᵀJ and Jᵀr.
double residuals(const Samples& s, double a, double b, double jtj[3], double jtr[2]) {
    double sse = 0.0;
    if (jtj) jtj[0] = jtj[1] = jtj[2] = jtr[0] = jtr[1] = 0.0;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
        const double x = s.x[i];
        const double p = x > 0.0 ? std::pow(x, 2.0 * b) : 0.0;  // x^(2b)
        const double q = 1.0 + a * p;
        const double r = 1.0 / q - s.y[i];
        sse += r * r;
        if (jtj) {
            const double da = -p / (q * q);
            const double db = x > 0.0 ? -a * p * 2.0 * std::log(x) / (q * q) : 0.0;
            jtj[0] += da * da;
            jtj[1] += da * db;
            jtj[2] += db * db;
            jtr[0] += da * r;
            jtr[1] += db * r;
        }
    }
    return sse;
}

}  // namespace

CurveParams find_ab_params(double spread, double min_dist) {
    N2D_REQUIRE(std::isfinite(spread) && spread > 0.0, "UMAP spread " + std::to_string(spread) + " must be > 0");
    N2D_REQUIRE(std::isfinite(min_dist) && min_dist >= 0.0,
                "UMAP min_dist " + std::to_string(min_dist) + " must be >= 0");
    N2D_REQUIRE(min_dist <= spread, "UMAP min_dist " + std::to_string(min_dist) + " is larger than spread " +
                                        std::to_string(spread) + "; choose min_dist <= spread");
    const Samples s = curve_samples(spread, min_dist);
    double a = 1.0, b = 1.0, lambda = 1e-3;
    double jtj[3], jtr[2];
    double sse = residuals(s, a, b, jtj, jtr);
    for (int iter = 0; iter < 500; ++iter) {
        // Solve (JᵀJ + λ·diag(JᵀJ)) δ = -Jᵀr (Marquardt's scaling).
        const double m00 = jtj[0] * (1.0 + lambda), m11 = jtj[2] * (1.0 + lambda), m01 = jtj[1];
        const double det = m00 * m11 - m01 * m01;
        if (!(std::fabs(det) > 0.0)) break;
        const double da = -(m11 * jtr[0] - m01 * jtr[1]) / det;
        const double db = -(m00 * jtr[1] - m01 * jtr[0]) / det;
        double njtj[3], njtr[2];
        const double nsse = residuals(s, a + da, b + db, njtj, njtr);
        if (std::isfinite(nsse) && nsse <= sse) {
            const bool small_step = std::fabs(da) <= 1e-12 * (std::fabs(a) + 1e-12) &&
                                    std::fabs(db) <= 1e-12 * (std::fabs(b) + 1e-12);
            const bool small_gain = sse - nsse <= 1e-16 * sse;
            a += da;
            b += db;
            sse = nsse;
            for (int i = 0; i < 3; ++i) jtj[i] = njtj[i];
            jtr[0] = njtr[0];
            jtr[1] = njtr[1];
            lambda = std::max(lambda / 10.0, 1e-12);
            if (small_step || small_gain) break;
        } else {
            lambda *= 10.0;
            if (lambda > 1e12) break;
        }
    }
    N2D_REQUIRE(std::isfinite(a) && std::isfinite(b) && a > 0.0 && b > 0.0,
                "UMAP could not fit the curve parameters a, b for min_dist " + std::to_string(min_dist) +
                    " and spread " + std::to_string(spread) + "; pass a and b explicitly");
    return {a, b};
}

}  // namespace n2d
