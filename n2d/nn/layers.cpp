#include "n2d/nn/detail/layers.hpp"

namespace n2d::inline v0::nn {

void dense_forward(Device& dev, ThreadPool* pool, const DenseShape& s, std::size_t rows, const float* x,
                   const float* w, const float* b, float* z, float* y) {
    float* pre = s.needs_preactivation() ? z : y;
    dev.gemm(Trans::N, Trans::N, rows, s.out, s.in, 1.0f, x, s.in, w, s.out, 0.0f, pre, s.out);
    // Bias and activation fused per row block: the block is still in cache for the second op.
    for_chunks(dev, pool, rows, rows_per_chunk(s.out), [&](std::size_t lo, std::size_t hi) {
        float* p = pre + lo * s.out;
        dev.bias_add(p, hi - lo, s.out, s.out, b);
        if (s.act != Activation::linear || pre != y)
            dev.activation_forward(s.act, (hi - lo) * s.out, p, y + lo * s.out, s.alpha);
    });
}

void dense_backward(Device& dev, ThreadPool* pool, const DenseShape& s, std::size_t rows, const float* x,
                    const float* w, const float* z, const float* y, float* dy, float* dw, float* db, float* dx) {
    const float* pre = s.needs_preactivation() ? z : y;
    if (s.act != Activation::linear) {
        for_chunks(dev, pool, rows, rows_per_chunk(s.out), [&](std::size_t lo, std::size_t hi) {
            const std::size_t off = lo * s.out;
            dev.activation_backward(s.act, (hi - lo) * s.out, pre + off, y + off, dy + off, dy + off, s.alpha);
        });
    }
    // db = column sums of dZ, split over column blocks (each sum keeps its row order).
    for_chunks(dev, pool, s.out, 256, [&](std::size_t lo, std::size_t hi) {
        dev.col_sums(dy + lo, rows, hi - lo, s.out, db + lo);
    });
    dev.gemm(Trans::T, Trans::N, s.in, s.out, rows, 1.0f, x, s.in, dy, s.out, 0.0f, dw, s.out);
    if (dx) dev.gemm(Trans::N, Trans::T, rows, s.in, s.out, 1.0f, dy, s.out, w, s.out, 0.0f, dx, s.in);
}

}  // namespace n2d::nn
