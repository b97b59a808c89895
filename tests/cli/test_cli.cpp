// The n2d tool as users run it: exit codes, messages on stderr, --json on stdout, files.
// Runs the `n2d` binary built beside this test program (skips when it was not built).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "cli_run.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/n2d.hpp"

namespace {

std::size_t count_lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("argument errors exit with status 2 and say what is wrong on stderr") {
    if (!have_tool()) return;
    auto r = run("");
    CHECK(r.status == 2);
    CHECK(r.err.find("usage") != std::string::npos);
    r = run("frobnicate");
    CHECK(r.status == 2);
    CHECK(r.err.find("unknown command 'frobnicate'") != std::string::npos);
    r = run("fit");
    CHECK(r.status == 2);
    CHECK(r.err.find("expected DATA") != std::string::npos);
    r = run("fit synthetic --epochs abc");
    CHECK(r.status == 2);
    CHECK(r.err.find("--epochs") != std::string::npos);
    r = run("fit synthetic --bogus");
    CHECK(r.status == 2);
    CHECK(r.err.find("unknown option '--bogus'") != std::string::npos);
    r = run("fit synthetic --cluster dbscan");
    CHECK(r.status == 2);
    CHECK(r.err.find("gmm, kmeans") != std::string::npos);
    r = run("fit synthetic --epochs 5 --epochs 6");
    CHECK(r.status == 2);
    CHECK(r.err.find("given twice") != std::string::npos);
    r = run("fit synthetic --architecture 500,,2000");
    CHECK(r.status == 2);
    r = run("fit synthetic --embedder none --weights w.bin");
    CHECK(r.status == 2);
    r = run("predict only-one-arg");
    CHECK(r.status == 2);
    r = run("fit /nonexistent/data.csv --clusters 3");
    CHECK(r.status == 1);
    CHECK(r.err.find("/nonexistent/data.csv") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("--help prints each command's options on stdout") {
    if (!have_tool()) return;
    auto r = run("fit --help");
    CHECK(r.status == 0);
    for (const char* opt : {"--clusters", "--umap-neighbors", "--gmm-covariance", "--model-out", "--eval-all", "--json"})
        CHECK(r.out.find(opt) != std::string::npos);
    CHECK(run("predict --help").out.find("--proba") != std::string::npos);
    CHECK(run("assess --help").status == 0);
    CHECK(run("--help").out.find("predict") != std::string::npos);
}

TEST_CASE("fit, save, predict, assess and info on a CSV file") {
    if (!have_tool()) return;
    const auto csv = scratch() / "data.csv", labels = scratch() / "labels.txt", model = scratch() / "m.n2d",
               pred = scratch() / "pred.txt", proba = scratch() / "proba.csv";
    write_synthetic_csv(csv, labels, 8);
    const std::string fit_args = "fit " + q(csv) + " --labels " + q(labels) +
                                 " --epochs 3 --architecture 16,16,32 --umap-neighbors 10 --quiet --json --model-out " +
                                 q(model) + " --predictions " + q(pred);
    auto r = run(fit_args);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(count_lines(r.out) == 1);  // exactly one JSON object
    for (const char* key : {"\"dataset\"", "\"n\": 400", "\"dim\": 8", "\"clusters\": 3", "\"acc\"", "\"nmi\"", "\"ari\"",
                            "\"autoencoder\"", "\"umap\"", "\"cluster\"", "\"total\""})
        CHECK(r.out.find(key) != std::string::npos);
    CHECK(count_lines(slurp(pred)) == 400);
    // peak_rss_bytes: the resident high-water mark after each step, so positive and never falling.
    const std::size_t mem = r.out.find("\"peak_rss_bytes\": {");
    REQUIRE(mem != std::string::npos);
    double previous = 0;
    for (const char* step : {"\"load\": ", "\"autoencoder\": ", "\"manifold\": ", "\"cluster\": "}) {
        const std::size_t at = r.out.find(step, mem);
        REQUIRE(at != std::string::npos);
        const double bytes = std::stod(r.out.substr(at + std::string(step).size()));
        CHECK(bytes >= previous);
        CHECK(bytes > 1e6);  // at least the tool itself
        previous = bytes;
    }

    r = run("assess " + q(labels) + " " + q(pred));
    CHECK(r.status == 0);
    CHECK(r.out.find("acc") != std::string::npos);

    r = run("predict " + q(model) + " " + q(csv) + " --proba --predictions " + q(proba));
    CHECK(r.status == 0);
    const auto p = slurp(proba);
    CHECK(count_lines(p) == 400);
    CHECK(std::count(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(p.find('\n')), ',') == 2);  // 3 columns

    r = run("predict " + q(model) + " " + q(csv));
    CHECK(r.status == 0);
    CHECK(count_lines(r.out) == 400);

    r = run("info " + q(model));
    CHECK(r.status == 0);
    CHECK(r.out.find("stage.embedder") != std::string::npos);
    CHECK(r.out.find("400 rows x 8 columns") != std::string::npos);
}

TEST_CASE("predict refuses data of another width and damaged models") {
    if (!have_tool()) return;
    const auto csv = scratch() / "d8.csv", labels = scratch() / "l8.txt", wide = scratch() / "d9.csv",
               wl = scratch() / "l9.txt", model = scratch() / "w.n2d";
    write_synthetic_csv(csv, labels, 8);
    write_synthetic_csv(wide, wl, 9);
    auto r = run("fit " + q(csv) + " --clusters 3 --epochs 2 --architecture 16,16,32 --umap-neighbors 10 "
                 "--quiet --model-out " + q(model));
    REQUIRE(r.status == 0);
    r = run("predict " + q(model) + " " + q(wide));
    CHECK(r.status == 1);
    CHECK(r.err.find("8 columns") != std::string::npos);
    CHECK(r.err.find("9 columns") != std::string::npos);

    auto bytes = n2d::read_file(model.string());
    bytes[bytes.size() - 10] ^= 0xFF;
    const auto bad = scratch() / "bad.n2d";
    n2d::write_file_atomically(bad.string(), bytes.data(), bytes.size());
    r = run("predict " + q(bad) + " " + q(csv));
    CHECK(r.status == 1);
    CHECK(r.err.find("CRC-32") != std::string::npos);
    r = run("info " + q(csv));
    CHECK(r.status == 1);
    CHECK(r.err.find("not an n2d model") != std::string::npos);
    fs::remove_all(scratch());
}

TEST_CASE("fit --cluster hdbscan finds the clusters itself, saves and predicts") {
    if (!have_tool()) return;
    fs::create_directories(scratch());  // an earlier case may have removed it
    const auto csv = scratch() / "blobs.csv", labels = scratch() / "blobs_labels.txt", model = scratch() / "h.n2d",
               pred = scratch() / "h_pred.txt";
    {
        std::vector<int> truth;
        const auto x = n2d::test::blobs(240, 3, 3, 0.8, 11, &truth);
        std::ofstream f(csv), l(labels);
        for (std::size_t i = 0; i < x.rows(); ++i) {
            f << x(i, 0) << "," << x(i, 1) << "," << x(i, 2) << "\n";
            l << truth[i] << "\n";
        }
    }
    auto r = run("fit " + q(csv) + " --labels " + q(labels) + " --clusters 3 --embedder none --manifold none" +
                 " --cluster hdbscan --min-cluster-size 10 --min-samples 5 --quiet --json --model-out " + q(model) +
                 " --predictions " + q(pred));
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"clusters\": 3") != std::string::npos);
    CHECK(r.out.find("hdbscan") != std::string::npos);
    CHECK(count_lines(slurp(pred)) == 240);
    r = run("predict " + q(model) + " " + q(csv));
    CHECK(r.status == 0);
    CHECK(count_lines(r.out) == 240);
    r = run("info " + q(model));
    CHECK(r.status == 0);
    CHECK(r.out.find("hdbscan.min_cluster_size") != std::string::npos);
    // assess reads noise (-1) in predictions: 2 of 4 right, the noise point never is.
    const auto truth4 = scratch() / "t4.txt", pred4 = scratch() / "p4.txt";
    std::ofstream(truth4) << "0\n0\n1\n1\n";
    std::ofstream(pred4) << "0\n-1\n1\n2\n";
    r = run("assess " + q(truth4) + " " + q(pred4) + " --json");
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(r.out.find("\"acc\": 0.5") != std::string::npos);
    r = run("fit " + q(csv) + " --clusters 3 --min-samples 5 --quiet");
    CHECK(r.status == 2);
    CHECK(r.err.find("need --cluster hdbscan") != std::string::npos);
    r = run("fit " + q(csv) + " --clusters 3 --cluster hdbscan --min-cluster-size 1 --quiet");
    CHECK(r.status == 2);
    CHECK(r.err.find("--min-cluster-size") != std::string::npos);
}
