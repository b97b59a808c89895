// C API: n2d_options — creation, checked setters and the generic key/value setter.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "n2d/capi/detail/capi.hpp"
#include "n2d/pipeline/options_text.hpp"

using namespace n2d::capi;

namespace {

void require_range(std::size_t v, std::size_t lo, std::size_t hi, const char* what) {
    if (v < lo || v > hi)
        throw StatusError(N2D_ERROR_INVALID_ARGUMENT, std::string(what) + " is " + std::to_string(v) +
                                                          "; use a value in " + std::to_string(lo) + ".." +
                                                          std::to_string(hi));
}

constexpr std::size_t kMax = std::size_t(1) << 40;  // far above any sensible size, below overflow

// Runs a setter body on non-null options; every setter's failure is an invalid argument.
template <class Body>
n2d_status set(const char* function, n2d_options* o, Body&& body) noexcept {
    return guard(function, N2D_ERROR_INVALID_ARGUMENT, [&] {
        require_ptr(o, "options");
        body(*o);
    });
}

// The pipeline's names (n2d::parse_clusterer_kind / parse_manifold_kind), as invalid-argument statuses.
n2d::ClustererKind parse_clusterer(const std::string& v) {
    try {
        return n2d::parse_clusterer_kind(v == "spectral" ? "sc" : v);
    } catch (const n2d::Error&) {
        throw StatusError(N2D_ERROR_INVALID_ARGUMENT, "cluster method '" + v + "' is unknown; use gmm, kmeans, sc, hdbscan or dec");
    }
}

n2d::ManifoldKind parse_manifold(const std::string& v) {
    try {
        return n2d::parse_manifold_kind(v);
    } catch (const n2d::Error&) {
        throw StatusError(N2D_ERROR_INVALID_ARGUMENT, "manifold '" + v + "' is unknown; use umap, tsne, isomap, lle or none");
    }
}

n2d::EmbedderKind parse_embedder(const std::string& v) {
    if (v == "autoencoder") return n2d::EmbedderKind::autoencoder;
    if (v == "none") return n2d::EmbedderKind::none;
    throw StatusError(N2D_ERROR_INVALID_ARGUMENT, "embedder '" + v + "' is unknown; use autoencoder or none");
}

// Digits only: strtoull takes " -1" as 2^64 - 1 and clamps an overflow to the maximum, silently.
std::size_t parse_size(const std::string& key, const std::string& v) {
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
        throw StatusError(N2D_ERROR_INVALID_ARGUMENT, "option '" + key + "' needs a non-negative integer, not '" + v + "'");
    errno = 0;
    const unsigned long long x = std::strtoull(v.c_str(), nullptr, 10);
    if (errno == ERANGE || x > SIZE_MAX)
        throw StatusError(N2D_ERROR_INVALID_ARGUMENT, "option '" + key + "' value '" + v + "' is too large");
    return static_cast<std::size_t>(x);
}

// Keys apply_options_text understands (it ignores others, so unknown keys are caught here).
constexpr const char* kTextKeys[] = {
    "ae.architecture", "ae.hidden_activation", "ae.epochs", "ae.batch_size", "ae.patience", "ae.optimizer",
    "scale", "ae.learning_rate", "umap.n_neighbors", "umap.min_dist", "umap.spread", "umap.metric", "umap.n_epochs",
    "gmm.covariance_type", "gmm.n_init", "gmm.max_iter", "gmm.tol", "gmm.reg_covar", "kmeans.n_init",
    "kmeans.max_iter", "hdbscan.min_cluster_size", "hdbscan.min_samples", "tsne.n_components", "tsne.perplexity",
    "tsne.early_exaggeration", "tsne.learning_rate", "tsne.n_iter", "tsne.angle", "isomap.n_components",
    "isomap.n_neighbors", "lle.n_components", "lle.n_neighbors", "lle.reg", "sc.affinity", "sc.n_neighbors", "sc.gamma",
    "sc.n_init", "k.min", "k.max", "k.criterion", "k.silhouette_sample", "finetune", "dec.alpha",
    "dec.update_interval", "dec.tol", "dec.max_iter", "dec.batch_size", "dec.gamma", "dec.optimizer",
    "dec.learning_rate", "dec.momentum"};

// The size-valued options with their ranges, shared by the typed setters and n2d_options_set.
struct SizeOption {
    const char* key;
    std::size_t lo, hi;
    void (*assign)(n2d_options&, std::size_t);
};
constexpr SizeOption kSizeOptions[] = {
    {"n_clusters", 0, kMax, [](n2d_options& o, std::size_t v) { o.options.n_clusters = v; }},  // 0 = choose k
    {"threads", 0, 4096, [](n2d_options& o, std::size_t v) { o.threads = v; }},
    {"ae.epochs", 1, kMax, [](n2d_options& o, std::size_t v) { o.options.autoencoder.epochs = v; }},
    {"ae.batch_size", 1, kMax, [](n2d_options& o, std::size_t v) { o.options.autoencoder.batch_size = v; }},
    {"ae.latent_dim", 1, kMax, [](n2d_options& o, std::size_t v) { o.options.autoencoder.latent_dim = v; }},
    {"umap.n_neighbors", 2, kMax, [](n2d_options& o, std::size_t v) { o.options.umap.n_neighbors = v; }},
    {"umap.n_components", 1, kMax, [](n2d_options& o, std::size_t v) { o.options.umap.n_components = v; }},
};

const SizeOption* find_size_option(const std::string& key) {
    for (const auto& s : kSizeOptions)
        if (key == s.key) return &s;
    return nullptr;
}

void set_size(n2d_options& o, const char* key, std::size_t v) {
    const SizeOption& s = *find_size_option(key);
    require_range(v, s.lo, s.hi, s.key);
    s.assign(o, v);
}

}  // namespace

