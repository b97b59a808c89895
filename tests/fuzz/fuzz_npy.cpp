// NumPy .npy files (raw or gzip): as data and as labels.
#include "fuzz_util.hpp"
#include "n2d/data/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = n2d::fuzz::write_file("input.npy", data, size);
    n2d::fuzz::expect_errors([&] { n2d::read_npy(path); });
    n2d::fuzz::expect_errors([&] { n2d::read_npy_labels(path); });
    return 0;
}
