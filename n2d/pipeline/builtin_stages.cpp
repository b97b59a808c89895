#include "n2d/pipeline/builtin_stages.hpp"

#include "n2d/core/error.hpp"
#include "n2d/pipeline/detail/stage_state.hpp"

namespace n2d::inline v0 {


// ---- autoencoder ----------------------------------------------------------------------------

AutoencoderEmbedder::AutoencoderEmbedder(AutoencoderOptions options) : options_(std::move(options)) {}

AutoencoderEmbedder::AutoencoderEmbedder(Autoencoder pretrained, bool train_pretrained)
    : ae_(std::make_unique<Autoencoder>(std::move(pretrained))), train_pretrained_(train_pretrained),
      given_pretrained_(true) {}

std::unique_ptr<AutoencoderEmbedder> AutoencoderEmbedder::from_weights_file(std::string path, bool train_pretrained) {
    auto e = std::make_unique<AutoencoderEmbedder>(AutoencoderOptions{});
    e->pretrained_path_ = std::move(path);
    e->train_pretrained_ = train_pretrained;
    return e;
}

void AutoencoderEmbedder::fit(ConstMatrixView x, const StageContext& ctx) {
    auto o = options_;
    o.seed = ctx.seed;
    o.progress = ctx.progress;
    if (!o.device) o.device = ctx.device;
    // Every fit starts from the same network (fresh, read from a file, or resumed), built aside
    // and kept only once its training finishes: a cancelled fit leaves the previous one, and a
    // refit equals a first fit. Only a network handed to the constructor trains in place.
    std::unique_ptr<Autoencoder> next;
    const bool pretrained = resume_path_.empty() && (given_pretrained_ || !pretrained_path_.empty());
    if (!resume_path_.empty()) next = std::make_unique<Autoencoder>(Autoencoder::resume(resume_path_, std::move(o)));
    else if (!pretrained_path_.empty()) next = std::make_unique<Autoencoder>(Autoencoder::load_weights(pretrained_path_));
    else if (!given_pretrained_) next = std::make_unique<Autoencoder>(x.cols, std::move(o));
    Autoencoder& ae = next ? *next : *ae_;
    if (pretrained) {
        if (ae.input_dim() != x.cols)
            N2D_FAIL("n2d: the pretrained autoencoder takes " + std::to_string(ae.input_dim()) +
                     " input columns but the data has " + std::to_string(x.cols) +
                     "; use weights trained on this dataset or drop the pretrained weights");
        if (!train_pretrained_) {
            if (next) ae_ = std::move(next);
            trained_ = false;
            return;
        }
        ae.set_progress(ctx.progress);
    }
    ae.fit(x);
    if (next) ae_ = std::move(next);
    trained_ = true;
    if (!save_weights_path_.empty()) ae_->save_weights(save_weights_path_);
}

Matrix AutoencoderEmbedder::transform(ConstMatrixView x) const {
    const auto& ae = detail::require_fitted(ae_, "autoencoder");
    require_stage_input(x, ae.input_dim(), "autoencoder");
    return ae.encode(x);
}

std::size_t AutoencoderEmbedder::input_dim() const { return ae_ ? ae_->input_dim() : 0; }
std::size_t AutoencoderEmbedder::output_dim() const { return ae_ ? ae_->latent_dim() : 0; }

const Autoencoder& AutoencoderEmbedder::autoencoder() const { return detail::require_fitted(ae_, "autoencoder"); }
Autoencoder& AutoencoderEmbedder::autoencoder() {
    detail::require_fitted(ae_, "autoencoder");
    return *ae_;
}

void AutoencoderEmbedder::save(ByteWriter& out) const {
    const auto& ae = detail::require_fitted(ae_, "autoencoder");
    detail::put_stage_header(out, ae.input_dim());
    ae.save(out);
}

std::unique_ptr<AutoencoderEmbedder> AutoencoderEmbedder::load(ByteReader& in) {
    const auto dim = detail::get_stage_header(in, "autoencoder");
    auto e = std::make_unique<AutoencoderEmbedder>(Autoencoder::load(in));
    in.expect(e->ae_->input_dim() == dim, "autoencoder input width " + std::to_string(e->ae_->input_dim()) +
                                              " differs from the recorded " + std::to_string(dim));
    return e;
}

// ---- UMAP -----------------------------------------------------------------------------------

UmapManifold::UmapManifold(UmapOptions options) : options_(std::move(options)) {}

Matrix UmapManifold::fit_transform(ConstMatrixView x, const StageContext& ctx) {
    auto o = options_;
    o.seed = ctx.seed;
    o.progress = ctx.progress;
    if (!o.device) o.device = ctx.device;
    auto u = std::make_unique<Umap>(std::move(o));
    Matrix embedding = u->fit_transform(x);
    umap_ = std::move(u);
    input_dim_ = x.cols;
    return embedding;
}

Matrix UmapManifold::transform(ConstMatrixView x) const {
    const auto& u = detail::require_fitted(umap_, "UMAP");
    require_stage_input(x, input_dim_, "UMAP");
    return u.transform(x);
}

const Umap& UmapManifold::umap() const { return detail::require_fitted(umap_, "UMAP"); }

void UmapManifold::save(ByteWriter& out) const {
    const auto& u = detail::require_fitted(umap_, "UMAP");
    detail::put_stage_header(out, input_dim_);
    out.put<std::uint64_t>(options_.n_components);
    u.save(out);
}

std::unique_ptr<UmapManifold> UmapManifold::load(ByteReader& in) {
    const auto dim = detail::get_stage_header(in, "UMAP");
    const auto comps = in.get<std::uint64_t>();
    in.expect(comps > 0 && comps < (std::uint64_t(1) << 32), "UMAP n_components " + std::to_string(comps));
    UmapOptions o;
    o.n_components = static_cast<std::size_t>(comps);
    auto m = std::make_unique<UmapManifold>(std::move(o));
    m->umap_ = std::make_unique<Umap>(Umap::load(in));
    m->input_dim_ = dim;
    return m;
}

// ---- Gaussian mixture -----------------------------------------------------------------------

GmmClusterer::GmmClusterer(GaussianMixtureOptions options) : options_(std::move(options)) {}

void GmmClusterer::fit(ConstMatrixView x, const StageContext& ctx) {
    auto o = options_;
    o.seed = ctx.seed;
    o.progress = ctx.progress;
    if (!o.device) o.device = ctx.device;
    auto g = std::make_unique<GaussianMixture>(std::move(o));
    g->fit(x);
    gmm_ = std::move(g);
    input_dim_ = x.cols;
}

std::vector<int> GmmClusterer::predict(ConstMatrixView x) const {
    const auto& g = detail::require_fitted(gmm_, "Gaussian mixture");
    require_stage_input(x, input_dim_, "Gaussian mixture");
    return g.predict(x);
}

Matrix GmmClusterer::predict_proba(ConstMatrixView x) const {
    const auto& g = detail::require_fitted(gmm_, "Gaussian mixture");
    require_stage_input(x, input_dim_, "Gaussian mixture");
    return g.predict_proba(x);
}

const GaussianMixture& GmmClusterer::gmm() const { return detail::require_fitted(gmm_, "Gaussian mixture"); }

void GmmClusterer::save(ByteWriter& out) const {
    const auto& g = detail::require_fitted(gmm_, "Gaussian mixture");
    detail::put_stage_header(out, input_dim_);
    out.put<std::uint64_t>(options_.n_components);
    g.save(out);
}

std::unique_ptr<GmmClusterer> GmmClusterer::load(ByteReader& in) {
    const auto dim = detail::get_stage_header(in, "Gaussian mixture");
    const auto k = in.get<std::uint64_t>();
    in.expect(k > 0 && k < (std::uint64_t(1) << 32), "Gaussian mixture n_components " + std::to_string(k));
    GaussianMixtureOptions o;
    o.n_components = static_cast<std::size_t>(k);
    auto c = std::make_unique<GmmClusterer>(std::move(o));
    c->gmm_ = std::make_unique<GaussianMixture>(GaussianMixture::load(in));
    c->input_dim_ = dim;
    return c;
}

// ---- k-means --------------------------------------------------------------------------------

KMeansClusterer::KMeansClusterer(KMeansOptions options) : options_(std::move(options)) {}

void KMeansClusterer::fit(ConstMatrixView x, const StageContext& ctx) {
    auto o = options_;
    o.seed = ctx.seed;
    o.progress = ctx.progress;
    if (!o.device) o.device = ctx.device;
    auto k = std::make_unique<KMeans>(std::move(o));
    k->fit(x);
    km_ = std::move(k);
    input_dim_ = x.cols;
}

std::vector<int> KMeansClusterer::predict(ConstMatrixView x) const {
    const auto& k = detail::require_fitted(km_, "k-means");
    require_stage_input(x, input_dim_, "k-means");
    return k.predict(x);
}

Matrix KMeansClusterer::predict_proba(ConstMatrixView x) const {
    const auto labels = predict(x);
    Matrix p(x.rows, options_.n_clusters);
    for (std::size_t i = 0; i < labels.size(); ++i) p(i, static_cast<std::size_t>(labels[i])) = 1.0f;
    return p;
}

const KMeans& KMeansClusterer::kmeans() const { return detail::require_fitted(km_, "k-means"); }

void KMeansClusterer::save(ByteWriter& out) const {
    const auto& k = detail::require_fitted(km_, "k-means");
    detail::put_stage_header(out, input_dim_);
    out.put<std::uint64_t>(options_.n_clusters);
    k.save(out);
}

std::unique_ptr<KMeansClusterer> KMeansClusterer::load(ByteReader& in) {
    const auto dim = detail::get_stage_header(in, "k-means");
    const auto k = in.get<std::uint64_t>();
    in.expect(k > 0 && k < (std::uint64_t(1) << 32), "k-means n_clusters " + std::to_string(k));
    KMeansOptions o;
    o.n_clusters = static_cast<std::size_t>(k);
    auto c = std::make_unique<KMeansClusterer>(std::move(o));
    c->km_ = std::make_unique<KMeans>(KMeans::load(in));
    c->input_dim_ = dim;
    return c;
}

// ---- HDBSCAN --------------------------------------------------------------------------------

HdbscanClusterer::HdbscanClusterer(HdbscanOptions options) : options_(options) {}

void HdbscanClusterer::fit(ConstMatrixView x, const StageContext& ctx) {
    auto o = options_;
    o.progress = ctx.progress;  // HDBSCAN draws no random numbers: the seed is not needed
    auto h = std::make_unique<Hdbscan>(std::move(o));
    h->fit(x);
    h_ = std::move(h);
    input_dim_ = x.cols;
}

std::vector<int> HdbscanClusterer::fit_predict(ConstMatrixView x, const StageContext& ctx) {
    fit(x, ctx);
    return h_->labels();
}

std::vector<int> HdbscanClusterer::predict(ConstMatrixView x) const {
    const auto& h = detail::require_fitted(h_, "HDBSCAN");
    require_stage_input(x, input_dim_, "HDBSCAN");
    return h.predict(x);
}

Matrix HdbscanClusterer::predict_proba(ConstMatrixView x) const {
    const auto& h = detail::require_fitted(h_, "HDBSCAN");
    require_stage_input(x, input_dim_, "HDBSCAN");
    return h.predict_proba(x);
}

const Hdbscan& HdbscanClusterer::hdbscan() const { return detail::require_fitted(h_, "HDBSCAN"); }

void HdbscanClusterer::save(ByteWriter& out) const {
    const auto& h = detail::require_fitted(h_, "HDBSCAN");
    detail::put_stage_header(out, input_dim_);
    h.save(out);
}

std::unique_ptr<HdbscanClusterer> HdbscanClusterer::load(ByteReader& in) {
    const auto dim = detail::get_stage_header(in, "HDBSCAN");
    auto h = Hdbscan::load(in);
    auto c = std::make_unique<HdbscanClusterer>(h.options());
    c->h_ = std::make_unique<Hdbscan>(std::move(h));
    in.expect(c->h_->core_distances().size() > 0, "HDBSCAN state holds no points");
    c->input_dim_ = dim;
    return c;
}

}  // namespace n2d
