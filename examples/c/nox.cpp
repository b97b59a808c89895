// A C++ consumer built with -fno-exceptions -fno-rtti: it can use n2d only through the C API
// (n2d/n2d.h), which reports failures as statuses. Fits the synthetic data and checks accuracy.
#include <cstdio>
#include <vector>

#include "n2d/n2d.h"

namespace {

// Owns a handle with its matching free function.
template <class T, void (*Free)(T*)>
struct Handle {
    T* p = nullptr;
    ~Handle() { Free(p); }
};

bool ok(n2d_status s, const char* what) {
    if (s != N2D_OK) std::fprintf(stderr, "%s: %s: %s\n", what, n2d_status_string(s), n2d_last_error());
    return s == N2D_OK;
}

}  // namespace

int main() {
    constexpr std::size_t n = 400, k = 3, d = 12;
    std::vector<float> x(n * d);
    std::vector<int> truth(n), labels(n);
    Handle<n2d_options, n2d_options_free> options;
    Handle<n2d_model, n2d_model_free> model;
    n2d_scores score{};
    if (!ok(n2d_make_synthetic(n, k, d, 5, x.data(), x.size(), truth.data(), truth.size()), "synthetic") ||
        !ok(n2d_options_create(&options.p), "options") || !ok(n2d_options_set_n_clusters(options.p, k), "n_clusters") ||
        !ok(n2d_options_set(options.p, "embedder", "none"), "embedder") ||  // UMAP + GMM on the raw rows
        !ok(n2d_options_set(options.p, "umap.n_epochs", "200"), "umap epochs") ||
        !ok(n2d_model_create(options.p, &model.p), "create") ||
        !ok(n2d_model_fit_predict(model.p, x.data(), n, d, d, labels.data(), labels.size()), "fit") ||
        !ok(n2d_assess(truth.data(), labels.data(), n, &score), "assess"))
        return 1;
    std::printf("no-exceptions consumer: ACC %.3f\n", score.accuracy);
    return score.accuracy > 0.9 ? 0 : 1;
}
