// Cancelling from the progress callback, at every stage of every component and of the N2D
// pipeline: the fit throws n2d::Cancelled, the object is left as documented (a component as it
// was before the call — unfitted, or still holding its previous fit; an N2D model unfitted),
// and a refit with the same seed equals a fit that was never cancelled. Tiny data throughout.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "n2d/n2d.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {
namespace {

// Counts each stage's reports; while armed, returns false at the `at`-th report of `stage`.
struct Canceller {
    std::map<std::string, std::size_t> reports;
    std::string stage;
    std::size_t at = 0;
    bool armed = false;
    std::size_t seen = 0;

    ProgressCallback callback() {
        return [this](const Progress& p) {
            ++reports[p.stage];
            if (!armed || stage != p.stage) return true;
            return ++seen < at;
        };
    }
    void arm(const std::string& s, std::size_t step) {
        stage = s;
        at = step;
        seen = 0;
        armed = true;
    }
};

using Snapshot = std::vector<double>;

void append(Snapshot& s, const Matrix& m) { s.insert(s.end(), m.data(), m.data() + m.size()); }
void append(Snapshot& s, const std::vector<int>& v) { s.insert(s.end(), v.begin(), v.end()); }

// What a component needs for the checks: make one reporting to a callback, fit it, say whether
// it is fitted, and snapshot everything a fitted one answers.
template <class T>
struct Component {
    std::function<T(ProgressCallback)> make;
    std::function<void(T&, const Matrix&)> fit;
    std::function<bool(const T&)> fitted;
    std::function<Snapshot(const T&)> snapshot;
};

// For each stage the component reports, cancelling at its first and (when it reports more than
// once) its second report: from an unfitted object and from one fitted on other data.
template <class T>
void check_cancellation(const Component<T>& c, const std::vector<std::string>& expected_stages) {
    const Matrix x = blobs(90, 5, 3, 1.0, 21), other = blobs(60, 5, 3, 1.5, 22);
    Canceller probe;
    T ref = c.make(probe.callback());
    c.fit(ref, x);
    const Snapshot want = c.snapshot(ref);
    for (const auto& s : expected_stages) CHECK_MESSAGE(probe.reports.count(s) == 1, "stage ", s, " never reported");

    for (const auto& [stage_name, count] : probe.reports) {
        const std::string stage = stage_name;  // clang 14: no structured bindings in lambdas
        for (std::size_t at = 1; at <= std::min<std::size_t>(count, 2); ++at) {
            INFO("cancelled at report ", at, " of stage ", stage);
            Canceller cancel;
            T fresh = c.make(cancel.callback());
            cancel.arm(stage, at);
            CHECK_THROWS_AS(c.fit(fresh, x), Cancelled);
            CHECK_FALSE(c.fitted(fresh));
            cancel.armed = false;
            c.fit(fresh, x);
            CHECK(c.snapshot(fresh) == want);

            Canceller cancel2;
            T previous = c.make(cancel2.callback());
            c.fit(previous, other);
            const Snapshot before = c.snapshot(previous);
            cancel2.arm(stage, at);
            CHECK_THROWS_AS(c.fit(previous, x), Cancelled);
            REQUIRE(c.fitted(previous));
            CHECK(c.snapshot(previous) == before);
            cancel2.armed = false;
            c.fit(previous, x);
            CHECK(c.snapshot(previous) == want);
        }
    }
}

const Matrix& query() {
    static const Matrix q = blobs(20, 5, 3, 1.2, 23);
    return q;
}

}  // namespace

TEST_CASE("cancellation: UMAP (kNN and layout epochs)") {
    check_cancellation<Umap>({[](ProgressCallback p) {
                                  UmapOptions o;
                                  o.n_neighbors = 8;
                                  o.n_epochs = 20;
                                  o.seed = 4;
                                  o.progress = std::move(p);
                                  return Umap(o);
                              },
                              [](Umap& u, const Matrix& x) { u.fit(x); }, [](const Umap& u) { return u.fitted(); },
                              [](const Umap& u) {
                                  Snapshot s;
                                  append(s, u.embedding());
                                  append(s, u.transform(query()));
                                  return s;
                              }},
                             {"knn", "umap"});
}

