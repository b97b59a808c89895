// Gradient checks by central differences, shared by the layer/loss and DEC gradient tests.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace n2d::inline v0::test {

// Checks analytic[i] against (f(p + h·e_i) − f(p − h·e_i)) / 2h for every entry of p, within
// abs_tol + rel_tol·|fd|; f reads p. Returns the largest |fd| seen, so callers can check that
// real gradients were compared, not zeros.
template <class T, class F>
double check_central_differences(std::vector<double>& p, const std::vector<T>& analytic, F&& f, double h,
                                 double abs_tol, double rel_tol, const char* what) {
    REQUIRE(p.size() == analytic.size());
    double largest = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double keep = p[i];
        p[i] = keep + h;
        const double up = f();
        p[i] = keep - h;
        const double down = f();
        p[i] = keep;
        const double fd = (up - down) / (2 * h);
        CAPTURE(what);
        CAPTURE(i);
        CAPTURE(fd);
        CHECK(std::fabs(double(analytic[i]) - fd) <= abs_tol + rel_tol * std::fabs(fd));
        largest = std::max(largest, std::fabs(fd));
    }
    return largest;
}

}  // namespace n2d::inline v0::test
