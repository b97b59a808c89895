// The UCI HAR folder layout: the input's NUL-separated parts are X_train.txt, y_train.txt,
// X_test.txt, y_test.txt and activity_labels.txt; parts the input lacks are missing files.
#include <filesystem>

#include "fuzz_util.hpp"
#include "n2d/data/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const char* const names[] = {"train/X_train.txt", "train/y_train.txt", "test/X_test.txt",
                                        "test/y_test.txt", "activity_labels.txt"};
    const auto dir = n2d::fuzz::scratch() / "har";
    std::filesystem::remove_all(dir);
    const auto parts = n2d::fuzz::split(data, size, 5);
    for (std::size_t i = 0; i < parts.size(); ++i) n2d::fuzz::write_file(std::string("har/") + names[i], parts[i]);
    n2d::fuzz::expect_errors([&] { n2d::read_har(dir); });
    return 0;
}
