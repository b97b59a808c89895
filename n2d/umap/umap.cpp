#include "n2d/umap/umap.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "n2d/core/detail/timing.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/umap/detail/find_ab.hpp"
#include "n2d/umap/detail/optimize_layout.hpp"
#include "n2d/umap/detail/spectral_init.hpp"

namespace n2d::inline v0 {

namespace {

using Clock = std::chrono::steady_clock;

// umap-learn jitters a user init that has duplicate rows: normal noise with standard deviation
// 0.001 × the mean distance to the nearest other row (estimated on up to 1000 rows here).
void jitter_duplicates(Matrix& layout, std::uint64_t seed) {
    const std::size_t n = layout.rows(), dim = layout.cols();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    auto less = [&](std::size_t p, std::size_t q) {
        return std::lexicographical_compare(layout.row(p), layout.row(p) + dim, layout.row(q), layout.row(q) + dim);
    };
    std::sort(order.begin(), order.end(), less);
    bool duplicates = false;
    for (std::size_t i = 1; i < n && !duplicates; ++i)
        duplicates = std::equal(layout.row(order[i]), layout.row(order[i]) + dim, layout.row(order[i - 1]));
    if (!duplicates) return;
    const std::size_t sample = std::min<std::size_t>(n, 1000);
    double total = 0.0;
    std::size_t counted = 0;
    for (std::size_t i = 0; i < sample; ++i) {
        double nearest = std::numeric_limits<double>::infinity();
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i) continue;
            double d2 = 0.0;
            for (std::size_t c = 0; c < dim; ++c) {
                const double t = layout(i, c) - layout(j, c);
                d2 += t * t;
            }
            nearest = std::min(nearest, d2);
        }
        if (std::isfinite(nearest)) {
            total += std::sqrt(nearest);
            ++counted;
        }
    }
    double sd = counted ? 0.001 * total / static_cast<double>(counted) : 0.0;
    if (!(sd > 0.0)) {  // every row identical: jitter relative to the coordinates' scale instead
        double scale = 1.0;
        for (std::size_t i = 0; i < layout.size(); ++i) scale = std::max(scale, std::fabs(double(layout.data()[i])));
        sd = 1e-4 * scale;
    }
    Rng rng(seed, 0x4A697474ull);
    for (std::size_t i = 0; i < layout.size(); ++i) layout.data()[i] += static_cast<float>(rng.normal(0.0, sd));
}

}  // namespace

Umap::Umap(UmapOptions options) : options_(std::move(options)) { validate(); }

