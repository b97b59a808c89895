// `n2d info [MODEL]`: without a model, the build (version, SIMD targets, threads, devices);
// with one, the model's provenance, stages, options and sections.
#include <cstdio>
#include <string>
#include <ctime>

#include "n2d/cli/args.hpp"
#include "n2d/cli/commands.hpp"
#include "n2d/model/detail/model_file.hpp"
#include "n2d/n2d.hpp"

namespace n2d::inline v0::cli {

namespace {

const CommandSpec kInfo{
    "info",
    "[MODEL]",
    "Without MODEL: version, SIMD targets, threads and devices.\n"
    "With MODEL (a .n2d file): its provenance, stages, options and sections.",
    {"MODEL"},
    1,
    {}};

void print_build() {
    std::printf("n2d %s\n", kVersionString);
    std::printf("SIMD targets compiled:");
    for (auto t : compiled_targets()) std::printf(" %s", to_string(t));
    std::printf("\nSIMD targets usable:  ");
    for (auto t : usable_targets()) std::printf(" %s", to_string(t));
    std::printf("\nSIMD target active:    %s\n", to_string(active_target()));
    std::printf("threads:               %zu\n", default_pool().num_threads());
    std::printf("devices:\n");
    for (const auto& d : list_devices()) {
        std::string memory;
        if (d.memory_bytes) memory = ", " + std::to_string(d.memory_bytes >> 20) + " MiB";
        std::printf("  %-9s %s  %s%s\n", d.name.c_str(), d.available ? "available  " : "unavailable", d.description.c_str(),
                    memory.c_str());
    }
}

}  // namespace

void print_model_summary(const char* path) {
    const ModelFile file = ModelFile::read(path);
    const N2D model = N2D::load(path);
    const auto& p = model.provenance();
    std::printf("model:        %s (format version %u)\n", path, file.version());
    std::printf("written by:   n2d %s", p.n2d_version.c_str());
    if (p.created_unix) {
        const std::time_t t = static_cast<std::time_t>(p.created_unix);
        char buf[32];
        if (std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&t))) std::printf(" on %s", buf);
    }
    std::printf("\ntrained on:   %s, %llu rows x %llu columns\n", p.dataset.empty() ? "(unnamed data)" : p.dataset.c_str(),
                static_cast<unsigned long long>(p.rows), static_cast<unsigned long long>(p.input_dim));
    std::printf("pipeline:     %s (%zu -> %zu) -> %s (%zu -> %zu) -> %s (%zu clusters)\n", model.embedder().kind().c_str(),
                model.embedder().input_dim(), model.embedder().output_dim(), model.manifold().kind().c_str(),
                model.manifold().input_dim(), model.manifold().output_dim(), model.clusterer().kind().c_str(),
                model.clusterer().n_clusters());
    std::printf("scaling:      %s%s\n", to_string(model.scaler().kind()),
                model.scaler().kind() == Scaling::none ? "" : " (per column, fitted on the training data; predict applies it)");
    std::printf("options:\n");
    for (const auto& [key, value] : describe_options(model.options())) std::printf("  %-24s %s\n", key.c_str(), value.c_str());
    std::printf("sections:\n");
    for (const auto& s : file.sections())
        std::printf("  %-18s offset %10llu  size %10llu  crc32 %08x\n", s.name.c_str(),
                    static_cast<unsigned long long>(s.offset), static_cast<unsigned long long>(s.size), s.crc);
}

int run_info(int argc, const char* const* argv) {
    const Args args = Args::parse(kInfo, argc, argv, 2);
    if (args.help()) {
        std::fputs(help_text(kInfo).c_str(), stdout);
        return 0;
    }
    if (args.positionals().empty()) {
        print_build();
        return 0;
    }
    print_model_summary(args.positionals()[0]);
    return 0;
}

}  // namespace n2d::cli
