#include "n2d/cli/output.hpp"

#include <cstdio>

#include "n2d/cli/args.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/detail/file.hpp"

namespace n2d::inline v0::cli {

std::string labels_text(const std::vector<int>& labels) {
    std::string s;
    s.reserve(labels.size() * 3);
    for (int l : labels) {
        s += std::to_string(l);
        s += '\n';
    }
    return s;
}

std::string proba_csv(ConstMatrixView proba) {
    std::string s;
    s.reserve(proba.rows * proba.cols * 10);
    char buf[32];
    for (std::size_t i = 0; i < proba.rows; ++i) {
        for (std::size_t j = 0; j < proba.cols; ++j) {
            std::snprintf(buf, sizeof buf, j ? ",%.6g" : "%.6g", static_cast<double>(proba(i, j)));
            s += buf;
        }
        s += '\n';
    }
    return s;
}

void write_text(const std::string& path, const std::string& text) {
    if (path == "-") {
        if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0)
            throw Error("n2d: cannot write to standard output");
        return;
    }
    write_file_atomically(path, text.data(), text.size());
}

std::string without_prefix(const std::string& message) {
    return message.rfind("n2d: ", 0) == 0 ? message.substr(5) : message;
}

void require_output_file(const std::string& command, const std::string& option, const std::string& path) {
    if (path == "-") return;
    try {
        require_file_target(path);
    } catch (const Error& e) {
        throw UsageError("n2d " + command + ": " + option + ": " + without_prefix(e.what()));
    }
}

std::string score_line(const Assessment& a) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "ACC %.4f  NMI %.4f  ARI %.4f", a.accuracy, a.nmi, a.ari);
    return buf;
}

}  // namespace n2d::cli
