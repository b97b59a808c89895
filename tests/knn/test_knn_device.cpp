// Exact kNN through the device interface: the CPU device's knn_tile op against a brute force,
// and build_knn / UMAP's graph on every test device (the opaque CPU device and each GPU)
// against the host path.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

#include "device_test_util.hpp"
#include "knn_test_util.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/umap/umap.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {

// Brute-force knn_tile: exact squared distances (the data are small integers, so every float
// sum is exact), ascending, ties by index, padded.
void brute_tile(const std::vector<float>& q, const std::vector<float>& r, std::size_t dim, std::size_t k,
                std::vector<std::int32_t>& idx, std::vector<float>& dist) {
    const std::size_t nq = q.size() / dim, nr = r.size() / dim;
    idx.assign(nq * k, -1);
    dist.assign(nq * k, std::numeric_limits<float>::infinity());
    for (std::size_t i = 0; i < nq; ++i) {
        std::vector<std::pair<float, std::int32_t>> c(nr);
        for (std::size_t j = 0; j < nr; ++j) {
            float s = 0.0f;
            for (std::size_t t = 0; t < dim; ++t) s += (q[i * dim + t] - r[j * dim + t]) * (q[i * dim + t] - r[j * dim + t]);
            c[j] = {s, std::int32_t(j)};
        }
        std::sort(c.begin(), c.end());
        for (std::size_t j = 0; j < std::min(k, nr); ++j) {
            idx[i * k + j] = c[j].second;
            dist[i * k + j] = c[j].first;
        }
    }
}

std::vector<float> small_ints(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<float> v(n);
    for (auto& x : v) x = float(rng.below(4));
    return v;
}

// `got` equals `want` up to ties: the same distances at every position (bit for bit), and the
// same index wherever the distance is not shared with another neighbour of the row. The CPU
// device's tiles rank exactly as the host search does: with it (`strict`) every index matches.
void check_same_graph(const KnnGraph& want, const KnnGraph& got, const std::string& what) {
    const bool strict = what.find("cpu-opaque") != std::string::npos;
    INFO(what);
    REQUIRE(got.n == want.n);
    REQUIRE(got.k == want.k);
    std::size_t dist_diff = 0, idx_diff = 0;
    for (std::size_t i = 0; i < want.n; ++i) {
        const float* wd = want.row_distances(i);
        for (std::size_t j = 0; j < want.k; ++j) {
            if (got.row_distances(i)[j] != wd[j]) ++dist_diff;
            const bool tied = (j > 0 && wd[j - 1] == wd[j]) || (j + 1 < want.k && wd[j + 1] == wd[j]);
            if ((strict || !tied) && got.row_indices(i)[j] != want.row_indices(i)[j]) ++idx_diff;
        }
    }
    CHECK(dist_diff == 0);
    CHECK(idx_diff == 0);
}

}  // namespace

TEST_CASE("CPU knn_tile: exact, ascending, ties by index, padded, self kept") {
    auto cpu = make_cpu_device();
    for (std::size_t dim : {1u, 5u, 8u, 19u}) {
        for (std::size_t k : {1u, 7u, 40u}) {
            const std::size_t nq = 150, nr = 33;  // k = 40 > nr: padding
            const auto q = small_ints(nq * dim, dim + 1);
            auto r = small_ints(nr * dim, dim + 2);
            std::copy(q.begin(), q.begin() + std::ptrdiff_t(3 * dim), r.begin());  // queries 0..2 are refs 0..2
            const Buffer bq = upload_new(*cpu, q.data(), q.size()), br = upload_new(*cpu, r.data(), r.size());
            const Buffer bi(*cpu, DType::i32, nq * k), bd(*cpu, DType::f32, nq * k);
            cpu->knn_tile({nq, nr, dim, k, bq.view(), br.view(), bi.view(), bd.view()});
            std::vector<std::int32_t> want_i, got_i(nq * k);
            std::vector<float> want_d, got_d(nq * k);
            brute_tile(q, r, dim, k, want_i, want_d);
            cpu->download(got_i.data(), bi.view());
            cpu->download(got_d.data(), bd.view());
            INFO("dim " << dim << " k " << k);
            CHECK(got_i == want_i);
            CHECK(got_d == want_d);
            CHECK(got_i[0] == 0);  // itself, not skipped
        }
    }
    // No references at all: padding only.
    const float one = 1.0f;
    const Buffer bq = upload_new(*cpu, &one, 1), bi(*cpu, DType::i32, 2), bd(*cpu, DType::f32, 2);
    cpu->knn_tile({1, 0, 1, 2, bq.view(), BufView{}, bi.view(), bd.view()});
    std::int32_t i2[2];
    cpu->download(i2, bi.view());
    CHECK((i2[0] == -1 && i2[1] == -1));
}

