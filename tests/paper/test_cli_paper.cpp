// The paper's command lines (its spellings, GPU argument, --save_dir folder), the embedding
// outputs, the other manifold learners and clusterers, and the --eval-all ablation.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "cli/cli_run.hpp"
#include "n2d/n2d.hpp"

namespace {

const std::size_t kRows = 300;

std::size_t occurrences(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
}

struct PaperData {
    fs::path csv = scratch() / "paper.csv", labels = scratch() / "paper-labels.txt";
    PaperData() { write_synthetic_csv(csv, labels, 6, kRows); }
    // The data, its labels and a small, fast autoencoder.
    std::string args() const { return q(csv) + " --labels " + q(labels) + " --architecture 16,16 --quiet"; }
};

}  // namespace

TEST_CASE("the paper's command line runs as written: GPU argument, --flag=value spellings, --save_dir") {
    if (!have_tool()) return;
    PaperData d;
    const fs::path dir = scratch() / "paper-out";
    auto r = run("fit " + d.args() + " 0 --n_clusters=3 --pretrain_epochs=2 --batch_size=64 --umap_dim=2 "
                 "--umap_neighbors=10 --umap_min_dist=0.00 --umap_metric=euclidean --manifold_learner=UMAP --cluster=GMM "
                 "--save_dir=" + q(dir) + " --visualize --json");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"pipeline\": \"ae+umap+gmm\"") != std::string::npos);
    CHECK(r.out.find("\"clusters\": 3") != std::string::npos);
    CHECK(r.out.find("\"epochs\": 2") != std::string::npos);
    const std::string name = "paper";
    CHECK(slurp(dir / "args.txt").find("--umap_dim=2") != std::string::npos);
    const std::string clusters = slurp(dir / (name + "-clusters.txt"));
    CHECK(std::count(clusters.begin(), clusters.end(), '\n') == static_cast<std::ptrdiff_t>(kRows));
    CHECK(fs::file_size(dir / (name + "-n2d.png")) > 1000);
    r = run("predict " + q(dir / (name + ".n2d")) + " " + q(d.csv) + " --json");
    CHECK(r.status == 0);

    // The paper's value spellings map to ours; a flag given in both spellings is refused.
    r = run("fit " + d.args() + " --pretrain_epochs 1 --manifold_learner isomap --cluster KM --json");
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(r.out.find("\"pipeline\": \"ae+isomap+kmeans\"") != std::string::npos);
    CHECK(r.out.find("\"reconstruction_error\": ") != std::string::npos);
    r = run("fit " + d.args() + " --umap_dim 2 --manifold-dim 3");
    CHECK(r.status == 2);
    CHECK(r.err.find("given twice (as '--umap_dim' and '--manifold-dim')") != std::string::npos);
    r = run("fit " + d.args() + " --manifold_learner=PCA");
    CHECK(r.status == 2);
    CHECK(r.err.find("umap, tsne, isomap, lle, none") != std::string::npos);
    r = run("fit " + d.args() + " --plot_all=maybe");
    CHECK(r.status == 2);
    CHECK(r.err.find("expects true or false") != std::string::npos);
    r = run("fit --help");
    CHECK(r.out.find("--manifold_learner = --manifold (UMAP=umap, LLE=lle, tSNE=tsne, isomap=isomap)") != std::string::npos);
}

TEST_CASE("--ae_weights: an HDF5 file that is not Keras weights is refused saying why and how to get n2d weights") {
    if (!have_tool()) return;
    PaperData d;
    const fs::path h5 = scratch() / "mnist-1000-ae_weights.h5";
    {
        std::ofstream f(h5, std::ios::binary);
        f << "\x89HDF\r\n\x1a\n" << std::string(2048, '\0');
    }
    auto r = run("fit " + d.args() + " --ae_weights=" + q(h5));
    CHECK(r.status == 1);
    CHECK(r.err.find("HDF5 superblock") != std::string::npos);
    CHECK(r.err.find("--save-weights") != std::string::npos);
}

