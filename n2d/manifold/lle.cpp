#include "n2d/manifold/lle.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "n2d/core/detail/timing.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/manifold/detail/lle_detail.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::uint32_t kLleMagic = 0x454C4C4E;  // "NLLE"
constexpr std::uint32_t kLleVersion = 1;

void check_finite(ConstMatrixView x, const char* what) {
    for (std::size_t i = 0; i < x.rows; ++i) {
        const float* r = x.row(i);
        for (std::size_t j = 0; j < x.cols; ++j)
            N2D_REQUIRE(std::isfinite(r[j]), std::string("LocallyLinearEmbedding: ") + what + " has a non-finite value at row " +
                                                 std::to_string(i) + ", column " + std::to_string(j) +
                                                 "; remove or impute NaN/Inf first");
    }
}

class LleReporter {
public:
    explicit LleReporter(const ProgressCallback& cb) : cb_(cb), start_(std::chrono::steady_clock::now()) {}
    void operator()(std::size_t step, double loss) const {
        if (!cb_) return;
        Progress p;
        p.stage = "lle";
        p.step = step;
        p.total = 0;
        p.loss = loss;
        p.elapsed_seconds = seconds_since(start_);
        p.items_per_second = p.elapsed_seconds > 0 ? double(step) / p.elapsed_seconds : 0.0;
        if (!cb_(p)) detail::throw_cancelled("lle");
    }

private:
    const ProgressCallback& cb_;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace

LocallyLinearEmbedding::LocallyLinearEmbedding(LleOptions options) : options_(std::move(options)) {}

Matrix LocallyLinearEmbedding::fit_transform(ConstMatrixView x) {
    const LleOptions& o = options_;
    const std::size_t n = x.rows, d = x.cols, k = o.n_neighbors;
    N2D_REQUIRE(n > 0 && d > 0, "LocallyLinearEmbedding: the input is empty (" + std::to_string(n) + " × " +
                                    std::to_string(d) + "); pass at least n_neighbors + 1 points");
    N2D_REQUIRE(o.n_components >= 1, "LocallyLinearEmbedding: n_components = 0; pass n_components >= 1");
    N2D_REQUIRE(o.n_components <= d, "LocallyLinearEmbedding: output dimension must be less than or equal to input "
                                     "dimension (n_components = " + std::to_string(o.n_components) +
                                         ", input dimension " + std::to_string(d) + ")");
    N2D_REQUIRE(k >= 1, "LocallyLinearEmbedding: n_neighbors = 0; pass n_neighbors >= 1 (default 5)");
    N2D_REQUIRE(k < n, "LocallyLinearEmbedding: expected n_neighbors < n_samples, but n_samples = " + std::to_string(n) +
                           " and n_neighbors = " + std::to_string(k) + "; pass fewer neighbours or more points");
    N2D_REQUIRE(o.n_components < n, "LocallyLinearEmbedding: n_components = " + std::to_string(o.n_components) +
                                         " needs at least " + std::to_string(o.n_components + 1) + " points; " +
                                         std::to_string(n) + " given");
    N2D_REQUIRE(std::isfinite(o.reg) && o.reg >= 0.0,
                "LocallyLinearEmbedding: reg = " + std::to_string(o.reg) + " is invalid; pass a finite value >= 0");
    N2D_REQUIRE(std::isfinite(o.tol) && o.tol > 0.0,
                "LocallyLinearEmbedding: tol = " + std::to_string(o.tol) + " is invalid; pass a finite value > 0");
    check_finite(x, "the input");
    ThreadPool& pool = pool_or_default(o.pool);
    const LleReporter report(o.progress);
    std::size_t step = 0;

    KnnOptions ko;
    ko.n_neighbors = k + 1;
    ko.method = KnnMethod::exact;
    ko.include_self = true;
    ko.pool = &pool;
    KnnIndex index = KnnIndex::build(x, ko);
    report(++step, std::numeric_limits<double>::quiet_NaN());

    lle_detail::SparseWeights w;
    w.n = n;
    w.k = k;
    w.idx = lle_detail::training_neighbors(index.graph(), k);
    w.w = lle_detail::barycenter_weights(x, x, w.idx.data(), k, o.reg, pool);
    report(++step, std::numeric_limits<double>::quiet_NaN());

    const lle_detail::LleOperator m(w, pool);
    lle_detail::EigenSettings es;
    es.n_components = o.n_components;
    es.tol = o.tol;
    es.max_iter = o.max_iter;
    es.seed = o.seed;
    es.max_dense_points = o.max_dense_points;
    es.report = [&](std::size_t s, double loss) { report(step + s, loss); };
    const lle_detail::NullSpace ns = lle_detail::bottom_eigenvectors(m, es, pool);

    Matrix e(n, o.n_components);
    double error = 0.0;
    for (std::size_t c = 0; c < o.n_components; ++c) {
        error += ns.values[c];
        for (std::size_t i = 0; i < n; ++i) e(i, c) = static_cast<float>(ns.vectors[c * n + i]);
    }
    index_ = std::move(index);
    train_ = Matrix::copy_of(x);
    embedding_ = e;
    reconstruction_error_ = error;
    max_residual_ = ns.max_residual;
    return e;
}

Matrix LocallyLinearEmbedding::transform(ConstMatrixView x) const {
    N2D_REQUIRE(fitted(), "LocallyLinearEmbedding: transform called before fit; call fit_transform or load a model");
    N2D_REQUIRE(x.cols == input_dim(), "LocallyLinearEmbedding: transform input has " + std::to_string(x.cols) +
                                           " columns but the model was fitted on " + std::to_string(input_dim()) +
                                           "; pass rows of the training width");
    check_finite(x, "the transform input");
    const std::size_t k = options_.n_neighbors, c = options_.n_components;
    Matrix out(x.rows, c);
    if (x.rows == 0) return out;
    ThreadPool& pool = pool_or_default(options_.pool);
    const KnnGraph g = index_.query(x, k);
    const std::vector<double> w = lle_detail::barycenter_weights(x, train_.view(), g.indices.data(), k, options_.reg, pool);
    pool.parallel_for(0, x.rows, 256, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i)
            for (std::size_t t = 0; t < c; ++t) {
                double s = 0.0;
                for (std::size_t a = 0; a < k; ++a)
                    s += w[i * k + a] * double(embedding_(static_cast<std::size_t>(g.indices[i * k + a]), t));
                out(i, t) = static_cast<float>(s);
            }
    });
    return out;
}

