#include "n2d/cli/fit_options.hpp"

#include <filesystem>
#include <string>
#include <utility>


namespace n2d::inline v0::cli {

namespace {

// The weights file: as given, else under weights/ where the paper's --ae_weights looks.
std::string weights_path(const Args& a) {
    std::string path = a.get_string("--weights", "");
    if (path.empty() || std::filesystem::exists(path)) return path;
    const auto in_weights = std::filesystem::path("weights") / path;
    return std::filesystem::exists(in_weights) ? in_weights.string() : path;
}

// --k-range MIN:MAX and --k-criterion, which only --clusters auto uses.
KSelectionOptions k_selection_from(const Args& a, bool auto_k) {
    KSelectionOptions ks;
    if (!auto_k) {
        if (a.has("--k-range") || a.has("--k-criterion"))
            throw UsageError("n2d fit: --k-range and --k-criterion need --clusters auto");
        return ks;
    }
    if (auto range = a.value("--k-range")) {
        const auto colon = range->find(':');
        const auto digits = [](const std::string& t) {
            return !t.empty() && t.size() < 8 && t.find_first_not_of("0123456789") == std::string::npos;
        };
        const std::string lo = colon == std::string::npos ? "" : range->substr(0, colon);
        const std::string hi = colon == std::string::npos ? "" : range->substr(colon + 1);
        if (!digits(lo) || !digits(hi))
            throw UsageError("n2d fit: option '--k-range' is '" + *range + "'; write it MIN:MAX, e.g. 2:30");
        ks.min_k = std::stoul(lo);
        ks.max_k = std::stoul(hi);
        if (ks.min_k < 2) throw UsageError("n2d fit: --k-range " + *range + " starts below 2; the smallest k to choose is 2");
        if (ks.min_k > ks.max_k) throw UsageError("n2d fit: --k-range " + *range + " is empty (MIN > MAX); write MIN:MAX");
    }
    ks.criterion = parse_k_criterion(a.get_choice("--k-criterion", "silhouette", {"silhouette", "bic"}));
    return ks;
}

// --finetune and its settings; --cluster dec implies --finetune dec and --manifold none.
void finetune_from(const Args& a, N2DOptions& o) {
    const bool dec_layer = o.clusterer == ClustererKind::dec;
    o.finetune = parse_finetune_kind(a.get_choice("--finetune", dec_layer ? "dec" : "none", {"none", "dec", "idec"}));
    if (dec_layer) {
        if (o.finetune == FinetuneKind::none)
            throw UsageError("n2d fit: --cluster dec labels with the fine-tuned clustering layer; use --finetune dec or "
                             "idec (or leave --finetune out)");
        if (a.has("--manifold") && a.get_string("--manifold", "") != "none")
            throw UsageError("n2d fit: --cluster dec clusters the codes directly; drop " + a.spelling("--manifold") +
                             " (or use --manifold none)");
        o.manifold = ManifoldKind::none;
    }
    const bool settings = a.has("--dec-max-iter") || a.has("--dec-update-interval") || a.has("--dec-tol") || a.has("--dec-gamma");
    if (o.finetune == FinetuneKind::none && settings)
        throw UsageError("n2d fit: --dec-max-iter, --dec-update-interval, --dec-tol and --dec-gamma need --finetune dec|idec");
    if (o.finetune != FinetuneKind::idec && a.has("--dec-gamma"))
        throw UsageError("n2d fit: --dec-gamma weighs IDEC's clustering loss; it needs --finetune idec");
    if (o.finetune != FinetuneKind::none && o.embedder != EmbedderKind::autoencoder)
        throw UsageError("n2d fit: --finetune fine-tunes the autoencoder; it needs --embedder ae");
    o.dec.max_iter = a.get_uint("--dec-max-iter", o.dec.max_iter, 0, 100000000);
    o.dec.update_interval = a.get_uint("--dec-update-interval", o.dec.update_interval, 1, 100000000);
    o.dec.tol = a.get_double("--dec-tol", o.dec.tol, 0.0, 1.0);
    o.dec.gamma = a.get_double("--dec-gamma", o.dec.gamma, 0.0, 1e6);
}

// --image-shape HxW: positive sides of at most 5 digits.
std::pair<std::size_t, std::size_t> parse_image_shape(const std::string& text) {
    const auto x = text.find_first_of("xX");
    const auto side = [](const std::string& t) {
        return !t.empty() && t.size() <= 5 && t.find_first_not_of("0123456789") == std::string::npos && std::stoul(t) > 0;
    };
    const std::string h = x == std::string::npos ? "" : text.substr(0, x);
    const std::string w = x == std::string::npos ? "" : text.substr(x + 1);
    if (!side(h) || !side(w))
        throw UsageError("n2d fit: option '--image-shape' is '" + text + "'; write it HxW, e.g. 28x28");
    return {std::stoul(h), std::stoul(w)};
}

// --augment and its knobs: the images' shape from --image-shape, else the named dataset's.
ImageAugmentation augmentation_from(const Args& a, const Dataset& data) {
    const std::string& name = a.positionals()[0];
    if (!a.has("--augment")) {
        for (const char* flag : {"--image-shape", "--augment-shift", "--augment-rotate"})
            if (a.has(flag)) throw UsageError(std::string("n2d fit: ") + flag + " needs --augment");
        return {};
    }
    std::pair<std::size_t, std::size_t> shape;
    if (auto text = a.value("--image-shape")) shape = parse_image_shape(*text);
    else if (auto known = known_image_shape(name)) shape = *known;
    else
        throw UsageError("n2d fit: --augment needs the shape of the images, which is not known for '" + name + "' (" +
                         std::to_string(data.x.cols()) + " columns); pass --image-shape HxW (e.g. 28x28 for " +
                         "784 columns), or drop --augment for data that are not images");
    const auto [h, w] = shape;
    if (h * w != data.x.cols())
        throw UsageError("n2d fit: --image-shape " + std::to_string(h) + "x" + std::to_string(w) + " has " +
                         std::to_string(h * w) + " pixels but '" + name + "' has " + std::to_string(data.x.cols()) +
                         " columns; give the shape of the images its rows hold (one channel, row-major)");
    ImageAugmentation aug = ImageAugmentation::images(h, w);
    aug.max_shift = a.get_double("--augment-shift", aug.max_shift, 0.0, 0.5);
    aug.max_rotation = a.get_double("--augment-rotate", aug.max_rotation, 0.0, 180.0);
    return aug;
}

}  // namespace

std::optional<std::pair<std::size_t, std::size_t>> known_image_shape(const std::string& data) {
    if (data == "mnist" || data == "mnist-test" || data == "fashion") return std::pair<std::size_t, std::size_t>{28, 28};
    if (data == "usps") return std::pair<std::size_t, std::size_t>{16, 16};
    return std::nullopt;
}

Scaling default_scaling(const std::string& data, bool pretrained_weights) {
    return is_named_dataset(data) || pretrained_weights ? Scaling::none : kFileScaling;
}

N2DOptions options_from(const Args& a, const Dataset& data, std::size_t k) {
    N2DOptions o;
    o.n_clusters = k;
    const std::string& name = a.positionals()[0];
    // Augmentation moves pixels between columns, so the columns keep their common scale.
    const bool augment = a.has("--augment");
    const Scaling scaling = augment ? Scaling::none : default_scaling(name, a.has("--weights"));
    o.scaling = parse_scaling(a.get_choice("--scale", to_string(scaling), {"none", "minmax", "standard"}));
    if (augment && o.scaling != Scaling::none)
        throw UsageError("n2d fit: --augment moves pixels between columns, but --scale " +
                         std::string(to_string(o.scaling)) + " scales each column on its own; drop --scale (with "
                         "--augment the data is used as it is: bring the images into one range, e.g. [0, 1], beforehand)");
    o.embedder = a.get_choice("--embedder", "ae", {"ae", "none"}) == "ae" ? EmbedderKind::autoencoder : EmbedderKind::none;
    o.manifold = parse_manifold_kind(a.get_choice("--manifold", "umap", {"umap", "tsne", "isomap", "lle", "none"}));
    o.clusterer = parse_clusterer_kind(a.get_choice("--cluster", "gmm", {"gmm", "kmeans", "sc", "hdbscan", "dec"}));
    finetune_from(a, o);
    if (o.clusterer != ClustererKind::hdbscan && (a.has("--min-cluster-size") || a.has("--min-samples")))
        throw UsageError("n2d fit: --min-cluster-size and --min-samples need --cluster hdbscan");
    if (o.clusterer != ClustererKind::spectral && a.has("--sc-neighbors"))
        throw UsageError("n2d fit: --sc-neighbors needs --cluster sc");
    o.hdbscan.min_cluster_size = a.get_uint("--min-cluster-size", 5, 2, std::size_t(1) << 32);
    o.hdbscan.min_samples = a.get_uint("--min-samples", 0, 1, std::size_t(1) << 32);
    o.spectral.n_neighbors = a.get_uint("--sc-neighbors", o.spectral.n_neighbors, 1, 1 << 16);
    auto& ae = o.autoencoder;
    ae.epochs = a.get_uint("--epochs", data.name == "synthetic" ? kSyntheticEpochs : kPaperEpochs, 1, 1000000);
    ae.batch_size = a.get_uint("--batch-size", 256, 1, 1 << 24);
    ae.architecture = a.get_size_list("--architecture", ae.architecture);
    ae.patience = a.get_uint("--patience", 0, 0, 1000000);
    ae.augmentation = augmentation_from(a, data);
    if (a.has("--latent-dim")) o.autoencoder.latent_dim = a.get_uint("--latent-dim", 0, 1, 1 << 16);
    if (a.has("--manifold-dim")) {
        const std::size_t dim = a.get_uint("--manifold-dim", 0, 1, 1 << 16);
        o.umap.n_components = o.isomap.n_components = o.lle.n_components = o.tsne.n_components = dim;
    }
    o.umap.n_neighbors = a.get_uint("--umap-neighbors", 20, 2, 1 << 16);
    o.umap.min_dist = static_cast<float>(a.get_double("--umap-min-dist", 0.0, 0.0, 1.0));
    o.umap.metric = parse_metric(a.get_choice("--umap-metric", "euclidean",
                                              {"euclidean", "cosine", "correlation", "manhattan", "chebyshev"}));
    o.tsne.perplexity = a.get_double("--tsne-perplexity", o.tsne.perplexity, 1e-3, 1e6);
    o.tsne.n_iter = a.get_uint("--tsne-iterations", o.tsne.n_iter, 250, 1000000);
    o.isomap.n_neighbors = a.get_uint("--isomap-neighbors", o.isomap.n_neighbors, 1, 1 << 16);
    if (a.has("--lle-neighbors")) o.lle.n_neighbors = a.get_uint("--lle-neighbors", 0, 1, 1 << 16);
    o.gmm.n_init = a.get_uint("--gmm-n-init", o.gmm.n_init, 1, 10000);
    o.gmm.covariance_type = parse_covariance_type(a.get_choice("--gmm-covariance", "full", {"full", "tied", "diag", "spherical"}));
    o.k_selection = k_selection_from(a, o.n_clusters == 0);
    o.seed = a.get_uint("--seed", 0);
    o.device = a.get_string("--device", "cpu");
    o.pretrained_weights = weights_path(a);
    o.save_weights = a.get_string("--save-weights", "");
    o.resume_checkpoint = a.get_string("--resume", "");
    ae.checkpoint_path = a.get_string("--checkpoint", o.resume_checkpoint);
    ae.checkpoint_every = a.get_uint("--checkpoint-every", ae.checkpoint_every, 1, 1000000);
    const bool checkpoint_flags = a.has("--checkpoint") || a.has("--resume") || a.has("--checkpoint-every");
    if (o.embedder == EmbedderKind::none &&
        (a.has("--weights") || a.has("--save-weights") || a.has("--latent-dim") || checkpoint_flags))
        throw UsageError("n2d fit: --weights, --save-weights, --latent-dim, --checkpoint and --resume need --embedder ae");
    if (a.has("--augment") && o.embedder == EmbedderKind::none)
        throw UsageError("n2d fit: --augment augments the autoencoder's training; it needs --embedder ae");
    if (a.has("--augment") && !o.pretrained_weights.empty())
        throw UsageError("n2d fit: --weights uses pretrained weights without training, so nothing is augmented; drop "
                         "--augment");
    if (a.has("--weights") && checkpoint_flags)
        throw UsageError("n2d fit: --weights uses pretrained weights without training; drop --checkpoint/--resume");
    if (a.has("--checkpoint-every") && ae.checkpoint_path.empty())
        throw UsageError("n2d fit: --checkpoint-every needs --checkpoint FILE (or --resume FILE)");
    if (o.manifold == ManifoldKind::none && a.has("--manifold-dim"))
        throw UsageError("n2d fit: " + a.spelling("--manifold-dim") + " needs a manifold learner (--manifold umap, tsne, "
                         "isomap or lle)");
    const std::pair<const char*, ManifoldKind> learner_flags[] = {{"--tsne-perplexity", ManifoldKind::tsne},
                                                                 {"--tsne-iterations", ManifoldKind::tsne},
                                                                 {"--isomap-neighbors", ManifoldKind::isomap},
                                                                 {"--lle-neighbors", ManifoldKind::lle}};
    for (const auto& [flag, kind] : learner_flags)
        if (a.has(flag) && o.manifold != kind && !a.has("--eval-all"))
            throw UsageError(std::string("n2d fit: ") + flag + " needs --manifold " + to_string(kind) +
                             " (or --eval-all, whose ablation runs every learner)");
    return o;
}

}  // namespace n2d
