// N2D::save / N2D::load: the pipeline's sections of the .n2d file (n2d/model/FORMAT.md).
#include <chrono>

#include "n2d/core/error.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/core/version.hpp"
#include "n2d/model/detail/model_file.hpp"
#include "n2d/pipeline/builtin_stages.hpp"
#include "n2d/pipeline/n2d_pipeline.hpp"
#include "n2d/pipeline/options_text.hpp"

namespace n2d::inline v0 {

namespace {

// Options version 2 adds the stage kind codes of t-SNE, Isomap, LLE (manifold 2-4) and spectral
// clustering (clusterer 3); version 3 allows n_clusters 0 (k chosen by fit; the clusterer holds
// the chosen k); version 4 says the input is scaled: the n2d.scaler section holds the scaling and
// its per-column parameters (an older build must refuse such a model rather than ignore the
// section and predict from unscaled data); version 5 adds the clusterer code 4, DEC's clustering
// layer (a DEC/IDEC fine-tuned encoder alone needs no new version: its weights are ordinary
// weights, and its options text keys are ignored by older builds). Each model is written with the lowest version that describes it, so older
// builds keep loading the models they can use.
constexpr std::uint32_t kMetaVersion = 1, kOptionsVersion = 5;
constexpr const char* kMeta = "n2d.meta";
constexpr const char* kOptions = "n2d.options";
constexpr const char* kScaler = "n2d.scaler";
constexpr const char* kEmbedder = "stage.embedder";
constexpr const char* kManifold = "stage.manifold";
constexpr const char* kClusterer = "stage.clusterer";

template <class Stage>
std::vector<unsigned char> stage_bytes(const Stage& s) {
    ByteWriter w;
    w.put_string(s.kind());
    s.save(w);
    return w.take();
}

template <class Base, class Loaders>
std::unique_ptr<Base> load_stage(const ModelFile& mf, const char* section, const Loaders& user,
                                 std::unique_ptr<Base> (*builtin)(const std::string&, ByteReader&)) {
    ByteReader in = mf.reader(section);
    const std::string kind = in.get_string(256);
    std::unique_ptr<Base> stage = builtin(kind, in);
    if (!stage) {
        auto it = user.find(kind);
        if (it == user.end())
            N2D_FAIL("n2d: model file '" + mf.source() + "': section '" + section + "' holds a stage of kind '" + kind +
                        "', which this program does not know; register a loader for it in n2d::StageLoaders");
        stage = it->second(in);
        if (!stage) in.fail("the loader for stage kind '" + kind + "' returned nothing");
    }
    in.expect(in.at_end(), std::to_string(in.remaining()) + " unread bytes after the " + kind + " stage");
    return stage;
}

std::unique_ptr<Embedder> builtin_embedder(const std::string& kind, ByteReader& in) {
    if (kind == "autoencoder") return AutoencoderEmbedder::load(in);
    if (kind == "identity") return IdentityEmbedder::load(in);
    return nullptr;
}
std::unique_ptr<ManifoldLearner> builtin_manifold(const std::string& kind, ByteReader& in) {
    if (kind == "umap") return UmapManifold::load(in);
    if (kind == "identity") return IdentityManifold::load(in);
    if (kind == "tsne") return TsneManifold::load(in);
    if (kind == "isomap") return IsomapManifold::load(in);
    if (kind == "lle") return LleManifold::load(in);
    return nullptr;
}
std::unique_ptr<Clusterer> builtin_clusterer(const std::string& kind, ByteReader& in) {
    if (kind == "gmm") return GmmClusterer::load(in);
    if (kind == "kmeans") return KMeansClusterer::load(in);
    if (kind == "hdbscan") return HdbscanClusterer::load(in);
    if (kind == "spectral") return SpectralClusterer::load(in);
    if (kind == "dec") return DecClusterer::load(in);
    return nullptr;
}

}  // namespace

std::vector<unsigned char> N2D::save_to_bytes() const {
    require_fitted("save");
    ModelFileWriter mf;

    ByteWriter meta;
    meta.put<std::uint32_t>(kMetaVersion);
    meta.put_string(kVersionString);
    meta.put_string(provenance_.dataset);
    meta.put<std::uint64_t>(provenance_.rows);
    meta.put<std::uint64_t>(input_dim_);
    const auto created = provenance_.created_unix
                             ? provenance_.created_unix
                             : static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                                              std::chrono::system_clock::now().time_since_epoch())
                                                              .count());
    meta.put<std::uint64_t>(created);
    mf.add(kMeta, std::move(meta));

    ByteWriter opts;
    const bool version1_kinds = static_cast<int>(options_.manifold) <= 1 && static_cast<int>(options_.clusterer) <= 2;
    const bool scaled = scaler_.kind() != Scaling::none;
    const bool dec_layer = options_.clusterer == ClustererKind::dec;
    opts.put<std::uint32_t>(dec_layer ? 5 : scaled ? 4 : options_.n_clusters == 0 ? 3 : version1_kinds ? 1 : 2);
    opts.put<std::uint64_t>(options_.n_clusters);  // 0 = chosen by fit (version 3)
    opts.put<std::uint64_t>(options_.seed);
    opts.put<std::uint8_t>(static_cast<std::uint8_t>(options_.embedder));
    opts.put<std::uint8_t>(static_cast<std::uint8_t>(options_.manifold));
    opts.put<std::uint8_t>(static_cast<std::uint8_t>(options_.clusterer));
    opts.put<std::uint64_t>(options_.autoencoder.latent_dim);  // 0 = n_clusters
    opts.put<std::uint64_t>(options_.umap.n_components);  // 0 = n_clusters
    const auto text = describe_options(options_);
    opts.put<std::uint64_t>(text.size());
    for (const auto& [k, v] : text) {
        opts.put_string(k);
        opts.put_string(v);
    }
    mf.add(kOptions, std::move(opts));
    if (scaled) {
        ByteWriter sc;
        scaler_.save(sc);
        mf.add(kScaler, std::move(sc));
    }

    mf.add(kEmbedder, stage_bytes(*embedder_));
    mf.add(kManifold, stage_bytes(*manifold_learner_));
    mf.add(kClusterer, stage_bytes(*clusterer_));
    return mf.serialize();
}