const Matrix& LocallyLinearEmbedding::embedding() const { return embedding_; }
double LocallyLinearEmbedding::reconstruction_error() const { return reconstruction_error_; }
std::size_t LocallyLinearEmbedding::input_dim() const { return train_.cols(); }
const LleOptions& LocallyLinearEmbedding::options() const { return options_; }

void LocallyLinearEmbedding::save(ByteWriter& out) const {
    N2D_REQUIRE(fitted(), "LocallyLinearEmbedding: save called before fit; fit the model first");
    out.put<std::uint32_t>(kLleMagic);
    out.put<std::uint32_t>(kLleVersion);
    out.put<std::uint64_t>(options_.n_neighbors);
    out.put<std::uint64_t>(options_.n_components);
    out.put<double>(options_.reg);
    out.put<double>(options_.tol);
    out.put<std::uint64_t>(options_.max_iter);
    out.put<std::uint64_t>(options_.seed);
    out.put<std::uint64_t>(options_.max_dense_points);
    out.put<double>(reconstruction_error_);
    out.put<double>(max_residual_);
    out.put<std::uint64_t>(train_.rows());
    out.put<std::uint64_t>(train_.cols());
    out.put_array(train_.data(), train_.size());
    out.put_array(embedding_.data(), embedding_.size());
    index_.save(out);
}

LocallyLinearEmbedding LocallyLinearEmbedding::load(ByteReader& in) {
    in.expect(in.get<std::uint32_t>() == kLleMagic, "not a LocallyLinearEmbedding record (bad magic)");
    const auto version = in.get<std::uint32_t>();
    in.expect(version == kLleVersion, "LocallyLinearEmbedding record version " + std::to_string(version) +
                                       " is not supported (expected " + std::to_string(kLleVersion) + ")");
    LleOptions o;
    o.n_neighbors = std::size_t(in.get<std::uint64_t>());
    o.n_components = std::size_t(in.get<std::uint64_t>());
    o.reg = in.get<double>();
    o.tol = in.get<double>();
    o.max_iter = std::size_t(in.get<std::uint64_t>());
    o.seed = in.get<std::uint64_t>();
    o.max_dense_points = std::size_t(in.get<std::uint64_t>());
    LocallyLinearEmbedding model(o);
    model.reconstruction_error_ = in.get<double>();
    model.max_residual_ = in.get<double>();
    const auto n = in.get<std::uint64_t>(), d = in.get<std::uint64_t>();
    in.expect(n >= 2 && d >= 1 && n <= (std::uint64_t(1) << 31) && d <= (std::uint64_t(1) << 24) &&
                  n * d <= in.remaining() / sizeof(float),
              "LocallyLinearEmbedding record has an invalid shape " + std::to_string(n) + " × " + std::to_string(d));
    in.expect(o.n_neighbors >= 1 && o.n_neighbors < n && o.n_components >= 1 && o.n_components <= d,
              "LocallyLinearEmbedding record has invalid n_neighbors or n_components");
    in.expect(std::isfinite(o.reg) && o.reg >= 0.0 && std::isfinite(o.tol) && o.tol > 0.0 &&
                  std::isfinite(model.reconstruction_error_),
              "LocallyLinearEmbedding record has an invalid reg, tol or reconstruction error");
    in.expect(std::uint64_t(o.n_components) * n <= in.remaining() / sizeof(float),
              "LocallyLinearEmbedding record is truncated");
    model.train_ = Matrix(std::size_t(n), std::size_t(d));
    in.get_array(model.train_.data(), model.train_.size());
    model.embedding_ = Matrix(std::size_t(n), o.n_components);
    in.get_array(model.embedding_.data(), model.embedding_.size());
    for (std::size_t i = 0; i < model.train_.size(); ++i)
        in.expect(std::isfinite(model.train_.data()[i]), "LocallyLinearEmbedding record has non-finite training data");
    for (std::size_t i = 0; i < model.embedding_.size(); ++i)
        in.expect(std::isfinite(model.embedding_.data()[i]), "LocallyLinearEmbedding record has a non-finite embedding");
    model.index_ = KnnIndex::load(in);
    in.expect(model.index_.size() == n && model.index_.dim() == d,
              "LocallyLinearEmbedding record's neighbour index does not match its training data");
    return model;
}

}  // namespace n2d
