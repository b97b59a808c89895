#include "n2d/manifold/isomap.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "n2d/core/detail/timing.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/manifold/detail/isomap_model.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::size_t kSourceBlock = 256;  // Dijkstra sources between progress reports
constexpr std::size_t kQueryChunk = 16;

class IsomapReporter {
public:
    IsomapReporter(const ProgressCallback& cb, std::size_t total) : cb_(cb), total_(total), t0_(std::chrono::steady_clock::now()) {}
    void step(std::size_t done) const {
        if (!cb_) return;
        Progress p;
        p.stage = "isomap";
        p.step = done;
        p.total = total_;
        p.loss = std::nan("");
        p.elapsed_seconds = seconds_since(t0_);
        p.items_per_second = p.elapsed_seconds > 0 ? double(done) / p.elapsed_seconds : 0.0;
        p.eta_seconds = done ? p.elapsed_seconds / double(done) * double(total_ - done) : 0.0;
        if (!cb_(p)) ::n2d::detail::throw_cancelled("isomap");
    }

private:
    const ProgressCallback& cb_;
    std::size_t total_;
    std::chrono::steady_clock::time_point t0_;
};

// `count` distinct points of [0, n) drawn uniformly (partial Fisher–Yates), ascending.
std::vector<std::int32_t> choose_landmarks(std::size_t n, std::size_t count, std::uint64_t seed) {
    std::vector<std::int32_t> idx(n);
    for (std::size_t i = 0; i < n; ++i) idx[i] = std::int32_t(i);
    Rng rng(derive_seed(seed, 0x4C414E44ull));
    for (std::size_t i = 0; i < count; ++i) std::swap(idx[i], idx[i + std::size_t(rng.below(n - i))]);
    idx.resize(count);
    std::sort(idx.begin(), idx.end());
    return idx;
}

}  // namespace

Isomap::Isomap(IsomapOptions options) : options_(std::move(options)) {}

const IsomapModel& Isomap::model(const char* what) const {
    N2D_REQUIRE(model_ != nullptr, std::string("isomap: ") + what +
                                       " called before fit; call fit_transform (or load a fitted model) first");
    return *model_;
}

Matrix Isomap::fit_transform(ConstMatrixView x) {
    const std::size_t n = x.rows, nb = options_.n_neighbors, k = options_.n_components;
    N2D_REQUIRE(!x.empty(), "isomap: the data is empty (" + std::to_string(x.rows) + " x " + std::to_string(x.cols) +
                                "); pass at least n_neighbors + 1 rows with at least one column");
    N2D_REQUIRE(n <= std::size_t(std::numeric_limits<std::int32_t>::max()),
                "isomap: " + std::to_string(n) + " points exceed the 2^31 - 1 the graph indexes");
    require_finite(x, "isomap input");
    N2D_REQUIRE(nb >= 1, "isomap: n_neighbors is 0; pass at least 1 (sklearn's default is 5)");
    N2D_REQUIRE(nb < n, "isomap: n_neighbors = " + std::to_string(nb) + " but the data has only " + std::to_string(n) +
                            " points (each needs n_neighbors other points); pass n_neighbors <= " +
                            std::to_string(n - 1));
    N2D_REQUIRE(k >= 1 && k <= n, "isomap: n_components = " + std::to_string(k) + " is invalid for " +
                                      std::to_string(n) + " points; pass 1 <= n_components <= " + std::to_string(n));
    const bool use_landmarks =
        options_.landmark_threshold > 0 && n > options_.landmark_threshold && options_.n_landmarks < n;
    if (use_landmarks)
        N2D_REQUIRE(options_.n_landmarks > k, "isomap: landmark mode (" + std::to_string(n) + " points > landmark_threshold " +
                                                  std::to_string(options_.landmark_threshold) + ") needs n_landmarks > n_components = " +
                                                  std::to_string(k) + " but n_landmarks = " +
                                                  std::to_string(options_.n_landmarks) + "; raise n_landmarks");
    ThreadPool& pool = pool_or_default(options_.pool);
    auto m = std::make_shared<IsomapModel>();
    m->n = n;
    m->dim = x.cols;
    m->n_components = k;

    KnnOptions ko;
    ko.n_neighbors = nb;
    ko.method = KnnMethod::exact;
    ko.include_self = false;
    ko.seed = options_.seed;
    ko.pool = options_.pool;
    m->index = KnnIndex::build(x, ko);
    m->graph = undirected_graph(m->index.graph());
    m->n_graph_components = join_components(m->graph, x, pool);

    // Dijkstra sources: the landmarks, or (exact mode) all points but an independent set, whose
    // rows follow from their neighbours' rows.
    std::vector<std::int32_t> sources;
    std::vector<std::uint8_t> derived;
    if (use_landmarks) {
        sources = choose_landmarks(n, options_.n_landmarks, options_.seed);
    } else {
        derived = independent_set(m->graph);
        for (std::size_t i = 0; i < n; ++i)
            if (!derived[i]) sources.push_back(std::int32_t(i));
    }
    const std::size_t r = use_landmarks ? sources.size() : n;
    const std::size_t n_blocks = (sources.size() + kSourceBlock - 1) / kSourceBlock;
    const IsomapReporter report(options_.progress, n_blocks + 2);
    std::vector<float> d(r * n);  // geodesics from each source (exact mode: n × n, then Kc in place)
    for (std::size_t b = 0; b < n_blocks; ++b) {
        const std::size_t lo = b * kSourceBlock, cnt = std::min(kSourceBlock, sources.size() - lo);
        geodesics_from(m->graph, sources.data() + lo, cnt, use_landmarks ? d.data() + lo * n : d.data(), !use_landmarks,
                       pool);
        report.step(b + 1);
    }
    if (!use_landmarks) derive_rows(m->graph, derived, d.data(), pool);

    KernelEigen ke;
    if (!use_landmarks) {
        ke = kernel_pca(d.data(), n, k, options_.seed, pool);
        std::vector<float>().swap(d);
    } else {
        std::vector<float> dl(r * r);
        for (std::size_t a = 0; a < r; ++a)
            for (std::size_t b = 0; b < r; ++b) dl[a * r + b] = d[a * n + std::size_t(sources[b])];
        ke = kernel_pca(dl.data(), r, k, options_.seed, pool);
        m->landmarks = sources;
    }
    report.step(n_blocks + 1);
    m->col_mean = std::move(ke.col_mean);
    m->all_mean = ke.all_mean;
    m->eigenvalues = std::move(ke.values);
    m->eigenvectors = std::move(ke.vectors);
    double sum_l2 = 0.0;
    for (double l : m->eigenvalues) sum_l2 += l * l;
    m->reconstruction_error = std::sqrt(std::max(ke.frobenius2 - sum_l2, 0.0)) / double(r);

    m->embedding = Matrix(n, k);
    if (!use_landmarks) {
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t c = 0; c < k; ++c)
                m->embedding(i, c) = float(m->eigenvectors[i * k + c] * std::sqrt(m->eigenvalues[c]));
    } else {
        // Triangulation: each point's geodesics to the landmarks through the kernel-PCA transform.
        // A chunk gathers its points' columns of d row by row (contiguous reads).
        constexpr std::size_t kChunk = 64;
        const IsomapModel& mm = *m;
        pool.parallel_for(0, n, kChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            std::vector<double> g((hi - lo) * r), y(k);
            for (std::size_t l = 0; l < r; ++l)
                for (std::size_t i = lo; i < hi; ++i) g[(i - lo) * r + l] = d[l * n + i];
            for (std::size_t i = lo; i < hi; ++i) kernel_transform(mm, g.data() + (i - lo) * r, y.data(), m->embedding.row(i));
        });
    }
    report.step(n_blocks + 2);
    model_ = std::move(m);
    return model_->embedding;
}

