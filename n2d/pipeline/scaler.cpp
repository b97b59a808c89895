#include "n2d/pipeline/scaler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

namespace {

constexpr const char* kScalingNames[] = {"none", "minmax", "standard"};

// A column whose range or std is 0 is divided by 1: it maps to 0 instead of NaN.
double divisor_or_one(double d) { return d > 0 ? d : 1.0; }

}  // namespace

const char* to_string(Scaling s) noexcept { return kScalingNames[static_cast<std::size_t>(s)]; }

Scaling parse_scaling(const std::string& name) {
    for (std::size_t i = 0; i < 3; ++i)
        if (name == kScalingNames[i]) return static_cast<Scaling>(i);
    N2D_FAIL("n2d: scaling '" + name + "' is unknown; use one of: none, minmax, standard");
}

Scaler::Scaler(Scaling kind, ConstMatrixView x) : kind_(kind) {
    if (kind == Scaling::none) return;
    N2D_REQUIRE(x.rows > 0 && x.cols > 0, "Scaler: the data is empty (" + std::to_string(x.rows) + " x " +
                                              std::to_string(x.cols) + "); pass at least one row and column");
    require_finite(x, "the data to scale");
    const std::size_t d = x.cols;
    offset_.assign(d, 0.0);
    divisor_.assign(d, 0.0);
    // Rows in order, each column's sum in double: the same parameters at any thread count.
    if (kind == Scaling::minmax) {
        std::vector<double> hi(d);
        for (std::size_t j = 0; j < d; ++j) offset_[j] = hi[j] = x(0, j);
        for (std::size_t i = 1; i < x.rows; ++i) {
            const float* r = x.row(i);
            for (std::size_t j = 0; j < d; ++j) {
                offset_[j] = std::min(offset_[j], double(r[j]));
                hi[j] = std::max(hi[j], double(r[j]));
            }
        }
        for (std::size_t j = 0; j < d; ++j) divisor_[j] = divisor_or_one(hi[j] - offset_[j]);
    } else {
        const double n = static_cast<double>(x.rows);
        for (std::size_t i = 0; i < x.rows; ++i) {
            const float* r = x.row(i);
            for (std::size_t j = 0; j < d; ++j) offset_[j] += r[j];
        }
        for (double& m : offset_) m /= n;
        // Two passes (mean, then squared deviations) keep the variance accurate for large offsets.
        std::vector<double> ss(d, 0.0);
        for (std::size_t i = 0; i < x.rows; ++i) {
            const float* r = x.row(i);
            for (std::size_t j = 0; j < d; ++j) {
                const double dev = r[j] - offset_[j];
                ss[j] += dev * dev;
            }
        }
        for (std::size_t j = 0; j < d; ++j) divisor_[j] = divisor_or_one(std::sqrt(ss[j] / n));
    }
}

Scaler::Scaler(Scaling kind, std::vector<double> offset, std::vector<double> divisor)
    : kind_(kind), offset_(std::move(offset)), divisor_(std::move(divisor)) {
    const auto k = static_cast<unsigned>(kind);
    N2D_REQUIRE(k <= 2, "Scaler: scaling code " + std::to_string(k) + " is unknown (0 none, 1 minmax, 2 standard)");
    N2D_REQUIRE(offset_.size() == divisor_.size(), "Scaler: " + std::to_string(offset_.size()) + " offsets but " +
                                                       std::to_string(divisor_.size()) + " divisors; they must match");
    N2D_REQUIRE(kind == Scaling::none ? offset_.empty() : !offset_.empty(),
                std::string("Scaler: ") + to_string(kind) + " scaling with " + std::to_string(offset_.size()) +
                    " columns of parameters; none has no parameters, the others one per input column");
    for (std::size_t j = 0; j < offset_.size(); ++j)
        N2D_REQUIRE(std::isfinite(offset_[j]) && std::isfinite(divisor_[j]) && divisor_[j] > 0,
                    "Scaler: column " + std::to_string(j) + " has offset " + std::to_string(offset_[j]) +
                        " and divisor " + std::to_string(divisor_[j]) + "; both must be finite and the divisor > 0");
}

Matrix Scaler::transform(ConstMatrixView x) const {
    if (kind_ == Scaling::none) return Matrix::copy_of(x);
    N2D_REQUIRE(x.cols == offset_.size(), "Scaler: the scaler was fitted on " + std::to_string(offset_.size()) +
                                              " columns but got " + std::to_string(x.cols) +
                                              "; pass data with the training data's columns");
    Matrix out(x.rows, x.cols);
    constexpr double kFloatMax = std::numeric_limits<float>::max();
    for (std::size_t i = 0; i < x.rows; ++i) {
        const float* r = x.row(i);
        float* o = out.row(i);
        for (std::size_t j = 0; j < x.cols; ++j) {
            const double y = (r[j] - offset_[j]) / divisor_[j];
            if (!(std::fabs(y) <= kFloatMax))
                N2D_FAIL("n2d: scaling (" + std::string(to_string(kind_)) + ") row " + std::to_string(i) + ", column " +
                         std::to_string(j) + " gives " + std::to_string(y) +
                         ", beyond float's range; the value is far outside the training data's range or not finite");
            o[j] = static_cast<float>(y);
        }
    }
    return out;
}

void Scaler::save(ByteWriter& w) const {
    w.put<std::uint8_t>(static_cast<std::uint8_t>(kind_));
    w.put_vector(offset_);
    w.put_vector(divisor_);
}

Scaler Scaler::load(ByteReader& in) {
    const auto code = in.get<std::uint8_t>();
    in.expect(code >= 1 && code <= 2, "scaling code " + std::to_string(code) + " (1 minmax, 2 standard)");
    auto offset = in.get_vector<double>(std::size_t(1) << 32);
    auto divisor = in.get_vector<double>(std::size_t(1) << 32);
    in.expect(offset.size() == divisor.size(), std::to_string(offset.size()) + " offsets but " +
                                                   std::to_string(divisor.size()) + " divisors");
    for (std::size_t j = 0; j < offset.size(); ++j)
        in.expect(std::isfinite(offset[j]) && std::isfinite(divisor[j]) && divisor[j] > 0,
                  "column " + std::to_string(j) + " has offset " + std::to_string(offset[j]) + " and divisor " +
                      std::to_string(divisor[j]) + " (both must be finite, the divisor > 0)");
    in.expect(!offset.empty(), "no columns of scaling parameters");
    return Scaler(static_cast<Scaling>(code), std::move(offset), std::move(divisor));
}

}  // namespace n2d
