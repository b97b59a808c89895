// `n2d fit --finetune dec|idec` and `--cluster dec`: --json reports the fine-tuning, the model
// keeps it, `n2d predict` reproduces the training labels, and bad combinations exit 2. Tiny
// networks and few steps keep it fast. Runs the `n2d` binary built beside this test program.
#include <doctest/doctest.h>

#include <string>

#include "cli_run.hpp"
#include "n2d/n2d.hpp"

TEST_CASE("fit --finetune and --cluster dec: --json, info, and predict reproduces the labels") {
    if (!have_tool()) return;
    fs::create_directories(scratch());
    const auto csv = scratch() / "dec.csv", labels = scratch() / "dec_labels.txt", model = scratch() / "dec.n2d",
               fit_labels = scratch() / "dec_fit.txt", predicted = scratch() / "dec_predicted.txt";
    write_synthetic_csv(csv, labels, 4, 240);
    const std::string base = "fit " + q(csv) + " --labels " + q(labels) +
                             " --epochs 2 --architecture 8,8,16 --umap-neighbors 10 --gmm-n-init 2 --quiet --json"
                             " --dec-max-iter 30 --dec-update-interval 10";
    for (const char* mode : {"dec", "idec"}) {
        CAPTURE(mode);
        auto r = run(base + " --cluster dec --finetune " + mode + " --model-out " + q(model) + " --predictions " +
                     q(fit_labels));
        INFO(r.err);
        REQUIRE(r.status == 0);
        CHECK(r.out.find("\"pipeline\": \"ae+none+dec\"") != std::string::npos);
        CHECK(r.out.find("\"finetune\": \"" + std::string(mode) + "\"") != std::string::npos);
        CHECK(r.out.find("\"target_updates\"") != std::string::npos);
        CHECK(r.out.find("\"finetune\": ") != r.out.rfind("\"finetune\": "));  // the mode and the seconds
        r = run("info " + q(model));
        CHECK(r.status == 0);
        CHECK(r.out.find("finetune") != std::string::npos);
        r = run("predict " + q(model) + " " + q(csv) + " --predictions " + q(predicted));
        CHECK(r.status == 0);
        const std::string fitted = slurp(fit_labels);
        CHECK(fitted.size() >= 240 * 2);
        CHECK(fitted == slurp(predicted));
    }
    // Fine-tuned codes through UMAP + GMM: a model an older build can read (options version 1).
    auto r = run(base + " --finetune dec --model-out " + q(model));
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"pipeline\": \"ae+umap+gmm\"") != std::string::npos);
    CHECK(r.out.find("\"finetune\": \"dec\"") != std::string::npos);
    r = run("predict " + q(model) + " " + q(csv));
    CHECK(r.status == 0);
    // Without fine-tuning the report says none and has no fine-tuning time.
    r = run(base.substr(0, base.find(" --dec-max-iter")));
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"finetune\": \"none\"") != std::string::npos);
    CHECK(r.out.find("\"dec\": {") == std::string::npos);
}

TEST_CASE("fit --finetune / --cluster dec refuse contradictory options with exit 2") {
    if (!have_tool()) return;
    const std::string base = "fit synthetic --synthetic-samples 60 --epochs 1 --quiet";
    auto r = run(base + " --finetune kmeans");
    CHECK(r.status == 2);
    CHECK(r.err.find("none, dec, idec") != std::string::npos);
    r = run(base + " --cluster dec --finetune none");
    CHECK(r.status == 2);
    CHECK(r.err.find("--finetune dec or idec") != std::string::npos);
    r = run(base + " --cluster dec --manifold umap");
    CHECK(r.status == 2);
    CHECK(r.err.find("clusters the codes directly") != std::string::npos);
    r = run(base + " --dec-max-iter 5");
    CHECK(r.status == 2);
    CHECK(r.err.find("need --finetune") != std::string::npos);
    r = run(base + " --finetune dec --dec-gamma 0.5");
    CHECK(r.status == 2);
    CHECK(r.err.find("--finetune idec") != std::string::npos);
    r = run(base + " --finetune dec --embedder none");
    CHECK(r.status == 2);
    CHECK(r.err.find("--embedder ae") != std::string::npos);
}
