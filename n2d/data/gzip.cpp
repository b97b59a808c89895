// gzip (RFC 1952) and zlib (RFC 1950) wrappers around inflate_raw.
#include <cstdint>
#include <cstring>

#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/data/detail/inflate.hpp"

namespace n2d::inline v0 {

namespace {

std::uint32_t load_le32(const unsigned char* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

}  // namespace

bool is_gzip(const void* data, std::size_t size) noexcept {
    const auto* p = static_cast<const unsigned char*>(data);
    return size >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

std::vector<unsigned char> gunzip(const void* data, std::size_t size, const std::string& context) {
    const auto* in = static_cast<const unsigned char*>(data);
    if (size == 0) N2D_FAIL("n2d: " + context + ": the file is empty, not gzip data; check the path");
    std::vector<unsigned char> out;
    // The last member's ISIZE is a good size hint for the usual single-member file.
    if (size >= 18) {
        const std::size_t hint = load_le32(in + size - 4);
        if (hint <= size * 1032 + 1024) out.reserve(hint + 512);  // + decoder slack
    }
    std::size_t pos = 0;
    while (pos < size) {
        const std::size_t member = pos;
        auto need = [&](std::size_t n, const char* what) {
            if (size - pos < n) fail_compressed(context, pos, std::string("truncated gzip header (") + what + ")");
        };
        if (size - pos < 2 || in[pos] != 0x1f || in[pos + 1] != 0x8b) {
            if (member == 0) N2D_FAIL("n2d: " + context + ": not a gzip file (it does not start with bytes 1f 8b)");
            fail_compressed(context, pos, "data after the last gzip member is not another gzip member");
        }
        need(10, "fixed fields");
        if (in[pos + 2] != 8) fail_compressed(context, pos + 2, "unsupported gzip compression method " + std::to_string(in[pos + 2]) + " (only 8, deflate)");
        const unsigned flags = in[pos + 3];
        if (flags & 0xE0u) fail_compressed(context, pos + 3, "reserved gzip header flags are set");
        pos += 10;
        if (flags & 4u) {  // FEXTRA
            need(2, "extra field length");
            const std::size_t xlen = std::size_t(in[pos]) | std::size_t(in[pos + 1]) << 8;
            pos += 2;
            need(xlen, "extra field");
            pos += xlen;
        }
        for (unsigned flag : {8u, 16u}) {  // FNAME, FCOMMENT: zero-terminated
            if (!(flags & flag)) continue;
            const void* zero = std::memchr(in + pos, 0, size - pos);
            if (!zero) fail_compressed(context, pos, flag == 8u ? "truncated gzip header (file name)" : "truncated gzip header (comment)");
            pos = std::size_t(static_cast<const unsigned char*>(zero) - in) + 1;
        }
        if (flags & 2u) {  // FHCRC: low 16 bits of the CRC-32 of the header so far
            need(2, "header CRC");
            const unsigned stored = unsigned(in[pos]) | unsigned(in[pos + 1]) << 8;
            const unsigned computed = crc32(in + member, pos - member) & 0xFFFFu;
            if (stored != computed) fail_compressed(context, pos, "gzip header CRC mismatch");
            pos += 2;
        }
        const std::size_t first = out.size();
        pos += inflate_raw(in + pos, size - pos, out, context, pos);
        if (size - pos < 8) fail_compressed(context, pos, "truncated gzip trailer (CRC-32 and size missing)");
        const std::uint32_t stored_crc = load_le32(in + pos);
        const std::uint32_t computed_crc = crc32(out.data() + first, out.size() - first);
        if (stored_crc != computed_crc)
            fail_compressed(context, pos, "CRC-32 mismatch (stored " + hex32(stored_crc) + ", computed " + hex32(computed_crc) + ")");
        const std::uint32_t stored_size = load_le32(in + pos + 4);
        if (stored_size != static_cast<std::uint32_t>(out.size() - first))
            fail_compressed(context, pos + 4, "uncompressed size mismatch (stored " + std::to_string(stored_size) + ", got " +
                                       std::to_string(out.size() - first) + ")");
        pos += 8;
    }
    return out;
}

std::vector<unsigned char> zlib_decompress(const void* data, std::size_t size, const std::string& context) {
    const auto* in = static_cast<const unsigned char*>(data);
    if (size < 2) fail_compressed(context, 0, "truncated zlib header");
    const unsigned cmf = in[0], flg = in[1];
    if ((cmf * 256 + flg) % 31 != 0) fail_compressed(context, 0, "zlib header check bits are wrong (not a zlib stream)");
    if ((cmf & 15u) != 8) fail_compressed(context, 0, "unsupported zlib compression method " + std::to_string(cmf & 15u));
    if ((cmf >> 4) > 7) fail_compressed(context, 0, "zlib window size above 32 KiB");
    if (flg & 0x20u) fail_compressed(context, 1, "zlib preset dictionaries are not supported");
    std::vector<unsigned char> out;
    std::size_t pos = 2 + inflate_raw(in + 2, size - 2, out, context, 2);
    if (size - pos < 4) fail_compressed(context, pos, "truncated zlib trailer (Adler-32 missing)");
    const std::uint32_t stored = std::uint32_t(in[pos]) << 24 | std::uint32_t(in[pos + 1]) << 16 |
                                 std::uint32_t(in[pos + 2]) << 8 | std::uint32_t(in[pos + 3]);
    const std::uint32_t computed = adler32(out.data(), out.size());
    if (stored != computed)
        fail_compressed(context, pos, "Adler-32 mismatch (stored " + hex32(stored) + ", computed " + hex32(computed) + ")");
    if (pos + 4 != size) fail_compressed(context, pos + 4, "unexpected data after the zlib stream");
    return out;
}

std::vector<unsigned char> read_maybe_gzipped(const std::string& path) {
    std::vector<unsigned char> bytes = read_file(path);
    if (is_gzip(bytes.data(), bytes.size())) return gunzip(bytes.data(), bytes.size(), path);
    return bytes;
}

}  // namespace n2d
