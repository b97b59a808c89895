// UMAP stage: the low-dimensional similarity curve 1 / (1 + a·d^(2b)) fitted to umap-learn's
// target (1 below min_dist, exp(-(d - min_dist)/spread) above) at 300 points of [0, 3·spread],
// by least squares (REFERENCE.md §4.6). Our own Levenberg–Marquardt reaches scipy's curve_fit
// optimum: (min_dist 0.1, spread 1) → a ≈ 1.5769, b ≈ 0.8951.
#pragma once

namespace n2d::inline v0 {

struct CurveParams {
    double a = 1.0;
    double b = 1.0;
};

// Throws n2d::Error unless 0 <= min_dist <= spread and spread > 0.
CurveParams find_ab_params(double spread, double min_dist);

}  // namespace n2d