void N2D::save(const std::string& path) const {
    const auto image = save_to_bytes();
    write_file_atomically(path, image.data(), image.size());
}

N2D N2D::load(const std::string& path, const StageLoaders& loaders) {
    return load_from_bytes(read_file(path), path, loaders);
}

N2D N2D::load_from_bytes(std::vector<unsigned char> image, const std::string& source, const StageLoaders& loaders) {
    const ModelFile mf = ModelFile::parse(std::move(image), source);

    Provenance prov;
    {
        ByteReader in = mf.reader(kMeta);
        const auto v = in.get<std::uint32_t>();
        in.expect(v == kMetaVersion, "metadata version " + std::to_string(v) + " is not supported");
        prov.n2d_version = in.get_string(64);
        prov.dataset = in.get_string(4096);
        prov.rows = in.get<std::uint64_t>();
        prov.input_dim = in.get<std::uint64_t>();
        prov.created_unix = in.get<std::uint64_t>();
        in.expect(prov.input_dim > 0 && prov.input_dim < (std::uint64_t(1) << 32),
                  "input width " + std::to_string(prov.input_dim));
    }
    N2DOptions o;
    bool auto_k = false;
    std::uint32_t options_version = 0;
    std::vector<std::pair<std::string, std::string>> text;
    {
        ByteReader in = mf.reader(kOptions);
        const auto v = in.get<std::uint32_t>();
        in.expect(v >= 1 && v <= kOptionsVersion, "options version " + std::to_string(v) +
                                                      " is not supported (this build reads 1 to 5); a newer n2d wrote it");
        options_version = v;
        o.n_clusters = static_cast<std::size_t>(in.get<std::uint64_t>());
        o.seed = in.get<std::uint64_t>();
        const auto e = in.get<std::uint8_t>(), m = in.get<std::uint8_t>(), c = in.get<std::uint8_t>();
        const bool known = v == 1 ? e <= 1 && m <= 1 && c <= 2 : e <= 1 && m <= 4 && c <= (v >= 5 ? 4 : 3);
        auto_k = o.n_clusters == 0;
        in.expect(!auto_k || v >= 3, "n_clusters 0 in an options version " + std::to_string(v) + " section");
        in.expect(known, "stage kind codes " + std::to_string(e) + "/" + std::to_string(m) + "/" +
                                                   std::to_string(c));
        o.embedder = static_cast<EmbedderKind>(e);
        o.manifold = static_cast<ManifoldKind>(m);
        o.clusterer = static_cast<ClustererKind>(c);
        o.autoencoder.latent_dim = static_cast<std::size_t>(in.get<std::uint64_t>());
        o.umap.n_components = static_cast<std::size_t>(in.get<std::uint64_t>());
        const auto count = in.get<std::uint64_t>();
        in.expect(count < 4096, "option count " + std::to_string(count));
        for (std::uint64_t i = 0; i < count; ++i) {
            auto k = in.get_string(256);
            auto val = in.get_string(4096);
            text.emplace_back(std::move(k), std::move(val));
        }
        in.expect(in.at_end(), "unread bytes after the options");
        in.expect(o.n_clusters < (std::size_t(1) << 31), "n_clusters " + std::to_string(o.n_clusters));
    }
    apply_options_text(o, text);
    const std::string where = "n2d: model file '" + source + "': ";
    // Version 4 always has the scaler section, version 5 when the options text names a scaling.
    Scaler scaler;
    const bool scaled = options_version == 4 || (options_version >= 5 && (mf.has(kScaler) || o.scaling != Scaling::none));
    if (scaled) {
        if (!mf.has(kScaler))
            N2D_FAIL(where + "options version " + std::to_string(options_version) + " with input scaling needs the '" + std::string(kScaler) +
                     "' section, which is missing; the file is incomplete, save the model again");
        ByteReader in = mf.reader(kScaler);
        scaler = Scaler::load(in);
        in.expect(in.at_end(), std::to_string(in.remaining()) + " unread bytes after the scaler");
        if (scaler.kind() != o.scaling || scaler.input_dim() != prov.input_dim)
            N2D_FAIL(where + "the scaler is " + to_string(scaler.kind()) + " over " + std::to_string(scaler.input_dim()) +
                     " columns but the model records scaling " + to_string(o.scaling) + " and an input width of " +
                     std::to_string(prov.input_dim) + "; the file is inconsistent, save the model again");
    } else if (mf.has(kScaler) || o.scaling != Scaling::none) {
        N2D_FAIL(where + "options version " + std::to_string(options_version) +
                 " cannot have input scaling (it came with version 4); the file is inconsistent, save the model again");
    }

    auto embedder = load_stage<Embedder>(mf, kEmbedder, loaders.embedders, builtin_embedder);
    auto manifold = load_stage<ManifoldLearner>(mf, kManifold, loaders.manifolds, builtin_manifold);
    auto clusterer = load_stage<Clusterer>(mf, kClusterer, loaders.clusterers, builtin_clusterer);

    if (embedder->input_dim() != prov.input_dim)
        N2D_FAIL(where + "the embedder takes " + std::to_string(embedder->input_dim()) +
                    " columns but the model records an input width of " + std::to_string(prov.input_dim) +
                    "; the file is inconsistent, save the model again");
    if (manifold->input_dim() != embedder->output_dim())
        N2D_FAIL(where + "the manifold stage takes " + std::to_string(manifold->input_dim()) +
                    " columns but the embedder produces " + std::to_string(embedder->output_dim()) +
                    "; the file is inconsistent, save the model again");
    if (clusterer->input_dim() != manifold->output_dim())
        N2D_FAIL(where + "the clusterer takes " + std::to_string(clusterer->input_dim()) +
                    " columns but the manifold stage produces " + std::to_string(manifold->output_dim()) +
                    "; the file is inconsistent, save the model again");
    // HDBSCAN chooses its own number of clusters; with n_clusters 0 the fit chose it in the range.
    const auto& ks = o.k_selection;
    if (auto_k && o.clusterer != ClustererKind::hdbscan &&
        (clusterer->n_clusters() < ks.min_k || clusterer->n_clusters() > ks.max_k))
        N2D_FAIL(where + "the clusterer has " + std::to_string(clusterer->n_clusters()) +
                    " clusters, outside the k range " + std::to_string(ks.min_k) + ".." + std::to_string(ks.max_k) +
                    " it was chosen from; the file is inconsistent, save the model again");
    if (!auto_k && o.clusterer != ClustererKind::hdbscan && clusterer->n_clusters() != o.n_clusters)
        N2D_FAIL(where + "the clusterer has " + std::to_string(clusterer->n_clusters()) +
                    " clusters but the options record " + std::to_string(o.n_clusters) +
                    "; the file is inconsistent, save the model again");

    // The clusterer goes in after construction: a user-given clusterer is refused with
    // n_clusters 0, but a loaded one is the fit that chose k.
    N2D model(std::move(o), std::move(embedder), std::move(manifold), nullptr);
    model.clusterer_ = std::move(clusterer);
    model.scaler_ = std::move(scaler);
    model.input_dim_ = static_cast<std::size_t>(prov.input_dim);
    model.provenance_ = std::move(prov);
    return model;
}

}  // namespace n2d
