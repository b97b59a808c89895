// Delimited text: the first byte picks the delimiter, header and label-column options.
#include "fuzz_util.hpp"
#include "n2d/data/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t mode = data[0];
    n2d::CsvOptions options;
    static const char delimiters[] = {0, ',', '\t', ';', ' '};
    options.delimiter = delimiters[mode % 5];
    options.header = static_cast<n2d::CsvHeader>((mode / 5) % 3);
    options.label_column = static_cast<n2d::LabelColumn>((mode / 15) % 4);
    options.label_index = (mode / 60) % 3;
    options.n_classes = (mode & 0x80) ? 10 : 0;
    const std::string path = n2d::fuzz::write_file("input.csv", data + 1, size - 1);
    n2d::fuzz::expect_errors([&] { n2d::read_csv(path, options); });
    return 0;
}
