// Our own DEFLATE compressor (RFC 1951) in a zlib wrapper (RFC 1950), used by the PNG writer.
//
// LZ77 over a 32 KiB window with hash chains and one-step lazy matching; each block is sent
// in whichever of the three DEFLATE block types is smallest for it: stored, fixed Huffman, or
// dynamic Huffman (optimal length-limited canonical codes for the block's own symbol
// frequencies, n2d/plot/huffman.hpp). The output is deterministic: the same input and level
// give the same bytes. Sizes come within a few percent of zlib's at the same level (plot
// images: equal or smaller; English-like text: about 3% larger).
#pragma once
#include <cstddef>
#include <vector>

namespace n2d::inline v0 {

struct DeflateOptions {
    // 0 = stored blocks only (no compression); 1 (fastest) … 9 (smallest). Default 6, as zlib.
    // Higher levels search longer hash chains.
    int level = 6;
};

// Raw DEFLATE stream (no header or checksum) of `size` bytes at `data`.
std::vector<unsigned char> deflate_raw(const void* data, std::size_t size, const DeflateOptions& options = {});

// zlib stream: 2-byte header (32 KiB window), DEFLATE data, big-endian Adler-32 of the input.
std::vector<unsigned char> zlib_compress(const void* data, std::size_t size, const DeflateOptions& options = {});

}  // namespace n2d
