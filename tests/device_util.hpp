// A device that forwards to another but claims not to support some ops: exercises the
// fallback paths (an op a device lacks runs on the CPU with one explicit copy) on any machine.
#pragma once
#include <set>
#include <string>

#include "n2d/device/detail/device.hpp"

namespace n2d::inline v0::test {

class LimitedDevice final : public Device {
public:
    LimitedDevice(Device& base, std::set<DeviceOp> missing) : base_(base), missing_(std::move(missing)) {}
    std::string name() const override { return base_.name() + "-limited"; }
    DeviceType type() const override { return base_.type(); }
    bool is_host() const noexcept override { return base_.is_host(); }
    bool supports(DeviceOp op) const override { return !missing_.count(op) && base_.supports(op); }
    std::size_t memory_bytes() const override { return base_.memory_bytes(); }
    void* allocate(std::size_t bytes) override { return base_.allocate(bytes); }
    void release(void* handle) noexcept override { base_.release(handle); }
    void upload(const BufView& dst, const void* src) override { base_.upload(rebase(dst), src); }
    void download(void* dst, const BufView& src) override { base_.download(dst, rebase(src)); }
    void copy(const BufView& src, const BufView& dst) override { base_.copy(rebase(src), rebase(dst)); }
    void fill(const BufView& dst, double value) override { base_.fill(rebase(dst), value); }
    void synchronize() override { base_.synchronize(); }
    void gemm(const GemmArgs& a) override {
        GemmArgs b = a;
        for (BufView* v : {&b.a, &b.b, &b.c, &b.bias, &b.act_out}) *v = rebase(*v);
        check(DeviceOp::gemm), base_.gemm(b);
    }
    void activation_backward(const ActivationBackwardArgs& a) override {
        ActivationBackwardArgs b = a;
        for (BufView* v : {&b.z, &b.y, &b.dy, &b.dz}) *v = rebase(*v);
        check(DeviceOp::activation_backward), base_.activation_backward(b);
    }
    void col_sums(const ColSumsArgs& a) override {
        check(DeviceOp::col_sums), base_.col_sums({a.rows, a.cols, rebase(a.x), rebase(a.out)});
    }
    void loss(const LossArgs& a) override {
        check(DeviceOp::loss),
            base_.loss({a.loss, a.rows, a.cols, rebase(a.pred), rebase(a.target), rebase(a.grad), rebase(a.row_loss)});
    }
    void optimizer_step(const OptimizerStepArgs& a) override {
        OptimizerStepArgs b = a;
        for (BufView* v : {&b.w, &b.g, &b.s0, &b.s1}) *v = rebase(*v);
        check(DeviceOp::optimizer_step), base_.optimizer_step(b);
    }
    void knn_tile(const KnnTileArgs& a) override {
        KnnTileArgs b = a;
        for (BufView* v : {&b.queries, &b.refs, &b.indices, &b.distances}) *v = rebase(*v);
        check(DeviceOp::knn_tile), base_.knn_tile(b);
    }
    void gmm_estep(const GmmEstepArgs& a) override {
        GmmEstepArgs b = a;
        for (BufView* v : {&b.x, &b.means, &b.prec_chol, &b.log_det, &b.log_weights, &b.shift, &b.logprob, &b.resp,
                           &b.labels, &b.stats})
            *v = rebase(*v);
        check(DeviceOp::gmm_estep), base_.gmm_estep(b);
    }
    void kmeans_assign(const KmeansAssignArgs& a) override {
        check(DeviceOp::kmeans_assign),
            base_.kmeans_assign({a.n, a.d, a.k, rebase(a.x), rebase(a.centers), rebase(a.labels), rebase(a.dist2)});
    }
    void umap_epoch(const UmapEpochArgs& a) override {
        UmapEpochArgs b = a;
        for (BufView* v : {&b.embedding, &b.snapshot, &b.edge_head, &b.edge_tail, &b.eps, &b.eps_neg, &b.next,
                           &b.next_neg, &b.task_begin, &b.round_begin})
            *v = rebase(*v);
        check(DeviceOp::umap_epoch), base_.umap_epoch(b);
    }

private:
    // Views name this device; the base device gets them as its own.
    BufView rebase(BufView v) const {
        if (v.device == this) v.device = &base_;
        return v;
    }
    void check(DeviceOp op) const {
        if (missing_.count(op)) throw InternalError(std::string("LimitedDevice: ") + to_string(op) + " called though unsupported");
    }
    Device& base_;
    std::set<DeviceOp> missing_;
};

}  // namespace n2d::test
