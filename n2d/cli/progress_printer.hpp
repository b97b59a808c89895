// Progress of the long stages on stderr: "[autoencoder] epoch 12/50  loss 0.01234  ETA 0:42".
// On a terminal one line per stage is rewritten in place; otherwise (logs, CI) a line is
// printed at most every few seconds per stage, plus the stage's last step.
#pragma once
#include <chrono>
#include <string>

#include "n2d/core/progress.hpp"

namespace n2d::inline v0::cli {

class ProgressPrinter {
public:
    explicit ProgressPrinter(bool enabled);
    // Usable as a ProgressCallback (always returns true; `n2d fit` cancels through its signal flag).
    bool operator()(const Progress& p);
    // Ends a rewritten line before other output.
    void finish_line();
    // A stage message ("fitting UMAP on 70000 x 10"), printed as its own line.
    void note(const std::string& text);
    ProgressCallback callback();

private:
    bool enabled_;
    bool tty_;
    bool line_open_ = false;
    std::string last_stage_;
    std::chrono::steady_clock::time_point last_print_{};
};

std::string format_duration(double seconds);

}  // namespace n2d::cli
