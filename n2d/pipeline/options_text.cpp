#include "n2d/pipeline/options_text.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

namespace {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string sizes(const std::vector<std::size_t>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(v[i]);
    }
    return s;
}

// Digits only: strtoull alone would take "-1" as 2^64 - 1 and clamp an overflow to the
// maximum, both silently.
std::size_t to_size(const std::string& key, const std::string& v) {
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
        N2D_FAIL("n2d: saved option '" + key + "' has the value '" + v + "'; it must be a non-negative integer");
    errno = 0;
    const unsigned long long x = std::strtoull(v.c_str(), nullptr, 10);
    if (errno == ERANGE || x > SIZE_MAX)
        N2D_FAIL("n2d: saved option '" + key + "' has the value '" + v + "', which is too large");
    return static_cast<std::size_t>(x);
}

double to_double(const std::string& key, const std::string& v) {
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || *end) N2D_FAIL("n2d: saved option '" + key + "' has the non-numeric value '" + v + "'");
    if (errno == ERANGE && std::isinf(x))
        N2D_FAIL("n2d: saved option '" + key + "' has the value '" + v + "', which is out of range");
    return x;
}

// A float option: a value beyond float's range would silently become infinity.
float to_float(const std::string& key, const std::string& v) {
    const double x = to_double(key, v);
    if (std::isfinite(x) && std::fabs(x) > double(std::numeric_limits<float>::max()))
        N2D_FAIL("n2d: saved option '" + key + "' has the value '" + v + "', which is out of range");
    return static_cast<float>(x);
}

std::vector<std::size_t> to_sizes(const std::string& key, const std::string& v) {
    std::vector<std::size_t> out;
    std::size_t start = 0;
    while (start < v.size()) {
        auto comma = v.find(',', start);
        if (comma == std::string::npos) comma = v.size();
        out.push_back(to_size(key, v.substr(start, comma - start)));
        start = comma + 1;
    }
    return out;
}

// "HxW": an image augmentation for that shape (DEC-DA's shift and rotation until the keys
// that follow it say otherwise).
ImageAugmentation parse_image_shape(const std::string& key, const std::string& v) {
    const auto x = v.find('x');
    if (x == std::string::npos)
        N2D_FAIL("n2d: saved option '" + key + "' has the value '" + v + "'; it must be an image shape HxW");
    return ImageAugmentation::images(to_size(key, v.substr(0, x)), to_size(key, v.substr(x + 1)));
}

SpectralAffinity parse_affinity(const std::string& key, const std::string& v) {
    if (v == "nearest_neighbors") return SpectralAffinity::nearest_neighbors;
    if (v == "rbf") return SpectralAffinity::rbf;
    N2D_FAIL("n2d: saved option '" + key + "' has the value '" + v + "'; it must be nearest_neighbors or rbf");
}

// The fine-tuning optimiser being restored, created on its first key.
OptimizerOptions& dec_optimizer_of(N2DOptions& o) {
    if (!o.dec.optimizer) o.dec.optimizer = OptimizerOptions{};
    return *o.dec.optimizer;
}

}  // namespace

