// N2D's choice of k when it is unknown: one fit of the clusterer per candidate k, scored on the
// manifold embedding.
#include "n2d/pipeline/detail/k_selection.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <string>

#include "n2d/core/detail/timing.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/metrics/metrics.hpp"
#include "n2d/pipeline/builtin_stages.hpp"

namespace n2d::inline v0 {

const char* to_string(KCriterion c) noexcept { return c == KCriterion::bic ? "bic" : "silhouette"; }

KCriterion parse_k_criterion(const std::string& name) {
    if (name == "silhouette") return KCriterion::silhouette;
    if (name == "bic") return KCriterion::bic;
    N2D_FAIL("n2d: k criterion '" + name + "' is unknown; use silhouette or bic");
}

namespace detail {

void require_k_range(const KSelectionOptions& k, std::size_t n) {
    N2D_REQUIRE(k.max_k <= n, "N2D::fit: the k range " + std::to_string(k.min_k) + ".." + std::to_string(k.max_k) +
                                  " asks for more clusters than the " + std::to_string(n) +
                                  " training rows; lower k_selection.max_k to at most " + std::to_string(n));
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Is a better than b under the criterion? NaN never wins.
bool better(double a, double b, KCriterion c) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
    return c == KCriterion::bic ? a < b : a > b;
}

// The rows the silhouette is computed on: all of them, or a seeded uniform subset of m.
std::vector<std::size_t> sample_rows(std::size_t n, std::size_t m, std::uint64_t seed) {
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), std::size_t(0));
    if (m >= n) return idx;
    Rng rng(seed, 0x6B73656Cull);
    // Partial Fisher–Yates: the first m entries are a uniform random subset.
    for (std::size_t i = 0; i < m; ++i) std::swap(idx[i], idx[i + std::size_t(rng.below(n - i))]);
    idx.resize(m);
    return idx;
}

// Mean silhouette of the sampled rows' labels; NaN when they form fewer than 2 clusters (or
// every point its own).
double sampled_silhouette(const Matrix& sample, const std::vector<std::size_t>& rows, const std::vector<int>& labels) {
    std::vector<int> sub(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) sub[i] = labels[rows[i]];
    const std::size_t distinct = std::set<int>(sub.begin(), sub.end()).size();
    if (distinct < 2 || distinct + 1 > sub.size()) return kNaN;
    const auto s = silhouette_samples(sample.view(), sub);
    return std::accumulate(s.begin(), s.end(), 0.0) / double(s.size());
}

}  // namespace

KSearchResult search_k(ConstMatrixView embedding, const N2DOptions& options, const StageContext& ctx,
                       std::uint64_t sample_seed) {
    const KSelectionOptions& ks = options.k_selection;
    require_k_range(ks, embedding.rows);
    // One sample for every k, so the scores compare like with like.
    const auto rows = sample_rows(embedding.rows, ks.silhouette_sample, sample_seed);
    Matrix sample(rows.size(), embedding.cols);
    for (std::size_t i = 0; i < rows.size(); ++i)
        std::copy(embedding.row(rows[i]), embedding.row(rows[i]) + embedding.cols, sample.row(i));

    KSearchResult out;
    out.selection.criterion = ks.criterion;
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t total = ks.max_k - ks.min_k + 1;
    double best = kNaN;
    for (std::size_t k = ks.min_k; k <= ks.max_k; ++k) {
        N2DOptions c = options;
        c.n_clusters = k;
        std::unique_ptr<Clusterer> stage = make_clusterer_stage(c);
        std::vector<int> labels = stage->fit_predict(embedding, ctx);

        KScore s;
        s.k = k;
        // Empty components can leave fewer distinct labels than k; one label has no silhouette.
        s.silhouette = sampled_silhouette(sample, rows, labels);
        const auto* gmm = dynamic_cast<const GmmClusterer*>(stage.get());
        s.bic = gmm ? gmm->gmm().bic(embedding) : kNaN;
        const double value = out.selection.score(s);
        if (better(value, best, ks.criterion)) {
            best = value;
            out.selection.chosen = k;
            out.clusterer = std::move(stage);
            out.labels = std::move(labels);
        }
        out.selection.scores.push_back(s);

        if (ctx.progress) {
            Progress p;
            p.stage = "k-selection";
            p.step = k - ks.min_k + 1;
            p.total = total;
            p.loss = value;
            p.elapsed_seconds = seconds_since(t0);
            p.items_per_second = p.elapsed_seconds > 0 ? double(p.step) / p.elapsed_seconds : 0.0;
            p.eta_seconds = p.items_per_second > 0 ? double(total - p.step) / p.items_per_second : 0.0;
            if (!ctx.progress(p)) detail::throw_cancelled("k-selection");
        }
    }
    if (!out.clusterer)
        N2D_FAIL("n2d: no k in " + std::to_string(ks.min_k) + ".." + std::to_string(ks.max_k) + " could be scored by " +
                 to_string(ks.criterion) + " (every fit put all points in one cluster); widen the k range or use "
                 "another criterion");
    return out;
}

}  // namespace detail

}  // namespace n2d
