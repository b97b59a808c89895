// CRC-32 (IEEE 802.3, as gzip, PNG and the .n2d model file use) and Adler-32 (zlib streams).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace n2d::inline v0 {

// Continues a CRC-32 over `size` bytes; start with crc = 0.
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0) noexcept;
// Continues an Adler-32 over `size` bytes; start with adler = 1.
std::uint32_t adler32(const void* data, std::size_t size, std::uint32_t adler = 1) noexcept;
// A checksum as "0x" and 8 lowercase hex digits, for mismatch messages.
std::string hex32(std::uint32_t v);

}  // namespace n2d
