// The named dataset "pendigits" from a data folder: the input's first NUL-separated part is
// pendigits.tra, the second pendigits.tes (the same text when there is no NUL).
#include "fuzz_util.hpp"
#include "n2d/data/dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto parts = n2d::fuzz::split(data, size, 2);
    n2d::fuzz::write_file("pendigits/pendigits.tra", parts[0]);
    n2d::fuzz::write_file("pendigits/pendigits.tes", parts.back());
    n2d::fuzz::expect_errors([&] { n2d::load_dataset("pendigits", n2d::fuzz::scratch().string()); });
    return 0;
}
