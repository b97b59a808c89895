// Length-limited Huffman code lengths, as DEFLATE needs them (n2d/plot/deflate.hpp).
#pragma once
#include <cstdint>
#include <vector>

namespace n2d::inline v0 {

// Code lengths (1..max_bits, max_bits <= 15) of an optimal prefix code for symbols with these
// frequencies under the length limit — the package-merge algorithm (Larmore & Hirschberg), so
// the result equals plain Huffman whenever the limit does not bind; 0 for symbols of frequency
// 0. The code is complete (Kraft sum exactly 1, which zlib's inflate requires) whenever two or
// more symbols occur; a single symbol gets length 1. Ties are broken by symbol index, so the
// result is deterministic. Throws n2d::Error when more than 2^max_bits symbols occur.
std::vector<std::uint8_t> huffman_code_lengths(const std::vector<std::uint32_t>& freq, int max_bits);

}  // namespace n2d
