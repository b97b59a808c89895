// Our own DEFLATE decoder (RFC 1951) with the gzip (RFC 1952) and zlib (RFC 1950) wrappers.
//
// Decoding is table-driven: each Huffman code is resolved by one lookup in a 2^10 (literal/
// length) or 2^8 (distance) entry table, with a second-level table for longer codes, and the
// input is read 64 bits at a time. Every bound is checked: corrupt or truncated input raises
// n2d::Error naming `context` (usually the file name), the byte offset and the problem, never
// reads or writes out of bounds and never loops without consuming input.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace n2d::inline v0 {

// Appends the decompressed bytes of the raw DEFLATE stream starting at `data` to `out` and
// returns the number of input bytes the stream occupied (through its final block, rounded up
// to a whole byte). `offset` is added to reported error offsets (the stream's place in a file).
// Back-references may reach only bytes appended by this call.
std::size_t inflate_raw(const void* data, std::size_t size, std::vector<unsigned char>& out,
                        const std::string& context, std::size_t offset = 0);

// Throws n2d::Error for damaged compressed data: `context` (the file), the byte offset and the
// problem (shared by the DEFLATE decoder and the gzip/zlib wrappers).
[[noreturn]] void fail_compressed(const std::string& context, std::size_t offset, const std::string& problem);

// True when `data` starts with the gzip magic bytes 1f 8b.
bool is_gzip(const void* data, std::size_t size) noexcept;

// Decompresses a whole gzip file: one or more members, each with its header fields (FEXTRA,
// FNAME, FCOMMENT, FHCRC checked) and its CRC-32 and ISIZE trailer verified.
std::vector<unsigned char> gunzip(const void* data, std::size_t size, const std::string& context);

// Decompresses a zlib stream (2-byte header, DEFLATE data, Adler-32 trailer checked).
std::vector<unsigned char> zlib_decompress(const void* data, std::size_t size, const std::string& context);

// Reads `path`; when its content is gzip (by magic, whatever its name) returns it decompressed.
std::vector<unsigned char> read_maybe_gzipped(const std::string& path);

}  // namespace n2d
