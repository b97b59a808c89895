// The CPU device's GMM E-step op: the blocked kernel of gmm_kernel.cpp on full precision
// factors, one chunk of kGmmChunkRows rows per task, each chunk's statistics written to its own
// slot (the caller reduces them in order).
#include <algorithm>
#include <vector>

#include "n2d/cluster/detail/gmm_internal.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/device/detail/cpu_ops.hpp"

namespace n2d::inline v0 {

static_assert(sizeof(int) == sizeof(std::int32_t), "labels are written as int");

void cpu_gmm_estep(ThreadPool& pool, const GmmEstepArgs& a) {
    detail::GmmParams p;
    p.k = a.k;
    p.d = a.d;
    p.type = CovarianceType::full;
    const auto f64 = [](const BufView& v) { return std::vector<double>(v.host<double>(), v.host<double>() + v.count); };
    p.means = f64(a.means);
    p.prec_chol = f64(a.prec_chol);
    p.log_det = f64(a.log_det);
    p.log_weights = f64(a.log_weights);
    const float* x = a.x.host<float>();
    double* logprob = a.logprob.empty() ? nullptr : a.logprob.host<double>();
    double* resp = a.resp.empty() ? nullptr : a.resp.host<double>();
    int* labels = a.labels.empty() ? nullptr : reinterpret_cast<int*>(a.labels.host<std::int32_t>());
    double* stats = a.stats.empty() ? nullptr : a.stats.host<double>();
    const double* shift = a.shift.empty() ? nullptr : a.shift.host<double>();
    const std::size_t s_size = detail::stats_size(p);
    if (stats) std::fill_n(stats, a.stats.count, 0.0);
    std::vector<detail::GmmScratch> scratch(pool.num_threads());
    for (auto& s : scratch) s.resize(a.k, a.d);
    pool.parallel_for(0, a.n, kGmmChunkRows, [&](std::size_t lo, std::size_t hi, std::size_t w) {
        const std::size_t chunk = lo / kGmmChunkRows;
        detail::gmm_block(p, x + lo * a.d, a.d, hi - lo, nullptr, shift, logprob ? logprob + lo : nullptr,
                          resp ? resp + lo * a.k : nullptr, labels ? labels + lo : nullptr,
                          stats ? stats + chunk * s_size : nullptr, scratch[w]);
    });
}

}  // namespace n2d
