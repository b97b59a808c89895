// One C API model handle shared by many threads through its const calls: every result equals
// the single-threaded one, and each thread's n2d_last_error() tells only its own failures.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "n2d/n2d.h"

TEST_CASE("threads share one loaded model handle's predict calls; errors stay per thread") {
    constexpr std::size_t n = 150, k = 3, d = 8, n_threads = 8;
    std::vector<float> x(n * d);
    std::vector<int> truth(n);
    REQUIRE(n2d_make_synthetic(n, k, d, 2, x.data(), x.size(), truth.data(), n) == N2D_OK);
    n2d_options* o = nullptr;
    n2d_model* fitted = nullptr;
    REQUIRE(n2d_options_create(&o) == N2D_OK);
    n2d_options_set_n_clusters(o, k);
    n2d_options_set_threads(o, 2);
    n2d_options_set(o, "ae.architecture", "16,16");
    n2d_options_set_epochs(o, 2);
    n2d_options_set(o, "umap.n_epochs", "30");
    n2d_options_set(o, "gmm.n_init", "1");
    REQUIRE(n2d_model_create(o, &fitted) == N2D_OK);
    INFO(n2d_last_error());
    REQUIRE(n2d_model_fit(fitted, x.data(), n, d, d) == N2D_OK);
    std::size_t size = 0;
    REQUIRE(n2d_model_save_to_buffer(fitted, nullptr, 0, &size) == N2D_ERROR_BUFFER_TOO_SMALL);
    std::vector<unsigned char> image(size);
    REQUIRE(n2d_model_save_to_buffer(fitted, image.data(), image.size(), &size) == N2D_OK);
    n2d_model* model = nullptr;
    REQUIRE(n2d_model_load_from_buffer(image.data(), image.size(), &model) == N2D_OK);

    std::vector<int> want_labels(n);
    std::vector<float> want_proba(n * k);
    REQUIRE(n2d_model_predict(fitted, x.data(), n, d, d, want_labels.data(), n) == N2D_OK);
    REQUIRE(n2d_model_predict_proba(fitted, x.data(), n, d, d, want_proba.data(), want_proba.size()) == N2D_OK);

    std::atomic<int> wrong{0}, ready{0};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < n_threads; ++t)
        threads.emplace_back([&, t] {
            ready.fetch_add(1);
            while (ready.load() < int(n_threads)) std::this_thread::yield();
            // Each thread predicts its own row range (different starts, overlapping rows).
            const std::size_t first = t * 10, rows = n - first;
            for (int round = 0; round < 2; ++round) {
                std::vector<int> labels(rows);
                std::vector<float> proba(rows * k);
                if (n2d_model_predict(model, x.data() + first * d, rows, d, d, labels.data(), rows) != N2D_OK ||
                    n2d_model_predict_proba(model, x.data() + first * d, rows, d, d, proba.data(), proba.size()) != N2D_OK)
                    wrong.fetch_add(1);
                for (std::size_t i = 0; i < rows; ++i) {
                    if (labels[i] != want_labels[first + i]) wrong.fetch_add(1);
                    for (std::size_t c = 0; c < k; ++c)
                        if (proba[i * k + c] != want_proba[(first + i) * k + c]) wrong.fetch_add(1);
                }
                // Odd threads also make a call fail (a wrong width): their message is their own.
                if (t % 2 == 1) {
                    if (n2d_model_predict(model, x.data(), 1, d - 1, d, labels.data(), rows) != N2D_ERROR_INVALID_ARGUMENT)
                        wrong.fetch_add(1);
                    if (std::string(n2d_last_error()).find("n2d_model_predict") != 0) wrong.fetch_add(1);
                } else if (std::string(n2d_last_error()) != "") {
                    wrong.fetch_add(1);
                }
            }
        });
    for (auto& th : threads) th.join();
    CHECK(wrong.load() == 0);
    n2d_model_free(model);
    n2d_model_free(fitted);
    n2d_options_free(o);
}
