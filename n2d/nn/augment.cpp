// Image augmentation: the bilinear warp and the per-row draws (augment.hpp).
#include "n2d/nn/augment.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/nn/detail/augment.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::uint64_t kAugmentStream = 0x61756720;  // "aug "

std::string image_shape_text(const ImageAugmentation& a) {
    return std::to_string(a.height) + " x " + std::to_string(a.width);
}

}  // namespace

void validate(const ImageAugmentation& a) {
    if (!a.enabled) return;
    N2D_REQUIRE(a.height > 0 && a.width > 0, "augmentation image shape " + image_shape_text(a) +
                                                 " has no pixels; set height and width to the image's shape");
    N2D_REQUIRE(a.height <= (std::size_t(1) << 24) / a.width,
                "augmentation image shape " + image_shape_text(a) + " is too large (at most 2^24 pixels)");
    N2D_REQUIRE(std::isfinite(a.max_shift) && a.max_shift >= 0.0 && a.max_shift < 1.0,
                "augmentation max_shift is " + std::to_string(a.max_shift) +
                    "; it is a fraction of the image's side in [0, 1) (DEC-DA: 0.1)");
    N2D_REQUIRE(std::isfinite(a.max_rotation) && a.max_rotation >= 0.0 && a.max_rotation <= 180.0,
                "augmentation max_rotation is " + std::to_string(a.max_rotation) +
                    " degrees; it must lie in [0, 180] (DEC-DA: 10)");
}

void require_image_width(const ImageAugmentation& a, std::size_t columns) {
    if (!a.enabled) return;
    N2D_REQUIRE(a.height * a.width == columns,
                "augmentation is set for " + image_shape_text(a) + " images (" + std::to_string(a.height * a.width) +
                    " pixels) but the data has " + std::to_string(columns) +
                    " columns; set the augmentation's height and width to the shape of the images the rows hold "
                    "(one channel, row-major)");
}

void warp_image(const float* in, float* out, std::size_t height, std::size_t width, double dy, double dx,
                double degrees) {
    const double t = degrees * (std::numbers::pi / 180.0);
    const double c = std::cos(t), s = std::sin(t);
    const double cy = (static_cast<double>(height) - 1.0) / 2.0, cx = (static_cast<double>(width) - 1.0) / 2.0;
    const auto h = static_cast<std::ptrdiff_t>(height), w = static_cast<std::ptrdiff_t>(width);
    // Pixel (y, x) of the input, 0 outside the image.
    const auto at = [&](std::ptrdiff_t y, std::ptrdiff_t x) -> double {
        return y >= 0 && y < h && x >= 0 && x < w ? static_cast<double>(in[y * w + x]) : 0.0;
    };
    for (std::ptrdiff_t r = 0; r < h; ++r) {
        // The pre-image of (r, col): undo the shift, then rotate back by -degrees about the centre
        // (with the row axis pointing down, a counter-clockwise turn on screen is clockwise in
        // (col, row) coordinates).
        const double v = static_cast<double>(r) - cy - dy;
        const double bx = cx - s * v, by = cy + c * v;
        float* o = out + r * w;
        for (std::ptrdiff_t col = 0; col < w; ++col) {
            const double u = static_cast<double>(col) - cx - dx;
            // Shifted by one so that truncation is floor: a pre-image at or beyond one pixel
            // outside the image samples nothing but fill.
            const double gx = bx + c * u + 1.0, gy = by + s * u + 1.0;
            if (!(gx > 0.0 && gy > 0.0 && gx < static_cast<double>(w + 1) && gy < static_cast<double>(h + 1))) {
                o[col] = 0.0f;
                continue;
            }
            const auto ix = static_cast<std::ptrdiff_t>(gx), iy = static_cast<std::ptrdiff_t>(gy);
            const double fx = gx - static_cast<double>(ix), fy = gy - static_cast<double>(iy);
            const std::ptrdiff_t x0 = ix - 1, y0 = iy - 1;
            double p00, p01, p10, p11;
            if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {  // inside: no bounds checks
                const float* q = in + y0 * w + x0;
                p00 = q[0], p01 = q[1], p10 = q[w], p11 = q[w + 1];
            } else {
                p00 = at(y0, x0), p01 = at(y0, x0 + 1), p10 = at(y0 + 1, x0), p11 = at(y0 + 1, x0 + 1);
            }
            const double top = (1.0 - fx) * p00 + fx * p01, bottom = (1.0 - fx) * p10 + fx * p11;
            o[col] = static_cast<float>((1.0 - fy) * top + fy * bottom);
        }
    }
}

void nn::augment_row(const ImageAugmentation& a, const float* in, float* out, std::uint64_t seed, std::uint64_t step,
                     std::size_t row) {
    Rng rng(derive_seed(seed, kAugmentStream, step), row);
    const double dy = rng.uniform(-1.0, 1.0) * a.max_shift * static_cast<double>(a.height);
    const double dx = rng.uniform(-1.0, 1.0) * a.max_shift * static_cast<double>(a.width);
    const double degrees = rng.uniform(-1.0, 1.0) * a.max_rotation;
    warp_image(in, out, a.height, a.width, dy, dx, degrees);
}

void augment_rows(const ImageAugmentation& a, ConstMatrixView in, MatrixView out, std::uint64_t seed,
                  std::uint64_t step, ThreadPool* pool) {
    N2D_REQUIRE(a.enabled, "augment_rows: the augmentation is not enabled; set enabled (ImageAugmentation::images)");
    validate(a);
    require_image_width(a, in.cols);
    N2D_REQUIRE(out.rows == in.rows && out.cols == in.cols,
                "augment_rows: the output is " + std::to_string(out.rows) + " x " + std::to_string(out.cols) +
                    " but the input is " + std::to_string(in.rows) + " x " + std::to_string(in.cols) +
                    "; pass an output of the input's shape");
    pool_or_default(pool).parallel_for(0, in.rows, 16, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) nn::augment_row(a, in.row(i), out.row(i), seed, step, i);
    });
}

}  // namespace n2d
