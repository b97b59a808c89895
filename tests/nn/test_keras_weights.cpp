// Keras weights (the N2D paper's autoencoder.save_weights HDF5 files) through
// Autoencoder::load_weights, against numpy's forward pass of the same weights
// (tests/golden/keras_weights_golden.py), and the ways a file can fail to be one.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "n2d/core/detail/file.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

std::string golden(const std::string& name) { return std::string(N2D_SOURCE_DIR) + "/tests/golden/keras/" + name; }

Matrix read_csv(const std::string& name) {
    std::ifstream in(golden(name));
    REQUIRE_MESSAGE(in.good(), "missing golden " << golden(name) << " (run tests/golden/keras_weights_golden.py)");
    std::vector<float> v;
    std::size_t cols = 0;
    std::string line, cell;
    while (std::getline(in, line)) {
        std::stringstream row(line);
        std::size_t c = 0;
        for (; std::getline(row, cell, ','); ++c) v.push_back(std::stof(cell));
        cols = c;
    }
    return matrix_from(v, cols);
}

double max_diff(const Matrix& a, const Matrix& b) {
    REQUIRE(a.rows() == b.rows());
    REQUIRE(a.cols() == b.cols());
    double m = 0;
    for (std::size_t i = 0; i < a.rows(); ++i)
        for (std::size_t j = 0; j < a.cols(); ++j) m = std::max(m, std::abs(double(a(i, j)) - double(b(i, j))));
    return m;
}

}  // namespace

TEST_CASE("keras weights: the paper's autoencoder encodes and reconstructs as numpy does") {
    const Matrix x = read_csv("inputs.csv");
    const Matrix codes = read_csv("codes.csv");
    const Matrix recon = read_csv("reconstructions.csv");
    // save_weights (fixed- and variable-length names, float32 and float64 with layer_names split
    // into layer_names0/1) and model.save.
    for (const char* file : {"ae_earliest.h5", "ae_vlen.h5", "ae_float64.h5", "ae_model.h5", "ae_latest.h5"}) {
        CAPTURE(file);
        const Autoencoder ae = Autoencoder::load_weights(golden(file));
        CHECK(ae.layer_sizes() == std::vector<std::size_t>{6, 8, 8, 16, 3, 16, 8, 8, 6});
        CHECK(ae.options().hidden_activation == Activation::relu);
        CHECK(ae.options().latent_activation == Activation::linear);
        CHECK(ae.options().output_activation == Activation::linear);
        CHECK(ae.epochs_trained() == 0);
        CHECK(max_diff(ae.encode(x), codes) < 1e-5);
        CHECK(max_diff(ae.reconstruct(x), recon) < 1e-5);
    }
}

TEST_CASE("keras weights: loaded weights survive n2d's own save and load") {
    ScratchDir dir("n2d-keras");
    const Autoencoder ae = Autoencoder::load_weights(golden("ae_earliest.h5"));
    const std::string path = utf8(dir.path() / "ae.n2dw");
    ae.save_weights(path);
    CHECK(Autoencoder::load_weights(path).parameters() == ae.parameters());
}

TEST_CASE("keras weights: files that are not the paper's autoencoder are refused by layer and shape") {
    CHECK_THROWS_WITH_AS(Autoencoder::load_weights(golden("not_ae.h5")),
                         doctest::Contains("1 Dense layers: not an autoencoder"), Error);
    CHECK_THROWS_WITH_AS(Autoencoder::load_weights(golden("not_ae.h5")), doctest::Contains("dense_1 (6, 8)"), Error);
    CHECK_THROWS_WITH_AS(Autoencoder::load_weights(golden("missing_weight.h5")),
                         doctest::Contains("layer \"decoder_1\" names the weight \"decoder_1/bias:0\""), Error);
    // An HDF5 file that is no Keras file at all.
    CHECK_THROWS_WITH_AS(Autoencoder::load_weights(golden("layouts.h5")), doctest::Contains("layer_names"), Error);
}

TEST_CASE("keras weights: truncated and randomly corrupted files only ever raise n2d::Error") {
    ScratchDir dir("n2d-keras");
    const std::vector<unsigned char> good = read_file(golden("ae_earliest.h5"));
    const std::string path = utf8(dir.path() / "bad.h5");
    for (std::size_t size : {std::size_t(8), std::size_t(100), good.size() / 2, good.size() - 1}) {
        CAPTURE(size);
        write_file_atomically(path, good.data(), size);
        const std::string expected = path + ": HDF5";
        CHECK_THROWS_WITH_AS(Autoencoder::load_weights(path), doctest::Contains(expected.c_str()), Error);
    }
    Rng rng(2020);
    int errors = 0, loaded = 0;
    const Matrix x = read_csv("inputs.csv");
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<unsigned char> bytes = good;
        // The structures (superblock, headers, B-trees, heaps) sit in the first few KB.
        const std::size_t span = trial % 2 ? std::min<std::size_t>(bytes.size(), 4096) : bytes.size();
        for (int k = 0, flips = 1 + int(rng.next() % 6); k < flips; ++k)
            bytes[rng.next() % span] ^= static_cast<unsigned char>(1u << (rng.next() % 8));
        write_file_atomically(path, bytes.data(), bytes.size());
        try {
            const Autoencoder ae = Autoencoder::load_weights(path);
            (void)ae.encode(x);
            ++loaded;
        } catch (const Error&) {
            ++errors;
        }
    }
    CHECK(errors > 0);
    CHECK(errors + loaded == 200);
}

}  // namespace n2d::test
