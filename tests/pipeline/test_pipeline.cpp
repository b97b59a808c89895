// N2D end to end: synthetic manifolds, the paper's pendigits (when the shared datasets are
// present), model round trips, damaged model files, wrong input widths, user stages.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <set>
#include <filesystem>
#include <string>

#include "n2d/model/detail/model_file.hpp"
#include "n2d/n2d.hpp"
#include "test_util.hpp"

namespace {

bool quick() { return std::getenv("N2D_TEST_QUICK") != nullptr; }

// A small but real N2D configuration: the paper's stages with a narrower autoencoder.
n2d::N2DOptions small_options(std::size_t k, std::size_t epochs) {
    n2d::N2DOptions o;
    o.n_clusters = k;
    o.autoencoder.architecture = {64, 64, 128};
    o.autoencoder.epochs = epochs;
    o.autoencoder.batch_size = 128;
    o.umap.n_epochs = 200;
    o.seed = 7;
    return o;
}

n2d::Dataset small_synthetic(std::size_t n, std::uint64_t seed = 0) {
    n2d::SyntheticOptions s;
    s.n_samples = n;
    s.n_clusters = 4;
    s.dim = 16;
    s.seed = seed;
    return n2d::make_synthetic(s);
}

// Fitted once, shared by the tests that only read it.
struct Fixture {
    // The same size under N2D_TEST_QUICK: smaller sets stop being a fair test (~2 s in Release).
    n2d::Dataset data = small_synthetic(1500);
    n2d::N2D model{small_options(4, 20)};
    Fixture() { model.fit(data.x); }
};
Fixture& fixture() {
    static Fixture f;
    return f;
}

using n2d::test::error_of;

}  // namespace

TEST_CASE("N2D clusters curved synthetic manifolds far better than k-means on the raw data") {
    auto& f = fixture();
    const auto score = f.model.assess(f.data.labels);
    n2d::KMeansOptions km;
    km.n_clusters = 4;
    km.seed = 1;
    const auto raw = n2d::assess(f.data.labels, n2d::KMeans(km).fit_predict(f.data.x));
    MESSAGE("N2D ACC " << score.accuracy << " NMI " << score.nmi << " ARI " << score.ari << "; k-means raw ACC "
                       << raw.accuracy);
    CHECK(score.accuracy >= 0.9);
    CHECK(score.nmi >= 0.8);
    CHECK(score.accuracy > raw.accuracy + 0.2);
    CHECK(f.model.latent().rows() == f.data.x.rows());
    CHECK(f.model.latent().cols() == 4);                   // latent_dim = n_clusters by default
    CHECK(f.model.manifold_embedding().cols() == 4);       // umap_dim = n_clusters by default
    CHECK(f.model.seconds().total >= f.model.seconds().embedder);
    CHECK(f.model.n_clusters() == 4);
}

