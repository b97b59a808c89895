// N2D::save at the limits: a full disk (a file size limit in a forked child, POSIX only) or a
// folder in place of the file fails with a clear n2d::Error and the previous model still loads.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "limits_util.hpp"
#include "n2d/n2d.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {


// A quick model (no autoencoder, no manifold: k-means on the data) fitted with `k` clusters.
N2D quick_model(const Matrix& x, std::size_t k) {
    N2DOptions o;
    o.n_clusters = k;
    o.embedder = EmbedderKind::none;
    o.manifold = ManifoldKind::none;
    o.clusterer = ClustererKind::kmeans;
    N2D model(o);
    model.fit(x);
    return model;
}

}  // namespace

TEST_CASE("N2D::save on a full disk or into a folder: a clear error, the previous model still loads") {
    const ScratchDir dir("n2d-test-pipeline-limits");
    SyntheticOptions s;
    s.n_samples = 200;
    const Dataset data = make_synthetic(s);
    const std::string path = utf8(dir.path() / "model.n2d");
    quick_model(data.x, 3).save(path);
    const N2D bigger = quick_model(data.x, 6);
    CHECK(contains(error_of([&] { bigger.save(utf8(dir.path())); }), "it is a folder"));
#if !defined(_WIN32)
    if (kSanitized) return;
    const ChildReport r = run_in_child([&]() -> std::string {
        if (!limit_file_size(256)) return "skip: the file size limit did not take";
        return error_of([&] { bigger.save(path); });
    });
    if (r.text.rfind("skip:", 0) == 0) {
        MESSAGE(r.text);
        return;
    }
    INFO(r.text);
    CHECK(r.status == 0);
    CHECK(contains(r.text, "cannot write '" + path + "': File too large"));
    CHECK(N2D::load(path).n_clusters() == 3);
    CHECK(names_in(dir.path()) == std::set<std::string>{"model.n2d"});
#endif
}

}  // namespace n2d::test
