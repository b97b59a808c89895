// The C API's contracts that the C example does not reach: allocation hooks (C++ and C), the
// documented option keys, thread-local error messages.
#include <doctest/doctest.h>

#if defined(_WIN32)
#include <malloc.h>  // _aligned_malloc
#endif

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/core/memory.hpp"
#include "n2d/n2d.h"
#include "test_util.hpp"

namespace {

// A counting allocator over malloc: live blocks and bytes ever requested.
std::atomic<long> g_live{0}, g_allocs{0};
std::atomic<std::size_t> g_bytes{0};
void* counting_alloc(std::size_t bytes, void* user) {
    CHECK(user == &g_live);
    ++g_live, ++g_allocs, g_bytes += bytes;
    return std::malloc(bytes);
}
void counting_free(void* p, void*) {
    --g_live;
    std::free(p);
}
void reset_counts() { g_live = 0, g_allocs = 0, g_bytes = 0; }

// Restores the default allocator when a test case ends, even a failing one.
struct DefaultAllocatorAfter {
    ~DefaultAllocatorAfter() { n2d::reset_allocator(); }
};

}  // namespace

TEST_CASE("allocation hooks: blocks are 64-byte aligned and go back to the allocator that made them") {
    DefaultAllocatorAfter restore;
    reset_counts();
    n2d::set_allocator({counting_alloc, counting_free, nullptr, nullptr, &g_live});
    {
        n2d::Matrix a(3, 5);  // plain allocator: aligned inside an over-sized block
        CHECK(reinterpret_cast<std::uintptr_t>(a.data()) % 64 == 0);
        CHECK(g_live == 1);
        n2d::reset_allocator();
        n2d::Matrix b(7, 7);  // the default allocator: not counted
        CHECK(g_live == 1);
    }  // `a` is freed through counting_free although the default is installed now
    CHECK(g_live == 0);
    CHECK(g_allocs == 1);
}

TEST_CASE("allocation hooks: incomplete pairs are refused") {
    DefaultAllocatorAfter restore;
    CHECK_THROWS_AS(n2d::set_allocator({nullptr, counting_free, nullptr, nullptr, nullptr}), n2d::Error);
    CHECK_THROWS_AS(n2d::set_allocator({counting_alloc, counting_free, nullptr, counting_free, nullptr}), n2d::Error);
    n2d_allocator half{counting_alloc, nullptr, nullptr, nullptr, nullptr};
    CHECK(n2d_set_allocator(&half) == N2D_ERROR_INVALID_ARGUMENT);
    CHECK(std::string(n2d_last_error()).find("n2d_set_allocator") == 0);
    CHECK(n2d_set_allocator(nullptr) == N2D_OK);
}

namespace {
std::atomic<long> g_aligned_live{0};
void* aligned_hook(std::size_t bytes, std::size_t alignment, void*) {
    ++g_aligned_live;
#if defined(_WIN32)
    return _aligned_malloc(bytes, alignment);
#else
    return std::aligned_alloc(alignment, (bytes + alignment - 1) / alignment * alignment);
#endif
}
void aligned_release(void* p, void*) {
    --g_aligned_live;
#if defined(_WIN32)
    _aligned_free(p);
#else
    std::free(p);
#endif
}
}  // namespace

TEST_CASE("allocation hooks: an aligned pair is used instead of the plain one") {
    DefaultAllocatorAfter restore;
    reset_counts();
    n2d::set_allocator({counting_alloc, counting_free, aligned_hook, aligned_release, &g_live});
    {
        n2d::Matrix a(100, 3);
        CHECK(g_aligned_live == 1);
        CHECK(g_allocs == 0);
    }
    CHECK(g_aligned_live == 0);
}

