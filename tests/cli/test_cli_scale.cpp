// `n2d fit --scale`: the default for a data file (minmax) and for named datasets (none), the
// "scale" field of --json, `n2d info` showing it, predict through the saved scaler, and bad
// values refused with the names. Runs the `n2d` binary built beside this test program (skips
// when absent).
#include <doctest/doctest.h>

#include <string>

#include "cli_run.hpp"
#include "n2d/n2d.hpp"

TEST_CASE("fit --scale: the default per input kind, --json, info and predict with the saved scaler") {
    if (!have_tool()) return;
    fs::create_directories(scratch());
    const auto csv = scratch() / "scale.csv", labels = scratch() / "scale_labels.txt", model = scratch() / "scale.n2d",
               fit_codes = scratch() / "fit_codes.npy", predict_codes = scratch() / "predict_codes.npy";
    write_synthetic_csv(csv, labels, 6, 300);
    const std::string base = "fit " + q(csv) + " --labels " + q(labels) +
                             " --epochs 2 --architecture 8,8,16 --umap-neighbors 10 --gmm-n-init 2 --quiet --json";
    auto r = run(base);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"scale\": \"minmax\"") != std::string::npos);  // a data file's default

    r = run(base + " --scale standard --model-out " + q(model) + " --latent-out " + q(fit_codes));
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"scale\": \"standard\"") != std::string::npos);
    r = run("info " + q(model));
    CHECK(r.status == 0);
    CHECK(r.out.find("scaling:      standard") != std::string::npos);
    CHECK(r.out.find("n2d.scaler") != std::string::npos);
    // predict applies the saved scaling: the training rows get the codes fit gave them (the
    // autoencoder's transform is per row; UMAP's transform of training rows is not its fit).
    r = run("predict " + q(model) + " " + q(csv) + " --latent-out " + q(predict_codes));
    CHECK(r.status == 0);
    const std::string codes = slurp_bytes(fit_codes);
    CHECK(codes.size() > 300 * 3 * sizeof(float));
    CHECK(codes == slurp_bytes(predict_codes));

    r = run(base + " --scale none --model-out " + q(model));
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"scale\": \"none\"") != std::string::npos);
    r = run("info " + q(model));
    CHECK(r.out.find("scaling:      none") != std::string::npos);
    CHECK(r.out.find("n2d.scaler") == std::string::npos);

    // A named dataset keeps the paper's preprocessing: nothing on top unless asked.
    const std::string synthetic = "fit synthetic --synthetic-samples 120 --synthetic-dim 4 --epochs 1 --architecture 8,8,16 "
                                  "--umap-neighbors 5 --gmm-n-init 1 --quiet --json";
    r = run(synthetic);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"scale\": \"none\"") != std::string::npos);
    r = run(synthetic + " --scale=minmax");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"scale\": \"minmax\"") != std::string::npos);
}

TEST_CASE("fit --scale with an unknown value exits 2 listing the scalings") {
    if (!have_tool()) return;
    const Run r = run("fit synthetic --scale zscore");
    CHECK(r.status == 2);
    CHECK(r.err.find("--scale") != std::string::npos);
    CHECK(r.err.find("none, minmax, standard") != std::string::npos);
}
