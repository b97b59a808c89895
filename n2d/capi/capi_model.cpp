// C API: n2d_model — create from options, fit, predict, transform, save and load.
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "n2d/capi/detail/capi.hpp"
#include "n2d/core/detail/file.hpp"

using namespace n2d::capi;

namespace {

n2d::ConstMatrixView input_view(const float* x, std::size_t rows, std::size_t cols, std::size_t stride) {
    require_ptr(x, "x");
    if (rows == 0 || cols == 0)
        throw StatusError(N2D_ERROR_INVALID_ARGUMENT, "x has " + std::to_string(rows) + " rows and " +
                                                          std::to_string(cols) + " columns; both must be >= 1");
    if (stride < cols)
        throw StatusError(N2D_ERROR_INVALID_ARGUMENT, "stride " + std::to_string(stride) + " is below cols " +
                                                          std::to_string(cols) + "; pass the row pitch in elements");
    if (rows - 1 > (std::numeric_limits<std::size_t>::max() / sizeof(float) - cols) / stride)
        throw StatusError(N2D_ERROR_INVALID_ARGUMENT, "rows x stride overflows the address space");
    return {x, rows, cols, stride};
}

void require_fitted(const n2d_model* m) {
    require_ptr(m, "model");
    if (!m->model.fitted())
        throw StatusError(N2D_ERROR_NOT_FITTED, "the model is not fitted; call n2d_model_fit or load a model first");
}

// The input of a call on a fitted model.
n2d::ConstMatrixView fitted_input(const n2d_model* m, const float* x, std::size_t rows, std::size_t cols,
                                  std::size_t stride) {
    require_fitted(m);
    return input_view(x, rows, cols, stride);
}

// Checked before computing, so a bad buffer fails fast and nothing is written.
void require_output(const void* dst, std::size_t capacity, std::size_t needed, const char* what) {
    require_ptr(dst, what);
    require_capacity(capacity, needed, what);
}

template <class T>
void copy_out(const T* src, std::size_t count, T* dst) {
    if (count) std::memcpy(dst, src, count * sizeof(T));
}

n2d::N2DOptions pipeline_options(const n2d_options& o, n2d::ThreadPool* pool) {
    n2d::N2DOptions p = o.options;
    if (o.progress) {
        const n2d_progress_fn fn = o.progress;
        void* user = o.progress_user;
        p.progress = [fn, user](const n2d::Progress& s) { return fn(s.stage, s.step, s.total, s.loss, user) == 0; };
    }
    if (pool) p.autoencoder.pool = p.umap.pool = p.gmm.pool = p.kmeans.pool = p.hdbscan.pool = pool;
    return p;
}

n2d_model* new_model(const n2d_options& o) {
    auto pool = o.threads ? std::make_unique<n2d::ThreadPool>(o.threads) : nullptr;
    n2d::N2D model(pipeline_options(o, pool.get()));
    return new n2d_model{std::move(pool), std::move(model)};
}

// Fits; on failure the model is replaced by an unfitted one, so no half-fitted state is seen.
void fit(n2d_model& m, n2d::ConstMatrixView x) {
    try {
        m.model.fit(x);
    } catch (...) {
        try {
            m.model = n2d::N2D(m.model.options());
        } catch (...) {  // keep reporting the fit's failure, not the reset's
        }
        throw;
    }
}

}  // namespace

