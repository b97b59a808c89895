// IDX files (raw or gzip): as a data matrix and as a label vector.
#include "fuzz_util.hpp"
#include "n2d/data/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = n2d::fuzz::write_file("input-ubyte", data, size);
    n2d::fuzz::expect_errors([&] { n2d::read_idx(path); });
    n2d::fuzz::expect_errors([&] { n2d::read_idx_labels(path, 10); });
    n2d::fuzz::expect_errors([&] { n2d::load_dataset(path); });
    return 0;
}
