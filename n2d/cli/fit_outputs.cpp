#include "n2d/cli/fit_outputs.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "n2d/cli/fit_plot.hpp"
#include "n2d/cli/output.hpp"
#include "n2d/core/error.hpp"

namespace n2d::inline v0::cli {

namespace {

const char* clusterer_title(ClustererKind c) {
    return c == ClustererKind::kmeans ? "k-means" : c == ClustererKind::gmm ? "GMM" : c == ClustererKind::spectral ? "SC" : c == ClustererKind::dec ? "DEC" : "HDBSCAN";
}

}  // namespace

void create_save_dir(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) N2D_FAIL("n2d fit: cannot create the folder '" + dir + "' (" + ec.message() + "); pass another --save-dir");
}

std::vector<std::string> write_save_dir(const std::string& dir, int argc, const char* const* argv, const N2D& model,
                                        const Dataset& data, bool visualize) {
    create_save_dir(dir);
    const std::filesystem::path base(dir);
    std::string args_text = "n2d";
    for (int i = 1; i < argc; ++i) args_text += std::string("\n") + argv[i];
    std::vector<std::string> written;
    auto put = [&](const std::string& name, const std::string& text) {
        const std::string path = (base / name).string();
        write_text(path, text);
        written.push_back(path);
    };
    put("args.txt", args_text);
    put(data.name + "-clusters.txt", labels_text(model.labels()));
    const std::string model_path = (base / (data.name + ".n2d")).string();
    model.save(model_path);
    written.push_back(model_path);
    if (visualize) {
        const std::string plot = (base / (data.name + "-n2d.png")).string();
        write_fit_plot(plot, model, data);
        written.push_back(plot);
    }
    return written;
}

void print_ablation(const std::vector<AblationCell>& table, const Dataset& data) {
    const bool labelled = !data.labels.empty();
    std::vector<ClustererKind> columns;
    std::vector<std::string> failures;
    for (const auto& c : table)
        if (std::find(columns.begin(), columns.end(), c.clusterer) == columns.end()) columns.push_back(c.clusterer);
    std::printf("\nablation (%sseconds; an input's own time in brackets):\n  %-20s",
                labelled ? "ACC NMI ARI, " : "", "input");
    for (auto c : columns) std::printf("  %-24s", clusterer_title(c));
    std::printf("\n");
    for (std::size_t i = 0; i < table.size();) {
        const AblationInput input = table[i].input;
        double embed = 0;
        for (std::size_t j = i; j < table.size() && table[j].input == input; ++j) embed += table[j].embed_seconds;
        char name[64];
        if (embed > 0) std::snprintf(name, sizeof name, "%s [%.1fs]", display_name(input), embed);
        else std::snprintf(name, sizeof name, "%s", display_name(input));
        std::printf("  %-20s", name);
        for (auto c : columns) {
            const AblationCell* cell = nullptr;
            for (std::size_t j = i; j < table.size() && table[j].input == input; ++j)
                if (table[j].clusterer == c) cell = &table[j];
            char buf[64] = "-";
            if (cell && !cell->error.empty()) {
                // One footnote per distinct message (a failed input fails its whole row).
                auto f = std::find(failures.begin(), failures.end(), cell->error);
                if (f == failures.end()) f = failures.insert(failures.end(), cell->error);
                std::snprintf(buf, sizeof buf, "failed [%zu]", static_cast<std::size_t>(f - failures.begin()) + 1);
            } else if (cell && labelled) {
                const Assessment s = assess(data.labels, cell->labels);
                std::snprintf(buf, sizeof buf, "%.3f %.3f %.3f %5.1fs", s.accuracy, s.nmi, s.ari, cell->cluster_seconds);
            } else if (cell) {
                std::snprintf(buf, sizeof buf, "%.1fs", cell->cluster_seconds);
            }
            std::printf("  %-24s", buf);
        }
        std::printf("\n");
        while (i < table.size() && table[i].input == input) ++i;
    }
    for (std::size_t i = 0; i < failures.size(); ++i) std::printf("  [%zu] %s\n", i + 1, failures[i].c_str());
}

std::vector<JsonObject> ablation_json(const std::vector<AblationCell>& table, const Dataset& data) {
    std::vector<JsonObject> out;
    for (const auto& c : table) {
        JsonObject o;
        o.add("input", to_string(c.input)).add("clusterer", to_string(c.clusterer));
        if (!c.error.empty()) o.add("error", c.error);
        else if (!data.labels.empty()) {
            const Assessment s = assess(data.labels, c.labels);
            o.add("acc", s.accuracy).add("nmi", s.nmi).add("ari", s.ari);
        }
        o.add("embed_seconds", c.embed_seconds).add("cluster_seconds", c.cluster_seconds);
        out.push_back(o);
    }
    return out;
}

void print_k_selection(const KSelection& selection) {
    std::printf("  k-selection (%s, %s is better):\n", to_string(selection.criterion),
                selection.criterion == KCriterion::bic ? "lower" : "higher");
    std::printf("    %4s %12s %14s\n", "k", "silhouette", "bic");
    for (const auto& s : selection.scores)
        std::printf("    %4zu %12.4f %14.6g%s\n", s.k, s.silhouette, s.bic, s.k == selection.chosen ? "  <- chosen" : "");
}

JsonObject k_selection_json(const KSelection& selection) {
    std::vector<JsonObject> scores;
    for (const auto& s : selection.scores) {
        JsonObject o;
        o.add("k", static_cast<std::uint64_t>(s.k)).add("score", selection.score(s));
        o.add("silhouette", s.silhouette).add("bic", s.bic);
        scores.push_back(o);
    }
    JsonObject j;
    j.add("criterion", to_string(selection.criterion)).add("chosen", static_cast<std::uint64_t>(selection.chosen));
    j.add("scores", scores);
    return j;
}

}  // namespace n2d::cli
