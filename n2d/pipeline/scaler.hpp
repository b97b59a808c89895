// Scaler: per-column scaling of the input, fitted on the training data and applied unchanged
// to new data (the parameters travel in the .n2d model), so a CSV of raw features reaches the
// autoencoder in the ranges the paper's dataset loaders give it.
//
//   minmax    (x - min) / (max - min)   → the training data in [0, 1]
//   standard  (x - mean) / std          → zero mean, unit variance (population std)
//
// A constant column has range / std 0; it is divided by 1 instead (scikit-learn's rule), so it
// maps to 0 rather than NaN. Parameters are computed in double in a fixed order, so a fit gives
// the same scaler at any thread count.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"

namespace n2d::inline v0 {

// The enumerators' values are their codes in the model file.
enum class Scaling { none, minmax, standard };

const char* to_string(Scaling s) noexcept;
// "none", "minmax", "standard" back to Scaling; throws n2d::Error listing the names.
Scaling parse_scaling(const std::string& name);

class Scaler {
public:
    Scaler() = default;
    // Fits the per-column parameters on x (n × d, finite; NaN/Inf are refused naming the cell).
    // Scaling::none keeps no parameters and transform copies.
    Scaler(Scaling kind, ConstMatrixView x);
    // Parameters given directly (a loaded model): y = (x - offset) / divisor per column.
    // Throws n2d::Error unless the widths match and every value is finite with divisor > 0.
    Scaler(Scaling kind, std::vector<double> offset, std::vector<double> divisor);

    Scaling kind() const noexcept { return kind_; }
    std::size_t input_dim() const noexcept { return offset_.size(); }
    const std::vector<double>& offset() const noexcept { return offset_; }
    const std::vector<double>& divisor() const noexcept { return divisor_; }

    // The scaled copy of x (x.cols must equal input_dim() unless kind() is none). A value that
    // scales beyond float's range (far outside the training data) is refused naming the cell.
    Matrix transform(ConstMatrixView x) const;

    // kind code, width, offsets, divisors (the model's n2d.scaler section).
    void save(ByteWriter& w) const;
    static Scaler load(ByteReader& in);

private:
    Scaling kind_ = Scaling::none;
    std::vector<double> offset_, divisor_;
};

}  // namespace n2d
