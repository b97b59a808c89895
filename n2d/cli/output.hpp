// What the commands write: label files (one integer per line, input order, as the paper's
// `<dataset>-clusters.txt`), probability CSVs (one row per sample), and score lines.
#pragma once
#include <string>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/pipeline/n2d_pipeline.hpp"

namespace n2d::inline v0::cli {

std::string labels_text(const std::vector<int>& labels);
std::string proba_csv(ConstMatrixView proba);
// Writes `text` to `path` atomically, or to stdout when path is "-".
void write_text(const std::string& path, const std::string& text);
// Throws UsageError (naming the command and the option) unless `path` can take a new file: not
// a folder, in a folder that exists ("-", standard output, passes). The commands check every
// output before loading data and fitting, so a typo costs seconds rather than a long run.
void require_output_file(const std::string& command, const std::string& option, const std::string& path);
// `message` without the library's leading "n2d: ", to follow a command's own prefix.
std::string without_prefix(const std::string& message);
// "ACC 0.9790  NMI 0.9420  ARI 0.9550"
std::string score_line(const Assessment& a);

}  // namespace n2d::cli
