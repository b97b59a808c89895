/* The n2d C API from C99: fit, save, load and predict on the built-in synthetic data (so it
 * needs no data folder), then every documented error path. Exits nonzero when a check fails.
 * Usage: capi_demo [WORK_DIR]   (model files are written there; default ".") */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n2d/n2d.h"

static int failures = 0;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
            ++failures;                                                               \
        }                                                                             \
    } while (0)

/* Checks that `call` returns `expected` and leaves a message naming the function. */
#define EXPECT_STATUS(expected, call)                                                             \
    do {                                                                                          \
        n2d_status s_ = (call);                                                                   \
        if (s_ != (expected)) {                                                                   \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s (%s)\n", __FILE__, __LINE__, #call, \
                    n2d_status_string(s_), n2d_status_string(expected), n2d_last_error());        \
            ++failures;                                                                           \
        } else if (s_ != N2D_OK && n2d_last_error()[0] == '\0') {                                 \
            fprintf(stderr, "%s:%d: %s failed without a message\n", __FILE__, __LINE__, #call);   \
            ++failures;                                                                           \
        }                                                                                         \
    } while (0)

enum { N = 600, K = 3, D = 16 };

static int calls_before_cancel = 0;
static int cancel_after(const char* stage, size_t step, size_t total, double loss, void* user) {
    int* calls = (int*)user;
    (void)stage, (void)step, (void)total, (void)loss;
    return ++*calls > calls_before_cancel;
}

static n2d_options* small_options(void) {
    n2d_options* o = NULL;
    EXPECT_STATUS(N2D_OK, n2d_options_create(&o));
    EXPECT_STATUS(N2D_OK, n2d_options_set_n_clusters(o, K));
    EXPECT_STATUS(N2D_OK, n2d_options_set_seed(o, 7));
    EXPECT_STATUS(N2D_OK, n2d_options_set_threads(o, 2));
    EXPECT_STATUS(N2D_OK, n2d_options_set_epochs(o, 40));
    EXPECT_STATUS(N2D_OK, n2d_options_set_batch_size(o, 32));
    EXPECT_STATUS(N2D_OK, n2d_options_set_umap_neighbors(o, 15));
    EXPECT_STATUS(N2D_OK, n2d_options_set(o, "ae.architecture", "64,64,128"));
    EXPECT_STATUS(N2D_OK, n2d_options_set(o, "umap.n_epochs", "200"));
    return o;
}

static void check_library(void) {
    int major = -1, minor = -1, patch = -1;
    size_t count = 0, i;
    n2d_version_numbers(&major, &minor, &patch);
    CHECK(major == N2D_VERSION_MAJOR && minor == N2D_VERSION_MINOR && patch == N2D_VERSION_PATCH);
    CHECK(strlen(n2d_version()) >= 5);
    printf("n2d %s, SIMD %s\n", n2d_version(), n2d_simd_target());
    EXPECT_STATUS(N2D_OK, n2d_device_count(&count));
    CHECK(count >= 1);
    for (i = 0; i < count; ++i) {
        const char *name = NULL, *description = NULL;
        int available = -1;
        EXPECT_STATUS(N2D_OK, n2d_device_info(i, &name, &description, &available));
        CHECK(name && description && (available == 0 || available == 1));
        printf("device %s: %s%s\n", name, description, available ? "" : " (unavailable)");
    }
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_device_info(count, NULL, NULL, NULL));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_device_count(NULL));
    CHECK(strcmp(n2d_status_string(N2D_ERROR_IO), "N2D_ERROR_IO") == 0);
}

static void check_option_errors(void) {
    n2d_options* o = NULL;
    EXPECT_STATUS(N2D_OK, n2d_options_create(&o));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_create(NULL));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set_n_clusters(NULL, 3));
    CHECK(strstr(n2d_last_error(), "n2d_options_set_n_clusters") != NULL);
    EXPECT_STATUS(N2D_OK, n2d_options_set_n_clusters(o, 0)); /* 0: choose k (k.min..k.max) */
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set_epochs(o, 0));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set_threads(o, 100000));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set_umap_neighbors(o, 1));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set_umap_min_dist(o, -0.5));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set_cluster_method(o, "dbscan"));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set_cluster_method(o, NULL));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set_manifold(o, "pca"));
    EXPECT_STATUS(N2D_OK, n2d_options_set_manifold(o, "tsne"));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set(o, "no.such.key", "1"));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set(o, "ae.epochs", "many"));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set(o, "n_clusters", "-1"));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set(o, "n_clusters", "several"));
    EXPECT_STATUS(N2D_OK, n2d_options_set(o, "n_clusters", "auto"));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_options_set(o, "gmm.covariance_type", "round"));
    EXPECT_STATUS(N2D_OK, n2d_options_set(o, "clusterer", "kmeans"));
    EXPECT_STATUS(N2D_OK, n2d_options_set_manifold(o, "none"));
    EXPECT_STATUS(N2D_OK, n2d_options_set_umap_min_dist(o, 0.1));
    n2d_options_free(o);
    n2d_options_free(NULL);
}

