// The N2D paper's pretrained Keras weights on the paper's command line: `n2d fit DATA 0
// --ae_weights=FILE.h5 ...` uses the HDF5 weights as they are (no training), so the codes it
// writes are the Keras network's codes of the data.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "cli/cli_run.hpp"
#include "n2d/n2d.hpp"

namespace {

fs::path keras_golden(const std::string& name) { return fs::path(N2D_SOURCE_DIR) / "tests/golden/keras" / name; }

}  // namespace

TEST_CASE("--ae_weights with Keras HDF5 weights: the paper's command line uses them without training") {
    if (!have_tool()) return;
    const fs::path csv = scratch() / "keras.csv", labels = scratch() / "keras-labels.txt";
    write_synthetic_csv(csv, labels, 6, 200);  // 6 columns: the golden network's input width
    const fs::path codes = scratch() / "keras-codes.npy";
    auto r = run("fit " + q(csv) + " 0 --labels " + q(labels) + " --ae_weights=" + q(keras_golden("ae_earliest.h5")) +
                 " --n_clusters=3 --umap_dim=2 --umap_neighbors=10 --umap_min_dist=0.00 --cluster=GMM --quiet --json"
                 " --latent-out " + q(codes));
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"pipeline\": \"ae+umap+gmm\"") != std::string::npos);
    CHECK(r.out.find("\"epochs\": 0,") != std::string::npos);  // no training ran
    // The codes are the file's network applied to the data: no epoch of training changed it.
    const n2d::Dataset data = n2d::read_csv(csv.string());
    const n2d::Matrix expected = n2d::Autoencoder::load_weights(keras_golden("ae_earliest.h5").string()).encode(data.x);
    const n2d::Dataset got = n2d::read_npy(codes.string());
    REQUIRE(got.x.rows() == expected.rows());
    REQUIRE(got.x.cols() == 3);
    double diff = 0;
    for (std::size_t i = 0; i < expected.rows(); ++i)
        for (std::size_t j = 0; j < 3; ++j) diff = std::max(diff, double(std::abs(got.x(i, j) - expected(i, j))));
    CHECK(diff < 1e-5);

    // A Keras file whose input width is not the data's is refused naming both.
    const fs::path wide = scratch() / "keras-wide.csv", wide_labels = scratch() / "keras-wide-labels.txt";
    write_synthetic_csv(wide, wide_labels, 7, 100);
    r = run("fit " + q(wide) + " --ae_weights=" + q(keras_golden("ae_earliest.h5")) + " --n_clusters=3 --quiet");
    CHECK(r.status != 0);
    CHECK(r.err.find("6") != std::string::npos);
    CHECK(r.err.find("7") != std::string::npos);
}