OptionsText describe_options(const N2DOptions& o) {
    const N2DOptions r = resolved(o);  // the stage sizes as built
    OptionsText t;
    t.emplace_back("n_clusters", o.n_clusters ? std::to_string(o.n_clusters) : std::string("auto"));
    if (o.n_clusters == 0) {
        t.emplace_back("k.min", std::to_string(o.k_selection.min_k));
        t.emplace_back("k.max", std::to_string(o.k_selection.max_k));
        t.emplace_back("k.criterion", to_string(o.k_selection.criterion));
        t.emplace_back("k.silhouette_sample", std::to_string(o.k_selection.silhouette_sample));
    }
    t.emplace_back("seed", std::to_string(o.seed));
    t.emplace_back("embedder", to_string(o.embedder));
    t.emplace_back("manifold", to_string(o.manifold));
    t.emplace_back("clusterer", to_string(o.clusterer));
    if (o.scaling != Scaling::none) t.emplace_back("scale", to_string(o.scaling));  // none: as before scaling existed
    if (o.embedder == EmbedderKind::autoencoder) {
        const auto& a = o.autoencoder;
        t.emplace_back("ae.architecture", sizes(a.architecture));
        t.emplace_back("ae.latent_dim", std::to_string(r.autoencoder.latent_dim));
        t.emplace_back("ae.hidden_activation", to_string(a.hidden_activation));
        t.emplace_back("ae.epochs", std::to_string(a.epochs));
        t.emplace_back("ae.batch_size", std::to_string(a.batch_size));
        t.emplace_back("ae.patience", std::to_string(a.patience));
        t.emplace_back("ae.optimizer", to_string(a.optimizer.type));
        t.emplace_back("ae.learning_rate", num(a.optimizer.learning_rate));
        if (a.augmentation.enabled) {  // absent when off, as before augmentation existed
            t.emplace_back("ae.augment", std::to_string(a.augmentation.height) + "x" + std::to_string(a.augmentation.width));
            t.emplace_back("ae.augment_shift", num(a.augmentation.max_shift));
            t.emplace_back("ae.augment_rotation", num(a.augmentation.max_rotation));
        }
        if (!o.pretrained_weights.empty()) t.emplace_back("ae.pretrained_weights", o.pretrained_weights);
        if (!o.save_weights.empty()) t.emplace_back("ae.save_weights", o.save_weights);
    }
    if (o.manifold == ManifoldKind::umap) {
        const auto& u = o.umap;
        t.emplace_back("umap.n_components", std::to_string(r.umap.n_components));
        t.emplace_back("umap.n_neighbors", std::to_string(u.n_neighbors));
        t.emplace_back("umap.min_dist", num(u.min_dist));
        t.emplace_back("umap.spread", num(u.spread));
        t.emplace_back("umap.metric", to_string(u.metric));
        if (u.n_epochs) t.emplace_back("umap.n_epochs", std::to_string(*u.n_epochs));
    }
    if (o.manifold == ManifoldKind::tsne) {
        const auto& m = o.tsne;
        t.emplace_back("tsne.n_components", std::to_string(m.n_components));
        t.emplace_back("tsne.perplexity", num(m.perplexity));
        t.emplace_back("tsne.early_exaggeration", num(m.early_exaggeration));
        t.emplace_back("tsne.learning_rate", num(m.learning_rate));
        t.emplace_back("tsne.n_iter", std::to_string(m.n_iter));
        t.emplace_back("tsne.angle", num(m.angle));
    } else if (o.manifold == ManifoldKind::isomap) {
        t.emplace_back("isomap.n_components", std::to_string(r.isomap.n_components));
        t.emplace_back("isomap.n_neighbors", std::to_string(o.isomap.n_neighbors));
    } else if (o.manifold == ManifoldKind::lle) {
        const auto& m = o.lle;
        t.emplace_back("lle.n_components", std::to_string(r.lle.n_components));
        t.emplace_back("lle.n_neighbors", std::to_string(r.lle.n_neighbors));
        t.emplace_back("lle.reg", num(m.reg));
    }
    if (o.clusterer == ClustererKind::gmm) {
        t.emplace_back("gmm.covariance_type", to_string(o.gmm.covariance_type));
        t.emplace_back("gmm.n_init", std::to_string(o.gmm.n_init));
        t.emplace_back("gmm.max_iter", std::to_string(o.gmm.max_iter));
        t.emplace_back("gmm.tol", num(o.gmm.tol));
        t.emplace_back("gmm.reg_covar", num(o.gmm.reg_covar));
    } else if (o.clusterer == ClustererKind::kmeans) {
        t.emplace_back("kmeans.n_init", std::to_string(o.kmeans.n_init));
        t.emplace_back("kmeans.max_iter", std::to_string(o.kmeans.max_iter));
    } else if (o.clusterer == ClustererKind::spectral) {
        const auto& c = o.spectral;
        t.emplace_back("sc.affinity", c.affinity == SpectralAffinity::rbf ? "rbf" : "nearest_neighbors");
        t.emplace_back("sc.n_neighbors", std::to_string(c.n_neighbors));
        t.emplace_back("sc.gamma", num(c.gamma));
        t.emplace_back("sc.n_init", std::to_string(c.n_init));
    } else if (o.clusterer == ClustererKind::hdbscan) {
        t.emplace_back("hdbscan.min_cluster_size", std::to_string(o.hdbscan.min_cluster_size));
        t.emplace_back("hdbscan.min_samples", std::to_string(o.hdbscan.min_samples));
    }
    if (o.finetune != FinetuneKind::none) {  // none: no keys, as before fine-tuning existed
        const auto& d = o.dec;
        t.emplace_back("finetune", to_string(o.finetune));
        t.emplace_back("dec.alpha", num(d.alpha));
        t.emplace_back("dec.update_interval", std::to_string(d.update_interval));
        t.emplace_back("dec.tol", num(d.tol));
        t.emplace_back("dec.max_iter", std::to_string(d.max_iter));
        t.emplace_back("dec.batch_size", std::to_string(d.batch_size));
        if (o.finetune == FinetuneKind::idec) t.emplace_back("dec.gamma", num(d.gamma));
        if (d.optimizer) {  // unset: the mode's default (dec_optimizer)
            t.emplace_back("dec.optimizer", to_string(d.optimizer->type));
            t.emplace_back("dec.learning_rate", num(d.optimizer->learning_rate));
            t.emplace_back("dec.momentum", num(d.optimizer->momentum));
        }
    }
    return t;
}