TEST_CASE("allocation hooks: an allocator that refuses gives N2D_ERROR_OUT_OF_MEMORY naming the size") {
    DefaultAllocatorAfter restore;
    const n2d_allocator refusing{[](std::size_t, void*) -> void* { return nullptr; }, counting_free, nullptr, nullptr,
                                 nullptr};
    REQUIRE(n2d_set_allocator(&refusing) == N2D_OK);
    std::vector<float> x(500 * 12);
    std::vector<int> labels(500);
    CHECK(n2d_make_synthetic(500, 3, 12, 1, x.data(), x.size(), labels.data(), labels.size()) == N2D_ERROR_OUT_OF_MEMORY);
    const std::string what = n2d_last_error();
    CHECK(what.find("n2d_make_synthetic") == 0);
    CHECK(what.find("out of memory: a 500 x 12 float32 matrix needs 23.4 KiB") != std::string::npos);
}

TEST_CASE("allocation hooks: a counting allocator sees a whole fit and every block is freed") {
    DefaultAllocatorAfter restore;
    constexpr std::size_t n = 400, k = 3, d = 12;
    std::vector<float> x(n * d);
    std::vector<int> truth(n), labels(n);
    REQUIRE(n2d_make_synthetic(n, k, d, 1, x.data(), x.size(), truth.data(), n) == N2D_OK);

    reset_counts();
    const n2d_allocator counting{counting_alloc, counting_free, nullptr, nullptr, &g_live};
    REQUIRE(n2d_set_allocator(&counting) == N2D_OK);
    // The fit runs on a thread of its own with the model's own pool (threads = 2), so the
    // per-thread gemm scratch it creates is released when those threads end: nothing may stay.
    n2d_status fit = N2D_ERROR_INTERNAL;
    std::thread worker([&] {
        n2d_options* o = nullptr;
        n2d_model* m = nullptr;
        n2d_options_create(&o);
        n2d_options_set_n_clusters(o, k);
        n2d_options_set_threads(o, 2);
        n2d_options_set(o, "ae.architecture", "32,32,64");
        n2d_options_set_epochs(o, 3);
        n2d_options_set(o, "umap.n_epochs", "50");
        n2d_model_create(o, &m);
        fit = n2d_model_fit_predict(m, x.data(), n, d, d, labels.data(), n);
        n2d_model_free(m);
        n2d_options_free(o);
    });
    worker.join();
    INFO(n2d_last_error());
    CHECK(fit == N2D_OK);
    CHECK(g_allocs > 10);
    CHECK(g_bytes >= n * d * sizeof(float));  // at least the autoencoder's copy of the data
    CHECK(g_live == 0);
}

TEST_CASE("n2d_options_set accepts every key n2d/n2d.h documents") {
    n2d_options* o = nullptr;
    REQUIRE(n2d_options_create(&o) == N2D_OK);
    const char* pairs[][2] = {
        {"n_clusters", "4"}, {"seed", "9"}, {"threads", "2"}, {"embedder", "autoencoder"}, {"manifold", "umap"},
        {"clusterer", "gmm"}, {"ae.architecture", "8,8,16"}, {"ae.latent_dim", "3"}, {"ae.hidden_activation", "relu"},
        {"ae.epochs", "5"}, {"ae.batch_size", "32"}, {"ae.patience", "2"}, {"ae.optimizer", "adam"},
        {"ae.learning_rate", "0.01"}, {"umap.n_components", "2"}, {"umap.n_neighbors", "10"}, {"umap.min_dist", "0.1"},
        {"umap.spread", "1.5"}, {"umap.metric", "cosine"}, {"umap.n_epochs", "100"}, {"gmm.covariance_type", "diag"},
        {"gmm.n_init", "2"}, {"gmm.max_iter", "50"}, {"gmm.tol", "1e-4"}, {"gmm.reg_covar", "1e-5"},
        {"kmeans.n_init", "3"}, {"kmeans.max_iter", "40"}, {"manifold", "isomap"}, {"clusterer", "sc"},
        {"tsne.perplexity", "20"}, {"tsne.n_iter", "500"}, {"isomap.n_neighbors", "7"}, {"lle.n_neighbors", "9"},
        {"lle.reg", "0.01"}, {"sc.affinity", "rbf"}, {"sc.n_neighbors", "12"}, {"sc.gamma", "0.5"},
        {"n_clusters", "auto"}, {"k.min", "3"}, {"k.max", "12"}, {"k.criterion", "bic"}, {"k.silhouette_sample", "1000"},
        {"scale", "standard"}, {"scale", "minmax"}, {"scale", "none"}};
    for (const auto& p : pairs) {
        INFO(p[0], " = ", p[1], ": ", n2d_last_error());
        CHECK(n2d_options_set(o, p[0], p[1]) == N2D_OK);
    }
    CHECK(n2d_options_set(o, "umap.metric", "manhattan-ish") == N2D_ERROR_INVALID_ARGUMENT);
    CHECK(n2d_options_set(o, "seed", "-1") == N2D_ERROR_INVALID_ARGUMENT);
    CHECK(n2d_options_set(o, "sc.affinity", "cosine") == N2D_ERROR_INVALID_ARGUMENT);
    CHECK(n2d_options_set(o, "manifold", "pca") == N2D_ERROR_INVALID_ARGUMENT);
    CHECK(std::string(n2d_last_error()).find("umap, tsne, isomap, lle or none") != std::string::npos);
    CHECK(n2d_options_set(o, "scale", "zscore") == N2D_ERROR_INVALID_ARGUMENT);
    CHECK(std::string(n2d_last_error()).find("none, minmax, standard") != std::string::npos);
    // strtoull alone took these as 2^64 - 1, silently (found by fuzzing the options text).
    for (const char* key : {"seed", "n_clusters", "ae.epochs", "gmm.n_init"})
        for (const char* bad : {" -1", "+3", "99999999999999999999", "1 "}) {
            INFO(key, " = '", bad, "'");
            CHECK(n2d_options_set(o, key, bad) == N2D_ERROR_INVALID_ARGUMENT);
        }
    CHECK(n2d_options_set(o, "umap.min_dist", "1e300") == N2D_ERROR_INVALID_ARGUMENT);
    n2d_options_free(o);
}

