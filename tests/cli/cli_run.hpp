// Runs the `n2d` binary built beside the test program (shared by the CLI test files; each
// file gets its own scratch folder).
#pragma once
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#if !defined(_WIN32)
#include <sys/wait.h>
#endif

#include "n2d/core/detail/file.hpp"
#include "n2d/data/dataset.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;

namespace {

struct Run {
    int status = -1;
    std::string out, err;
};

// The n2d tool beside this test program (n2d.exe beside test_cli.exe on Windows).
inline fs::path tool() {
    const fs::path self = n2d::executable_path();
    return self.parent_path() / ("n2d" + self.extension().string());
}

inline fs::path scratch() {
    static const n2d::test::ScratchDir dir("n2d-test-cli");
    return dir.path();
}

inline std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// A binary file's bytes (slurp's text mode would stop at a 0x1A byte on Windows).
inline std::string slurp_bytes(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// A path quoted for the shell std::system uses (sh, or cmd.exe on Windows).
inline std::string q(const fs::path& p) {
#if defined(_WIN32)
    return '"' + p.string() + '"';
#else
    return '\'' + p.string() + '\'';
#endif
}

// The shell command running the tool with `args`, its output sent to the scratch folder's
// stdout.txt and stderr.txt.
inline std::string command(const std::string& args) {
    std::string cmd;  // built by appending (GCC 12 warns falsely on "'" + std::string)
    // A cross build's tests run under an emulator (.ci/cross-aarch64): launch the tool through it too.
    if (const char* emulator = std::getenv("N2D_TEST_EMULATOR"); emulator && *emulator) cmd = std::string(emulator) + " ";
    cmd += q(tool());
    for (const std::string& part : {std::string(" "), args, std::string(" > "), q(scratch() / "stdout.txt"),
                                    std::string(" 2> "), q(scratch() / "stderr.txt")})
        cmd += part;
    return cmd;
}

// `shell_prefix` runs first in the same shell (POSIX sh: e.g. "ulimit -f 16; "), so its limits
// apply to the tool.
inline Run run(const std::string& args, const std::string& shell_prefix = "") {
    std::string cmd = shell_prefix + command(args);
#if defined(_WIN32)
    cmd = '"' + cmd + '"';  // cmd.exe /c drops the outer pair of quotes
#endif
    int raw = std::system(cmd.c_str());
    Run r;
#if defined(_WIN32)
    // 9009 is cmd.exe's "not recognised as a command": the shell could not start the tool at
    // all (wine does this now and then under load), which n2d itself never returns. Try again.
    for (int attempt = 0; raw == 9009 && attempt < 3; ++attempt) raw = std::system(cmd.c_str());
    r.status = raw;
#else
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
#endif
    r.out = slurp(scratch() / "stdout.txt");
    r.err = slurp(scratch() / "stderr.txt");
    return r;
}

// A labelled CSV of `n` points on `clusters` curved synthetic clusters in `dim` columns, and
// its labels file (one integer per line).
inline void write_synthetic_csv(const fs::path& csv, const fs::path& labels, std::size_t dim, std::size_t n = 400,
                                std::size_t clusters = 3) {
    n2d::SyntheticOptions s;
    s.n_samples = n;
    s.n_clusters = clusters;
    s.dim = dim;
    const auto d = n2d::make_synthetic(s);
    std::ofstream f(csv), l(labels);
    for (std::size_t i = 0; i < d.x.rows(); ++i) {
        for (std::size_t j = 0; j < d.x.cols(); ++j) f << (j ? "," : "") << d.x(i, j);
        f << "\n";
        l << d.labels[i] << "\n";
    }
}

inline bool have_tool() {
    if (fs::exists(tool())) return true;
    MESSAGE("skipped: " << tool() << " is not built (build the n2d_cli target)");
    return false;
}

}  // namespace
