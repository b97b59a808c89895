// The n2d command-line tool: dispatches to one subcommand per file (cmd_*.cpp).
#include <cstdio>
#include <cstring>
#include <exception>
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

}  // namespace

int main(int argc, char** argv) {
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
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
