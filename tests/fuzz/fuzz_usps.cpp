// USPS .jf files (raw or gzip), through the reader and through load_dataset's dispatch.
#include "fuzz_util.hpp"
#include "n2d/data/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = n2d::fuzz::write_file("input.jf", data, size);
    n2d::fuzz::expect_errors([&] { n2d::read_usps_jf(path); });
    n2d::fuzz::expect_errors([&] { n2d::load_dataset(path); });
    return 0;
}
