#include "n2d/nn/detail/layers.hpp"

namespace n2d::inline v0::nn {

void dense_forward(Device& dev, const DenseShape& s, std::size_t rows, const BufView& x, const BufView& w,
                   const BufView& b, const BufView& z, const BufView& y) {
    const bool separate = s.needs_preactivation();
    GemmArgs g;
    g.m = rows;
    g.n = s.out;
    g.k = s.in;
    g.a = x;
    g.lda = s.in;
    g.b = w;
    g.ldb = s.out;
    g.c = separate ? z.sub(0, rows * s.out) : y.sub(0, rows * s.out);
    g.ldc = s.out;
    g.bias = b;
    g.act = s.act;
    g.act_alpha = s.alpha;
    if (s.act != Activation::linear || separate) g.act_out = y.sub(0, rows * s.out);
    dev.gemm(g);
}

void dense_backward(Device& dev, const DenseShape& s, std::size_t rows, const BufView& x, const BufView& w,
                    const BufView& z, const BufView& y, const BufView& dy, const BufView& dw, const BufView& db,
                    const BufView& dx) {
    const std::size_t n = rows * s.out;
    const BufView dy_n = dy.sub(0, n);
    if (s.act != Activation::linear)
        dev.activation_backward({s.act, s.alpha, n, s.needs_preactivation() ? z.sub(0, n) : y.sub(0, n), y.sub(0, n),
                                 dy_n, dy_n});
    dev.col_sums({rows, s.out, dy_n, db});
    GemmArgs g;
    g.ta = Trans::T;
    g.m = s.in;
    g.n = s.out;
    g.k = rows;
    g.a = x;
    g.lda = s.in;
    g.b = dy_n;
    g.ldb = s.out;
    g.c = dw;
    g.ldc = s.out;
    dev.gemm(g);
    if (dx.empty()) return;
    GemmArgs h;
    h.tb = Trans::T;
    h.m = rows;
    h.n = s.in;
    h.k = s.out;
    h.a = dy_n;
    h.lda = s.out;
    h.b = w;
    h.ldb = s.out;
    h.c = dx.sub(0, rows * s.in);
    h.ldc = s.in;
    dev.gemm(h);
}

}  // namespace n2d::nn
