// One fitted model shared by many threads: predict, predict_proba and the stages' transforms
// are const and must give, from 8 threads at once on different and overlapping inputs, exactly
// what one thread gives — for the freshly fitted model and the same model saved and loaded.
// Runs under ThreadSanitizer in CI, so the models are tiny.
#include <doctest/doctest.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "n2d/n2d.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {
namespace {

constexpr std::size_t kThreads = 8;

bool same_bits(const Matrix& a, const Matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

struct Result {
    std::vector<int> labels;
    Matrix proba, latent, manifold, all_proba;
    std::vector<int> all_labels;
};

// Everything a caller can ask a fitted model for, through N2D and through its stages.
Result predict_everything(const N2D& model, ConstMatrixView x) {
    Result r;
    r.labels = model.predict(x);
    r.proba = model.predict_proba(x);
    r.latent = model.embedder().transform(x);
    r.manifold = model.manifold().transform(r.latent);
    N2DOutput all = model.predict_all(x);
    r.all_labels = std::move(all.labels);
    r.all_proba = std::move(all.probabilities);
    return r;
}

bool same(const Result& a, const Result& b) {
    return a.labels == b.labels && a.all_labels == b.all_labels && same_bits(a.proba, b.proba) &&
           same_bits(a.latent, b.latent) && same_bits(a.manifold, b.manifold) && same_bits(a.all_proba, b.all_proba);
}

// Overlapping row ranges of the query set: slice s covers rows [s·step, s·step + len).
std::vector<Matrix> slices(const Matrix& x, std::size_t count) {
    const std::size_t len = x.rows() / 3, step = (x.rows() - len) / (count - 1);
    std::vector<Matrix> out;
    for (std::size_t s = 0; s < count; ++s) {
        Matrix m(len, x.cols());
        std::memcpy(m.data(), x.row(s * step), len * x.cols() * sizeof(float));
        out.push_back(std::move(m));
    }
    return out;
}

// 8 threads, each asking both models (fitted and loaded, alternately) about a rotating choice
// of slices, several rounds; every answer must equal the single-threaded reference.
void check_shared_model(const N2DOptions& options, std::size_t n_train, std::size_t n_query) {
    SyntheticOptions s;
    s.n_samples = n_train;
    s.n_clusters = options.n_clusters;
    s.dim = 8;
    s.seed = 11;
    const Dataset train = make_synthetic(s);
    s.n_samples = n_query;
    s.seed = 12;
    const Dataset query = make_synthetic(s);

    N2D fitted(options);
    fitted.fit(train.x);
    const N2D loaded = N2D::load_from_bytes(fitted.save_to_bytes(), "memory");
    const N2D* models[2] = {&fitted, &loaded};

    // The reference comes from the fitted model alone: the loaded one is first used by the
    // threads, so any lazy set-up on first use happens concurrently too.
    const std::vector<Matrix> inputs = slices(query.x, 6);
    std::vector<Result> reference;
    for (const auto& in : inputs) reference.push_back(predict_everything(fitted, in));

    std::atomic<std::size_t> mismatches{0}, calls{0};
    std::atomic<bool> failed{false};
    std::string first_error;
    std::atomic<std::size_t> ready{0};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            ready.fetch_add(1);
            while (ready.load() < kThreads) std::this_thread::yield();  // start together
            // Shared atomics are touched only on failure and at the end: each synchronises the
            // threads for ThreadSanitizer and would hide races between the calls.
            std::size_t done = 0;
            for (std::size_t round = 0; round < 3; ++round) {
                const std::size_t i = (t + round) % inputs.size();
                try {
                    if (!same(predict_everything(*models[(t + round) % 2], inputs[i]), reference[i])) mismatches.fetch_add(1);
                } catch (const std::exception& e) {
                    if (!failed.exchange(true)) first_error = e.what();
                }
                ++done;
            }
            calls.fetch_add(done);
        });
    }
    for (auto& th : threads) th.join();
    INFO(first_error);
    CHECK_FALSE(failed.load());
    CHECK(calls.load() == kThreads * 3);
    CHECK(mismatches.load() == 0);
}

N2DOptions tiny(ManifoldKind manifold, ClustererKind clusterer) {
    N2DOptions o;
    o.n_clusters = 3;
    o.autoencoder.architecture = {16, 16};
    o.autoencoder.epochs = 2;
    o.autoencoder.batch_size = 64;
    o.umap.n_neighbors = 8;
    o.umap.n_epochs = 30;
    o.gmm.n_init = 1;
    o.isomap.n_neighbors = 8;
    o.lle.n_neighbors = 8;
    o.hdbscan.min_cluster_size = 10;
    o.manifold = manifold;
    o.clusterer = clusterer;
    o.seed = 3;
    return o;
}

}  // namespace

TEST_CASE("thread safety: 8 threads predict on one shared model (autoencoder, UMAP, GMM)") {
    check_shared_model(tiny(ManifoldKind::umap, ClustererKind::gmm), 240, 120);
}

TEST_CASE("thread safety: 8 threads predict on one shared model (other learners and clusterers)") {
    const struct {
        ManifoldKind manifold;
        ClustererKind clusterer;
    } cases[] = {{ManifoldKind::isomap, ClustererKind::kmeans},
                 {ManifoldKind::lle, ClustererKind::hdbscan},
                 {ManifoldKind::umap, ClustererKind::spectral},
                 {ManifoldKind::none, ClustererKind::kmeans}};
    for (const auto& c : cases) {
        const std::string config = std::string(to_string(c.manifold)) + " + " + to_string(c.clusterer);
        INFO(config);
        check_shared_model(tiny(c.manifold, c.clusterer), 150, 90);
    }
}

TEST_CASE("thread safety: external threads share one ThreadPool's parallel_for") {
    ThreadPool pool(4);
    constexpr std::size_t n = 5000;
    // Each chunk writes its own results; a sum per caller in chunk order checks every call ran
    // each chunk exactly once with its own function object.
    std::atomic<std::size_t> bad_worker{0};
    auto job = [&pool, &bad_worker](std::size_t salt) {
        std::vector<double> v(n, -1.0);
        pool.parallel_for(0, n, 97, [&](std::size_t lo, std::size_t hi, std::size_t worker) {
            if (worker >= pool.num_threads()) bad_worker.fetch_add(1);
            for (std::size_t i = lo; i < hi; ++i) v[i] = double(i * salt % 1009) + 0.5 * double(v[i] == -1.0);
        });
        return v;
    };
    std::vector<std::vector<double>> reference;
    for (std::size_t t = 0; t < kThreads; ++t) reference.push_back(job(t + 1));
    std::atomic<std::size_t> bad{0};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int round = 0; round < 20; ++round)
                if (job(t + 1) != reference[t]) bad.fetch_add(1);
        });
    for (auto& th : threads) th.join();
    CHECK(bad.load() == 0);
    CHECK(bad_worker.load() == 0);
}

}  // namespace n2d::inline v0::test
