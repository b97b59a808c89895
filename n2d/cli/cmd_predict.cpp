// `n2d predict MODEL DATA`: clusters new data with a saved .n2d model.
#include <chrono>
#include <cstdio>

#include "n2d/cli/args.hpp"
#include "n2d/cli/commands.hpp"
#include "n2d/cli/json.hpp"
#include "n2d/cli/output.hpp"
#include "n2d/core/detail/timing.hpp"
#include "n2d/n2d.hpp"

namespace n2d::inline v0::cli {

namespace {
const CommandSpec kPredict{
    "predict",
    "MODEL DATA [options]",
    "Clusters DATA with the model saved by `n2d fit --model-out MODEL`: encode, UMAP transform,\n"
    "then the mixture's most likely component. DATA is a named dataset or a file, with the same\n"
    "columns as the training data. The labels (or, with --proba, the probabilities) go to\n"
    "--predictions FILE, else to stdout (unless --json). With known labels ACC/NMI/ARI are printed.",
    {"MODEL", "DATA"},
    0,
    {{"--predictions", "FILE", "write one label per line (with --proba: one CSV row of probabilities per sample)"},
     {"--proba", "", "write cluster probabilities instead of labels"},
     {"--embedding-out", "FILE", "write the manifold embedding of DATA (.npy, or .csv/.tsv text), in input order"},
     {"--latent-out", "FILE", "write the autoencoder codes of DATA (.npy, or .csv/.tsv text), in input order"},
     {"--labels", "FILE", "true labels of DATA (one integer per line, or .npy) to score the prediction"},
     {"--data-dir", "DIR", "where named datasets live (default: $N2D_DATA_DIR, else ~/.n2d/datasets)"},
     {"--threads", "T", "worker threads (default: $N2D_NUM_THREADS, else all cores)"},
     {"--json", "", "print one JSON object with n, dim, clusters, acc, nmi, ari, seconds"}}};
}  // namespace

int run_predict(int argc, const char* const* argv) {
    const Args args = Args::parse(kPredict, argc, argv, 2);
    if (args.help()) {
        std::fputs(help_text(kPredict).c_str(), stdout);
        return 0;
    }
    if (args.has("--threads")) set_num_threads(static_cast<std::size_t>(args.get_uint("--threads", 0, 1, 4096)));
    const auto t0 = std::chrono::steady_clock::now();
    const std::string model_path = args.positionals()[0];
    for (const char* out : {"--embedding-out", "--latent-out"})
        if (auto path = args.value(out)) require_matrix_extension(*path);
    for (const char* out : {"--predictions", "--embedding-out", "--latent-out"})
        if (auto path = args.value(out)) require_output_file("predict", out, *path);
    const N2D model = N2D::load(model_path);
    Dataset data = load_dataset(args.positionals()[1], args.get_string("--data-dir", ""));
    if (auto lab = args.value("--labels")) attach_labels(data, load_labels(*lab), *lab);
    if (data.x.cols() != model.input_dim())
        throw Error("n2d predict: the model '" + model_path + "' was trained on data with " +
                    std::to_string(model.input_dim()) + " columns but '" + args.positionals()[1] + "' has " +
                    std::to_string(data.x.cols()) + " columns; predict data with the training data's features");

    const N2DOutput out = model.predict_all(data.x);
    const double seconds = seconds_since(t0);
    const bool json = args.has("--json");
    const bool proba = args.has("--proba");
    const std::string text = proba ? proba_csv(out.probabilities) : labels_text(out.labels);
    if (auto path = args.value("--predictions")) write_text(*path, text);
    else if (!json) write_text("-", text);
    if (auto path = args.value("--embedding-out")) write_matrix(*path, out.manifold.view());
    if (auto path = args.value("--latent-out")) write_matrix(*path, out.latent.view());

    const bool scored = !data.labels.empty();
    const Assessment a = scored ? assess(data.labels, out.labels) : Assessment{};
    if (json) {
        JsonObject j;
        j.add("model", model_path).add("dataset", data.name).add("n", static_cast<std::uint64_t>(data.x.rows()));
        j.add("dim", static_cast<std::uint64_t>(data.x.cols())).add("clusters", static_cast<std::uint64_t>(model.n_clusters()));
        if (scored) j.add("acc", a.accuracy).add("nmi", a.nmi).add("ari", a.ari);
        j.add("seconds", JsonObject().add("total", seconds));
        std::printf("%s\n", j.str().c_str());
    } else if (scored) {
        std::fprintf(stderr, "%s (%zu samples): %s\n", data.name.c_str(), data.x.rows(), score_line(a).c_str());
    }
    return 0;
}

}  // namespace n2d::cli
