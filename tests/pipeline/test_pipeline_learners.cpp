// The paper's other manifold learners (t-SNE, Isomap, LLE) and spectral clustering as pipeline
// stages: fit, the one-file model round trip, t-SNE's missing transform, the options record,
// and the ablation table.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "n2d/model/detail/model_file.hpp"
#include "n2d/n2d.hpp"
#include "test_util.hpp"

namespace {

n2d::Dataset learner_data(std::size_t n, std::uint64_t seed) {
    n2d::SyntheticOptions s;
    s.n_samples = n;
    s.n_clusters = 3;
    s.dim = 8;
    s.seed = seed;
    return n2d::make_synthetic(s);
}

n2d::N2DOptions learner_options(n2d::ManifoldKind manifold, n2d::ClustererKind clusterer) {
    n2d::N2DOptions o;
    o.n_clusters = 3;
    o.autoencoder.architecture = {32, 32};
    o.autoencoder.epochs = 3;
    o.autoencoder.batch_size = 64;
    o.umap.n_neighbors = 10;
    o.manifold = manifold;
    o.clusterer = clusterer;
    o.seed = 5;
    return o;
}

std::uint32_t options_section_version(const std::vector<unsigned char>& image) {
    const auto mf = n2d::ModelFile::parse(image, "mem.n2d");
    n2d::ByteReader in = mf.reader("n2d.options");
    return in.get<std::uint32_t>();
}

}  // namespace

TEST_CASE("Isomap and LLE pipelines with spectral clustering fit, save, load and predict the same") {
    const auto train = learner_data(400, 1), fresh = learner_data(120, 2);
    for (auto manifold : {n2d::ManifoldKind::isomap, n2d::ManifoldKind::lle}) {
        INFO(n2d::to_string(manifold));
        n2d::N2D model(learner_options(manifold, n2d::ClustererKind::spectral));
        const auto labels = model.fit_predict(train.x);
        CHECK(model.manifold().kind() == n2d::to_string(manifold));
        CHECK(model.clusterer().kind() == "spectral");
        CHECK(model.manifold_embedding().cols() == 3);  // the manifold's size follows n_clusters
        CHECK(n2d::assess(train.labels, labels).accuracy > 0.5);
        const auto image = model.save_to_bytes();
        CHECK(options_section_version(image) == 2);
        const auto loaded = n2d::N2D::load_from_bytes(image, "mem.n2d");
        CHECK(loaded.options().manifold == manifold);
        CHECK(loaded.options().clusterer == n2d::ClustererKind::spectral);
        const auto a = model.predict_all(fresh.x), b = loaded.predict_all(fresh.x);
        CHECK(a.labels == b.labels);
        REQUIRE(a.manifold.size() == b.manifold.size());
        CHECK(std::memcmp(a.manifold.data(), b.manifold.data(), a.manifold.size() * sizeof(float)) == 0);
        CHECK(std::memcmp(a.probabilities.data(), b.probabilities.data(), a.probabilities.size() * sizeof(float)) == 0);
    }
}

TEST_CASE("a t-SNE pipeline clusters its training data; predict names the learners that have a transform") {
    const auto train = learner_data(300, 3);
    n2d::N2D model(learner_options(n2d::ManifoldKind::tsne, n2d::ClustererKind::gmm));
    model.fit(train.x);
    CHECK(model.manifold_embedding().cols() == 2);  // t-SNE's own default
    const auto loaded = n2d::N2D::load_from_bytes(model.save_to_bytes(), "mem.n2d");
    for (const n2d::N2D* m : {static_cast<const n2d::N2D*>(&model), &loaded}) {
        try {
            (void)m->predict(train.x);
            FAIL("t-SNE predicted new points");
        } catch (const n2d::Error& e) {
            CHECK(std::string(e.what()).find("t-SNE cannot embed new points") != std::string::npos);
            CHECK(std::string(e.what()).find("umap, isomap or lle") != std::string::npos);
        }
    }
}

TEST_CASE("models with the original stages still write options version 1, readable by older builds") {
    const auto train = learner_data(200, 4);
    auto o = learner_options(n2d::ManifoldKind::none, n2d::ClustererKind::kmeans);
    n2d::N2D model(o);
    model.fit(train.x);
    CHECK(options_section_version(model.save_to_bytes()) == 1);
}

TEST_CASE("stage sizes: learners follow n_clusters, t-SNE keeps 2, LLE's neighbours follow UMAP's") {
    n2d::N2DOptions o;
    o.n_clusters = 7;
    o.umap.n_neighbors = 13;
    const auto r = n2d::resolved(o);
    CHECK(r.isomap.n_components == 7);
    CHECK(r.lle.n_components == 7);
    CHECK(r.tsne.n_components == 2);
    CHECK(r.lle.n_neighbors == 13);
    CHECK(r.isomap.n_neighbors == 5);
    CHECK(r.spectral.n_clusters == 7);
    o.spectral.n_clusters = 4;
    CHECK_THROWS_WITH_AS(n2d::validate(o), doctest::Contains("spectral.n_clusters is 4"), n2d::Error);
    CHECK(n2d::parse_manifold_kind("lle") == n2d::ManifoldKind::lle);
    CHECK_THROWS_WITH_AS(n2d::parse_clusterer_kind("dbscan"), doctest::Contains("gmm, kmeans, hdbscan, sc"), n2d::Error);
    const auto text = n2d::describe_options(n2d::resolved(learner_options(n2d::ManifoldKind::lle, n2d::ClustererKind::spectral)));
    bool has_lle = false, has_sc = false;
    for (const auto& [k, v] : text) {
        has_lle |= k == "lle.n_neighbors" && v == "10";
        has_sc |= k == "sc.n_neighbors" && v == "10";
    }
    CHECK(has_lle);
    CHECK(has_sc);
}

TEST_CASE("run_ablation: every representation × {k-means, GMM, SC}; the model's own learner is reused") {
    const auto train = learner_data(300, 6);
    auto o = learner_options(n2d::ManifoldKind::isomap, n2d::ClustererKind::gmm);
    o.tsne.perplexity = 1000;  // more than the points: t-SNE fails, the rest of the table runs
    n2d::N2D model(o);
    model.fit(train.x);
    const auto table = n2d::run_ablation(train.x, model);
    REQUIRE(table.size() == 21);
    CHECK(table[0].input == n2d::AblationInput::raw);
    CHECK(table[0].clusterer == n2d::ClustererKind::kmeans);
    CHECK(table[2].clusterer == n2d::ClustererKind::spectral);
    for (const auto& c : table) {
        INFO(n2d::to_string(c.input), " ", n2d::to_string(c.clusterer));
        if (c.input == n2d::AblationInput::codes_tsne) {
            CHECK(c.labels.empty());
            CHECK(c.error.find("perplexity") != std::string::npos);
            continue;
        }
        CHECK(c.error.empty());
        CHECK(c.labels.size() == train.x.rows());
        if (c.input == n2d::AblationInput::codes_isomap) CHECK(c.embed_seconds == 0);  // the model's embedding
    }
    // The GMM on the model's Isomap embedding is the model's own clustering (same seed stream).
    for (const auto& c : table)
        if (c.input == n2d::AblationInput::codes_isomap && c.clusterer == n2d::ClustererKind::gmm)
            CHECK(n2d::assess(model.labels(), c.labels).ari > 0.99);
    const auto baselines = n2d::baselines_from_ablation(table, train.x.cols());
    REQUIRE(baselines.size() == 4);
    CHECK(baselines[3].name == "AE+GMM (no UMAP)");
}
