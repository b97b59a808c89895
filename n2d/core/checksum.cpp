#include "n2d/core/detail/checksum.hpp"

#include <array>

namespace n2d::inline v0 {

namespace {
// Slicing-by-4 tables for the reflected polynomial 0xEDB88320.
constexpr std::array<std::array<std::uint32_t, 256>, 4> make_tables() {
    std::array<std::array<std::uint32_t, 256>, 4> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[0][i] = c;
    }
    for (std::uint32_t i = 0; i < 256; ++i)
        for (int s = 1; s < 4; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
    return t;
}
constexpr auto kCrcTables = make_tables();
}  // namespace

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc) noexcept {
    const auto* p = static_cast<const unsigned char*>(data);
    crc = ~crc;
    while (size >= 4) {
        crc ^= std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
        crc = kCrcTables[3][crc & 0xFF] ^ kCrcTables[2][(crc >> 8) & 0xFF] ^ kCrcTables[1][(crc >> 16) & 0xFF] ^
              kCrcTables[0][crc >> 24];
        p += 4;
        size -= 4;
    }
    while (size--) crc = kCrcTables[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

std::uint32_t adler32(const void* data, std::size_t size, std::uint32_t adler) noexcept {
    const auto* p = static_cast<const unsigned char*>(data);
    std::uint32_t a = adler & 0xFFFF, b = adler >> 16;
    while (size) {
        std::size_t n = size < 5552 ? size : 5552;  // largest n keeping b below 2^32 before the modulo
        size -= n;
        while (n--) {
            a += *p++;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    return (b << 16) | a;
}

std::string hex32(std::uint32_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s = "0x00000000";
    for (int i = 0; i < 8; ++i) s[9 - i] = digits[(v >> (4 * i)) & 15u];
    return s;
}

}  // namespace n2d
