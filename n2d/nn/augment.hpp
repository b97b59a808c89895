// Image augmentation for autoencoder training (DEC-DA, Guo et al. 2018): every training row
// is warped by its own random small rotation and shift before the batch enters the network, on
// the fly — no augmented copies are stored and nothing is allocated per batch.
//
// Geometry (rows are images of height × width pixels, row-major, one channel): the content is
// rotated by `degrees` counter-clockwise (as displayed, row 0 on top) about the image centre
// ((height-1)/2, (width-1)/2), then shifted down by dy and right by dx pixels. Each output pixel
// samples its pre-image bilinearly — sub-pixel shifts and small angles need interpolation, and
// nearest-pixel sampling would drop or duplicate stroke pixels — with 0 outside the image (the
// background of MNIST, Fashion and USPS).
//
// Draws: dy uniform in ±max_shift·height, dx in ±max_shift·width (continuous, as Keras'
// fractional shift ranges), degrees uniform in ±max_rotation. Defaults are DEC-DA's
// ImageDataGenerator(width_shift_range=0.1, height_shift_range=0.1, rotation_range=10).
//
// Reproducibility: row i of the batch at optimiser step s draws from its own generator seeded
// by (seed, s, i), so the augmented batch depends neither on the thread count nor on the other
// rows.
#pragma once
#include <cstddef>
#include <cstdint>

#include "n2d/core/matrix.hpp"

namespace n2d::inline v0 {

class ThreadPool;

struct ImageAugmentation {
    bool enabled = false;
    std::size_t height = 0, width = 0;  // the image's shape; height·width must be the input width
    double max_shift = 0.1;             // fraction of the height (width) to shift by, at most; [0, 1)
    double max_rotation = 10.0;         // degrees, at most; [0, 180]

    // DEC-DA's augmentation for height × width images.
    static ImageAugmentation images(std::size_t height, std::size_t width) { return {true, height, width, 0.1, 10.0}; }
};

// Throws n2d::Error naming the first invalid field of an enabled augmentation.
void validate(const ImageAugmentation& augmentation);
// Throws n2d::Error when an enabled augmentation's image does not have `columns` pixels.
void require_image_width(const ImageAugmentation& augmentation, std::size_t columns);

// One image rotated by `degrees` and shifted by (dy, dx) pixels as described above; `in` and
// `out` hold height·width floats and must not overlap.
void warp_image(const float* in, float* out, std::size_t height, std::size_t width, double dy, double dx,
                double degrees);

// Row i of `out` = row i of `in` augmented with the draws of (seed, step, i): exactly what the
// autoencoder's training feeds for batch row i at optimiser step `step` (1-based) when `seed`
// is its options' seed. `in` and `out` have the same shape and must not overlap.
void augment_rows(const ImageAugmentation& augmentation, ConstMatrixView in, MatrixView out, std::uint64_t seed,
                  std::uint64_t step, ThreadPool* pool = nullptr);

}  // namespace n2d
