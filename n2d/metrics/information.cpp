// Entropy, mutual information, NMI, AMI and ARI with scikit-learn 1.2.1's formulas and
// special cases (REFERENCE.md §7–8).
#include <algorithm>
#include <cmath>
#include <limits>

#include "n2d/metrics/detail/contingency.hpp"
#include "n2d/metrics/metrics.hpp"

namespace n2d::inline v0 {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

double entropy_of_counts(const std::vector<std::int64_t>& counts) {
    double total = 0.0;
    for (auto c : counts) total += double(c);
    if (counts.empty()) return 1.0;
    if (counts.size() == 1) return 0.0;
    const double log_total = std::log(total);
    double h = 0.0;
    for (auto c : counts)
        if (c > 0) h += (double(c) / total) * (std::log(double(c)) - log_total);
    return -h;
}

double mutual_info_of(const detail::Contingency& t) {
    if (t.row_sums.size() == 1 || t.col_sums.size() == 1 || t.n == 0) return 0.0;
    const double n = double(t.n);
    const double log_n = std::log(n);
    double mi = 0.0;
    for (std::size_t c = 0; c < t.cell_count.size(); ++c) {
        const double nij = double(t.cell_count[c]);
        const double outer = double(t.row_sums[t.cell_row[c]]) * double(t.col_sums[t.cell_col[c]]);
        const double p = nij / n;
        double term = p * (std::log(nij) - log_n) + p * (-std::log(outer) + log_n + log_n);
        if (std::abs(term) < kEps) term = 0.0;
        mi += term;
    }
    return std::max(mi, 0.0);
}

double generalized_average(double u, double v, NmiAverage avg) {
    switch (avg) {
        case NmiAverage::min: return std::min(u, v);
        case NmiAverage::geometric: return std::sqrt(u * v);
        case NmiAverage::max: return std::max(u, v);
        case NmiAverage::arithmetic: break;
    }
    return 0.5 * (u + v);
}

// E[MI] under the hypergeometric model of random labellings with the same marginals.
double expected_mutual_info(const detail::Contingency& t) {
    const auto& a = t.row_sums;
    const auto& b = t.col_sums;
    if (a.size() == 1 || b.size() == 1) return 0.0;
    const std::int64_t n = std::int64_t(t.n);
    const double nd = double(n);
    // log k! for k = 0..n.
    std::vector<double> lfact(std::size_t(n) + 1);
    for (std::int64_t k = 0; k <= n; ++k) lfact[std::size_t(k)] = std::lgamma(double(k) + 1.0);
    const double log_n = std::log(nd);
    double emi = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        for (std::size_t j = 0; j < b.size(); ++j) {
            const std::int64_t start = std::max<std::int64_t>(1, a[i] + b[j] - n);
            const std::int64_t end = std::min(a[i], b[j]);
            const double log_ab = std::log(double(a[i])) + std::log(double(b[j]));
            const double g0 = lfact[std::size_t(a[i])] + lfact[std::size_t(b[j])] + lfact[std::size_t(n - a[i])] +
                              lfact[std::size_t(n - b[j])] - lfact[std::size_t(n)];
            for (std::int64_t nij = start; nij <= end; ++nij) {
                const double term2 = log_n + std::log(double(nij)) - log_ab;
                const double g = g0 - lfact[std::size_t(nij)] - lfact[std::size_t(a[i] - nij)] -
                                 lfact[std::size_t(b[j] - nij)] - lfact[std::size_t(n - a[i] - b[j] + nij)];
                emi += (double(nij) / nd) * term2 * std::exp(g);
            }
        }
    }
    return emi;
}

bool both_single_or_empty(const detail::Contingency& t) {
    return (t.class_ids.size() == 1 && t.cluster_ids.size() == 1) || (t.class_ids.empty() && t.cluster_ids.empty());
}

}  // namespace

double label_entropy(const std::vector<int>& labels) {
    std::vector<int> ids;
    const auto code = detail::encode_labels(labels, ids);
    std::vector<std::int64_t> counts(ids.size(), 0);
    for (auto c : code) ++counts[c];
    return entropy_of_counts(counts);
}

double mutual_info(const std::vector<int>& truth, const std::vector<int>& pred) {
    return mutual_info_of(detail::make_contingency(truth, pred, "mutual_info"));
}

double nmi(const std::vector<int>& truth, const std::vector<int>& pred, NmiAverage avg) {
    const auto t = detail::make_contingency(truth, pred, "nmi");
    if (both_single_or_empty(t)) return 1.0;
    const double mi = mutual_info_of(t);
    if (mi == 0.0) return 0.0;
    return mi / generalized_average(entropy_of_counts(t.row_sums), entropy_of_counts(t.col_sums), avg);
}

double ami(const std::vector<int>& truth, const std::vector<int>& pred, NmiAverage avg) {
    const auto t = detail::make_contingency(truth, pred, "ami");
    if (both_single_or_empty(t)) return 1.0;
    const double mi = mutual_info_of(t);
    const double emi = expected_mutual_info(t);
    const double norm = generalized_average(entropy_of_counts(t.row_sums), entropy_of_counts(t.col_sums), avg);
    double den = norm - emi;
    den = den < 0 ? std::min(den, -kEps) : std::max(den, kEps);
    return (mi - emi) / den;
}

double ari(const std::vector<int>& truth, const std::vector<int>& pred) {
    const auto t = detail::make_contingency(truth, pred, "ari");
#if defined(__SIZEOF_INT128__)
    using i128 = __int128_t;  // the pair counts reach n^4: exact in 128-bit integers
#else
    using i128 = long double;  // compilers without a 128-bit integer (MSVC): ~1e-16 relative error
#endif
    const i128 n = i128(t.n);
    i128 sum_sq = 0, fp = 0, fn = 0;
    for (std::size_t c = 0; c < t.cell_count.size(); ++c) {
        const i128 nij = t.cell_count[c];
        sum_sq += nij * nij;
        fp += nij * t.col_sums[t.cell_col[c]];
        fn += nij * t.row_sums[t.cell_row[c]];
    }
    fp -= sum_sq;
    fn -= sum_sq;
    const i128 tp = sum_sq - n;
    const i128 tn = n * n - fp - fn - sum_sq;
    if (fn == 0 && fp == 0) return 1.0;
    const i128 num = tp * tn - fn * fp;
    const i128 den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
    return 2.0 * double(num) / double(den);
}

}  // namespace n2d
