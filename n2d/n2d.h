/* n2d C API (C99): Not Too Deep clustering (autoencoder -> UMAP -> Gaussian mixture) behind a
 * stable C ABI, for C, C++ built without exceptions/RTTI, Python ctypes and other FFIs.
 *
 * Rules for every function:
 *  - Nothing crosses this boundary but a status: no exception, no abort. Functions that can
 *    fail return an n2d_status; on failure n2d_last_error() says which call failed, what was
 *    wrong and how to fix it. Out-parameters are left untouched on failure.
 *  - Matrices are row-major float32 with explicit rows, cols and stride (elements from one row
 *    to the next, >= cols).
 *  - Buffer ownership: the caller allocates every output buffer and passes its capacity in
 *    elements (bytes for model images). A capacity that is too small returns
 *    N2D_ERROR_BUFFER_TOO_SMALL, writes nothing and (where there is a `needed` parameter) sets
 *    it to the required size. The library never hands out memory the caller must free; the
 *    only things to release are handles, with their _free function. Strings returned as
 *    const char* are owned by the library (see each function for how long they live).
 *  - Handles are not thread-safe: use one handle from one thread at a time. Different handles
 *    may be used concurrently, and the calls that take a const n2d_model* (predict,
 *    predict_proba, transform, dims, save) may share one fitted or loaded model between threads
 *    and give exactly what one thread gets.
 *  - Reproducible: the same seed, data and SIMD target give the same model at any thread count.
 */
#ifndef N2D_N2D_H
#define N2D_N2D_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(N2D_BUILDING_SHARED)
#define N2D_API __declspec(dllexport)
#elif defined(N2D_USING_SHARED)
#define N2D_API __declspec(dllimport)
#else
#define N2D_API
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define N2D_API __attribute__((visibility("default")))
#else
#define N2D_API
#endif

/* The version of this header; n2d_version_numbers() gives the library's. */
#define N2D_VERSION_MAJOR 0
#define N2D_VERSION_MINOR 1
#define N2D_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

typedef enum n2d_status {
    N2D_OK = 0,
    N2D_ERROR_INVALID_ARGUMENT = 1, /* null pointer, bad size, bad option value, wrong width */
    N2D_ERROR_IO = 2,               /* a file could not be read or written */
    N2D_ERROR_FORMAT = 3,           /* a model file or buffer is corrupt or not a model */
    N2D_ERROR_CANCELLED = 4,        /* the progress callback returned nonzero */
    N2D_ERROR_OUT_OF_MEMORY = 5,    /* memory could not be had; n2d_last_error says how much and for what */
    N2D_ERROR_BUFFER_TOO_SMALL = 6, /* an output capacity is below what the call needs */
    N2D_ERROR_NOT_FITTED = 7,       /* the model must be fitted (or loaded) first */
    N2D_ERROR_INTERNAL = 8          /* a bug in n2d: please report it with n2d_last_error() */
} n2d_status;

typedef struct n2d_options n2d_options; /* fit settings; opaque */
typedef struct n2d_model n2d_model;     /* a fitted (or loadable) pipeline; opaque */

/* ---- library ------------------------------------------------------------------------------ */

/* "major.minor.patch" of the library (static storage). */
N2D_API const char* n2d_version(void);
/* The library's version numbers; any pointer may be NULL. */
N2D_API void n2d_version_numbers(int* major, int* minor, int* patch);
/* A constant name for a status, e.g. "N2D_ERROR_IO" ("unknown status" for other values). */
N2D_API const char* n2d_status_string(n2d_status status);
/* The message of the last failed call on this thread ("" if none); valid until this thread's
 * next failing call. Successful calls leave it unchanged. */
N2D_API const char* n2d_last_error(void);
/* The SIMD target the kernels use: "scalar", "avx2", "avx512" or "neon" (static storage). */
N2D_API const char* n2d_simd_target(void);

/* Compute devices this build knows (index 0 is the CPU). */
N2D_API n2d_status n2d_device_count(size_t* count);
/* Device `index`: its name, a description (or why it is unavailable) and whether it is usable
 * (1/0). Strings live until the program ends; any out-pointer may be NULL. */
N2D_API n2d_status n2d_device_info(size_t index, const char** name, const char** description, int* available);

/* Allocation hooks for the library's large buffers (data matrices, network weights and
 * activations, optimiser state, embeddings, gemm packing buffers). alloc_fn/free_fn are
 * required; aligned_alloc_fn/aligned_free_fn are optional (both or neither) and are used
 * instead when given (alignment is 64). Every block goes back to the allocator that made it,
 * so replacing an allocator while blocks live is fine, but its functions and `user` must stay
 * valid until all its blocks are freed (n2d_model_free, and thread exit for per-thread
 * scratch). Call it before starting other n2d work on other threads. */
