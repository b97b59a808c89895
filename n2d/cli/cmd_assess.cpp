// `n2d assess TRUTH PRED`: ACC (Hungarian), NMI and ARI of predicted labels against the truth.
#include <cstdio>

#include "n2d/cli/args.hpp"
#include "n2d/cli/commands.hpp"
#include "n2d/cli/json.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/n2d.hpp"

namespace n2d::inline v0::cli {

namespace {
const CommandSpec kAssess{
    "assess",
    "TRUTH PRED [--json]",
    "Scores predicted cluster labels against true class labels. Both files hold one integer per\n"
    "line (or a .npy / IDX array), in the same order. Prints ACC (best one-to-one cluster-to-class\n"
    "mapping, Hungarian algorithm), NMI (arithmetic normalisation) and ARI. A text PRED may mark\n"
    "noise as -1 (hdbscan): it never counts as correct for ACC and is one more cluster for NMI/ARI.",
    {"TRUTH", "PRED"},
    0,
    {{"--json", "", "print one JSON object {n, acc, nmi, ari, ami} instead of text"}}};

// Predictions as load_labels reads them, except that text files may hold noise as -1.
std::vector<int> load_predictions(const std::string& path) {
    try {
        return load_labels(path);
    } catch (const Error&) {
        auto pred = read_label_lines(path, -1);  // values from -1 up, returned shifted by +1
        for (int& p : pred) --p;
        return pred;
    }
}
}  // namespace

int run_assess(int argc, const char* const* argv) {
    const Args args = Args::parse(kAssess, argc, argv, 2);
    if (args.help()) {
        std::fputs(help_text(kAssess).c_str(), stdout);
        return 0;
    }
    const auto& truth_path = args.positionals()[0];
    const auto& pred_path = args.positionals()[1];
    const auto truth = load_labels(truth_path);
    const auto pred = load_predictions(pred_path);
    if (truth.size() != pred.size())
        throw Error("n2d assess: '" + truth_path + "' has " + std::to_string(truth.size()) + " labels but '" + pred_path +
                    "' has " + std::to_string(pred.size()) + "; both must list the same samples in the same order");
    const auto a = assess(truth, pred);
    const double am = ami(truth, pred);
    if (args.has("--json")) {
        JsonObject j;
        j.add("n", static_cast<std::uint64_t>(truth.size())).add("acc", a.accuracy).add("nmi", a.nmi).add("ari", a.ari).add("ami", am);
        std::printf("%s\n", j.str().c_str());
    } else {
        std::printf("n    %zu\nacc  %.4f\nnmi  %.4f\nari  %.4f\nami  %.4f\n", truth.size(), a.accuracy, a.nmi, a.ari, am);
    }
    return 0;
}

}  // namespace n2d::cli