TEST_CASE("exact build_knn on a device equals the CPU path") {
    const Matrix x = test::embedding_like(1500, 13, 5, 7);
    // Duplicates: the point itself need not be the first of its equals.
    Matrix xd = x;
    const Matrix& xdc = xd;
    for (std::size_t i = 0; i < 40; ++i) std::copy(xd.row(i), xd.row(i) + xd.cols(), xd.row(i + 100));
    for (const auto& dev : test::stage_test_devices()) {
        for (Metric m : {Metric::euclidean, Metric::cosine, Metric::correlation, Metric::manhattan}) {
            for (bool self : {true, false}) {
                for (const Matrix* data : {&x, &xdc}) {
                    KnnOptions o;
                    o.n_neighbors = 15;
                    o.metric = m;
                    o.method = KnnMethod::exact;
                    o.include_self = self;
                    const KnnGraph host = build_knn(data->view(), o);
                    o.device = dev.get();
                    const auto before = test::ops_run(*dev);
                    const KnnGraph on = build_knn(data->view(), o);
                    if (before) CHECK((*test::ops_run(*dev) > *before) == (m != Metric::manhattan));  // manhattan: the CPU
                    check_same_graph(host, on, dev->name() + " " + to_string(m) + (self ? " self" : "") +
                                                   (data == &xdc ? " duplicates" : ""));
                }
            }
        }
    }
}

TEST_CASE("exact kNN on a device: small n, k = n, progress, KnnIndex") {
    for (const auto& dev : test::stage_test_devices()) {
        INFO(dev->name());
        const Matrix x = test::embedding_like(9, 3, 2, 1);
        KnnOptions o;
        o.n_neighbors = 9;  // every point
        o.method = KnnMethod::exact;
        const KnnGraph host = build_knn(x.view(), o);
        std::size_t steps = 0;
        o.device = dev.get();
        o.progress = [&](const Progress&) { ++steps; return true; };
        check_same_graph(host, build_knn(x.view(), o), dev->name() + " k = n");
        CHECK(steps >= 1);
        const KnnIndex index = KnnIndex::build(x.view(), o);
        check_same_graph(host, index.graph(), dev->name() + " KnnIndex");
    }
}

TEST_CASE("UMAP's kNN graph runs on UmapOptions::device") {
    const Matrix x = test::embedding_like(600, 8, 3, 5);
    UmapOptions o;
    o.n_epochs = 1;
    Umap host(o);
    host.fit(x.view());
    for (const auto& dev : test::stage_test_devices()) {
        o.device = dev.get();
        Umap on(o);
        on.fit(x.view());
        check_same_graph(host.knn_index().graph(), on.knn_index().graph(), "UMAP on " + dev->name());
    }
}

TEST_CASE("pendigits: exact kNN on a device equals the CPU path") {
    const auto dir = test::shared_datasets();
    if (dir.empty() || !std::filesystem::exists(dir / "pendigits")) {
        MESSAGE("skipped: the shared pendigits dataset is absent (set N2D_DATA_DIR)");
        return;
    }
    const auto data = load_dataset("pendigits", dir.string());
    KnnOptions o;
    o.n_neighbors = 20;
    o.method = KnnMethod::exact;
    const KnnGraph host = build_knn(data.x.view(), o);
    for (const auto& dev : test::stage_test_devices()) {
        o.device = dev.get();
        check_same_graph(host, build_knn(data.x.view(), o), "pendigits on " + dev->name());
    }
}