typedef struct n2d_allocator {
    void* (*alloc_fn)(size_t bytes, void* user);
    void (*free_fn)(void* ptr, void* user);
    void* (*aligned_alloc_fn)(size_t bytes, size_t alignment, void* user);
    void (*aligned_free_fn)(void* ptr, void* user);
    void* user;
} n2d_allocator;
/* Installs `allocator` (copied); NULL restores the default (aligned_alloc/_aligned_malloc). */
N2D_API n2d_status n2d_set_allocator(const n2d_allocator* allocator);

/* ---- options ------------------------------------------------------------------------------ */

/* Progress: called after each epoch/iteration of every stage ("autoencoder", "knn", "umap",
 * "gmm", "kmeans"); step is 1-based, total 0 when unknown, loss NaN when the stage has none.
 * Return 0 to continue, nonzero to cancel (the call then returns N2D_ERROR_CANCELLED). */
typedef int (*n2d_progress_fn)(const char* stage, size_t step, size_t total, double loss, void* user);

/* New options with the paper's defaults (10 clusters, AE 500-500-2000 for 1000 epochs,
 * UMAP 20 neighbours min_dist 0, full-covariance GMM, seed 0). Free with n2d_options_free. */
N2D_API n2d_status n2d_options_create(n2d_options** out);
/* Releases options (NULL is ignored). Models made from them keep their own copy. */
N2D_API void n2d_options_free(n2d_options* options);

/* Setters: each checks its value and returns N2D_ERROR_INVALID_ARGUMENT when out of range. */
/* n_clusters 0 (or n2d_options_set "n_clusters" "auto"): fit chooses k in k.min..k.max (default
 * 2..30) by k.criterion ("silhouette", the default, or "bic" for the GMM); the latent and
 * manifold sizes then default to 10, and n2d_model_dims reports the chosen k. */
N2D_API n2d_status n2d_options_set_n_clusters(n2d_options* options, size_t n_clusters); /* 0 = choose */
N2D_API n2d_status n2d_options_set_seed(n2d_options* options, uint64_t seed);
N2D_API n2d_status n2d_options_set_threads(n2d_options* options, size_t threads); /* 0 = all cores, <= 4096 */
N2D_API n2d_status n2d_options_set_epochs(n2d_options* options, size_t epochs);  /* autoencoder, >= 1 */
N2D_API n2d_status n2d_options_set_batch_size(n2d_options* options, size_t batch_size); /* >= 1 */
N2D_API n2d_status n2d_options_set_latent_dim(n2d_options* options, size_t latent_dim); /* >= 1 */
N2D_API n2d_status n2d_options_set_umap_neighbors(n2d_options* options, size_t n_neighbors); /* >= 2 */
N2D_API n2d_status n2d_options_set_umap_min_dist(n2d_options* options, double min_dist); /* 0..spread */
N2D_API n2d_status n2d_options_set_umap_dim(n2d_options* options, size_t n_components); /* >= 1 */
/* "gmm", "kmeans", "sc" (spectral clustering; new points get their nearest fitted neighbours'
 * majority label), "hdbscan" (finds its own number of clusters; noise is labelled -1) or "dec"
 * (DEC's fine-tuned clustering layer: needs finetune dec|idec and manifold none). */
N2D_API n2d_status n2d_options_set_cluster_method(n2d_options* options, const char* method);
/* "umap", "tsne" (no transform: predicting new data fails), "isomap", "lle", or "none" to
 * cluster the latent codes directly. */
N2D_API n2d_status n2d_options_set_manifold(n2d_options* options, const char* manifold);
/* Any option by the names a model file records (`n2d info MODEL`): n_clusters, seed, threads,
 * embedder (autoencoder|none), manifold, clusterer, scale (none|minmax|standard: per-column
 * scaling of the input, fitted on the training data and kept in the model; default none),
 * ae.architecture ("500,500,2000"),
 * ae.latent_dim, ae.hidden_activation, ae.epochs, ae.batch_size, ae.patience, ae.optimizer,
 * ae.learning_rate, umap.n_components, umap.n_neighbors, umap.min_dist, umap.spread,
 * umap.metric, umap.n_epochs, gmm.covariance_type, gmm.n_init, gmm.max_iter, gmm.tol,
 * gmm.reg_covar, kmeans.n_init, kmeans.max_iter, hdbscan.min_cluster_size,
 * hdbscan.min_samples, tsne.n_components, tsne.perplexity, tsne.early_exaggeration,
 * tsne.learning_rate, tsne.n_iter, tsne.angle, isomap.n_components, isomap.n_neighbors,
 * lle.n_components, lle.n_neighbors, lle.reg, sc.affinity (nearest_neighbors|rbf),
 * sc.n_neighbors, sc.gamma, sc.n_init, k.min, k.max, k.criterion (silhouette|bic),
 * k.silhouette_sample (points the silhouette is computed on, default 5000); finetune
 * (none|dec|idec: DEC self-training of the autoencoder, default none), dec.alpha,
 * dec.update_interval, dec.tol, dec.max_iter, dec.batch_size, dec.gamma (IDEC), dec.optimizer,
 * dec.learning_rate, dec.momentum; and "device" (cpu, opencl[:N], cuda[:N], auto: where fit runs; not
 * recorded in the model; an unavailable device fails at fit with the reason). Unknown keys and
 * unparsable values fail. */
