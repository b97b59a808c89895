// The n2d command-line tool.
#include <cstdio>
#include <exception>
#include <string>

#include "n2d/n2d.hpp"

namespace {

int cmd_info() {
    std::printf("n2d %s\n", n2d::kVersionString);
    std::printf("SIMD targets compiled:");
    for (auto t : n2d::compiled_targets()) std::printf(" %s", n2d::to_string(t));
    std::printf("\nSIMD targets usable:  ");
    for (auto t : n2d::usable_targets()) std::printf(" %s", n2d::to_string(t));
    std::printf("\nSIMD target active:    %s\n", n2d::to_string(n2d::active_target()));
    std::printf("threads:               %zu\n", n2d::default_pool().num_threads());
    std::printf("devices:\n");
    for (const auto& d : n2d::list_devices())
        std::printf("  %-8s %s  %s\n", d.name.c_str(), d.available ? "available  " : "unavailable", d.description.c_str());
    return 0;
}

void usage(std::FILE* out) {
    std::fprintf(out,
                 "usage: n2d <command> [options]\n"
                 "commands:\n"
                 "  info    version, SIMD targets and devices\n"
                 "run `n2d <command> --help` for a command's options\n");
}

}  // namespace

int main(int argc, char** argv) {
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
        if (cmd == "info") return cmd_info();
        std::fprintf(stderr, "n2d: unknown command '%s'\n", cmd.c_str());
        usage(stderr);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
