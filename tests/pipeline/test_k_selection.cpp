// N2D with the number of clusters unknown (n_clusters = 0): the chosen k, the curve, the errors,
// the model round trip and reproducibility.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <set>
#include <string>

#include "n2d/core/detail/file.hpp"
#include "n2d/model/detail/model_file.hpp"
#include "n2d/n2d.hpp"
#include "test_util.hpp"

namespace {

// Six Gaussian blobs, clustered on UMAP of the raw data (no autoencoder: k-selection runs on
// the manifold, whatever made it). The 6-arm synthetic set needs its full 6000 points for UMAP
// to join each arm, too slow here: tests/cli runs it (`n2d fit synthetic --clusters auto`).
n2d::Dataset six_blobs(std::size_t n = 600, std::uint64_t seed = 3) { return n2d::make_blobs(n, 16, 6, 1.5, seed); }

n2d::N2DOptions auto_options() {
    n2d::N2DOptions o;
    o.n_clusters = 0;
    o.embedder = n2d::EmbedderKind::none;
    o.umap.n_epochs = 200;
    o.gmm.n_init = 2;
    o.k_selection.min_k = 2;
    o.k_selection.max_k = 10;
    o.seed = 5;
    return o;
}

// Fitted once, shared by the tests that only read it.
struct Fitted {
    n2d::Dataset data = six_blobs();
    n2d::N2D model{auto_options()};
    Fitted() { model.fit(data.x); }
};
Fitted& fitted() {
    static Fitted f;
    return f;
}

using n2d::test::error_of;

}  // namespace

TEST_CASE("with n_clusters 0 the pipeline chooses the 6 clusters of six blobs by the silhouette") {
    const auto& f = fitted();
    const auto& sel = f.model.k_selection();
    CHECK(sel.criterion == n2d::KCriterion::silhouette);
    CHECK(sel.chosen == 6);
    CHECK(f.model.n_clusters() == 6);
    REQUIRE(sel.scores.size() == 9);
    for (std::size_t i = 0; i < sel.scores.size(); ++i) {
        CHECK(sel.scores[i].k == i + 2);
        CHECK(sel.scores[i].silhouette <= sel.scores[4].silhouette);
        CHECK(std::isfinite(sel.scores[i].bic));  // the GMM's BIC comes with every fit
    }
    // The unknown-k size: a 10-d manifold, whatever k is chosen.
    CHECK(f.model.manifold_embedding().cols() == n2d::kUnknownKStageSize);
    CHECK(f.model.assess(f.data.labels).accuracy > 0.95);
    // With fewer points than the sample, the score is the exact silhouette of the chosen labels.
    CHECK(std::abs(sel.scores[4].silhouette - n2d::silhouette(f.model.manifold_embedding(), f.model.labels())) < 1e-12);
}

TEST_CASE("the chosen fit equals the fixed-k fit at that k, and a subsampled silhouette chooses the same") {
    const auto& f = fitted();
    auto o = auto_options();
    o.n_clusters = 6;
    o.umap.n_components = n2d::kUnknownKStageSize;
    n2d::N2D fixed(o);
    fixed.fit(f.data.x);
    CHECK(fixed.labels() == f.model.labels());
    CHECK(fixed.k_selection().scores.empty());

    auto sub = auto_options();
    sub.k_selection.silhouette_sample = 400;
    sub.k_selection.min_k = 5;
    sub.k_selection.max_k = 7;
    n2d::N2D m(sub);
    m.fit(f.data.x);
    CHECK(m.n_clusters() == 6);
    CHECK(m.labels() == f.model.labels());
    CHECK(std::abs(m.k_selection().scores[1].silhouette - f.model.k_selection().scores[4].silhouette) < 0.05);
}

TEST_CASE("an auto-k model saves (options version 3) and loads predicting the same") {
    const auto& f = fitted();
    const auto image = f.model.save_to_bytes();
    const auto mf = n2d::ModelFile::parse(image, "auto.n2d");
    n2d::ByteReader in = mf.reader("n2d.options");
    CHECK(in.get<std::uint32_t>() == 3);
    const auto loaded = n2d::N2D::load_from_bytes(image, "auto.n2d");
    CHECK(loaded.options().n_clusters == 0);
    CHECK(loaded.options().k_selection.max_k == 10);
    CHECK(loaded.n_clusters() == 6);
    CHECK(loaded.k_selection().scores.empty());  // the file keeps the chosen fit, not the curve
    const auto fresh = six_blobs(200, 3);
    CHECK(loaded.predict(fresh.x) == f.model.predict(fresh.x));
    bool described = false;
    for (const auto& [k, v] : n2d::describe_options(loaded.options())) described |= k == "n_clusters" && v == "auto";
    CHECK(described);
}

