#include "n2d/core/matrix.hpp"

#include <cmath>

namespace n2d::inline v0 {

void require_finite(ConstMatrixView v, const char* what) {
    for (std::size_t i = 0; i < v.rows; ++i) {
        const float* r = v.row(i);
        for (std::size_t j = 0; j < v.cols; ++j)
            if (!std::isfinite(r[j]))
                N2D_FAIL(std::string("n2d: ") + what + " holds a non-finite value (" + std::to_string(r[j]) +
                            ") at row " + std::to_string(i) + ", column " + std::to_string(j) +
                            "; remove or impute NaN/Inf values before fitting");
    }
}

}  // namespace n2d
