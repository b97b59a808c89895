#include "n2d/cli/progress_printer.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#if defined(_WIN32)
#include <io.h>
#else
#include <unistd.h>
#endif

namespace n2d::inline v0::cli {

std::string format_duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    const auto s = static_cast<long long>(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
    return buf;
}

namespace {
bool stderr_is_terminal() {
#if defined(_WIN32)
    return _isatty(2) != 0;
#else
    return ::isatty(2) == 1;
#endif
}
}  // namespace

ProgressPrinter::ProgressPrinter(bool enabled) : enabled_(enabled), tty_(stderr_is_terminal()) {}

namespace {
const char* step_word(const char* stage) {
    if (!std::strcmp(stage, "autoencoder") || !std::strcmp(stage, "umap")) return "epoch";
    if (!std::strcmp(stage, "gmm")) return "EM iteration";
    if (!std::strcmp(stage, "kmeans")) return "run";
    if (!std::strcmp(stage, "k-selection")) return "candidate";
    return "step";
}
}  // namespace

bool ProgressPrinter::operator()(const Progress& p) {
    if (!enabled_) return true;
    const auto now = std::chrono::steady_clock::now();
    const bool new_stage = last_stage_ != p.stage;
    const bool last = p.total != 0 && p.step >= p.total;
    const double since = std::chrono::duration<double>(now - last_print_).count();
    if (!new_stage && !last && since < (tty_ ? 0.2 : 5.0)) return true;
    if (new_stage && line_open_) finish_line();
    last_stage_ = p.stage;
    last_print_ = now;

    char buf[256];
    int n = std::snprintf(buf, sizeof buf, "[%s] %s %zu", p.stage, step_word(p.stage), p.step);
    if (p.total) n += std::snprintf(buf + n, sizeof buf - n, "/%zu", p.total);
    const char* value_name = std::strcmp(p.stage, "k-selection") ? "loss" : "score";  // its criterion's value
    if (std::isfinite(p.loss) && p.loss != 0.0) n += std::snprintf(buf + n, sizeof buf - n, "  %s %.6g", value_name, p.loss);
    if (p.items_per_second > 0) n += std::snprintf(buf + n, sizeof buf - n, "  %.0f/s", p.items_per_second);
    std::snprintf(buf + n, sizeof buf - n, "  elapsed %s  ETA %s", format_duration(p.elapsed_seconds).c_str(),
                  last ? "0:00" : format_duration(p.eta_seconds).c_str());
    if (tty_) {
        std::fprintf(stderr, "\r%-100s", buf);
        line_open_ = true;
        if (last) finish_line();
    } else {
        std::fprintf(stderr, "%s\n", buf);
    }
    std::fflush(stderr);
    return true;
}

void ProgressPrinter::finish_line() {
    if (line_open_) std::fputc('\n', stderr);
    line_open_ = false;
}

void ProgressPrinter::note(const std::string& text) {
    if (!enabled_) return;
    finish_line();
    std::fprintf(stderr, "%s\n", text.c_str());
    std::fflush(stderr);
}

ProgressCallback ProgressPrinter::callback() {
    return [this](const Progress& p) { return (*this)(p); };
}

}  // namespace n2d::cli
