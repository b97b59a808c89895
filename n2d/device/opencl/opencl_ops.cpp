// The OpenCL device's ops: argument checks and kernel launches (kernels in cl_kernels.cpp), each
// queued in order on the device's one queue.
#include <algorithm>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/device/opencl/detail/opencl_state.hpp"

namespace n2d::inline v0::cl {

namespace {

int act_code(Activation a) {
    switch (a) {
        case Activation::linear: return 0;
        case Activation::relu: return 1;
        case Activation::sigmoid: return 2;
        case Activation::tanh: return 3;
        case Activation::leaky_relu: return 4;
        case Activation::elu: return 5;
        case Activation::gelu: return 6;
    }
    return 0;
}

int loss_code(Loss l) {
    switch (l) {
        case Loss::mse: return 0;
        case Loss::mae: return 1;
        case Loss::binary_crossentropy: return 2;
    }
    return 0;
}

// The ops whose kernels compute in f64 (absent on devices without cl_khr_fp64).
bool needs_f64(DeviceOp op) {
    return op == DeviceOp::loss || op == DeviceOp::gmm_estep || op == DeviceOp::kmeans_assign;
}

}  // namespace

bool OpenClDevice::supports(DeviceOp op) const { return s_->entry.fp64 || !needs_f64(op); }

void OpenClDevice::require(DeviceOp op) const {
    if (!supports(op))
        detail::throw_internal(__FILE__, __LINE__, "supports(op)",
                               std::string("OpenClDevice::") + to_string(op) + " on " + name() +
                                   ", which has no fp64 (run it on the CPU device: device_for)");
}

void OpenClDevice::gemm(const GemmArgs& g) {
    require(DeviceOp::gemm);
    if (g.m == 0 || g.n == 0) return;
    N2D_ASSERT(g.act_out.empty() || g.act_out.handle != g.c.handle || g.act_out.offset != g.c.offset ||
                   g.ldc == g.n,
               "gemm: activation in place needs ldc == n");
    std::lock_guard lock(s_->mutex);
    const std::size_t ts = s_->tile, tile = ts * 4;  // work-group edge; C tile edge (GT = N2D_TS·GW)
    Launch(*s_, "gemm")
        .i32(g.ta == Trans::T)
        .i32(g.tb == Trans::T)
        .u64(g.m)
        .u64(g.n)
        .u64(g.k)
        .f32(g.alpha)
        .f32(g.beta)
        .view(g.a)
        .u64(g.lda)
        .view(g.b)
        .u64(g.ldb)
        .view(g.c)
        .u64(g.ldc)
        .view(g.bias)
        .i32(!g.bias.empty())
        .i32(act_code(g.act))
        .f32(g.act_alpha)
        .view(g.act_out)
        .i32(!g.act_out.empty())
        .run2((g.n + tile - 1) / tile * ts, (g.m + tile - 1) / tile * ts, ts, ts);
}

void OpenClDevice::activation_backward(const ActivationBackwardArgs& a) {
    require(DeviceOp::activation_backward);
    std::lock_guard lock(s_->mutex);
    Launch(*s_, "act_backward")
        .i32(act_code(a.act))
        .f32(a.alpha)
        .u64(a.n)
        .view(a.z.empty() ? a.y : a.z)
        .view(a.y)
        .view(a.dy)
        .view(a.dz)
        .run(a.n);
}

void OpenClDevice::col_sums(const ColSumsArgs& a) {
    require(DeviceOp::col_sums);
    std::lock_guard lock(s_->mutex);
    Launch(*s_, "col_sums").u64(a.rows).u64(a.cols).view(a.x).view(a.out).run(a.cols);
}

void OpenClDevice::loss(const LossArgs& a) {
    require(DeviceOp::loss);
    if (a.rows == 0) return;
    std::lock_guard lock(s_->mutex);
    Launch(*s_, "loss_rows")
        .i32(loss_code(a.loss))
        .u64(a.rows)
        .u64(a.cols)
        .f64(1.0 / static_cast<double>(a.rows * a.cols))
        .view(a.pred)
        .view(a.target)
        .view(a.grad)
        .view(a.row_loss)
        .run(a.rows);
}

void OpenClDevice::optimizer_step(const OptimizerStepArgs& o) {
    require(DeviceOp::optimizer_step);
    std::lock_guard lock(s_->mutex);
    if (o.adam) {
        Launch(*s_, "adam")
            .u64(o.n)
            .view(o.w)
            .view(o.g)
            .view(o.s0)
            .view(o.s1)
            .f32(o.adam_step.lr_t)
            .f32(o.adam_step.beta1)
            .f32(o.adam_step.beta2)
            .f32(o.adam_step.eps)
            .run(o.n);
        return;
    }
    const int mode = o.momentum == 0.0f ? 0 : o.nesterov ? 2 : 1;
    Launch(*s_, "sgd").u64(o.n).i32(mode).view(o.w).view(o.g).view(o.s0).f32(o.lr).f32(o.momentum).run(o.n);
}

void OpenClDevice::knn_tile(const KnnTileArgs& a) {
    require(DeviceOp::knn_tile);
    N2D_ASSERT(a.k >= 1 && a.dim >= 1, "knn_tile: k and dim must be at least 1");
    std::lock_guard lock(s_->mutex);
    // References staged in local memory, 16 KiB at a time, when a tile holds at least 4 rows
    // (and the device has the local memory); else read from global memory.
    const std::size_t group = std::min<std::size_t>(64, s_->entry.max_group);
    const std::size_t rows = std::min<std::size_t>(64, 4096 / a.dim);
    if (rows >= 4 && s_->entry.local_memory >= 32768 && group >= 16) {
        Launch(*s_, "knn_tiled")
            .u64(a.n_queries)
            .u64(a.n_refs)
            .u64(a.dim)
            .u64(a.k)
            .view(a.queries)
            .view(a.refs)
            .view(a.indices)
            .view(a.distances)
            .local(rows * a.dim * sizeof(float))
            .u64(rows)
            .run_local(a.n_queries, group);
        return;
    }
    Launch(*s_, "knn")
        .u64(a.n_queries)
        .u64(a.n_refs)
        .u64(a.dim)
        .u64(a.k)
        .view(a.queries)
        .view(a.refs)
        .view(a.indices)
        .view(a.distances)
        .run(a.n_queries);
}

void OpenClDevice::kmeans_assign(const KmeansAssignArgs& a) {
    require(DeviceOp::kmeans_assign);
    std::lock_guard lock(s_->mutex);
    Launch(*s_, "kmeans_assign")
        .u64(a.n)
        .u64(a.d)
        .u64(a.k)
        .view(a.x)
        .view(a.centers)
        .view(a.labels)
        .view(a.dist2)
        .run(a.n);
}

void OpenClDevice::gmm_estep(const GmmEstepArgs& a) {
    require(DeviceOp::gmm_estep);
    if (a.n == 0) return;
    // The statistics need the responsibilities: a scratch buffer when the caller wants none.
    Buffer scratch;
    BufView resp = a.resp;
    if (resp.empty()) {
        scratch = Buffer(*this, DType::f64, a.n * a.k);
        resp = scratch.view();
    }
    std::lock_guard lock(s_->mutex);
    Launch(*s_, "gmm_rows")
        .u64(a.n)
        .u64(a.d)
        .u64(a.k)
        .view(a.x)
        .view(a.means)
        .view(a.prec_chol)
        .view(a.log_det)
        .view(a.log_weights)
        .view(resp)
        .view(a.logprob)
        .i32(!a.logprob.empty())
        .view(a.labels)
        .i32(!a.labels.empty())
        .run(a.n);
    if (a.stats.empty()) return;
    const std::size_t chunks = (a.n + kGmmChunkRows - 1) / kGmmChunkRows;
    const std::size_t size = a.k * (1 + a.d + a.d * (a.d + 1) / 2);
    N2D_ASSERT(a.stats.count >= chunks * size && !a.shift.empty(), "gmm_estep: stats too small or no shift");
    Launch(*s_, "gmm_stats")
        .u64(a.n)
        .u64(a.d)
        .u64(a.k)
        .u64(kGmmChunkRows)
        .view(a.x)
        .view(resp)
        .view(a.shift)
        .view(a.stats)
        .run(chunks * size);
    // `scratch` is released here while the kernels may still run: OpenCL keeps the memory alive
    // until the queued commands that use it are done.
}

void OpenClDevice::umap_epoch(const UmapEpochArgs& a) {
    require(DeviceOp::umap_epoch);
    if (a.n == 0) return;
    copy(a.embedding, a.snapshot);
    // The round boundaries decide the launches: read them (n_rounds + 1 numbers) once per epoch.
    std::vector<std::uint32_t> rounds(a.n_rounds + 1);
    download(rounds.data(), a.round_begin.sub(0, a.n_rounds + 1));
    // The coefficients' constants in double, rounded once, as the CPU's ForceCurve forms them.
    const float att_A = static_cast<float>(-2.0 * a.a * a.b);
    const float rep_B = static_cast<float>(2.0 * static_cast<double>(a.gamma) * a.b);
    std::lock_guard lock(s_->mutex);
    for (std::size_t r = 0; r < a.n_rounds; ++r) {
        const std::size_t lo = rounds[r], hi = rounds[r + 1];
        if (hi <= lo) continue;
        Launch(*s_, "umap_round")
            .u64(lo)
            .u64(hi)
            .u64(a.n)
            .u64(a.dim)
            .u64(a.seed)
            .u64(a.epoch)
            .f32(a.alpha)
            .f32(static_cast<float>(a.a))
            .f32(static_cast<float>(a.b))
            .f32(att_A)
            .f32(rep_B)
            .view(a.embedding)
            .view(a.snapshot)
            .view(a.edge_head)
            .view(a.edge_tail)
            .view(a.eps)
            .view(a.eps_neg)
            .view(a.next)
            .view(a.next_neg)
            .view(a.task_begin)
            .run(hi - lo);
    }
}

}  // namespace n2d::cl
