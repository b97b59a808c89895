// The CLI's argument parser: the input's NUL-separated parts are argv[2..] of a command that
// declares every kind of option the real commands use; each typed getter then reads its option.
#include "fuzz_util.hpp"
#include "n2d/cli/args.hpp"

namespace {

const n2d::cli::CommandSpec kSpec{
    "fit", "DATA [LABELS] [options]", "fuzz", {"DATA", "LABELS"}, 1,
    {{"--epochs", "N", "uint"}, {"--lr", "X", "double"}, {"--clusterer", "NAME", "choice"},
     {"--arch", "N,N,...", "sizes"}, {"--out", "PATH", "string"}, {"--json", "", "flag"}}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto parts = n2d::fuzz::split(data, size, 16);
    std::vector<const char*> argv{"n2d", "fit"};
    for (const auto& p : parts) argv.push_back(p.c_str());
    n2d::fuzz::expect_errors([&] {
        const auto args = n2d::cli::Args::parse(kSpec, static_cast<int>(argv.size()), argv.data(), 2);
        if (args.help()) n2d::cli::help_text(kSpec);
        n2d::fuzz::expect_errors([&] { args.get_uint("--epochs", 10, 1, 1000000); });
        n2d::fuzz::expect_errors([&] { args.get_double("--lr", 1e-3, 0, 1); });
        n2d::fuzz::expect_errors([&] { args.get_choice("--clusterer", "gmm", {"gmm", "kmeans"}); });
        n2d::fuzz::expect_errors([&] { args.get_size_list("--arch", {500, 500, 2000}); });
        args.get_string("--out", "");
        args.has("--json");
    });
    for (const auto& p : parts) {
        n2d::fuzz::expect_errors([&] { n2d::cli::parse_uint(p, "fuzz"); });
        n2d::fuzz::expect_errors([&] { n2d::cli::parse_double(p, "fuzz"); });
    }
    return 0;
}
