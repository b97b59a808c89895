// Stage adapters for the paper's other manifold learners (t-SNE, Isomap, LLE) and spectral
// clustering. These components run on the CPU: StageContext::device is not used.
#include "n2d/core/error.hpp"
#include "n2d/pipeline/builtin_stages.hpp"
#include "n2d/pipeline/detail/stage_state.hpp"

namespace n2d::inline v0 {

namespace {

// The component's own options with the pipeline's seed and progress.
template <class Options>
Options with_context(Options o, const StageContext& ctx) {
    o.seed = ctx.seed;
    o.progress = ctx.progress;
    return o;
}

// Stage state: header, then the component's own save(), which records its options.
template <class Component>
void save_component(ByteWriter& out, std::size_t input_dim, const std::unique_ptr<Component>& c, const char* stage) {
    const auto& fitted = detail::require_fitted(c, stage);
    detail::put_stage_header(out, input_dim);
    fitted.save(out);
}

template <class Stage, class Component>
std::unique_ptr<Stage> load_component(ByteReader& in, const char* stage, std::unique_ptr<Component> Stage::*member,
                                      std::size_t Stage::*dim) {
    const std::size_t input_dim = detail::get_stage_header(in, stage);
    auto c = std::make_unique<Component>(Component::load(in));
    auto s = std::make_unique<Stage>(c->options());
    s.get()->*member = std::move(c);
    s.get()->*dim = input_dim;
    return s;
}

}  // namespace

// ---- t-SNE ----------------------------------------------------------------------------------

TsneManifold::TsneManifold(TsneOptions options) : options_(std::move(options)) {}

Matrix TsneManifold::fit_transform(ConstMatrixView x, const StageContext& ctx) {
    auto t = std::make_unique<Tsne>(with_context(options_, ctx));
    Matrix embedding = t->fit_transform(x);
    tsne_ = std::move(t);
    input_dim_ = x.cols;
    return embedding;
}

Matrix TsneManifold::transform(ConstMatrixView) const {
    N2D_FAIL("n2d: t-SNE cannot embed new points: it has no transform (as scikit-learn's TSNE), so a model with the "
             "t-SNE manifold learner labels only the data it was fitted on (fit / fit_predict / its training labels). "
             "To predict new data, choose a manifold learner with a transform: umap, isomap or lle");
}

const Tsne& TsneManifold::tsne() const { return detail::require_fitted(tsne_, "t-SNE"); }

void TsneManifold::save(ByteWriter& out) const { save_component(out, input_dim_, tsne_, "t-SNE"); }

std::unique_ptr<TsneManifold> TsneManifold::load(ByteReader& in) {
    return load_component(in, "t-SNE", &TsneManifold::tsne_, &TsneManifold::input_dim_);
}

// ---- Isomap ---------------------------------------------------------------------------------

IsomapManifold::IsomapManifold(IsomapOptions options) : options_(std::move(options)) {}

Matrix IsomapManifold::fit_transform(ConstMatrixView x, const StageContext& ctx) {
    auto m = std::make_unique<Isomap>(with_context(options_, ctx));
    Matrix embedding = m->fit_transform(x);
    isomap_ = std::move(m);
    input_dim_ = x.cols;
    return embedding;
}

Matrix IsomapManifold::transform(ConstMatrixView x) const {
    const auto& m = detail::require_fitted(isomap_, "Isomap");
    require_stage_input(x, input_dim_, "Isomap");
    return m.transform(x);
}

const Isomap& IsomapManifold::isomap() const { return detail::require_fitted(isomap_, "Isomap"); }

void IsomapManifold::save(ByteWriter& out) const { save_component(out, input_dim_, isomap_, "Isomap"); }

std::unique_ptr<IsomapManifold> IsomapManifold::load(ByteReader& in) {
    return load_component(in, "Isomap", &IsomapManifold::isomap_, &IsomapManifold::input_dim_);
}

// ---- LLE ------------------------------------------------------------------------------------

LleManifold::LleManifold(LleOptions options) : options_(std::move(options)) {}

Matrix LleManifold::fit_transform(ConstMatrixView x, const StageContext& ctx) {
    auto m = std::make_unique<LocallyLinearEmbedding>(with_context(options_, ctx));
    Matrix embedding = m->fit_transform(x);
    lle_ = std::move(m);
    input_dim_ = x.cols;
    return embedding;
}

Matrix LleManifold::transform(ConstMatrixView x) const {
    const auto& m = detail::require_fitted(lle_, "LLE");
    require_stage_input(x, input_dim_, "LLE");
    return m.transform(x);
}

const LocallyLinearEmbedding& LleManifold::lle() const { return detail::require_fitted(lle_, "LLE"); }

void LleManifold::save(ByteWriter& out) const { save_component(out, input_dim_, lle_, "LLE"); }

std::unique_ptr<LleManifold> LleManifold::load(ByteReader& in) {
    return load_component(in, "LLE", &LleManifold::lle_, &LleManifold::input_dim_);
}

// ---- spectral clustering --------------------------------------------------------------------

SpectralClusterer::SpectralClusterer(SpectralClusteringOptions options) : options_(std::move(options)) {}

void SpectralClusterer::fit(ConstMatrixView x, const StageContext& ctx) {
    auto c = std::make_unique<SpectralClustering>(with_context(options_, ctx));
    c->fit(x);
    sc_ = std::move(c);
    input_dim_ = x.cols;
}

std::vector<int> SpectralClusterer::fit_predict(ConstMatrixView x, const StageContext& ctx) {
    fit(x, ctx);
    return sc_->labels();
}

std::vector<int> SpectralClusterer::predict(ConstMatrixView x) const {
    const auto& c = detail::require_fitted(sc_, "spectral clustering");
    require_stage_input(x, input_dim_, "spectral clustering");
    return c.predict(x);
}

Matrix SpectralClusterer::predict_proba(ConstMatrixView x) const {
    const auto& c = detail::require_fitted(sc_, "spectral clustering");
    require_stage_input(x, input_dim_, "spectral clustering");
    return c.predict_proba(x);
}

const SpectralClustering& SpectralClusterer::spectral() const {
    return detail::require_fitted(sc_, "spectral clustering");
}

void SpectralClusterer::save(ByteWriter& out) const { save_component(out, input_dim_, sc_, "spectral clustering"); }

std::unique_ptr<SpectralClusterer> SpectralClusterer::load(ByteReader& in) {
    return load_component(in, "spectral clustering", &SpectralClusterer::sc_, &SpectralClusterer::input_dim_);
}

}  // namespace n2d