void apply_options_text(N2DOptions& o, const OptionsText& text) {
    for (const auto& [key, v] : text) {
        if (key == "scale") o.scaling = parse_scaling(v);
        else if (key == "ae.architecture") o.autoencoder.architecture = to_sizes(key, v);
        else if (key == "ae.hidden_activation") o.autoencoder.hidden_activation = parse_activation(v);
        else if (key == "ae.epochs") o.autoencoder.epochs = to_size(key, v);
        else if (key == "ae.batch_size") o.autoencoder.batch_size = to_size(key, v);
        else if (key == "ae.patience") o.autoencoder.patience = to_size(key, v);
        else if (key == "ae.optimizer") o.autoencoder.optimizer.type = parse_optimizer(v);
        else if (key == "ae.learning_rate") o.autoencoder.optimizer.learning_rate = to_double(key, v);
        else if (key == "ae.augment") o.autoencoder.augmentation = parse_image_shape(key, v);
        else if (key == "ae.augment_shift") o.autoencoder.augmentation.max_shift = to_double(key, v);
        else if (key == "ae.augment_rotation") o.autoencoder.augmentation.max_rotation = to_double(key, v);
        else if (key == "ae.pretrained_weights") o.pretrained_weights = v;
        else if (key == "ae.save_weights") o.save_weights = v;
        else if (key == "umap.n_neighbors") o.umap.n_neighbors = to_size(key, v);
        else if (key == "umap.min_dist") o.umap.min_dist = to_float(key, v);
        else if (key == "umap.spread") o.umap.spread = to_float(key, v);
        else if (key == "umap.metric") o.umap.metric = parse_metric(v);
        else if (key == "umap.n_epochs") o.umap.n_epochs = to_size(key, v);
        else if (key == "gmm.covariance_type") o.gmm.covariance_type = parse_covariance_type(v);
        else if (key == "gmm.n_init") o.gmm.n_init = to_size(key, v);
        else if (key == "gmm.max_iter") o.gmm.max_iter = to_size(key, v);
        else if (key == "gmm.tol") o.gmm.tol = to_double(key, v);
        else if (key == "gmm.reg_covar") o.gmm.reg_covar = to_double(key, v);
        else if (key == "kmeans.n_init") o.kmeans.n_init = to_size(key, v);
        else if (key == "kmeans.max_iter") o.kmeans.max_iter = to_size(key, v);
        else if (key == "hdbscan.min_cluster_size") o.hdbscan.min_cluster_size = to_size(key, v);
        else if (key == "hdbscan.min_samples") o.hdbscan.min_samples = to_size(key, v);
        else if (key == "tsne.n_components") o.tsne.n_components = to_size(key, v);
        else if (key == "tsne.perplexity") o.tsne.perplexity = to_double(key, v);
        else if (key == "tsne.early_exaggeration") o.tsne.early_exaggeration = to_double(key, v);
        else if (key == "tsne.learning_rate") o.tsne.learning_rate = to_double(key, v);
        else if (key == "tsne.n_iter") o.tsne.n_iter = to_size(key, v);
        else if (key == "tsne.angle") o.tsne.angle = to_double(key, v);
        else if (key == "isomap.n_components") o.isomap.n_components = to_size(key, v);
        else if (key == "isomap.n_neighbors") o.isomap.n_neighbors = to_size(key, v);
        else if (key == "lle.n_components") o.lle.n_components = to_size(key, v);
        else if (key == "lle.n_neighbors") o.lle.n_neighbors = to_size(key, v);
        else if (key == "lle.reg") o.lle.reg = to_double(key, v);
        else if (key == "sc.affinity") o.spectral.affinity = parse_affinity(key, v);
        else if (key == "sc.n_neighbors") o.spectral.n_neighbors = to_size(key, v);
        else if (key == "sc.gamma") o.spectral.gamma = to_double(key, v);
        else if (key == "sc.n_init") o.spectral.n_init = to_size(key, v);
        else if (key == "k.min") o.k_selection.min_k = to_size(key, v);
        else if (key == "k.max") o.k_selection.max_k = to_size(key, v);
        else if (key == "k.criterion") o.k_selection.criterion = parse_k_criterion(v);
        else if (key == "finetune") o.finetune = parse_finetune_kind(v);
        else if (key == "dec.alpha") o.dec.alpha = to_double(key, v);
        else if (key == "dec.update_interval") o.dec.update_interval = to_size(key, v);
        else if (key == "dec.tol") o.dec.tol = to_double(key, v);
        else if (key == "dec.max_iter") o.dec.max_iter = to_size(key, v);
        else if (key == "dec.batch_size") o.dec.batch_size = to_size(key, v);
        else if (key == "dec.gamma") o.dec.gamma = to_double(key, v);
        else if (key == "dec.optimizer") dec_optimizer_of(o).type = parse_optimizer(v);
        else if (key == "dec.learning_rate") dec_optimizer_of(o).learning_rate = to_double(key, v);
        else if (key == "dec.momentum") dec_optimizer_of(o).momentum = to_double(key, v);
        else if (key == "k.silhouette_sample") o.k_selection.silhouette_sample = to_size(key, v);
    }
}

}  // namespace n2d
