// The options text a model file stores (n2d.options): "key=value" lines are applied to the
// defaults and validated. Options that apply must survive describe → apply → describe
// unchanged (a mismatch is a silent wrong answer, reported by aborting).
#include <cstdio>

#include "fuzz_util.hpp"
#include "n2d/pipeline/options_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    n2d::OptionsText text;
    const std::string input(reinterpret_cast<const char*>(data), size);
    for (std::size_t start = 0; start < input.size();) {
        std::size_t end = input.find('\n', start);
        if (end == std::string::npos) end = input.size();
        const std::string line = input.substr(start, end - start);
        const std::size_t eq = line.find('=');
        if (eq == std::string::npos) text.emplace_back(line, "");
        else text.emplace_back(line.substr(0, eq), line.substr(eq + 1));
        start = end + 1;
    }
    n2d::fuzz::expect_errors([&] {
        n2d::N2DOptions options;
        n2d::apply_options_text(options, text);
        const n2d::OptionsText described = n2d::describe_options(options);
        n2d::N2DOptions again;
        n2d::apply_options_text(again, described);
        if (n2d::describe_options(again) != described) {
            std::fprintf(stderr, "options text does not round-trip\n");
            std::abort();
        }
        n2d::validate(options);
    });
    return 0;
}