TEST_CASE("cancellation: Gaussian mixture and k-means") {
    check_cancellation<GaussianMixture>({[](ProgressCallback p) {
                                             GaussianMixtureOptions o;
                                             o.n_components = 3;
                                             o.n_init = 2;
                                             o.seed = 4;
                                             o.progress = std::move(p);
                                             return GaussianMixture(o);
                                         },
                                         [](GaussianMixture& g, const Matrix& x) { g.fit(x); },
                                         [](const GaussianMixture& g) { return g.fitted(); },
                                         [](const GaussianMixture& g) {
                                             Snapshot s;
                                             append(s, g.predict_proba(query()));
                                             append(s, g.predict(query()));
                                             s.push_back(g.converged() ? 1.0 : 0.0);
                                             return s;
                                         }},
                                        {"gmm"});
    check_cancellation<KMeans>({[](ProgressCallback p) {
                                    KMeansOptions o;
                                    o.n_clusters = 3;
                                    o.n_init = 3;
                                    o.seed = 4;
                                    o.progress = std::move(p);
                                    return KMeans(o);
                                },
                                [](KMeans& k, const Matrix& x) { k.fit(x); }, [](const KMeans& k) { return k.fitted(); },
                                [](const KMeans& k) {
                                    Snapshot s;
                                    append(s, k.cluster_centers());
                                    append(s, k.labels());
                                    append(s, k.predict(query()));
                                    return s;
                                }},
                               {"kmeans"});
}

TEST_CASE("cancellation: HDBSCAN and spectral clustering") {
    check_cancellation<Hdbscan>({[](ProgressCallback p) {
                                     HdbscanOptions o;
                                     o.min_cluster_size = 8;
                                     o.progress = std::move(p);
                                     return Hdbscan(o);
                                 },
                                 [](Hdbscan& h, const Matrix& x) { h.fit(x); }, [](const Hdbscan& h) { return h.fitted(); },
                                 [](const Hdbscan& h) {
                                     Snapshot s;
                                     append(s, h.labels());
                                     append(s, h.predict(query()));
                                     append(s, h.predict_proba(query()));
                                     return s;
                                 }},
                                {"hdbscan"});
    check_cancellation<SpectralClustering>({[](ProgressCallback p) {
                                                SpectralClusteringOptions o;
                                                o.n_clusters = 3;
                                                o.n_neighbors = 8;
                                                o.n_init = 2;
                                                o.seed = 4;
                                                o.progress = std::move(p);
                                                return SpectralClustering(o);
                                            },
                                            [](SpectralClustering& c, const Matrix& x) { c.fit(x); },
                                            [](const SpectralClustering& c) { return c.fitted(); },
                                            [](const SpectralClustering& c) {
                                                Snapshot s;
                                                append(s, c.labels());
                                                append(s, c.embedding());
                                                append(s, c.predict(query()));
                                                return s;
                                            }},
                                           {"spectral"});
}

TEST_CASE("cancellation: t-SNE, Isomap and LLE") {
    check_cancellation<Tsne>({[](ProgressCallback p) {
                                  TsneOptions o;
                                  o.perplexity = 10;
                                  o.n_iter = 250;
                                  o.seed = 4;
                                  o.progress = std::move(p);
                                  return Tsne(o);
                              },
                              [](Tsne& t, const Matrix& x) { t.fit_transform(x); }, [](const Tsne& t) { return t.fitted(); },
                              [](const Tsne& t) {
                                  Snapshot s;
                                  append(s, t.embedding());
                                  return s;
                              }},
                             {"knn", "tsne"});
    check_cancellation<Isomap>({[](ProgressCallback p) {
                                    IsomapOptions o;
                                    o.n_neighbors = 8;
                                    o.seed = 4;
                                    o.progress = std::move(p);
                                    return Isomap(o);
                                },
                                [](Isomap& m, const Matrix& x) { m.fit_transform(x); },
                                [](const Isomap& m) { return m.fitted(); },
                                [](const Isomap& m) {
                                    Snapshot s;
                                    append(s, m.embedding());
                                    append(s, m.transform(query()));
                                    return s;
                                }},
                               {"isomap"});
    check_cancellation<LocallyLinearEmbedding>({[](ProgressCallback p) {
                                                    LleOptions o;
                                                    o.n_neighbors = 8;
                                                    o.seed = 4;
                                                    o.progress = std::move(p);
                                                    return LocallyLinearEmbedding(o);
                                                },
                                                [](LocallyLinearEmbedding& m, const Matrix& x) { m.fit_transform(x); },
                                                [](const LocallyLinearEmbedding& m) { return m.fitted(); },
                                                [](const LocallyLinearEmbedding& m) {
                                                    Snapshot s;
                                                    append(s, m.embedding());
                                                    append(s, m.transform(query()));
                                                    return s;
                                                }},
                                               {"lle"});
}

