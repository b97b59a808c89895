// KMeans: validation, data centring, n_init runs (in parallel when there are several) and the
// choice of the best run, prediction, serialisation.
#include "n2d/cluster/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "n2d/cluster/detail/kmeans_internal.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/device/detail/offload.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::uint32_t kKMeansMagic = 0x4E4D4B32;  // "2KMN"
constexpr std::uint32_t kKMeansVersion = 1;

// sklearn _is_same_clustering: is `a` a relabelling of `b`?
bool same_clustering(const std::vector<int>& a, const std::vector<int>& b, std::size_t k) {
    std::vector<int> map(k, -1);
    for (std::size_t i = 0; i < a.size(); ++i) {
        int& m = map[std::size_t(a[i])];
        if (m == -1) m = b[i];
        else if (m != b[i]) return false;
    }
    return true;
}

void validate(const KMeansOptions& o, ConstMatrixView x) {
    N2D_REQUIRE(o.n_clusters >= 1, "KMeans: n_clusters must be at least 1");
    N2D_REQUIRE(o.n_init >= 1, "KMeans: n_init must be at least 1");
    N2D_REQUIRE(o.max_iter >= 1, "KMeans: max_iter must be at least 1");
    N2D_REQUIRE(o.tol >= 0 && std::isfinite(o.tol), "KMeans: tol must be a finite number >= 0");
    N2D_REQUIRE(x.rows > 0 && x.cols > 0, "KMeans::fit: the input is empty (" + std::to_string(x.rows) + " x " +
                                              std::to_string(x.cols) + ")");
    N2D_REQUIRE(x.rows >= o.n_clusters, "KMeans::fit: n_samples=" + std::to_string(x.rows) +
                                            " should be >= n_clusters=" + std::to_string(o.n_clusters) +
                                            "; lower n_clusters or pass more samples");
    require_finite(x, "KMeans::fit input");
    if (!o.initial_centers.empty()) require_shape(ConstMatrixView(o.initial_centers), o.n_clusters, x.cols, "KMeans initial_centers");
}

}  // namespace

KMeans::KMeans(KMeansOptions options) : options_(std::move(options)) {}

KMeans& KMeans::fit(ConstMatrixView x) {
    validate(options_, x);
    const std::size_t n = x.rows, d = x.cols, k = options_.n_clusters;
    ThreadPool& pool = pool_or_default(options_.pool);

    // Centre the data (sklearn does, for precision of the distance expansion).
    std::vector<double> mean(d, 0.0), var(d, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t t = 0; t < d; ++t) mean[t] += double(x(i, t));
    for (auto& m : mean) m /= double(n);
    Matrix xc(n, d);
    detail::KMeansData data;
    data.n = n;
    data.d = d;
    data.sq_norms.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0.0;
        for (std::size_t t = 0; t < d; ++t) {
            const double v = double(x(i, t)) - mean[t];
            var[t] += v * v;
            xc(i, t) = float(v);
            s += double(xc(i, t)) * double(xc(i, t));
        }
        data.sq_norms[i] = float(s);
    }
    data.x = xc.view();
    Buffer x_dev;  // the centred data on the device, uploaded once for every run
    if (Device* dev = offload_device(options_.device, DeviceOp::kmeans_assign)) {
        x_dev = upload_new(*dev, xc.data(), n * d);
        data.device = dev;
        data.x_dev = x_dev.view();
    }
    double mean_var = 0.0;
    for (double v : var) mean_var += v / double(n);
    const double tol = options_.tol * mean_var / double(d);

    auto run_from = [&](Matrix centers) {
        return options_.algorithm == KMeansAlgorithm::elkan && k > 1 && !data.device
                   ? detail::elkan_run(data, std::move(centers), options_.max_iter, tol, pool)
                   : detail::lloyd_run(data, std::move(centers), options_.max_iter, tol, pool);
    };
    auto seeded_centers = [&](std::size_t r) {
        Rng rng(options_.seed, r);
        std::vector<std::size_t> idx;
        if (options_.init == KMeansInit::k_means_plus_plus) {
            idx = kmeans_plusplus(data.x, k, rng, &pool);
        } else {
            std::vector<std::size_t> perm(n);
            for (std::size_t i = 0; i < n; ++i) perm[i] = i;
            for (std::size_t i = 0; i < k; ++i) std::swap(perm[i], perm[i + std::size_t(rng.below(n - i))]);
            idx.assign(perm.begin(), perm.begin() + std::ptrdiff_t(k));
        }
        Matrix c(k, d);
        for (std::size_t j = 0; j < k; ++j) std::copy(data.x.row(idx[j]), data.x.row(idx[j]) + d, c.row(j));
        return c;
    };

    const std::size_t runs = options_.initial_centers.empty() ? options_.n_init : 1;
    std::vector<detail::KMeansRun> results(runs);
    std::size_t best = 0;
    // Runs go in batches of pool-size, each run single-threaded inside a batch (nested parallel_for
    // runs inline); one run alone uses the pool itself. Chunked reductions make both identical.
    // With a device the runs share its one queue: one after another.
    const std::size_t batch = runs > 1 && !data.device ? std::max<std::size_t>(1, pool.num_threads()) : 1;
    for (std::size_t b0 = 0; b0 < runs; b0 += batch) {
        const std::size_t b1 = std::min(runs, b0 + batch);
        auto one = [&](std::size_t r) {
            Matrix start;
            if (!options_.initial_centers.empty()) {
                start = Matrix(k, d);
                for (std::size_t j = 0; j < k; ++j)
                    for (std::size_t t = 0; t < d; ++t) start(j, t) = float(double(options_.initial_centers(j, t)) - mean[t]);
            } else {
                start = seeded_centers(r);
            }
            results[r] = run_from(std::move(start));
        };
        if (b1 - b0 == 1) one(b0);
        else pool.parallel_for(b0, b1, 1, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t r = lo; r < hi; ++r) one(r);
        });
        for (std::size_t r = b0; r < b1; ++r) {
            if (r > 0 && results[r].inertia < results[best].inertia &&
                !same_clustering(results[r].labels, results[best].labels, k))
                best = r;
            if (options_.progress) {
                Progress p;
                p.stage = "kmeans";
                p.step = r + 1;
                p.total = runs;
                p.loss = results[r].inertia;
                if (!options_.progress(p)) ::n2d::detail::throw_cancelled("kmeans");
            }
        }
    }
    auto& win = results[best];
    centers_ = Matrix(k, d);
    for (std::size_t j = 0; j < k; ++j)
        for (std::size_t t = 0; t < d; ++t) centers_(j, t) = float(double(win.centers(j, t)) + mean[t]);
    labels_ = std::move(win.labels);
    inertia_ = win.inertia;
    n_iter_ = win.n_iter;
    return *this;
}