TEST_CASE("--embedding-out and --latent-out write the representations in input order, from fit and from predict") {
    if (!have_tool()) return;
    PaperData d;
    const fs::path model = scratch() / "emb.n2d", emb = scratch() / "emb.npy", lat = scratch() / "lat.csv",
                   lat2 = scratch() / "lat2.npy", emb2 = scratch() / "emb2.tsv";
    auto r = run("fit " + d.args() + " --epochs 2 --manifold-dim 2 --umap-neighbors 10 --model-out " + q(model) +
                 " --embedding-out " + q(emb) + " --latent-out " + q(lat));
    INFO(r.err);
    REQUIRE(r.status == 0);
    const n2d::Dataset e = n2d::read_npy(emb.string()), z = n2d::read_csv(lat.string());
    CHECK(e.x.rows() == kRows);
    CHECK(e.x.cols() == 2);
    CHECK(z.x.rows() == kRows);
    CHECK(z.x.cols() == 3);  // latent width = clusters
    r = run("predict " + q(model) + " " + q(d.csv) + " --latent-out " + q(lat2) + " --embedding-out " + q(emb2) +
            " --predictions " + q(scratch() / "emb-pred.txt"));
    REQUIRE(r.status == 0);
    // Encoding is a pure function of the row: predict's codes are the fit's, to the bit.
    const n2d::Dataset z2 = n2d::read_npy(lat2.string());
    REQUIRE(z2.x.rows() == kRows);
    CHECK(std::equal(z.x.data(), z.x.data() + z.x.rows() * z.x.cols(), z2.x.data()));
    CHECK(n2d::read_csv(emb2.string()).x.cols() == 2);
    // A wrong extension fails before the fit, not after it.
    r = run("fit " + d.args() + " --epochs 100000 --embedding-out " + q(scratch() / "e.xlsx"));
    CHECK(r.status == 1);
    CHECK(r.err.find("use .npy, .csv, .tsv or .txt") != std::string::npos);
    CHECK(r.err.find("epoch") == std::string::npos);
}

TEST_CASE("--manifold tsne clusters its training data; predicting new data says t-SNE has no transform") {
    if (!have_tool()) return;
    PaperData d;
    const fs::path model = scratch() / "tsne.n2d";
    auto r = run("fit " + d.args() + " --epochs 2 --manifold tsne --tsne-perplexity 20 --cluster sc --json --model-out " +
                 q(model));
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"pipeline\": \"ae+tsne+sc\"") != std::string::npos);
    CHECK(r.out.find("\"kl_divergence\": ") != std::string::npos);
    r = run("predict " + q(model) + " " + q(d.csv));
    CHECK(r.status == 1);
    CHECK(r.err.find("t-SNE cannot embed new points") != std::string::npos);
    CHECK(r.err.find("umap, isomap or lle") != std::string::npos);
    r = run("fit " + d.args() + " --tsne-perplexity 20");
    CHECK(r.status == 2);
    CHECK(r.err.find("--tsne-perplexity needs --manifold tsne") != std::string::npos);
}

TEST_CASE("--eval-all prints the ablation: {k-means, GMM, SC} on raw data, UMAP of it, the codes and each learner") {
    if (!have_tool()) return;
    PaperData d;
    auto r = run("fit " + d.args() + " --epochs 2 --manifold lle --cluster sc --umap-neighbors 10 --eval-all --json");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"pipeline\": \"ae+lle+sc\"") != std::string::npos);
    CHECK(occurrences(r.out, "\"clusterer\": \"sc\"") == 7);
    CHECK(occurrences(r.out, "\"clusterer\": \"kmeans\"") == 7);
    CHECK(occurrences(r.out, "\"clusterer\": \"gmm\"") == 7);
    for (const char* input : {"raw", "raw+umap", "ae", "ae+umap", "ae+isomap", "ae+tsne", "ae+lle"})
        CHECK(occurrences(r.out, std::string("\"input\": \"") + input + "\"") == 3);
    CHECK(occurrences(r.out, "\"acc\"") == 1 + 4 + 21);  // the fit, the four baselines, the table
    CHECK(r.out.find("\"name\": \"UMAP+GMM (raw)\"") != std::string::npos);
    r = run("fit " + d.args() + " --epochs 2 --umap-neighbors 10 --eval-all");
    REQUIRE(r.status == 0);
    for (const char* row : {"raw data", "UMAP (raw)", "AE codes", "AE+UMAP", "AE+Isomap", "AE+t-SNE", "AE+LLE"})
        CHECK(r.out.find(row) != std::string::npos);
    CHECK(r.out.find("k-means") != std::string::npos);
}