// Training is incremental: a cancelled fit keeps the epochs it finished (as a checkpoint would),
// the next fit continues from them, and a new autoencoder with the same seed refits exactly.
TEST_CASE("cancellation: the autoencoder keeps its finished epochs") {
    const Matrix x = blobs(90, 6, 3, 1.0, 24);
    Canceller cancel;
    auto options = [&](std::size_t epochs) {
        AutoencoderOptions o;
        o.architecture = {8};
        o.latent_dim = 2;
        o.batch_size = 32;
        o.epochs = epochs;
        o.seed = 4;
        o.progress = cancel.callback();
        return o;
    };
    Autoencoder straight(6, options(4));
    straight.fit(x);

    Autoencoder interrupted(6, options(4));
    cancel.arm("autoencoder", 2);
    CHECK_THROWS_AS(interrupted.fit(x), Cancelled);
    CHECK(interrupted.epochs_trained() == 2);
    cancel.armed = false;
    interrupted.set_epochs(2);
    interrupted.fit(x);
    CHECK(interrupted.parameters() == straight.parameters());

    Autoencoder again(6, options(4));
    again.fit(x);
    CHECK(again.parameters() == straight.parameters());
}

TEST_CASE("cancellation: the N2D pipeline at each of its stages is left unfitted and refits exactly") {
    const Matrix x = blobs(90, 6, 3, 1.0, 25), q = blobs(20, 6, 3, 1.2, 26);
    struct Case {
        ManifoldKind manifold;
        ClustererKind clusterer;
        const char* clusterer_stage;
    };
    const Case cases[] = {{ManifoldKind::umap, ClustererKind::gmm, "gmm"},
                          {ManifoldKind::isomap, ClustererKind::kmeans, "kmeans"},
                          {ManifoldKind::lle, ClustererKind::hdbscan, "hdbscan"},
                          {ManifoldKind::tsne, ClustererKind::spectral, "spectral"}};
    for (const auto& c : cases) {
        const std::string config = std::string(to_string(c.manifold)) + " + " + to_string(c.clusterer);
        INFO(config);
        Canceller cancel;
        N2DOptions o;
        o.n_clusters = 3;
        o.autoencoder.architecture = {8};
        o.autoencoder.epochs = 2;
        o.autoencoder.batch_size = 32;
        o.umap.n_neighbors = 8;
        o.umap.n_epochs = 10;
        o.tsne.n_iter = 250;
        o.tsne.perplexity = 10;
        o.isomap.n_neighbors = 8;
        o.lle.n_neighbors = 8;
        o.gmm.n_init = 1;
        o.kmeans.n_init = 2;
        o.spectral.n_init = 2;
        o.hdbscan.min_cluster_size = 8;
        o.manifold = c.manifold;
        o.clusterer = c.clusterer;
        o.seed = 9;
        o.progress = cancel.callback();
        const bool can_predict = c.manifold != ManifoldKind::tsne;
        auto snapshot = [&](const N2D& m) {
            Snapshot s;
            append(s, m.labels());
            append(s, m.latent());
            append(s, m.manifold_embedding());
            if (can_predict) append(s, m.predict_proba(q));
            return s;
        };
        N2D straight(o);
        straight.fit(x);
        const Snapshot want = snapshot(straight);
        const auto reports = cancel.reports;
        CHECK(reports.count("autoencoder") == 1);
        CHECK(reports.count(to_string(c.manifold)) == 1);
        CHECK(reports.count(c.clusterer_stage) == 1);

        N2D model(o);
        for (const auto& report : reports) {
            const std::string stage = report.first;
            INFO("cancelled at stage ", stage);
            cancel.arm(stage, 1);
            CHECK_THROWS_AS(model.fit(x), Cancelled);
            CHECK_FALSE(model.fitted());
            CHECK(model.labels().empty());
            if (can_predict) CHECK_THROWS_WITH_AS(model.predict(q), doctest::Contains("before fit"), Error);
            cancel.armed = false;
            model.fit(x);  // the previous iteration's cancelled fit followed a full one
            REQUIRE(model.fitted());
            CHECK(snapshot(model) == want);
        }
    }
}

}  // namespace n2d::inline v0::test
