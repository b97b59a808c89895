// `n2d fit --clusters auto`: the chosen k in the summary and in --json, the k-range errors, and
// the saved model. Runs the `n2d` binary built beside this test program (skips when absent).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "cli_run.hpp"
#include "n2d/n2d.hpp"

namespace {

// Six Gaussian blobs in 8 columns, and their labels.
void write_blobs_csv(const fs::path& csv, const fs::path& labels) {
    const auto d = n2d::make_blobs(600, 8, 6, 1.5, 3);
    std::ofstream f(csv), l(labels);
    for (std::size_t i = 0; i < d.x.rows(); ++i) {
        for (std::size_t j = 0; j < d.x.cols(); ++j) f << (j ? "," : "") << d.x(i, j);
        f << "\n";
        l << d.labels[i] << "\n";
    }
}

}  // namespace

TEST_CASE("fit --clusters auto prints the chosen k and the curve, in text and --json, and saves it") {
    if (!have_tool()) return;
    fs::create_directories(scratch());
    const auto csv = scratch() / "six.csv", labels = scratch() / "six_labels.txt", model = scratch() / "six.n2d";
    write_blobs_csv(csv, labels);
    const std::string base = "fit " + q(csv) + " --labels " + q(labels) + " --clusters auto --embedder none --quiet";
    auto r = run(base + " --k-range 2:8 --gmm-n-init 2 --json --model-out " + q(model));
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"clusters\": 6,") != std::string::npos);
    CHECK(r.out.find("\"k_selection\": {\"criterion\": \"silhouette\", \"chosen\": 6, \"scores\": [{\"k\": 2, \"score\": ") !=
          std::string::npos);
    CHECK(r.out.find("{\"k\": 8, ") != std::string::npos);
    CHECK(r.out.find("{\"k\": 9, ") == std::string::npos);
    r = run("predict " + q(model) + " " + q(csv) + " --labels " + q(labels) + " --json");
    CHECK(r.status == 0);
    CHECK(r.out.find("\"clusters\": 6,") != std::string::npos);
    r = run("info " + q(model));
    CHECK(r.status == 0);
    CHECK(r.out.find("auto") != std::string::npos);

    r = run(base + " --k-range 5:7 --k-criterion bic --manifold none");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("6 clusters, chosen by bic") != std::string::npos);
    CHECK(r.out.find("<- chosen") != std::string::npos);
}

TEST_CASE("fit --clusters auto refuses k ranges that cannot work, saying what to change") {
    if (!have_tool()) return;
    fs::create_directories(scratch());
    const auto csv = scratch() / "six.csv", labels = scratch() / "six_labels.txt";
    write_blobs_csv(csv, labels);
    const std::string base = "fit " + q(csv) + " --embedder none --quiet";
    const std::pair<std::string, std::string> cases[] = {
        {" --clusters auto --k-range 1:5", "starts below 2"},
        {" --clusters auto --k-range 9:3", "is empty (MIN > MAX)"},
        {" --clusters auto --k-range 4-9", "write it MIN:MAX"},
        {" --clusters auto --k-range 2:5000", "fewer than the largest k of --k-range 2:5000"},
        {" --clusters 4 --k-range 2:5", "need --clusters auto"},
        {" --clusters auto --k-criterion bic --cluster kmeans", "bic criterion needs the gmm clusterer"},
        {" --clusters auto --k-criterion aic", "--k-criterion"},
        {" --clusters some", "--clusters"},
    };
    for (const auto& c : cases) {
        const std::string& args = c.first;  // not a structured binding: clang 14's INFO cannot capture one
        const std::string& message = c.second;
        const auto r = run(base + args);
        INFO(args, ": ", r.err);
        CHECK(r.status != 0);
        CHECK(r.err.find(message) != std::string::npos);
    }
}

TEST_CASE("fit synthetic --clusters auto finds its 6 arms") {
    if (!have_tool()) return;
    if (std::getenv("N2D_TEST_QUICK")) {
        MESSAGE("skipped under N2D_TEST_QUICK (the full 6000-point set: ~10 s in Release)");
        return;
    }
    const auto r = run("fit synthetic --clusters auto --embedder none --k-range 4:8 --gmm-n-init 2 --quiet --json");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"clusters\": 6,") != std::string::npos);
    CHECK(r.out.find("\"acc\": 1,") != std::string::npos);
}
