// `n2d fit --augment`: the --json report, training bit-identical at 1 and 4 threads, the
// settings kept in the model (`n2d info`) while predict does not augment, and the option
// errors. Runs the `n2d` binary built beside this test program (skips when absent).
#include <doctest/doctest.h>

#include <string>

#include "cli_run.hpp"

using n2d::test::contains;

TEST_CASE("fit --augment: --json, 1 vs 4 threads bit-identical, info shows it, predict does not augment") {
    if (!have_tool()) return;
    fs::create_directories(scratch());
    const auto csv = scratch() / "aug.csv", labels = scratch() / "aug_labels.txt", model = scratch() / "aug.n2d";
    const auto codes1 = scratch() / "aug1.npy", codes4 = scratch() / "aug4.npy", plain = scratch() / "plain.npy",
               predicted = scratch() / "aug_predict.npy";
    write_synthetic_csv(csv, labels, 64, 300);  // values in [0, 1]: 8 x 8 "images"
    const std::string base = "fit " + q(csv) + " --labels " + q(labels) +
                             " --epochs 2 --architecture 8,8,16 --umap-neighbors 10 --gmm-n-init 1 --quiet --json";
    auto r = run(base + " --augment --image-shape 8x8 --augment-rotate 20 --threads 1 --latent-out " + q(codes1) +
                 " --model-out " + q(model));
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "\"augment\": {\"height\": 8, \"width\": 8, \"max_shift\": 0.1, \"max_rotation\": 20}"));
    CHECK(contains(r.out, "\"scale\": \"none\""));  // --augment keeps the columns' common scale
    r = run(base + " --augment --image-shape 8x8 --augment-rotate 20 --threads 4 --latent-out " + q(codes4));
    REQUIRE(r.status == 0);
    const std::string one = slurp_bytes(codes1);
    CHECK(one.size() > 300 * 3 * sizeof(float));
    CHECK(one == slurp_bytes(codes4));
    r = run(base + " --scale none --latent-out " + q(plain));
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "\"augment\": false"));
    CHECK(one != slurp_bytes(plain));

    r = run("info " + q(model));
    CHECK(r.status == 0);
    CHECK(contains(r.out, "ae.augment "));
    CHECK(contains(r.out, "8x8"));
    CHECK(contains(r.out, "ae.augment_rotation"));
    // predict encodes the rows as they are: the codes fit gave the training rows.
    r = run("predict " + q(model) + " " + q(csv) + " --latent-out " + q(predicted));
    CHECK(r.status == 0);
    CHECK(slurp_bytes(predicted) == one);
}

TEST_CASE("fit --augment refuses data without an image shape, a wrong shape and stray knobs (exit 2)") {
    if (!have_tool()) return;
    fs::create_directories(scratch());
    const auto csv = scratch() / "aug_err.csv", labels = scratch() / "aug_err_labels.txt";
    write_synthetic_csv(csv, labels, 12, 60);
    const std::string base = "fit " + q(csv) + " --labels " + q(labels) + " --epochs 1 --quiet";
    const struct {
        std::string args, message;
    } cases[] = {
        {" --augment", "pass --image-shape HxW"},
        {" --augment --image-shape 3x5", "has 15 pixels but"},
        {" --augment --image-shape 3by4", "write it HxW"},
        {" --image-shape 3x4", "--image-shape needs --augment"},
        {" --augment-rotate 5", "--augment-rotate needs --augment"},
        {" --augment --image-shape 3x4 --scale minmax", "drop --scale"},
        {" --augment --image-shape 3x4 --embedder none", "needs --embedder ae"},
        {" --augment --image-shape 3x4 --augment-shift 0.6", "--augment-shift"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.args);
        const Run r = run(base + c.args);
        CHECK(r.status == 2);
        CHECK(contains(r.err, c.message));
    }
}