void Umap::validate() const {
    const UmapOptions& o = options_;
    N2D_REQUIRE(o.n_neighbors >= 2, "UMAP n_neighbors is " + std::to_string(o.n_neighbors) + "; it must be >= 2");
    N2D_REQUIRE(o.n_components >= 1, "UMAP n_components must be >= 1");
    N2D_REQUIRE(std::isfinite(o.spread) && o.spread > 0.0f, "UMAP spread " + std::to_string(o.spread) + " must be > 0");
    N2D_REQUIRE(std::isfinite(o.min_dist) && o.min_dist >= 0.0f,
                "UMAP min_dist " + std::to_string(o.min_dist) + " must be >= 0");
    N2D_REQUIRE(o.min_dist <= o.spread, "UMAP min_dist " + std::to_string(o.min_dist) + " is larger than spread " +
                                            std::to_string(o.spread) + "; choose min_dist <= spread");
    N2D_REQUIRE(o.set_op_mix_ratio >= 0.0f && o.set_op_mix_ratio <= 1.0f,
                "UMAP set_op_mix_ratio " + std::to_string(o.set_op_mix_ratio) + " must be in [0, 1]");
    N2D_REQUIRE(std::isfinite(o.local_connectivity) && o.local_connectivity >= 0.0f,
                "UMAP local_connectivity " + std::to_string(o.local_connectivity) + " must be >= 0");
    N2D_REQUIRE(std::isfinite(o.learning_rate) && o.learning_rate >= 0.0f,
                "UMAP learning_rate " + std::to_string(o.learning_rate) + " must be >= 0");
    // Upper bounds far beyond any useful value, so a corrupt model file cannot make fit or
    // transform run for years (fuzz_model found a stored n_epochs of 7.5e14).
    N2D_REQUIRE(std::isfinite(o.negative_sample_rate) && o.negative_sample_rate >= 0.0f &&
                    o.negative_sample_rate <= 1000.0f,
                "UMAP negative_sample_rate " + std::to_string(o.negative_sample_rate) + " must be in [0, 1000]");
    N2D_REQUIRE(!o.n_epochs || *o.n_epochs <= 1000000,
                "UMAP n_epochs " + std::to_string(o.n_epochs.value_or(0)) + " must be at most 1000000");
    N2D_REQUIRE(std::isfinite(o.repulsion_strength) && o.repulsion_strength >= 0.0f,
                "UMAP repulsion_strength " + std::to_string(o.repulsion_strength) + " must be >= 0");
    N2D_REQUIRE(!o.a.has_value() || (std::isfinite(*o.a) && *o.a > 0.0f), "UMAP a must be positive");
    N2D_REQUIRE(!o.b.has_value() || (std::isfinite(*o.b) && *o.b > 0.0f), "UMAP b must be positive");
    N2D_REQUIRE(o.transform_epsilon >= 0.0f, "UMAP transform_epsilon must be >= 0");
    N2D_REQUIRE(o.sgd_blocks >= 2 && o.sgd_blocks % 2 == 0 && o.sgd_blocks <= 4096,
                "UMAP sgd_blocks " + std::to_string(o.sgd_blocks) + " must be an even number in [2, 4096]");
}

Matrix Umap::initial_layout(ConstMatrixView x, const SparseGraph& pruned) {
    const std::size_t n = x.rows, dim = options_.n_components;
    Matrix layout;
    spectral_converged_ = true;
    switch (options_.init) {
        case UmapInit::spectral: {
            SpectralOptions so;
            so.n_components = dim;
            so.seed = derive_seed(options_.seed, 0x5370656Full);
            so.data = x;
            so.metric = options_.metric;
            so.minkowski_p = options_.minkowski_p;
            layout = spectral_layout(pruned, so, options_.pool, &spectral_converged_);
            noisy_scale(layout, derive_seed(options_.seed, 0x4E6F6973ull));
            break;
        }
        case UmapInit::random:
            layout = random_layout(n, dim, derive_seed(options_.seed, 0x52616E64ull));
            break;
        case UmapInit::user:
            require_shape(options_.init_embedding.view(), n, dim, "UMAP init_embedding");
            require_finite(options_.init_embedding, "UMAP init_embedding");
            layout = options_.init_embedding;
            jitter_duplicates(layout, options_.seed);
            break;
    }
    rescale_to_box(layout);
    return layout;
}

Umap& Umap::fit(ConstMatrixView x) {
    // Fitted aside and moved in on success, so a cancelled or failed fit leaves *this intact.
    Umap next(options_);
    next.fit_fresh(x);
    *this = std::move(next);
    return *this;
}

