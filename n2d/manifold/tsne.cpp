// Tsne: option checks (sklearn 1.2.1 TSNE._check_params_vs_input and _fit), the fit pipeline
// (affinities → initial layout → optimiser) and serialisation.
#include "n2d/manifold/tsne.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/manifold/detail/tsne.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::uint32_t kTsneMagic = 0x454E5354;  // "TSNE"
constexpr std::uint32_t kTsneVersion = 1;

std::string short_num(double v) {
    std::string s = std::to_string(v);
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

}  // namespace

void validate_tsne_options(const TsneOptions& o, std::size_t n) {
    N2D_REQUIRE(o.n_components >= 1, "t-SNE: n_components is 0; pass at least 1 (default 2)");
    N2D_REQUIRE(std::isfinite(o.perplexity) && o.perplexity > 0,
                "t-SNE: perplexity = " + short_num(o.perplexity) + " is invalid; pass a finite value > 0 (default 30)");
    N2D_REQUIRE(std::isfinite(o.early_exaggeration) && o.early_exaggeration >= 1,
                "t-SNE: early_exaggeration = " + short_num(o.early_exaggeration) + " must be at least 1 (default 12)");
    N2D_REQUIRE(std::isfinite(o.learning_rate) && o.learning_rate >= 0,
                "t-SNE: learning_rate = " + short_num(o.learning_rate) +
                    " is invalid; pass a value > 0, or 0 for sklearn's \"auto\" max(n / early_exaggeration / 4, 50)");
    N2D_REQUIRE(o.n_iter >= 250, "t-SNE: n_iter = " + std::to_string(o.n_iter) +
                                     " is too small; n_iter should be at least 250 (the exploration phase alone is 250)");
    N2D_REQUIRE(std::isfinite(o.min_grad_norm) && o.min_grad_norm >= 0,
                "t-SNE: min_grad_norm = " + short_num(o.min_grad_norm) + " is invalid; pass a finite value >= 0 (default 1e-7)");
    N2D_REQUIRE(o.angle >= 0 && o.angle <= 1,
                "t-SNE: angle = " + short_num(o.angle) + " must be in [0, 1] (the Barnes–Hut θ; default 0.5)");
    N2D_REQUIRE(o.method != TsneMethod::barnes_hut || o.n_components <= 3,
                "t-SNE: 'n_components' should be inferior to 4 for the barnes_hut algorithm as it relies on "
                "quad-tree or oct-tree (n_components = " + std::to_string(o.n_components) +
                    "); use TsneMethod::exact or n_components <= 3");
    if (n == 0) return;
    N2D_REQUIRE(n >= 2, "t-SNE needs at least 2 samples, got " + std::to_string(n));
    N2D_REQUIRE(o.perplexity < double(n), "t-SNE: perplexity must be less than n_samples (perplexity = " +
                                              short_num(o.perplexity) + ", n_samples = " + std::to_string(n) +
                                              "); lower the perplexity or pass more samples");
}

Tsne::Tsne(TsneOptions options) : options_(std::move(options)) { validate_tsne_options(options_); }

Matrix Tsne::fit_transform(ConstMatrixView x) {
    using namespace tsne_detail;
    N2D_REQUIRE(x.rows > 0 && x.cols > 0, "t-SNE: the input is empty (" + std::to_string(x.rows) + " x " +
                                              std::to_string(x.cols) + "); pass at least 2 samples with 1 feature");
    validate_tsne_options(options_, x.rows);
    require_finite(x, "t-SNE input");
    ThreadPool& pool = pool_or_default(options_.pool);
    const TsneMethod method = options_.method != TsneMethod::automatic ? options_.method
                              : options_.n_components <= 3         ? TsneMethod::barnes_hut
                                                                   : TsneMethod::exact;
    SparseP sparse;
    DenseP dense;
    if (method == TsneMethod::barnes_hut) sparse = joint_probabilities_knn(x, options_.perplexity, pool, options_.progress);
    else dense = joint_probabilities_exact(x, options_.perplexity, pool);
    Matrix y = options_.init == TsneInit::pca ? pca_layout(x, options_.n_components, pool)
                                              : tsne_detail::random_layout(x.rows, options_.n_components, options_.seed);
    const OptimizeResult r = optimize(method == TsneMethod::barnes_hut ? &sparse : nullptr,
                                      method == TsneMethod::exact ? &dense : nullptr, y, options_,
                                      resolve_learning_rate(options_, x.rows), pool);
    method_used_ = method;
    kl_divergence_ = r.kl_divergence;
    n_iter_ = r.n_iter;
    embedding_ = std::move(y);
    return embedding_;
}