static int same_labels(const int* a, const int* b, size_t n) { return memcmp(a, b, n * sizeof(int)) == 0; }

/* Saves to a file and to memory, loads both back, and checks they predict identically. */
static void check_save_load(const n2d_model* model, const float* x, const int* expected, const char* dir) {
    char path[1024], missing[1024];
    int labels[N];
    size_t size = 0;
    unsigned char* image;
    n2d_model* loaded = NULL;

    snprintf(path, sizeof path, "%s/capi_demo.n2d", dir);
    snprintf(missing, sizeof missing, "%s/no-such-folder/model.n2d", dir);
    EXPECT_STATUS(N2D_OK, n2d_model_save(model, path));
    EXPECT_STATUS(N2D_ERROR_IO, n2d_model_save(model, missing));
    EXPECT_STATUS(N2D_OK, n2d_model_load(path, &loaded));
    EXPECT_STATUS(N2D_OK, n2d_model_predict(loaded, x, N, D, D, labels, N));
    CHECK(same_labels(labels, expected, N));
    EXPECT_STATUS(N2D_ERROR_NOT_FITTED, n2d_model_training_outputs(loaded, &size, NULL, 0, NULL, 0, NULL, 0));
    n2d_model_free(loaded);
    remove(path);
    loaded = NULL;
    EXPECT_STATUS(N2D_ERROR_IO, n2d_model_load(missing, &loaded));
    CHECK(loaded == NULL);

    EXPECT_STATUS(N2D_ERROR_BUFFER_TOO_SMALL, n2d_model_save_to_buffer(model, NULL, 0, &size));
    CHECK(size > 64);
    image = (unsigned char*)malloc(size);
    EXPECT_STATUS(N2D_OK, n2d_model_save_to_buffer(model, image, size, &size));
    EXPECT_STATUS(N2D_OK, n2d_model_load_from_buffer(image, size, &loaded));
    EXPECT_STATUS(N2D_OK, n2d_model_predict(loaded, x, N, D, D, labels, N));
    CHECK(same_labels(labels, expected, N));
    n2d_model_free(loaded);

    loaded = NULL;
    EXPECT_STATUS(N2D_ERROR_FORMAT, n2d_model_load_from_buffer(image, size / 2, &loaded)); /* truncated */
    image[size / 2] ^= 0x5a;                                                               /* one byte flipped */
    EXPECT_STATUS(N2D_ERROR_FORMAT, n2d_model_load_from_buffer(image, size, &loaded));
    EXPECT_STATUS(N2D_ERROR_FORMAT, n2d_model_load_from_buffer("not a model", 11, &loaded));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_model_load_from_buffer(NULL, 10, &loaded));
    CHECK(loaded == NULL);
    free(image);
}

static void check_model_errors(const n2d_model* fitted, const float* x) {
    int labels[N];
    float proba[N * K];
    static float bad[N * D];
    n2d_model* m = NULL;
    n2d_options* o = small_options();
    int calls = 0;

    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_model_create(o, NULL));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_model_predict(NULL, x, N, D, D, labels, N));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_model_predict(fitted, NULL, N, D, D, labels, N));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_model_predict(fitted, x, N, D, D - 1, labels, N)); /* stride */
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_model_predict(fitted, x, 0, D, D, labels, N));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_model_predict(fitted, x, N / 2, D / 2, D, labels, N)); /* width */
    EXPECT_STATUS(N2D_ERROR_BUFFER_TOO_SMALL, n2d_model_predict(fitted, x, N, D, D, labels, N - 1));
    EXPECT_STATUS(N2D_ERROR_BUFFER_TOO_SMALL, n2d_model_predict_proba(fitted, x, N, D, D, proba, N));
    memcpy(bad, x, sizeof bad);
    bad[5 * D + 2] = (float)NAN;
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_model_predict(fitted, bad, N, D, D, labels, N));
    CHECK(strstr(n2d_last_error(), "row 5, column 2") != NULL);

    /* Cancel from the progress callback on its third call: the model stays unfitted. */
    calls_before_cancel = 2;
    EXPECT_STATUS(N2D_OK, n2d_options_set_progress(o, cancel_after, &calls));
    EXPECT_STATUS(N2D_OK, n2d_model_create(o, &m));
    EXPECT_STATUS(N2D_ERROR_NOT_FITTED, n2d_model_predict(m, x, N, D, D, labels, N));
    EXPECT_STATUS(N2D_ERROR_CANCELLED, n2d_model_fit(m, x, N, D, D));
    CHECK(calls == 3);
    EXPECT_STATUS(N2D_ERROR_NOT_FITTED, n2d_model_predict(m, x, N, D, D, labels, N));
    EXPECT_STATUS(N2D_ERROR_NOT_FITTED, n2d_model_save(m, "never-written.n2d"));
    n2d_model_free(m);
    n2d_model_free(NULL);
    n2d_options_free(o);
}

