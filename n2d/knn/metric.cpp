// Metric names and the prepared metric space (see metric.hpp for the per-metric preparation).
#include "n2d/knn/detail/metric.hpp"

#include <cmath>
#include <string>

#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0 {

Metric parse_metric(const std::string& name) {
    if (name == "euclidean" || name == "l2") return Metric::euclidean;
    if (name == "cosine") return Metric::cosine;
    if (name == "correlation") return Metric::correlation;
    if (name == "manhattan" || name == "l1" || name == "cityblock" || name == "taxicab") return Metric::manhattan;
    if (name == "chebyshev" || name == "linfinity" || name == "linf" || name == "infinity") return Metric::chebyshev;
    if (name == "minkowski") return Metric::minkowski;
    N2D_FAIL("n2d: unknown kNN metric '" + name +
                "'; use one of euclidean, cosine, correlation, manhattan, chebyshev, minkowski");
}

const char* to_string(Metric metric) noexcept {
    switch (metric) {
        case Metric::euclidean: return "euclidean";
        case Metric::cosine: return "cosine";
        case Metric::correlation: return "correlation";
        case Metric::manhattan: return "manhattan";
        case Metric::chebyshev: return "chebyshev";
        case Metric::minkowski: return "minkowski";
    }
    return "unknown";
}

namespace knn_detail {

namespace {
Kernel kernel_for(Metric metric, float p) {
    switch (metric) {
        case Metric::euclidean:
        case Metric::cosine:
        case Metric::correlation: return Kernel::sqeuclidean;
        case Metric::manhattan: return Kernel::manhattan;
        case Metric::chebyshev: return Kernel::chebyshev;
        case Metric::minkowski:
            if (p == 1.0f) return Kernel::manhattan;
            if (p == 2.0f) return Kernel::sqeuclidean;
            return Kernel::minkowski;
    }
    return Kernel::sqeuclidean;
}
bool normalises(Metric m) { return m == Metric::cosine || m == Metric::correlation; }
bool centres(Metric m, Kernel k) { return k == Kernel::sqeuclidean && !normalises(m); }
}  // namespace

Space::Space(ConstMatrixView data, Metric metric, float minkowski_p, ThreadPool& pool)
    : metric_(metric), p_(minkowski_p), kernel_(kernel_for(metric, minkowski_p)), input_dim_(data.cols) {
    N2D_REQUIRE(metric != Metric::minkowski || (std::isfinite(minkowski_p) && minkowski_p >= 1.0f),
                "minkowski_p = " + std::to_string(minkowski_p) +
                    " is not a metric exponent; pass a finite p >= 1 (use Metric::chebyshev for p = infinity)");
    N2D_REQUIRE(data.rows > 0 && data.cols > 0, "kNN data is empty (" + std::to_string(data.rows) + " x " +
                                                     std::to_string(data.cols) + "); pass at least one row and column");
    require_finite(data, "kNN data");
    if (metric_ != Metric::minkowski) p_ = 2.0f;
    if (centres(metric_, kernel_)) {
        // Column means in double, row order fixed: independent of the thread count.
        std::vector<double> sum(data.cols, 0.0);
        for (std::size_t i = 0; i < data.rows; ++i)
            for (std::size_t j = 0; j < data.cols; ++j) sum[j] += data(i, j);
        center_.resize(data.cols);
        for (std::size_t j = 0; j < data.cols; ++j) center_[j] = static_cast<float>(sum[j] / double(data.rows));
    }
    const std::size_t width = padded_width(data.cols + (normalises(metric_) ? 1 : 0));
    data_ = Matrix(data.rows, width);
    pool.parallel_for(0, data.rows, 1024, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) prepare_row(data.row(i), data_.row(i));
    });
    bind_kernels();
}

void Space::bind_kernels() { kernels_ = &distance_kernels(kernel_, active_target()); }

