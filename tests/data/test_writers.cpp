#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "n2d/core/error.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/data/writers.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

// Awkward values for a text round trip: tiny, huge, negative zero, values needing 9 digits.
Matrix awkward_matrix() {
    Matrix m(5, 3);
    const float values[] = {0.1f, -1.0f / 3.0f, 1e-38f, 3.4e38f, -0.0f, 16777217.0f, 1.17549435e-38f,
                            123456.789f, -2.5e-7f, 1.0f, 0.333333343f, 7.0f, -8.5f, 65504.0f, 1e-45f};
    std::copy(std::begin(values), std::end(values), m.data());
    return m;
}

void require_same(const Matrix& a, const Matrix& b) {
    REQUIRE(a.rows() == b.rows());
    REQUIRE(a.cols() == b.cols());
    for (std::size_t i = 0; i < a.rows() * a.cols(); ++i) CHECK(a.data()[i] == b.data()[i]);
}

}  // namespace

TEST_CASE("write_matrix: .npy and .csv/.tsv round-trip through our readers exactly, in row order") {
    ScratchDir dir("n2d-writers");
    const Matrix m = awkward_matrix();
    for (const char* name : {"m.npy", "m.csv", "m.tsv", "m.TXT"}) {
        INFO(name);
        const std::string path = utf8(dir.path() / name);
        write_matrix(path, m);
        const std::string ext = std::filesystem::path(name).extension().string();
        Dataset back = ext == ".npy" ? read_npy(path) : read_csv(path);
        require_same(m, back.x);
    }
}

TEST_CASE("write_matrix: a strided view writes only its columns; an unknown extension is refused") {
    ScratchDir dir("n2d-writers");
    const Matrix m = awkward_matrix();
    ConstMatrixView left{m.data(), m.rows(), 2, m.cols()};
    const std::string path = utf8(dir.path() / "left.npy");
    write_npy(path, left);
    const Dataset back = read_npy(path);
    REQUIRE(back.x.cols() == 2);
    for (std::size_t i = 0; i < m.rows(); ++i) {
        CHECK(back.x.row(i)[0] == m.row(i)[0]);
        CHECK(back.x.row(i)[1] == m.row(i)[1]);
    }
    CHECK_THROWS_WITH_AS(write_matrix(utf8(dir.path() / "m.parquet"), m),
                         doctest::Contains("unknown extension '.parquet'; use .npy, .csv, .tsv or .txt"), Error);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "m.parquet"));
    CHECK_THROWS_AS(write_matrix(utf8(dir.path() / "no-such-folder" / "m.npy"), m), Error);
}

}  // namespace n2d::inline v0::test