void Umap::fit_fresh(ConstMatrixView x) {
    validate();
    N2D_REQUIRE(x.rows >= 1 && x.cols >= 1, "UMAP input is empty (" + std::to_string(x.rows) + " x " +
                                                std::to_string(x.cols) + "); pass at least one row and column");
    require_finite(x, "UMAP input");
    timings_ = {};
    graph_ = {};
    const std::size_t n = x.rows, dim = options_.n_components;
    if (options_.a && options_.b) {
        a_ = *options_.a;
        b_ = *options_.b;
    } else {
        const CurveParams ab = find_ab_params(options_.spread, options_.min_dist);
        a_ = ab.a;
        b_ = ab.b;
    }
    // umap-learn: with n <= n_neighbors use n - 1 neighbours (the point itself included).
    k_ = n <= options_.n_neighbors ? std::max<std::size_t>(n - 1, 1) : options_.n_neighbors;

    auto t = Clock::now();
    KnnOptions ko;
    ko.n_neighbors = k_;
    ko.metric = options_.metric;
    ko.minkowski_p = options_.minkowski_p;
    ko.method = options_.knn_method;
    ko.include_self = true;
    ko.seed = derive_seed(options_.seed, 0x4B6E6Eull);
    ko.progress = options_.progress;
    ko.pool = options_.pool;
    ko.device = options_.device;
    index_ = KnnIndex::build(x, ko);
    timings_.knn = seconds_since(t);

    if (n == 1) {  // umap-learn: a single point embeds at the origin
        embedding_ = Matrix(1, dim);
        n_epochs_used_ = 0;
        return;
    }

    t = Clock::now();
    const KnnGraph& knn = index_.graph();
    SmoothKnnOptions so;
    so.n_neighbors = static_cast<float>(k_);
    so.local_connectivity = options_.local_connectivity;
    graph_ = fuzzy_simplicial_set(knn.indices.data(), knn.distances.data(), n, knn.k, so, options_.set_op_mix_ratio,
                                  options_.pool);
    const std::size_t default_epochs = n <= 10000 ? 500 : 200;
    n_epochs_used_ = options_.n_epochs.value_or(default_epochs);
    const float top = max_weight(graph_);
    const std::size_t prune_epochs = n_epochs_used_ > 10 ? n_epochs_used_ : default_epochs;
    const float prune_below = top / static_cast<float>(prune_epochs);
    SparseGraph pruned = prune_edges(graph_, prune_below);
    timings_.fuzzy_set = seconds_since(t);

    t = Clock::now();
    embedding_ = initial_layout(x, pruned);
    timings_.init = seconds_since(t);

    t = Clock::now();
    LayoutParams lp;
    lp.a = a_;
    lp.b = b_;
    lp.repulsion_strength = options_.repulsion_strength;
    lp.learning_rate = options_.learning_rate;
    lp.negative_sample_rate = options_.negative_sample_rate;
    lp.n_epochs = n_epochs_used_;
    lp.sgd_blocks = options_.sgd_blocks;
    // The pruned graph only serves the initialisation: freed before the SGD's edges (the same
    // edges, taken from graph_ with the same threshold) are laid out.
    pruned = SparseGraph();
    LayoutEdges edges = layout_edges(graph_, lp, prune_below);
    optimize_edges(embedding_, edges, lp, derive_seed(options_.seed, 0x53474400ull), options_.progress,
                   options_.pool, options_.device);
    timings_.optimize = seconds_since(t);
}

Matrix Umap::fit_transform(ConstMatrixView x) {
    fit(x);
    return embedding_;
}

namespace {
constexpr std::uint32_t kUmapMagic = 0x50414D55;  // "UMAP"
constexpr std::uint32_t kUmapVersion = 1;
}  // namespace

void Umap::save(ByteWriter& out) const {
    N2D_REQUIRE(fitted(), "Umap::save: the model is not fitted; call fit() first");
    const UmapOptions& o = options_;
    out.put(kUmapMagic);
    out.put(kUmapVersion);
    out.put<std::uint64_t>(o.n_neighbors);
    out.put<std::uint64_t>(o.n_components);
    out.put(o.min_dist);
    out.put(o.spread);
    out.put<std::int32_t>(static_cast<std::int32_t>(o.metric));
    out.put(o.minkowski_p);
    out.put<std::int32_t>(static_cast<std::int32_t>(o.init));
    out.put(o.local_connectivity);
    out.put(o.set_op_mix_ratio);
    out.put(o.negative_sample_rate);
    out.put(o.repulsion_strength);
    out.put(o.learning_rate);
    out.put<std::uint8_t>(o.n_epochs.has_value());
    out.put<std::uint64_t>(o.n_epochs.value_or(0));
    out.put<std::uint8_t>(o.a.has_value() && o.b.has_value());
    out.put(o.seed);
    out.put(o.transform_seed);
    out.put<std::int32_t>(static_cast<std::int32_t>(o.knn_method));
    out.put(o.transform_epsilon);
    out.put<std::uint64_t>(o.sgd_blocks);
    out.put(a_);
    out.put(b_);
    out.put<std::uint64_t>(k_);
    out.put<std::uint64_t>(n_epochs_used_);
    out.put<std::uint64_t>(embedding_.rows());
    out.put<std::uint64_t>(embedding_.cols());
    out.put_array(embedding_.data(), embedding_.size());
    index_.save(out);
}