int main(int argc, char** argv) {
    const char* dir = argc > 1 ? argv[1] : ".";
    static float x[N * D], proba[N * K], latent[N * K], embedding[N * K];
    static int truth[N], labels[N], predicted[N];
    n2d_options* o;
    n2d_model* model = NULL;
    n2d_scores score;
    size_t input_dim = 0, clusters = 0, latent_dim = 0, manifold_dim = 0, rows = 0, i;

    check_library();
    check_option_errors();

    EXPECT_STATUS(N2D_OK, n2d_make_synthetic(N, K, D, 3, x, N * D, truth, N));
    EXPECT_STATUS(N2D_ERROR_BUFFER_TOO_SMALL, n2d_make_synthetic(N, K, D, 3, x, N * D - 1, truth, N));
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_make_synthetic(N, 1, D, 3, x, N * D, NULL, 0));

    o = small_options();
    EXPECT_STATUS(N2D_OK, n2d_model_create(o, &model));
    n2d_options_free(o); /* the model keeps its own copy */
    EXPECT_STATUS(N2D_OK, n2d_model_fit_predict(model, x, N, D, D, labels, N));
    EXPECT_STATUS(N2D_OK, n2d_assess(truth, labels, N, &score));
    printf("fit: ACC %.3f  NMI %.3f  ARI %.3f  AMI %.3f\n", score.accuracy, score.nmi, score.ari, score.ami);
    CHECK(score.accuracy > 0.9);
    EXPECT_STATUS(N2D_ERROR_INVALID_ARGUMENT, n2d_assess(truth, NULL, N, &score));

    EXPECT_STATUS(N2D_OK, n2d_model_dims(model, &input_dim, &clusters, &latent_dim, &manifold_dim));
    CHECK(input_dim == D && clusters == K && latent_dim == K && manifold_dim == K);
    EXPECT_STATUS(N2D_OK, n2d_model_predict(model, x, N, D, D, predicted, N));
    EXPECT_STATUS(N2D_OK, n2d_assess(labels, predicted, N, &score));
    printf("predict agrees with the fit's labels: ARI %.3f\n", score.ari);
    CHECK(score.ari > 0.9);
    EXPECT_STATUS(N2D_OK, n2d_model_predict_proba(model, x, N, D, D, proba, N * K));
    for (i = 0; i < N; ++i) CHECK(fabs(proba[i * K] + proba[i * K + 1] + proba[i * K + 2] - 1.0) < 1e-3);
    EXPECT_STATUS(N2D_OK, n2d_model_transform(model, x, N, D, D, latent, N * K, embedding, N * K));
    EXPECT_STATUS(N2D_OK, n2d_model_transform(model, x, N, D, D, NULL, 0, embedding, N * K));
    EXPECT_STATUS(N2D_ERROR_BUFFER_TOO_SMALL, n2d_model_transform(model, x, N, D, D, latent, 1, NULL, 0));
    EXPECT_STATUS(N2D_OK, n2d_model_training_outputs(model, &rows, NULL, 0, NULL, 0, NULL, 0));
    CHECK(rows == N);
    EXPECT_STATUS(N2D_OK, n2d_model_training_outputs(model, &rows, predicted, N, latent, N * K, embedding, N * K));
    CHECK(same_labels(predicted, labels, N));
    EXPECT_STATUS(N2D_ERROR_BUFFER_TOO_SMALL, n2d_model_training_outputs(model, &rows, NULL, 0, latent, N, NULL, 0));
    EXPECT_STATUS(N2D_OK, n2d_model_predict(model, x, N, D, D, predicted, N));

    check_save_load(model, x, predicted, dir);
    check_model_errors(model, x);
    n2d_model_free(model);

    if (failures) fprintf(stderr, "%d checks failed\n", failures);
    else printf("all C API checks passed\n");
    return failures ? 1 : 0;
}
