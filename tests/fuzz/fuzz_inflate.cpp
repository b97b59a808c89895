// DEFLATE and its wrappers: the first byte picks gunzip, zlib or raw inflate.
#include "fuzz_util.hpp"
#include "n2d/data/detail/inflate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    n2d::fuzz::expect_errors([&] {
        std::vector<unsigned char> out;
        switch (data[0] % 3) {
            case 0: n2d::gunzip(data + 1, size - 1, "fuzz"); break;
            case 1: n2d::zlib_decompress(data + 1, size - 1, "fuzz"); break;
            default: n2d::inflate_raw(data + 1, size - 1, out, "fuzz"); break;
        }
    });
    return 0;
}