Umap Umap::load(ByteReader& in) {
    in.expect(in.get<std::uint32_t>() == kUmapMagic, "not a UMAP model (bad magic)");
    const auto version = in.get<std::uint32_t>();
    in.expect(version == kUmapVersion, "UMAP model version " + std::to_string(version) + " is not supported");
    UmapOptions o;
    o.n_neighbors = in.get<std::uint64_t>();
    o.n_components = in.get<std::uint64_t>();
    o.min_dist = in.get<float>();
    o.spread = in.get<float>();
    const auto metric = in.get<std::int32_t>();
    in.expect(metric >= 0 && metric <= static_cast<std::int32_t>(Metric::minkowski), "invalid UMAP metric");
    o.metric = static_cast<Metric>(metric);
    o.minkowski_p = in.get<float>();
    const auto init = in.get<std::int32_t>();
    in.expect(init >= 0 && init <= static_cast<std::int32_t>(UmapInit::user), "invalid UMAP init");
    o.init = static_cast<UmapInit>(init);
    o.local_connectivity = in.get<float>();
    o.set_op_mix_ratio = in.get<float>();
    o.negative_sample_rate = in.get<float>();
    o.repulsion_strength = in.get<float>();
    o.learning_rate = in.get<float>();
    const bool has_epochs = in.get<std::uint8_t>() != 0;
    const auto epochs = in.get<std::uint64_t>();
    if (has_epochs) o.n_epochs = static_cast<std::size_t>(epochs);
    const bool has_ab = in.get<std::uint8_t>() != 0;
    o.seed = in.get<std::uint64_t>();
    o.transform_seed = in.get<std::uint64_t>();
    const auto method = in.get<std::int32_t>();
    in.expect(method >= 0 && method <= static_cast<std::int32_t>(KnnMethod::nn_descent), "invalid UMAP kNN method");
    o.knn_method = static_cast<KnnMethod>(method);
    o.transform_epsilon = in.get<float>();
    o.sgd_blocks = static_cast<std::size_t>(in.get<std::uint64_t>());
    const double a = in.get<double>(), b = in.get<double>();
    if (has_ab) {
        o.a = static_cast<float>(a);
        o.b = static_cast<float>(b);
    }
    if (o.init == UmapInit::user) o.init = UmapInit::spectral;  // the user layout is not stored
    Umap u;
    try {
        u = Umap(std::move(o));
    } catch (const Error& e) {
        in.fail(std::string("invalid UMAP options (") + e.what() + ")");
    }
    u.a_ = a;
    u.b_ = b;
    in.expect(std::isfinite(a) && std::isfinite(b) && a > 0 && b > 0, "invalid UMAP curve parameters");
    u.k_ = in.get<std::uint64_t>();
    u.n_epochs_used_ = in.get<std::uint64_t>();
    const auto rows = in.get<std::uint64_t>(), cols = in.get<std::uint64_t>();
    in.expect(cols >= 1 && cols == u.options_.n_components && rows >= 1 && rows <= (std::uint64_t(1) << 34),
              "UMAP embedding shape does not match its options");
    // Before allocating: a corrupt row count must not reserve gigabytes (found by fuzzing).
    in.expect(rows <= in.remaining() / sizeof(float) / cols, "UMAP embedding larger than the remaining bytes");
    u.embedding_ = Matrix(static_cast<std::size_t>(rows), static_cast<std::size_t>(cols));
    in.get_array(u.embedding_.data(), u.embedding_.size());
    u.index_ = KnnIndex::load(in);
    in.expect(u.index_.size() == rows, "UMAP kNN index size does not match the embedding");
    in.expect(u.k_ >= 1 && u.k_ <= rows, "UMAP neighbour count is inconsistent");
    return u;
}

}  // namespace n2d