void Tsne::save(ByteWriter& out) const {
    N2D_REQUIRE(fitted(), "Tsne::save: the model is not fitted; call fit_transform first");
    out.put<std::uint32_t>(kTsneMagic);
    out.put<std::uint32_t>(kTsneVersion);
    const TsneOptions& o = options_;
    out.put<std::uint64_t>(o.n_components);
    out.put<double>(o.perplexity);
    out.put<double>(o.early_exaggeration);
    out.put<double>(o.learning_rate);
    out.put<std::uint64_t>(o.n_iter);
    out.put<std::uint64_t>(o.n_iter_without_progress);
    out.put<double>(o.min_grad_norm);
    out.put<double>(o.angle);
    out.put<std::uint32_t>(std::uint32_t(o.method));
    out.put<std::uint32_t>(std::uint32_t(o.init));
    out.put<std::uint64_t>(o.seed);
    out.put<std::uint32_t>(std::uint32_t(method_used_));
    out.put<double>(kl_divergence_);
    out.put<std::uint64_t>(n_iter_);
    out.put<std::uint64_t>(embedding_.rows());
    out.put_array(embedding_.data(), embedding_.size());
}

Tsne Tsne::load(ByteReader& in) {
    in.expect(in.get<std::uint32_t>() == kTsneMagic, "not a t-SNE record (bad magic)");
    const auto version = in.get<std::uint32_t>();
    in.expect(version == kTsneVersion, "t-SNE record version " + std::to_string(version) + " is not supported (expected " +
                                       std::to_string(kTsneVersion) + ")");
    TsneOptions o;
    const auto components = in.get<std::uint64_t>();
    in.expect(components >= 1 && components <= (1u << 16), "t-SNE record has an implausible n_components");
    o.n_components = std::size_t(components);
    o.perplexity = in.get<double>();
    o.early_exaggeration = in.get<double>();
    o.learning_rate = in.get<double>();
    o.n_iter = std::size_t(in.get<std::uint64_t>());
    o.n_iter_without_progress = std::size_t(in.get<std::uint64_t>());
    o.min_grad_norm = in.get<double>();
    o.angle = in.get<double>();
    const auto method = in.get<std::uint32_t>(), init = in.get<std::uint32_t>();
    in.expect(method <= 2 && init <= 1, "t-SNE record has an unknown method or init");
    o.method = TsneMethod(method);
    o.init = TsneInit(init);
    o.seed = in.get<std::uint64_t>();
    const auto used = in.get<std::uint32_t>();
    in.expect(used == 1 || used == 2, "t-SNE record has an unknown fitted method");
    try {
        validate_tsne_options(o);
    } catch (const Error& e) {
        in.fail(std::string("t-SNE record has invalid options (") + e.what() + ")");
    }
    Tsne t(o);
    t.method_used_ = TsneMethod(used);
    t.kl_divergence_ = in.get<double>();
    t.n_iter_ = std::size_t(in.get<std::uint64_t>());
    const auto rows = in.get<std::uint64_t>();
    in.expect(rows >= 2 && rows <= (std::uint64_t(1) << 32) && rows * o.n_components <= in.remaining() / 4,
              "t-SNE record has an implausible number of rows");
    t.embedding_ = Matrix(std::size_t(rows), o.n_components);
    in.get_array(t.embedding_.data(), t.embedding_.size());
    for (std::size_t k = 0; k < t.embedding_.size(); ++k)
        in.expect(std::isfinite(t.embedding_.data()[k]), "t-SNE record has a non-finite embedding value");
    return t;
}

}  // namespace n2d
