// EM's E-step and statistics on a device (detail::GmmDevicePass, see gmm_internal.hpp).
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "n2d/cluster/detail/gmm_internal.hpp"

namespace n2d::inline v0::detail {

static_assert(kGmmChunk == kGmmChunkRows, "the device op's chunks are the host passes' chunks");
static_assert(sizeof(int) == sizeof(std::int32_t), "labels are downloaded as i32");

GmmDevicePass::GmmDevicePass(Device& dev, ConstMatrixView x, std::size_t k)
    : dev_(dev), n_(x.rows), d_(x.cols), k_(k), n_chunks_((x.rows + kGmmChunk - 1) / kGmmChunk),
      full_size_(k * (1 + x.cols + x.cols * (x.cols + 1) / 2)) {
    if (x.stride == x.cols) {
        x_ = upload_new(dev, x.data, n_ * d_);
    } else {
        std::vector<float> packed(n_ * d_);
        for (std::size_t i = 0; i < n_; ++i) std::memcpy(&packed[i * d_], x.row(i), d_ * sizeof(float));
        x_ = upload_new(dev, packed.data(), n_ * d_);
    }
    means_ = Buffer(dev, DType::f64, k * d_);
    prec_chol_ = Buffer(dev, DType::f64, k * d_ * d_);
    log_det_ = Buffer(dev, DType::f64, k);
    log_weights_ = Buffer(dev, DType::f64, k);
    logprob_ = Buffer(dev, DType::f64, n_);
    host_prec_.resize(k * d_ * d_);
    host_logprob_.resize(n_);
}

double GmmDevicePass::pass(const GmmParams& p, const double* shift, double* logprob, double* resp_out, int* labels,
                           std::vector<double>* stats) {
    const std::size_t n = n_, d = d_, k = k_;
    N2D_ASSERT(p.k == k && p.d == d, "GmmDevicePass: parameters of another shape");
    // Full upper-triangular factors: tied repeats its one factor, diag and spherical are diagonal.
    std::fill(host_prec_.begin(), host_prec_.end(), 0.0);
    for (std::size_t c = 0; c < k; ++c) {
        double* u = &host_prec_[c * d * d];
        switch (p.type) {
            case CovarianceType::full: std::copy_n(&p.prec_chol[c * d * d], d * d, u); break;
            case CovarianceType::tied: std::copy_n(p.prec_chol.data(), d * d, u); break;
            case CovarianceType::diag:
                for (std::size_t t = 0; t < d; ++t) u[t * d + t] = p.prec_chol[c * d + t];
                break;
            case CovarianceType::spherical:
                for (std::size_t t = 0; t < d; ++t) u[t * d + t] = p.prec_chol[c];
                break;
        }
    }
    dev_.upload(means_.view(), p.means.data());
    dev_.upload(prec_chol_.view(), host_prec_.data());
    dev_.upload(log_det_.view(), p.log_det.data());
    dev_.upload(log_weights_.view(), p.log_weights.data());
    GmmEstepArgs a;
    a.n = n;
    a.d = d;
    a.k = k;
    a.x = x_.view();
    a.means = means_.view();
    a.prec_chol = prec_chol_.view();
    a.log_det = log_det_.view();
    a.log_weights = log_weights_.view();
    a.logprob = logprob_.view();
    if (resp_out) {
        if (!resp_) resp_ = Buffer(dev_, DType::f64, n * k);
        a.resp = resp_.view();
    }
    if (labels) {
        if (!labels_) labels_ = Buffer(dev_, DType::i32, n);
        a.labels = labels_.view();
    }
    if (stats) {
        N2D_ASSERT(shift != nullptr, "GmmDevicePass: statistics need the shift");
        if (!stats_) {
            stats_ = Buffer(dev_, DType::f64, n_chunks_ * full_size_);
            shift_ = Buffer(dev_, DType::f64, k * d);
            host_stats_.resize(n_chunks_ * full_size_);
            full_.resize(full_size_);
        }
        dev_.upload(shift_.view(), shift);
        a.shift = shift_.view();
        a.stats = stats_.view();
    }
    dev_.gmm_estep(a);
    double* lp = logprob ? logprob : host_logprob_.data();
    dev_.download(lp, logprob_.view());
    if (resp_out) dev_.download(resp_out, resp_.view());
    if (labels) dev_.download(labels, labels_.view());
    double total = 0.0;
    for (std::size_t c = 0; c < n_chunks_; ++c) {
        double t = 0.0;
        for (std::size_t i = c * kGmmChunk, e = std::min(n, i + kGmmChunk); i < e; ++i) t += lp[i];
        total += t;
    }
    if (!stats) return total;

    dev_.download(host_stats_.data(), stats_.view());
    std::fill(full_.begin(), full_.end(), 0.0);
    for (std::size_t c = 0; c < n_chunks_; ++c)
        for (std::size_t i = 0; i < full_size_; ++i) full_[i] += host_stats_[c * full_size_ + i];
    if (p.type == CovarianceType::full || p.type == CovarianceType::tied) {
        stats->assign(full_.begin(), full_.end());
        return total;
    }
    // diag / spherical keep each component's diagonal second moments: (t, t) of the packed
    // upper triangle sits at t·d − t(t−1)/2.
    const std::size_t tri = d * (d + 1) / 2;
    stats->assign(stats_size(p), 0.0);
    std::copy_n(full_.begin(), k + k * d, stats->begin());
    const double* s2 = full_.data() + k + k * d;
    double* out = stats->data() + k + k * d;
    for (std::size_t c = 0; c < k; ++c)
        for (std::size_t t = 0; t < d; ++t) out[c * d + t] = s2[c * tri + t * d - t * (t - 1) / 2];
    return total;
}

}  // namespace n2d::detail