TEST_CASE("k ranges that cannot work are refused with what to change") {
    auto o = auto_options();
    o.k_selection.min_k = 1;
    CHECK(error_of([&] { n2d::N2D m(o); }).find("starts below 2") != std::string::npos);
    o.k_selection.min_k = 8;
    o.k_selection.max_k = 4;
    CHECK(error_of([&] { n2d::N2D m(o); }).find("min_k is above max_k") != std::string::npos);
    o = auto_options();
    o.k_selection.max_k = 50;
    n2d::N2D few(o);
    const auto x = n2d::test::blobs(40, 3, 2, 1.0, 1);
    CHECK(error_of([&] { few.fit(x); }).find("lower k_selection.max_k to at most 40") != std::string::npos);
    CHECK(!few.fitted());
    o = auto_options();
    o.clusterer = n2d::ClustererKind::kmeans;
    o.k_selection.criterion = n2d::KCriterion::bic;
    CHECK(error_of([&] { n2d::N2D m(o); }).find("bic criterion needs the gmm clusterer") != std::string::npos);
    o.k_selection.criterion = n2d::KCriterion::silhouette;
    CHECK(error_of([&] {
              n2d::N2D m(o, nullptr, nullptr, std::make_unique<n2d::KMeansClusterer>(n2d::KMeansOptions{}));
          }).find("a user clusterer was given") != std::string::npos);
    CHECK(error_of([] { n2d::parse_k_criterion("aic"); }).find("silhouette or bic") != std::string::npos);
}

TEST_CASE("BIC and k-means choose k on Gaussian blobs; HDBSCAN under n_clusters 0 finds its own") {
    std::vector<int> truth;
    const auto x = n2d::test::blobs(300, 4, 4, 0.6, 21, &truth);
    n2d::N2DOptions o;
    o.n_clusters = 0;
    o.embedder = n2d::EmbedderKind::none;
    o.manifold = n2d::ManifoldKind::none;
    o.k_selection.max_k = 8;
    o.k_selection.criterion = n2d::KCriterion::bic;
    n2d::N2D bic(o);
    bic.fit(x);
    CHECK(bic.n_clusters() == 4);
    CHECK(bic.k_selection().criterion == n2d::KCriterion::bic);
    CHECK(bic.assess(truth).ari > 0.95);

    o.clusterer = n2d::ClustererKind::kmeans;
    o.k_selection.criterion = n2d::KCriterion::silhouette;
    n2d::N2D km(o);
    km.fit(x);
    CHECK(km.n_clusters() == 4);
    CHECK(std::isnan(km.k_selection().scores[0].bic));  // no likelihood for k-means
    const auto ablation = n2d::run_ablation(x, km, {{n2d::AblationInput::raw, n2d::ClustererKind::gmm}});
    REQUIRE(ablation.size() == 1);
    CHECK(ablation[0].error.empty());
    CHECK(std::set<int>(ablation[0].labels.begin(), ablation[0].labels.end()).size() == 4);  // at the chosen k

    o.clusterer = n2d::ClustererKind::hdbscan;
    o.hdbscan.min_cluster_size = 10;
    n2d::N2D h(o);
    h.fit(x);
    CHECK(h.k_selection().scores.empty());
    CHECK(h.n_clusters() == 4);
}

TEST_CASE("k-selection reports progress per k, can be cancelled, and is the same at 1 and 2 threads") {
    const auto x = n2d::test::blobs(240, 3, 3, 0.7, 4);
    n2d::N2DOptions o;
    o.n_clusters = 0;
    o.embedder = n2d::EmbedderKind::none;
    o.manifold = n2d::ManifoldKind::none;
    o.k_selection.max_k = 6;
    o.k_selection.silhouette_sample = 100;
    std::size_t steps = 0;
    o.progress = [&](const n2d::Progress& p) {
        if (std::string(p.stage) != "k-selection") return true;
        ++steps;
        CHECK(p.total == 5);
        return p.step < 2;
    };
    n2d::N2D cancelled(o);
    CHECK_THROWS_AS(cancelled.fit(x), n2d::Cancelled);
    CHECK(steps == 2);
    CHECK(!cancelled.fitted());

    o.progress = nullptr;
    auto fit_with = [&](std::size_t threads) {
        n2d::set_num_threads(threads);
        n2d::N2D m(o);
        m.fit(x);
        return m;
    };
    const auto one = fit_with(1), two = fit_with(2);
    n2d::set_num_threads(0);
    CHECK(one.labels() == two.labels());
    REQUIRE(one.k_selection().scores.size() == two.k_selection().scores.size());
    for (std::size_t i = 0; i < one.k_selection().scores.size(); ++i) {
        CHECK(one.k_selection().scores[i].silhouette == two.k_selection().scores[i].silhouette);
        CHECK(one.k_selection().scores[i].bic == two.k_selection().scores[i].bic);
    }
}

TEST_CASE("model files written before options version 3 still load and predict what they did") {
    // Written by a build from before k-selection (tests/golden/model/make_model_fixtures.sh).
    const std::string dir = std::string(N2D_SOURCE_DIR) + "/tests/golden/model/";
    const auto points = n2d::read_csv(dir + "points.csv");
    for (const auto& fixture : {std::pair<std::string, std::uint32_t>{"v1_kmeans", 1}, {"v2_spectral", 2}}) {
        const std::string& name = fixture.first;  // not a structured binding: clang 14's INFO cannot capture one
        const std::uint32_t version = fixture.second;
        INFO(name);
        const auto image = n2d::read_file(dir + name + ".n2d");
        const auto file = n2d::ModelFile::parse(image, name);  // the reader points into it: keep it alive
        n2d::ByteReader in = file.reader("n2d.options");
        CHECK(in.get<std::uint32_t>() == version);
        const auto model = n2d::N2D::load(dir + name + ".n2d");
        CHECK(model.options().n_clusters == 3);
        CHECK(model.n_clusters() == 3);
        CHECK(model.predict(points.x) == n2d::load_labels(dir + name + "_predictions.txt"));
    }
}