std::vector<int> KMeans::fit_predict(ConstMatrixView x) {
    fit(x);
    return labels_;
}

void KMeans::require_fitted(const char* what) const {
    N2D_REQUIRE(fitted(), std::string("KMeans::") + what + ": the model is not fitted; call fit() first");
}

double KMeans::inertia() const {
    require_fitted("inertia");
    return inertia_;
}

const Matrix& KMeans::cluster_centers() const {
    require_fitted("cluster_centers");
    return centers_;
}

Matrix KMeans::transform(ConstMatrixView x) const {
    require_fitted("transform");
    require_shape(x, 0, centers_.cols(), "KMeans::transform input");
    const std::size_t k = centers_.rows(), d = centers_.cols();
    Matrix out(x.rows, k);
    ThreadPool& pool = pool_or_default(options_.pool);
    pool.parallel_for(0, x.rows, 256, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i)
            for (std::size_t j = 0; j < k; ++j) {
                double s = 0.0;
                for (std::size_t t = 0; t < d; ++t) {
                    const double diff = double(x(i, t)) - double(centers_(j, t));
                    s += diff * diff;
                }
                out(i, j) = float(std::sqrt(s));
            }
    });
    return out;
}

std::vector<int> KMeans::predict(ConstMatrixView x) const {
    require_fitted("predict");
    require_shape(x, 0, centers_.cols(), "KMeans::predict input");
    require_finite(x, "KMeans::predict input");
    const std::size_t k = centers_.rows(), d = centers_.cols();
    std::vector<int> labels(x.rows);
    ThreadPool& pool = pool_or_default(options_.pool);
    pool.parallel_for(0, x.rows, 256, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            double best = std::numeric_limits<double>::infinity();
            for (std::size_t j = 0; j < k; ++j) {
                double s = 0.0;
                for (std::size_t t = 0; t < d; ++t) {
                    const double diff = double(x(i, t)) - double(centers_(j, t));
                    s += diff * diff;
                }
                if (s < best) {
                    best = s;
                    labels[i] = int(j);
                }
            }
        }
    });
    return labels;
}

void KMeans::save(ByteWriter& out) const {
    require_fitted("save");
    out.put<std::uint32_t>(kKMeansMagic);
    out.put<std::uint32_t>(kKMeansVersion);
    out.put<std::uint64_t>(options_.n_clusters);
    out.put<std::uint64_t>(options_.n_init);
    out.put<std::uint64_t>(options_.max_iter);
    out.put<double>(options_.tol);
    out.put<std::uint32_t>(std::uint32_t(options_.algorithm));
    out.put<std::uint32_t>(std::uint32_t(options_.init));
    out.put<std::uint64_t>(options_.seed);
    out.put<std::uint64_t>(centers_.cols());
    out.put_array(centers_.data(), centers_.size());
    out.put<double>(inertia_);
    out.put<std::uint64_t>(n_iter_);
    out.put_vector(labels_);
}

KMeans KMeans::load(ByteReader& in) {
    in.expect(in.get<std::uint32_t>() == kKMeansMagic, "not a KMeans record (bad magic)");
    const auto version = in.get<std::uint32_t>();
    in.expect(version == kKMeansVersion, "KMeans record version " + std::to_string(version) + " is not supported (expected " +
                                       std::to_string(kKMeansVersion) + ")");
    KMeansOptions o;
    o.n_clusters = std::size_t(in.get<std::uint64_t>());
    o.n_init = std::size_t(in.get<std::uint64_t>());
    o.max_iter = std::size_t(in.get<std::uint64_t>());
    o.tol = in.get<double>();
    const auto algo = in.get<std::uint32_t>(), init = in.get<std::uint32_t>();
    in.expect(algo <= 1 && init <= 1, "KMeans record has an unknown algorithm or init");
    o.algorithm = KMeansAlgorithm(algo);
    o.init = KMeansInit(init);
    o.seed = in.get<std::uint64_t>();
    const auto d = std::size_t(in.get<std::uint64_t>());
    in.expect(o.n_clusters >= 1 && o.n_clusters <= (1u << 24) && d >= 1 && d <= (1u << 24),
              "KMeans record has implausible sizes");
    KMeans km(o);
    km.centers_ = Matrix(o.n_clusters, d);
    in.get_array(km.centers_.data(), km.centers_.size());
    km.inertia_ = in.get<double>();
    km.n_iter_ = std::size_t(in.get<std::uint64_t>());
    km.labels_ = in.get_vector<int>();
    for (int l : km.labels_) in.expect(l >= 0 && std::size_t(l) < o.n_clusters, "KMeans record has a label out of range");
    return km;
}

}  // namespace n2d