extern "C" {

n2d_status n2d_model_create(const n2d_options* options, n2d_model** out) {
    return guard("n2d_model_create", N2D_ERROR_INVALID_ARGUMENT, [&] {
        require_ptr(out, "out");
        static const n2d_options defaults;  // not a local: GCC 12 misreads a local copy's std::function members
        *out = new_model(options ? *options : defaults);
    });
}

void n2d_model_free(n2d_model* model) { delete model; }

n2d_status n2d_model_fit(n2d_model* model, const float* x, size_t rows, size_t cols, size_t stride) {
    return guard("n2d_model_fit", N2D_ERROR_INVALID_ARGUMENT, [&] {
        require_ptr(model, "model");
        fit(*model, input_view(x, rows, cols, stride));
    });
}

n2d_status n2d_model_fit_predict(n2d_model* model, const float* x, size_t rows, size_t cols, size_t stride,
                                 int* labels, size_t capacity) {
    return guard("n2d_model_fit_predict", N2D_ERROR_INVALID_ARGUMENT, [&] {
        require_ptr(model, "model");
        const n2d::ConstMatrixView v = input_view(x, rows, cols, stride);
        require_output(labels, capacity, rows, "labels");  // before the (long) fit
        fit(*model, v);
        copy_out(model->model.labels().data(), rows, labels);
    });
}

n2d_status n2d_model_predict(const n2d_model* model, const float* x, size_t rows, size_t cols, size_t stride,
                             int* labels, size_t capacity) {
    return guard("n2d_model_predict", N2D_ERROR_INVALID_ARGUMENT, [&] {
        const n2d::ConstMatrixView v = fitted_input(model, x, rows, cols, stride);
        require_output(labels, capacity, rows, "labels");
        const std::vector<int> out = model->model.predict(v);
        copy_out(out.data(), out.size(), labels);
    });
}

n2d_status n2d_model_predict_proba(const n2d_model* model, const float* x, size_t rows, size_t cols, size_t stride,
                                   float* proba, size_t capacity) {
    return guard("n2d_model_predict_proba", N2D_ERROR_INVALID_ARGUMENT, [&] {
        const n2d::ConstMatrixView v = fitted_input(model, x, rows, cols, stride);
        require_output(proba, capacity, rows * model->model.n_clusters(), "proba");
        const n2d::Matrix p = model->model.predict_proba(v);
        copy_out(p.data(), p.size(), proba);
    });
}

n2d_status n2d_model_transform(const n2d_model* model, const float* x, size_t rows, size_t cols, size_t stride,
                               float* latent, size_t latent_capacity, float* embedding, size_t embedding_capacity) {
    return guard("n2d_model_transform", N2D_ERROR_INVALID_ARGUMENT, [&] {
        const n2d::ConstMatrixView v = fitted_input(model, x, rows, cols, stride);
        if (latent) require_output(latent, latent_capacity, rows * model->model.embedder().output_dim(), "latent");
        if (embedding) require_output(embedding, embedding_capacity, rows * model->model.manifold().output_dim(), "embedding");
        const n2d::N2DOutput out = model->model.predict_all(v);
        if (latent) copy_out(out.latent.data(), out.latent.size(), latent);
        if (embedding) copy_out(out.manifold.data(), out.manifold.size(), embedding);
    });
}

n2d_status n2d_model_training_outputs(const n2d_model* model, size_t* rows, int* labels, size_t labels_capacity,
                                      float* latent, size_t latent_capacity, float* embedding,
                                      size_t embedding_capacity) {
    return guard("n2d_model_training_outputs", N2D_ERROR_INVALID_ARGUMENT, [&] {
        require_fitted(model);
        require_ptr(rows, "rows");
        const n2d::N2D& m = model->model;
        if (m.labels().empty())
            throw StatusError(N2D_ERROR_NOT_FITTED, "a loaded model has no training outputs; they exist after "
                                                    "n2d_model_fit in this process (use n2d_model_transform)");
        const std::size_t n = m.labels().size();
        if (labels) require_output(labels, labels_capacity, n, "labels");
        if (latent) require_output(latent, latent_capacity, m.latent().size(), "latent");
        if (embedding) require_output(embedding, embedding_capacity, m.manifold_embedding().size(), "embedding");
        *rows = n;
        if (labels) copy_out(m.labels().data(), n, labels);
        if (latent) copy_out(m.latent().data(), m.latent().size(), latent);
        if (embedding) copy_out(m.manifold_embedding().data(), m.manifold_embedding().size(), embedding);
    });
}

n2d_status n2d_model_dims(const n2d_model* model, size_t* input_dim, size_t* n_clusters, size_t* latent_dim,
                          size_t* manifold_dim) {
    return guard("n2d_model_dims", N2D_ERROR_INVALID_ARGUMENT, [&] {
        require_fitted(model);
        if (input_dim) *input_dim = model->model.input_dim();
        if (n_clusters) *n_clusters = model->model.n_clusters();
        if (latent_dim) *latent_dim = model->model.embedder().output_dim();
        if (manifold_dim) *manifold_dim = model->model.manifold().output_dim();
    });
}

n2d_status n2d_model_save(const n2d_model* model, const char* path) {
    return guard("n2d_model_save", N2D_ERROR_IO, [&] {
        require_ptr(path, "path");
        require_fitted(model);
        model->model.save(path);
    });
}

n2d_status n2d_model_save_to_buffer(const n2d_model* model, void* buffer, size_t capacity, size_t* size) {
    return guard("n2d_model_save_to_buffer", N2D_ERROR_INTERNAL, [&] {
        require_ptr(size, "size");
        require_fitted(model);
        const std::vector<unsigned char> image = model->model.save_to_bytes();
        *size = image.size();
        if (capacity < image.size())
            throw StatusError(N2D_ERROR_BUFFER_TOO_SMALL, "the model image is " + std::to_string(image.size()) +
                                                              " bytes but the buffer holds " + std::to_string(capacity) +
                                                              "; pass a buffer of at least *size bytes");
        require_ptr(buffer, "buffer");
        copy_out(image.data(), image.size(), static_cast<unsigned char*>(buffer));
    });
}

n2d_status n2d_model_load(const char* path, n2d_model** out) {
    return guard("n2d_model_load", N2D_ERROR_FORMAT, [&] {
        require_ptr(path, "path");
        require_ptr(out, "out");
        std::vector<unsigned char> image;
        try {
            image = n2d::read_file(path);
        } catch (const n2d::Error& e) {
            throw StatusError(N2D_ERROR_IO, e.what());
        }
        *out = new n2d_model{nullptr, n2d::N2D::load_from_bytes(std::move(image), path)};
    });
}

n2d_status n2d_model_load_from_buffer(const void* data, size_t size, n2d_model** out) {
    return guard("n2d_model_load_from_buffer", N2D_ERROR_FORMAT, [&] {
        require_ptr(data, "data");
        require_ptr(out, "out");
        const auto* bytes = static_cast<const unsigned char*>(data);
        *out = new n2d_model{nullptr, n2d::N2D::load_from_bytes({bytes, bytes + size}, "memory buffer")};
    });
}

}  // extern "C"
