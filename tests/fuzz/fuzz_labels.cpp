// Label files: load_labels (text, .npy or IDX by content) and read_label_lines with HAR's
// 1-based, 6-class rule.
#include "fuzz_util.hpp"
#include "n2d/data/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = n2d::fuzz::write_file("labels.txt", data, size);
    n2d::fuzz::expect_errors([&] { n2d::load_labels(path); });
    n2d::fuzz::expect_errors([&] { n2d::read_label_lines(path, 1, 6); });
    return 0;
}
