// What `n2d fit` writes besides its score line: the paper's --save_dir folder, the --eval-all
// ablation table (text and JSON) and the --clusters auto curve (text and JSON).
#pragma once
#include <string>
#include <vector>

#include "n2d/cli/json.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/pipeline/baselines.hpp"

namespace n2d::inline v0::cli {

// The paper's output folder (created when missing): args.txt (the command line, one argument
// per line, as the paper's code writes it), DATASET-clusters.txt, DATASET.n2d and, when
// `visualize`, DATASET-n2d.png. Returns the files written.
// Creates the --save-dir folder (and its parents) when missing; throws n2d::Error saying why
// it cannot. `n2d fit` calls it before fitting too, so a bad folder costs no training time.
void create_save_dir(const std::string& dir);
std::vector<std::string> write_save_dir(const std::string& dir, int argc, const char* const* argv, const N2D& model,
                                        const Dataset& data, bool visualize);

// The ablation as a table: one row per representation, one column per clusterer, each cell
// "ACC NMI ARI" (when labels are known) and seconds.
void print_ablation(const std::vector<AblationCell>& table, const Dataset& data);
// One JSON object per cell: input, clusterer, acc/nmi/ari (when labels are known), seconds.
std::vector<JsonObject> ablation_json(const std::vector<AblationCell>& table, const Dataset& data);

// The k-selection curve: one line per candidate k (score, silhouette, BIC), the chosen k marked.
void print_k_selection(const KSelection& selection);
// {"criterion": ..., "chosen": k, "scores": [{"k", "score", "silhouette", "bic"}, ...]}; a
// score that was not computed is null.
JsonObject k_selection_json(const KSelection& selection);

}  // namespace n2d::cli
