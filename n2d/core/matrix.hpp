// Dense float32 row-major matrices (n_samples × n_features): an owning Matrix with
// 64-byte-aligned contiguous storage, and non-owning views with a row stride.
#pragma once
#include <cstddef>
#include <string>

#include "n2d/core/aligned.hpp"
#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

// Non-owning view of `rows × cols` floats; row i starts at data + i*stride (stride >= cols).
template <class T>
struct BasicMatrixView {
    T* data = nullptr;
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::size_t stride = 0;

    BasicMatrixView() = default;
    BasicMatrixView(T* d, std::size_t r, std::size_t c) : data(d), rows(r), cols(c), stride(c) {}
    BasicMatrixView(T* d, std::size_t r, std::size_t c, std::size_t s) : data(d), rows(r), cols(c), stride(s) {
        N2D_REQUIRE(s >= c, "matrix view stride " + std::to_string(s) + " is smaller than its width " +
                                std::to_string(c) + "; pass a stride of at least the number of columns");
    }
    // A const view from a mutable one.
    template <class U>
    BasicMatrixView(const BasicMatrixView<U>& o) : data(o.data), rows(o.rows), cols(o.cols), stride(o.stride) {}

    T* row(std::size_t i) const noexcept { return data + i * stride; }
    T& operator()(std::size_t i, std::size_t j) const noexcept { return data[i * stride + j]; }
    bool empty() const noexcept { return rows == 0 || cols == 0; }
    bool contiguous() const noexcept { return stride == cols || rows <= 1; }
    // Rows [begin, begin+count).
    BasicMatrixView row_block(std::size_t begin, std::size_t count) const {
        N2D_REQUIRE(begin + count <= rows, "row block [" + std::to_string(begin) + ", " +
                                               std::to_string(begin + count) + ") is outside a matrix of " +
                                               std::to_string(rows) + " rows");
        return BasicMatrixView(data + begin * stride, count, cols, stride < cols ? cols : stride);
    }
};

using MatrixView = BasicMatrixView<float>;
using ConstMatrixView = BasicMatrixView<const float>;

// Owning, contiguous (stride == cols), 64-byte-aligned, zero-initialised.
class Matrix {
public:
    Matrix() = default;
    // Throws n2d::OutOfMemory naming the shape and the bytes needed when memory runs out.
    Matrix(std::size_t rows, std::size_t cols) : storage_(allocate(rows, cols)), rows_(rows), cols_(cols) {}
    static Matrix copy_of(ConstMatrixView v) {
        Matrix m(v.rows, v.cols);
        for (std::size_t i = 0; i < v.rows; ++i)
            for (std::size_t j = 0; j < v.cols; ++j) m(i, j) = v(i, j);
        return m;
    }

    std::size_t rows() const noexcept { return rows_; }
    std::size_t cols() const noexcept { return cols_; }
    std::size_t size() const noexcept { return rows_ * cols_; }
    bool empty() const noexcept { return size() == 0; }
    float* data() noexcept { return storage_.data(); }
    const float* data() const noexcept { return storage_.data(); }
    float* row(std::size_t i) noexcept { return data() + i * cols_; }
    const float* row(std::size_t i) const noexcept { return data() + i * cols_; }
    float& operator()(std::size_t i, std::size_t j) noexcept { return storage_[i * cols_ + j]; }
    float operator()(std::size_t i, std::size_t j) const noexcept { return storage_[i * cols_ + j]; }

    MatrixView view() noexcept { return {data(), rows_, cols_, cols_}; }
    ConstMatrixView view() const noexcept { return {data(), rows_, cols_, cols_}; }
    operator MatrixView() noexcept { return view(); }
    operator ConstMatrixView() const noexcept { return view(); }

private:
    static AlignedArray<float> allocate(std::size_t rows, std::size_t cols);
    AlignedArray<float> storage_;
    std::size_t rows_ = 0;
    std::size_t cols_ = 0;
};

// Throws n2d::Error unless `v` has `rows` rows and `cols` columns (0 = any). `what` names the argument.
template <class T>
void require_shape(const BasicMatrixView<T>& v, std::size_t rows, std::size_t cols, const char* what) {
    N2D_REQUIRE((rows == 0 || v.rows == rows) && (cols == 0 || v.cols == cols),
                std::string(what) + " has shape " + std::to_string(v.rows) + " x " + std::to_string(v.cols) +
                    " but " + (rows ? std::to_string(rows) : std::string("any")) + " x " +
                    (cols ? std::to_string(cols) : std::string("any")) + " is required");
}

// Throws n2d::Error naming the first NaN/Inf (row, column) in `v`; `what` names the argument.
void require_finite(ConstMatrixView v, const char* what);

}  // namespace n2d