N2D_API n2d_status n2d_options_set(n2d_options* options, const char* key, const char* value);
/* Installs (or with fn NULL removes) the progress callback; `user` is passed back to it. */
N2D_API n2d_status n2d_options_set_progress(n2d_options* options, n2d_progress_fn fn, void* user);

/* ---- models ------------------------------------------------------------------------------- */

/* A new unfitted model from `options` (copied; NULL = defaults). Free with n2d_model_free. */
N2D_API n2d_status n2d_model_create(const n2d_options* options, n2d_model** out);
/* Releases a model and its memory (NULL is ignored). */
N2D_API void n2d_model_free(n2d_model* model);

/* Fits every stage on x (rows x cols, finite, at least n_clusters rows). A failed or cancelled
 * fit leaves the model unfitted. */
N2D_API n2d_status n2d_model_fit(n2d_model* model, const float* x, size_t rows, size_t cols, size_t stride);
/* Fits, then writes the training rows' cluster ids (0-based) to labels[0..rows). */
N2D_API n2d_status n2d_model_fit_predict(n2d_model* model, const float* x, size_t rows, size_t cols,
                                         size_t stride, int* labels, size_t capacity);
/* Cluster ids of new rows (cols = the training width); each row's id depends on that row only. */
N2D_API n2d_status n2d_model_predict(const n2d_model* model, const float* x, size_t rows, size_t cols,
                                     size_t stride, int* labels, size_t capacity);
/* Cluster membership probabilities, rows x n_clusters, row-major. */
N2D_API n2d_status n2d_model_predict_proba(const n2d_model* model, const float* x, size_t rows, size_t cols,
                                           size_t stride, float* proba, size_t capacity);
/* The representations of new rows: latent codes (encoder output, rows x latent_dim) and the
 * manifold embedding (rows x manifold_dim), row-major. Either output may be NULL to skip it. */
N2D_API n2d_status n2d_model_transform(const n2d_model* model, const float* x, size_t rows, size_t cols,
                                       size_t stride, float* latent, size_t latent_capacity, float* embedding,
                                       size_t embedding_capacity);
/* What the last fit computed for its training rows (the paper's representations): cluster ids,
 * latent codes (rows x latent_dim) and the manifold embedding (rows x manifold_dim). *rows is
 * set to the training row count; outputs may be NULL (all NULL: ask for rows). A loaded model
 * has no training outputs: N2D_ERROR_NOT_FITTED. */
N2D_API n2d_status n2d_model_training_outputs(const n2d_model* model, size_t* rows, int* labels, size_t labels_capacity,
                                              float* latent, size_t latent_capacity, float* embedding,
                                              size_t embedding_capacity);
/* A fitted model's widths; any out-pointer may be NULL. */
N2D_API n2d_status n2d_model_dims(const n2d_model* model, size_t* input_dim, size_t* n_clusters,
                                  size_t* latent_dim, size_t* manifold_dim);

/* Writes the model file (one file, written atomically). */
N2D_API n2d_status n2d_model_save(const n2d_model* model, const char* path);
/* The model file's bytes into buffer[0..capacity); *size is set to the image size, also when
 * the call returns N2D_ERROR_BUFFER_TOO_SMALL (pass buffer NULL, capacity 0 to ask for it). */
N2D_API n2d_status n2d_model_save_to_buffer(const n2d_model* model, void* buffer, size_t capacity, size_t* size);
/* Loads a model file: N2D_ERROR_IO when it cannot be read, N2D_ERROR_FORMAT when corrupt. */
N2D_API n2d_status n2d_model_load(const char* path, n2d_model** out);
/* Loads a model from a model file's bytes (copied; the buffer may be freed afterwards). */
N2D_API n2d_status n2d_model_load_from_buffer(const void* data, size_t size, n2d_model** out);

/* ---- assessment and data ------------------------------------------------------------------ */

typedef struct n2d_scores {
    double accuracy; /* cluster accuracy (best one-to-one mapping, Hungarian) */
    double nmi;      /* normalised mutual information (arithmetic mean) */
    double ari;      /* adjusted Rand index */
    double ami;      /* adjusted mutual information */
} n2d_scores;
/* Scores `pred` against `truth` (n labels each; non-negative ids for the accuracy). */
N2D_API n2d_status n2d_assess(const int* truth, const int* pred, size_t n, n2d_scores* out);

/* The built-in synthetic data set (intertwined curved manifolds): n_samples x dim floats into
 * x (contiguous) and the class ids into labels (may be NULL). n_clusters 2..64, dim >= 3. */
N2D_API n2d_status n2d_make_synthetic(size_t n_samples, size_t n_clusters, size_t dim, uint64_t seed, float* x,
                                      size_t x_capacity, int* labels, size_t labels_capacity);

#ifdef __cplusplus
}
#endif

#endif /* N2D_N2D_H */
