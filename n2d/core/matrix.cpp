#include "n2d/core/matrix.hpp"

#include <cmath>

namespace n2d::inline v0 {

AlignedArray<float> Matrix::allocate(std::size_t rows, std::size_t cols) {
    const auto shape = [&] { return "a " + std::to_string(rows) + " x " + std::to_string(cols) + " float32 matrix"; };
    // 2^40 elements (4 TiB): beyond any machine's memory, and rows * cols * 4 cannot wrap.
    constexpr std::size_t kMaxElements = std::size_t(1) << 40;
    if (cols != 0 && rows > kMaxElements / cols)
        N2D_FAIL("n2d: " + shape() + " is too large (more than 2^40 elements, " +
                 detail::human_bytes(kMaxElements * sizeof(float)) + "); use less data (fewer samples or features)");
    try {
        return AlignedArray<float>(rows * cols);
    } catch (const OutOfMemory& e) {
        detail::throw_out_of_memory(e.bytes(), shape());  // the same failure, saying what the memory was for
    }
}

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