Matrix Isomap::transform(ConstMatrixView x) const {
    const IsomapModel& m = model("transform");
    N2D_REQUIRE(x.cols == m.dim, "isomap: transform input has " + std::to_string(x.cols) +
                                     " columns but the model was fitted on " + std::to_string(m.dim) +
                                     "; pass rows of the training data's width");
    const std::size_t k = m.n_components, nb = options_.n_neighbors, r = m.n_reference();
    Matrix out(x.rows, k);
    if (x.rows == 0) return out;
    require_finite(x, "isomap transform input");
    const KnnGraph knn = m.index.query(x, nb);
    std::vector<std::uint8_t> mask;
    if (!m.landmarks.empty()) {
        mask.assign(m.n, 0);
        for (std::int32_t l : m.landmarks) mask[std::size_t(l)] = 1;
    }
    ThreadPool& pool = pool_or_default(options_.pool);
    struct Worker {
        explicit Worker(const GeodesicGraph& g, std::size_t r, std::size_t k, std::size_t nb) : dijkstra(g), geo(r), y(k), start(nb) {}
        DijkstraWorkspace dijkstra;
        std::vector<double> geo, y, start;
    };
    std::vector<std::unique_ptr<Worker>> workers(pool.num_threads());
    pool.parallel_for(0, x.rows, kQueryChunk, [&](std::size_t lo, std::size_t hi, std::size_t w) {
        if (!workers[w]) workers[w] = std::make_unique<Worker>(m.graph, r, k, nb);
        Worker& wk = *workers[w];
        for (std::size_t i = lo; i < hi; ++i) {
            for (std::size_t t = 0; t < nb; ++t) wk.start[t] = double(knn.row_distances(i)[t]);
            wk.dijkstra.run(knn.row_indices(i), wk.start.data(), nb, mask.empty() ? nullptr : mask.data(),
                            m.landmarks.size());
            const double* dist = wk.dijkstra.dist();
            if (m.landmarks.empty()) {
                std::copy(dist, dist + r, wk.geo.begin());
            } else {
                for (std::size_t j = 0; j < r; ++j) wk.geo[j] = dist[std::size_t(m.landmarks[j])];
            }
            kernel_transform(m, wk.geo.data(), wk.y.data(), out.row(i));
        }
    });
    return out;
}

const Matrix& Isomap::embedding() const { return model("embedding").embedding; }
double Isomap::reconstruction_error() const { return model("reconstruction_error").reconstruction_error; }
std::size_t Isomap::input_dim() const { return model("input_dim").dim; }
const IsomapOptions& Isomap::options() const { return options_; }
bool Isomap::landmark_mode() const { return !model("landmark_mode").landmarks.empty(); }
std::size_t Isomap::n_graph_components() const { return model("n_graph_components").n_graph_components; }
const std::vector<double>& Isomap::eigenvalues() const { return model("eigenvalues").eigenvalues; }

}  // namespace n2d