TEST_CASE("the last error message is per thread and names the failing call") {
    CHECK(n2d_options_set_n_clusters(nullptr, 1) == N2D_ERROR_INVALID_ARGUMENT);
    const std::string mine = n2d_last_error();
    CHECK(mine.find("n2d_options_set_n_clusters: options is NULL") == 0);
    std::thread([] { CHECK(n2d_model_fit(nullptr, nullptr, 0, 0, 0) == N2D_ERROR_INVALID_ARGUMENT); }).join();
    CHECK(mine == n2d_last_error());
}

TEST_CASE("n_clusters auto through the C API: the fit chooses k and n2d_model_dims reports it") {
    std::vector<int> truth;
    const n2d::Matrix blobs = n2d::test::blobs(300, 4, 4, 0.6, 21, &truth);
    std::vector<float> x(300 * 4);
    for (std::size_t i = 0; i < 300; ++i)
        for (std::size_t j = 0; j < 4; ++j) x[i * 4 + j] = blobs(i, j);
    n2d_options* o = nullptr;
    REQUIRE(n2d_options_create(&o) == N2D_OK);
    for (const auto& [key, value] : {std::pair{"n_clusters", "auto"}, {"embedder", "none"}, {"manifold", "none"},
                                     {"k.max", "8"}, {"k.silhouette_sample", "200"}})
        REQUIRE(n2d_options_set(o, key, value) == N2D_OK);
    n2d_model* m = nullptr;
    REQUIRE(n2d_model_create(o, &m) == N2D_OK);
    std::vector<int> labels(300);
    INFO(n2d_last_error());
    REQUIRE(n2d_model_fit_predict(m, x.data(), 300, 4, 4, labels.data(), labels.size()) == N2D_OK);
    std::size_t k = 0;
    CHECK(n2d_model_dims(m, nullptr, &k, nullptr, nullptr) == N2D_OK);
    CHECK(k == 4);
    n2d_model_free(m);
    // The BIC is the Gaussian mixture's: refused with k-means when the model is made.
    REQUIRE(n2d_options_set(o, "clusterer", "kmeans") == N2D_OK);
    REQUIRE(n2d_options_set(o, "k.criterion", "bic") == N2D_OK);
    CHECK(n2d_model_create(o, &m) != N2D_OK);
    CHECK(std::string(n2d_last_error()).find("bic criterion needs the gmm clusterer") != std::string::npos);
    n2d_options_free(o);
}