extern "C" {

n2d_status n2d_options_create(n2d_options** out) {
    return guard("n2d_options_create", N2D_ERROR_INVALID_ARGUMENT, [&] {
        require_ptr(out, "out");
        *out = new n2d_options;
    });
}

void n2d_options_free(n2d_options* options) { delete options; }

n2d_status n2d_options_set_n_clusters(n2d_options* options, size_t n) {
    return set("n2d_options_set_n_clusters", options, [&](n2d_options& o) { set_size(o, "n_clusters", n); });
}

n2d_status n2d_options_set_seed(n2d_options* options, uint64_t seed) {
    return set("n2d_options_set_seed", options, [&](n2d_options& o) { o.options.seed = seed; });
}

n2d_status n2d_options_set_threads(n2d_options* options, size_t threads) {
    return set("n2d_options_set_threads", options, [&](n2d_options& o) { set_size(o, "threads", threads); });
}

n2d_status n2d_options_set_epochs(n2d_options* options, size_t epochs) {
    return set("n2d_options_set_epochs", options, [&](n2d_options& o) { set_size(o, "ae.epochs", epochs); });
}

n2d_status n2d_options_set_batch_size(n2d_options* options, size_t batch_size) {
    return set("n2d_options_set_batch_size", options, [&](n2d_options& o) { set_size(o, "ae.batch_size", batch_size); });
}

n2d_status n2d_options_set_latent_dim(n2d_options* options, size_t latent_dim) {
    return set("n2d_options_set_latent_dim", options, [&](n2d_options& o) { set_size(o, "ae.latent_dim", latent_dim); });
}

n2d_status n2d_options_set_umap_neighbors(n2d_options* options, size_t n_neighbors) {
    return set("n2d_options_set_umap_neighbors", options, [&](n2d_options& o) { set_size(o, "umap.n_neighbors", n_neighbors); });
}

n2d_status n2d_options_set_umap_min_dist(n2d_options* options, double min_dist) {
    return set("n2d_options_set_umap_min_dist", options, [&](n2d_options& o) {
        const double spread = o.options.umap.spread;
        if (!(min_dist >= 0 && min_dist <= spread))  // also refuses NaN
            throw StatusError(N2D_ERROR_INVALID_ARGUMENT, "umap min_dist " + std::to_string(min_dist) +
                                                              " is outside 0.." + std::to_string(spread) +
                                                              " (0 <= min_dist <= spread)");
        o.options.umap.min_dist = static_cast<float>(min_dist);
    });
}

n2d_status n2d_options_set_umap_dim(n2d_options* options, size_t n_components) {
    return set("n2d_options_set_umap_dim", options, [&](n2d_options& o) { set_size(o, "umap.n_components", n_components); });
}

n2d_status n2d_options_set_cluster_method(n2d_options* options, const char* method) {
    return set("n2d_options_set_cluster_method", options, [&](n2d_options& o) {
        require_ptr(method, "method");
        o.options.clusterer = parse_clusterer(method);
    });
}

n2d_status n2d_options_set_manifold(n2d_options* options, const char* manifold) {
    return set("n2d_options_set_manifold", options, [&](n2d_options& o) {
        require_ptr(manifold, "manifold");
        o.options.manifold = parse_manifold(manifold);
    });
}

n2d_status n2d_options_set_progress(n2d_options* options, n2d_progress_fn fn, void* user) {
    return set("n2d_options_set_progress", options, [&](n2d_options& o) {
        o.progress = fn;
        o.progress_user = user;
    });
}

n2d_status n2d_options_set(n2d_options* options, const char* key, const char* value) {
    return set("n2d_options_set", options, [&](n2d_options& o) {
        require_ptr(key, "key");
        require_ptr(value, "value");
        const std::string k = key, v = value;
        // Keys with a checked setter go through it, so both ways refuse the same values.
        if (k == "n_clusters" && v == "auto") return set_size(o, "n_clusters", 0);
        if (const SizeOption* so = find_size_option(k)) return set_size(o, so->key, parse_size(k, v));
        if (k == "seed") return void(o.options.seed = parse_size(k, v));
        if (k == "manifold") return void(o.options.manifold = parse_manifold(v));
        if (k == "clusterer") return void(o.options.clusterer = parse_clusterer(v));
        if (k == "embedder") return void(o.options.embedder = parse_embedder(v));
        if (k == "device") return void(o.options.device = v);
        bool known = false;
        for (const char* t : kTextKeys) known = known || k == t;
        if (!known)
            throw StatusError(N2D_ERROR_INVALID_ARGUMENT, "option '" + k + "' is unknown; n2d/n2d.h lists the keys");
        n2d::N2DOptions copy = o.options;  // all or nothing
        n2d::apply_options_text(copy, {{k, v}});
        o.options = std::move(copy);
    });
}

}  // extern "C"