TEST_CASE("a saved and loaded model predicts exactly what the original predicts") {
    auto& f = fixture();
    const auto fresh = small_synthetic(300, 99);
    const auto before = f.model.predict_all(fresh.x);
    const auto image = f.model.save_to_bytes();
    const auto loaded = n2d::N2D::load_from_bytes(image, "mem.n2d");
    const auto after = loaded.predict_all(fresh.x);
    CHECK(after.labels == before.labels);
    REQUIRE(after.probabilities.rows() == before.probabilities.rows());
    REQUIRE(after.probabilities.cols() == 4);
    CHECK(std::memcmp(after.probabilities.data(), before.probabilities.data(),
                      before.probabilities.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(after.latent.data(), before.latent.data(), before.latent.size() * sizeof(float)) == 0);
    CHECK(loaded.input_dim() == 16);
    CHECK(loaded.provenance().rows == f.data.x.rows());
    CHECK(loaded.provenance().n2d_version == n2d::kVersionString);
    CHECK(loaded.options().n_clusters == 4);
    CHECK(loaded.options().autoencoder.architecture == std::vector<std::size_t>{64, 64, 128});
    // through a file, written atomically
    const auto path = (std::filesystem::temp_directory_path() / "n2d_test_pipeline.n2d").string();
    f.model.save(path);
    CHECK(n2d::N2D::load(path).predict(fresh.x) == before.labels);
    std::filesystem::remove(path);
    // a row's prediction does not depend on the batch it comes in
    const auto one = loaded.predict(fresh.x.view().row_block(5, 1));
    CHECK(one[0] == before.labels[5]);
}

TEST_CASE("damaged model files give a clear error naming the file and section") {
    auto& f = fixture();
    const auto image = f.model.save_to_bytes();
    const auto file = n2d::ModelFile::parse(image, "m.n2d");
    for (const auto& s : file.sections()) {
        INFO("section " << s.name);
        // truncated at the section's start and in its middle
        for (std::uint64_t cut : {s.offset, s.offset + s.size / 2}) {
            std::vector<unsigned char> t(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(cut));
            CHECK(error_of([&] { n2d::N2D::load_from_bytes(t, "m.n2d"); }).find("m.n2d") != std::string::npos);
        }
        if (s.size == 0) continue;
        auto bad = image;
        bad[s.offset + s.size / 3] ^= 0x10;
        const auto msg = error_of([&] { n2d::N2D::load_from_bytes(bad, "m.n2d"); });
        CHECK(msg.find("section '" + s.name + "'") != std::string::npos);
        CHECK(msg.find("CRC-32") != std::string::npos);
    }
    std::vector<unsigned char> foreign(100, 'x');
    CHECK(error_of([&] { n2d::N2D::load_from_bytes(foreign, "f.bin"); }).find("not an n2d model") != std::string::npos);
    // a well-formed container without the pipeline's sections
    n2d::ModelFileWriter w;
    w.add("something.else", std::vector<unsigned char>{1, 2, 3});
    CHECK(error_of([&] { n2d::N2D::load_from_bytes(w.serialize(), "o.n2d"); }).find("no section 'n2d.meta'") !=
          std::string::npos);
}

TEST_CASE("predicting data of the wrong width is refused with the widths in the message") {
    auto& f = fixture();
    n2d::Matrix wrong(10, 15);
    const auto msg = error_of([&] { (void)f.model.predict(wrong); });
    CHECK(msg.find("16 columns") != std::string::npos);
    CHECK(msg.find("15 columns") != std::string::npos);
    n2d::N2D unfitted(small_options(4, 1));
    CHECK(error_of([&] { (void)unfitted.predict(wrong); }).find("before fit") != std::string::npos);
    n2d::Matrix nan(10, 16);
    nan(3, 4) = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS((void)f.model.predict(nan), n2d::Error);
}

TEST_CASE("saved weights can replace training, and one progress callback sees every stage") {
    const auto data = small_synthetic(400, 3);
    const auto weights = (std::filesystem::temp_directory_path() / "n2d_test_pipeline_weights.bin").string();
    auto o = small_options(4, 3);
    o.save_weights = weights;
    std::set<std::string> stages;
    o.progress = [&](const n2d::Progress& p) {
        stages.insert(p.stage);
        return true;
    };
    n2d::N2D a(o);
    a.fit(data.x);
    CHECK(stages.count("autoencoder"));
    CHECK(stages.count("umap"));
    REQUIRE(std::filesystem::exists(weights));

    auto o2 = small_options(4, 3);
    o2.pretrained_weights = weights;
    n2d::N2D b(o2);
    b.fit(data.x);
    CHECK(std::memcmp(a.latent().data(), b.latent().data(), a.latent().size() * sizeof(float)) == 0);
    CHECK(a.labels() == b.labels());  // same seed, same codes → same manifold and clusters
    std::filesystem::remove(weights);

    auto o3 = small_options(4, 3);
    o3.progress = [](const n2d::Progress& p) { return std::string(p.stage) != "umap"; };
    n2d::N2D c(o3);
    CHECK_THROWS_AS(c.fit(data.x), n2d::Cancelled);
}

namespace {
// A user clusterer: assigns each point to the nearer of two fixed half-spaces of column 0.
class SignClusterer final : public n2d::Clusterer {
public:
    std::string kind() const override { return "sign"; }
    void fit(n2d::ConstMatrixView x, const n2d::StageContext&) override {
        dim_ = x.cols;
        double s = 0;
        for (std::size_t i = 0; i < x.rows; ++i) s += x(i, 0);
        threshold_ = static_cast<float>(s / static_cast<double>(x.rows));
    }
    std::vector<int> predict(n2d::ConstMatrixView x) const override {
        std::vector<int> l(x.rows);
        for (std::size_t i = 0; i < x.rows; ++i) l[i] = x(i, 0) > threshold_;
        return l;
    }
    n2d::Matrix predict_proba(n2d::ConstMatrixView x) const override {
        n2d::Matrix p(x.rows, 2);
        const auto l = predict(x);
        for (std::size_t i = 0; i < x.rows; ++i) p(i, static_cast<std::size_t>(l[i])) = 1;
        return p;
    }
    std::size_t n_clusters() const override { return 2; }
    std::size_t input_dim() const override { return dim_; }
    void save(n2d::ByteWriter& out) const override {
        out.put<std::uint64_t>(dim_);
        out.put<float>(threshold_);
    }
    static std::unique_ptr<n2d::Clusterer> load(n2d::ByteReader& in) {
        auto c = std::make_unique<SignClusterer>();
        c->dim_ = static_cast<std::size_t>(in.get<std::uint64_t>());
        c->threshold_ = in.get<float>();
        return c;
    }

private:
    std::size_t dim_ = 0;
    float threshold_ = 0;
};
}  // namespace

TEST_CASE("identity stages and a user clusterer compose, save and load") {
    const auto data = small_synthetic(300, 5);
    n2d::N2DOptions o;
    o.n_clusters = 2;
    o.embedder = n2d::EmbedderKind::none;
    o.manifold = n2d::ManifoldKind::none;
    n2d::N2D model(o, nullptr, nullptr, std::make_unique<SignClusterer>());
    model.fit(data.x);
    CHECK(model.latent().cols() == 16);
    const auto image = model.save_to_bytes();
    CHECK(error_of([&] { n2d::N2D::load_from_bytes(image, "u.n2d"); }).find("kind 'sign'") != std::string::npos);
    n2d::StageLoaders loaders;
    loaders.clusterers["sign"] = &SignClusterer::load;
    const auto loaded = n2d::N2D::load_from_bytes(image, "u.n2d", loaders);
    CHECK(loaded.predict(data.x) == model.predict(data.x));

    n2d::N2DOptions km;
    km.n_clusters = 4;
    km.embedder = n2d::EmbedderKind::none;
    km.manifold = n2d::ManifoldKind::none;
    km.clusterer = n2d::ClustererKind::kmeans;
    n2d::N2D raw(km);
    const auto labels = raw.fit_predict(data.x);
    const auto again = n2d::N2D::load_from_bytes(raw.save_to_bytes(), "k.n2d");
    CHECK(again.predict(data.x) == raw.predict(data.x));
    const auto p = again.predict_proba(data.x);
    CHECK(p(0, static_cast<std::size_t>(again.predict(data.x)[0])) == 1.0f);
}

TEST_CASE("a pipeline resumed from an autoencoder checkpoint equals the uninterrupted one") {
    const auto data = small_synthetic(400, 4);
    const n2d::test::ScratchDir dir("n2d-test-pipeline-ck");
    const auto ck = n2d::test::utf8(dir.path() / "ck.bin");
    n2d::N2D straight(small_options(4, 4));
    straight.fit(data.x);

    auto first = small_options(4, 4);
    first.autoencoder.checkpoint_path = ck;
    first.autoencoder.checkpoint_every = 1;
    first.progress = [](const n2d::Progress& p) { return std::string(p.stage) != "autoencoder" || p.step < 2; };
    n2d::N2D interrupted(first);
    CHECK_THROWS_AS(interrupted.fit(data.x), n2d::Cancelled);

    auto again = small_options(4, 4);
    again.resume_checkpoint = ck;
    n2d::N2D resumed(again);
    resumed.fit(data.x);
    CHECK(std::memcmp(straight.latent().data(), resumed.latent().data(), straight.latent().size() * sizeof(float)) == 0);
    CHECK(straight.labels() == resumed.labels());

    again.pretrained_weights = ck;  // a checkpoint continues training; pretrained weights replace it
    CHECK_THROWS_WITH_AS(n2d::N2D{again}, doctest::Contains("resume_checkpoint"), n2d::Error);
}

TEST_CASE("options are validated") {
    n2d::N2DOptions o;
    o.n_clusters = 0;  // choose k: its range is checked
    o.k_selection.min_k = 0;
    CHECK_THROWS_AS(n2d::N2D{o}, n2d::Error);
    o.n_clusters = 3;
    o.embedder = n2d::EmbedderKind::none;
    o.save_weights = "w.bin";
    CHECK_THROWS_AS(n2d::N2D{o}, n2d::Error);
    n2d::N2D m(small_options(50, 1));
    n2d::Matrix few(10, 4);
    CHECK_THROWS_WITH_AS(m.fit(few), doctest::Contains("lower n_clusters"), n2d::Error);
}

TEST_CASE("pendigits with a short schedule reaches ACC >= 0.80") {
    const auto dir = n2d::test::shared_datasets();
    if (dir.empty() || !std::filesystem::exists(dir / "pendigits")) {
        MESSAGE("skipped: the shared pendigits dataset is absent (set N2D_DATA_DIR)");
        return;
    }
    if (quick()) {
        MESSAGE("skipped under N2D_TEST_QUICK (takes ~30 s in Release)");
        return;
    }
    const auto data = n2d::load_dataset("pendigits", dir.string());
    n2d::N2DOptions o;
    o.n_clusters = 10;
    o.autoencoder.architecture = {256, 256, 512};
    o.autoencoder.epochs = 15;
    o.seed = 0;
    n2d::N2D model(o);
    model.fit(data.x);
    const auto s = model.assess(data.labels);
    MESSAGE("pendigits: ACC " << s.accuracy << " NMI " << s.nmi << " ARI " << s.ari << " in " << model.seconds().total
                              << " s (AE " << model.seconds().embedder << " s, UMAP " << model.seconds().manifold
                              << " s, GMM " << model.seconds().clusterer << " s)");
    CHECK(s.accuracy >= 0.80);
}

TEST_CASE("a seeded fit gives the same model with 1 and 2 threads") {
    const auto data = small_synthetic(400, 11);
    auto fit_with = [&](std::size_t threads) {
        n2d::set_num_threads(threads);
        n2d::N2D m(small_options(4, 2));
        m.fit(data.x);
        return m;
    };
    const auto one = fit_with(1);
    const auto two = fit_with(2);
    n2d::set_num_threads(0);
    CHECK(std::memcmp(one.latent().data(), two.latent().data(), one.latent().size() * sizeof(float)) == 0);
    CHECK(std::memcmp(one.manifold_embedding().data(), two.manifold_embedding().data(),
                      one.manifold_embedding().size() * sizeof(float)) == 0);
    CHECK(one.labels() == two.labels());
}

TEST_CASE("stage sizes follow n_clusters when 0 and are used as given otherwise") {
    const auto data = small_synthetic(300, 5);
    auto o = small_options(4, 1);
    o.umap.n_epochs = 20;
    o.autoencoder.latent_dim = 6;  // given: used as is
    CHECK(n2d::resolved(o).autoencoder.latent_dim == 6);
    CHECK(n2d::resolved(o).umap.n_components == 4);  // 0: follows n_clusters
    CHECK(n2d::resolved(o).gmm.n_components == 4);
    n2d::N2D m(o);
    m.fit(data.x);
    CHECK(m.latent().cols() == 6);
    CHECK(m.manifold_embedding().cols() == 4);
    CHECK(m.n_clusters() == 4);

    auto bad = small_options(4, 1);
    bad.gmm.n_components = 3;  // disagrees with n_clusters: refused, not silently overwritten
    CHECK_THROWS_WITH_AS(n2d::N2D{bad}, doctest::Contains("gmm.n_components"), n2d::Error);
    bad = small_options(4, 1);
    bad.clusterer = n2d::ClustererKind::kmeans;
    bad.kmeans.n_clusters = 5;
    CHECK_THROWS_WITH_AS(n2d::N2D{bad}, doctest::Contains("kmeans.n_clusters"), n2d::Error);
}

TEST_CASE("the N2D constructor reads no file: missing pretrained weights fail in fit") {
    auto o = small_options(4, 1);
    o.pretrained_weights = (std::filesystem::temp_directory_path() / "n2d_test_no_such_weights.bin").string();
    std::filesystem::remove(o.pretrained_weights);
    n2d::N2D m(o);  // must not throw: nothing is read yet
    CHECK_THROWS_WITH_AS(m.fit(small_synthetic(200, 1).x), doctest::Contains("n2d_test_no_such_weights.bin"),
                         n2d::Error);
}

TEST_CASE("HDBSCAN as the pipeline's clusterer: fit labels, noise, model round trip") {
    std::vector<int> truth;
    struct {
        n2d::Matrix x;
    } data{n2d::test::blobs(300, 5, 4, 1.0, 3, &truth)};
    n2d::N2DOptions o;
    o.n_clusters = 4;  // sizes nothing here: no embedder, no manifold
    o.embedder = n2d::EmbedderKind::none;
    o.manifold = n2d::ManifoldKind::none;
    o.clusterer = n2d::ClustererKind::hdbscan;
    o.hdbscan.min_cluster_size = 10;
    n2d::N2D model(o);
    const auto labels = model.fit_predict(data.x);
    // The pipeline's training labels are the fit's, not predict's approximation.
    n2d::Hdbscan direct(n2d::HdbscanOptions{10, 0, nullptr, {}});
    direct.fit(data.x.view());
    CHECK(labels == direct.labels());
    CHECK(model.n_clusters() == direct.n_clusters());
    CHECK(model.n_clusters() == 4);
    CHECK(model.assess(truth).ari > 0.9);

    const auto loaded = n2d::N2D::load_from_bytes(model.save_to_bytes(), "h.n2d");
    CHECK(loaded.options().clusterer == n2d::ClustererKind::hdbscan);
    CHECK(loaded.options().hdbscan.min_cluster_size == 10);
    CHECK(loaded.n_clusters() == model.n_clusters());
    CHECK(loaded.predict(data.x) == model.predict(data.x));
    const auto p = loaded.predict_proba(data.x);
    CHECK(p.cols() == model.n_clusters());
    const auto pred = loaded.predict(data.x);
    for (std::size_t i = 0; i < pred.size(); ++i) {
        float row = 0;
        for (std::size_t c = 0; c < p.cols(); ++c) row += p(i, c);
        if (pred[i] < 0) CHECK(row == 0.0f);
    }
    n2d::N2DOptions bad = o;
    bad.hdbscan.min_cluster_size = 1;
    CHECK_THROWS_WITH_AS(n2d::N2D{bad}, doctest::Contains("hdbscan.min_cluster_size"), n2d::Error);
}
