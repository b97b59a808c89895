// The n2d command-line tool: dispatches to one subcommand per file (cmd_*.cpp).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "n2d/cli/args.hpp"
#include "n2d/cli/commands.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/version.hpp"

namespace {

void usage(std::FILE* out) {
    std::fprintf(out,
                 "usage: n2d <command> [options]\n"
                 "commands:\n"
                 "  fit DATA        cluster a dataset (autoencoder -> UMAP -> GMM), optionally save the model\n"
                 "  predict MODEL DATA  cluster new data with a saved model\n"
                 "  assess TRUTH PRED   ACC / NMI / ARI of predicted labels against true labels\n"
                 "  info [MODEL]    a model's summary; without one: version, SIMD targets, devices\n"
                 "run `n2d <command> --help` for a command's options\n");
}

int run_command(int argc, char** argv) {
    const char* const* args = argv;
    try {
        if (argc < 2) {
            usage(stderr);
            return 2;
        }
        const std::string cmd = argv[1];
        if (cmd == "--help" || cmd == "-h" || cmd == "help") {
            usage(stdout);
            return 0;
        }
        if (cmd == "--version") {
            std::printf("n2d %s\n", n2d::kVersionString);
            return 0;
        }
        if (cmd == "fit") return n2d::cli::run_fit(argc, args);
        if (cmd == "predict") return n2d::cli::run_predict(argc, args);
        if (cmd == "assess") return n2d::cli::run_assess(argc, args);
        if (cmd == "info") return n2d::cli::run_info(argc, args);
        std::fprintf(stderr, "n2d: unknown command '%s'\n", cmd.c_str());
        usage(stderr);
        return 2;
    } catch (const n2d::cli::UsageError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 2;
    } catch (const std::bad_alloc&) {  // from a standard container; n2d's own buffers say n2d::OutOfMemory
        std::fprintf(stderr, "n2d: out of memory; use less data (fewer samples or features), free memory, or raise the "
                             "process's memory limit (ulimit -v)\n");
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    const int status = run_command(argc, argv);
    // What went to stdout (--json, labels without --predictions) may still sit in the stdio
    // buffer: flush it here, so that a redirect onto a full disk is an error rather than a
    // silently truncated file and exit status 0.
    errno = 0;
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        std::fprintf(stderr, "n2d: cannot write to standard output: %s; the output is incomplete (free disk space where "
                             "it is redirected, or redirect it elsewhere)\n",
                     errno ? std::strerror(errno) : "write error");
        return status == 0 ? 1 : status;
    }
    return status;
}