void Space::prepare_row(const float* in, float* out) const noexcept {
    const std::size_t d = input_dim_;
    for (std::size_t j = d; j < dim(); ++j) out[j] = 0.0f;
    if (!center_.empty()) {
        for (std::size_t j = 0; j < d; ++j) out[j] = in[j] - center_[j];
    } else if (normalises(metric_)) {
        double mean = 0.0;
        if (metric_ == Metric::correlation) {
            for (std::size_t j = 0; j < d; ++j) mean += in[j];
            mean /= double(d);
        }
        double norm = 0.0;
        for (std::size_t j = 0; j < d; ++j) norm += (in[j] - mean) * (in[j] - mean);
        norm = std::sqrt(norm);
        if (norm == 0.0) {
            for (std::size_t j = 0; j < d; ++j) out[j] = 0.0f;
            out[d] = 1.0f;  // the extra column: distance 1 (cos = 0) to every non-zero row
        } else {
            for (std::size_t j = 0; j < d; ++j) out[j] = static_cast<float>((in[j] - mean) / norm);
        }
    } else {
        for (std::size_t j = 0; j < d; ++j) out[j] = in[j];
    }
}

float Space::to_true(float reduced) const noexcept {
    if (kernel_ == Kernel::sqeuclidean) {
        if (normalises(metric_)) return std::fmin(0.5f * reduced, 2.0f);
        return std::sqrt(reduced);
    }
    if (kernel_ == Kernel::minkowski) return std::pow(reduced, 1.0f / p_);
    return reduced;
}

float Space::widen(float reduced, float epsilon) const noexcept {
    const float f = 1.0f + epsilon;
    if (kernel_ == Kernel::sqeuclidean) return normalises(metric_) ? reduced * f : reduced * f * f;
    if (kernel_ == Kernel::minkowski) return reduced * std::pow(f, p_);
    return reduced * f;
}

Matrix Space::prepare(ConstMatrixView rows, const char* what, ThreadPool& pool) const {
    N2D_REQUIRE(rows.cols == input_dim_, std::string(what) + " have " + std::to_string(rows.cols) +
                                             " columns but the index was built on " + std::to_string(input_dim_) +
                                             "; pass rows with the training data's width");
    require_finite(rows, what);
    Matrix out(rows.rows, dim());
    pool.parallel_for(0, rows.rows, 1024, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) prepare_row(rows.row(i), out.row(i));
    });
    return out;
}

void Space::save(ByteWriter& out) const {
    out.put<std::uint32_t>(static_cast<std::uint32_t>(metric_));
    out.put<float>(p_);
    out.put<std::uint64_t>(input_dim_);
    out.put_vector(center_);
    out.put<std::uint64_t>(data_.rows());
    out.put<std::uint64_t>(data_.cols());
    out.put_array(data_.data(), data_.size());
}

Space Space::load(ByteReader& in) {
    Space s;
    const auto metric = in.get<std::uint32_t>();
    in.expect(metric <= static_cast<std::uint32_t>(Metric::minkowski), "unknown metric id " + std::to_string(metric));
    s.metric_ = static_cast<Metric>(metric);
    s.p_ = in.get<float>();
    in.expect(std::isfinite(s.p_) && s.p_ >= 1.0f, "invalid minkowski p");
    s.kernel_ = kernel_for(s.metric_, s.p_);
    s.input_dim_ = static_cast<std::size_t>(in.get<std::uint64_t>());
    s.center_ = in.get_vector<float>();
    const auto rows = in.get<std::uint64_t>(), cols = in.get<std::uint64_t>();
    const bool centred = centres(s.metric_, s.kernel_);
    in.expect(rows > 0 && s.input_dim_ > 0 && cols == padded_width(s.input_dim_ + (normalises(s.metric_) ? 1 : 0)) &&
                  s.center_.size() == (centred ? s.input_dim_ : 0),
              "inconsistent kNN data shape");
    in.expect(rows <= in.remaining() / 4 / cols, "kNN data larger than the remaining bytes");
    s.data_ = Matrix(static_cast<std::size_t>(rows), static_cast<std::size_t>(cols));
    in.get_array(s.data_.data(), s.data_.size());
    s.bind_kernels();
    return s;
}

}  // namespace knn_detail
}  // namespace n2d
