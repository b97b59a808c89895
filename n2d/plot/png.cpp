#include "n2d/plot/png.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "n2d/core/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/file.hpp"

namespace n2d {

namespace {

constexpr std::size_t kBytesPerPixel = 3;
constexpr std::size_t kMaxDimension = 0x7FFFFFFF;          // PNG's limit per side
constexpr std::size_t kMaxRawBytes = std::size_t(1) << 34;  // 16 GiB of filtered rows: refuse beyond
constexpr std::size_t kIdatChunk = std::size_t(1) << 18;    // split the zlib stream into 256 KiB IDATs

void put_u32(std::vector<unsigned char>& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>(v >> shift));
}

// Length, type, data, CRC-32 over type and data.
void put_chunk(std::vector<unsigned char>& out, const char (&type)[5], const unsigned char* data, std::size_t size) {
    put_u32(out, static_cast<std::uint32_t>(size));
    const std::size_t type_at = out.size();
    out.insert(out.end(), type, type + 4);
    if (size > 0) out.insert(out.end(), data, data + size);
    put_u32(out, crc32(out.data() + type_at, size + 4));
}

inline unsigned paeth(unsigned a, unsigned b, unsigned c) {
    const int p = int(a) + int(b) - int(c);
    const int pa = std::abs(p - int(a)), pb = std::abs(p - int(b)), pc = std::abs(p - int(c));
    return (pa <= pb && pa <= pc) ? a : pb <= pc ? b : c;
}

// Writes filter type `f` of `row` (previous row `up`, all zeros for the first) into out[0..n).
void filter_row(int f, const std::uint8_t* row, const std::uint8_t* up, std::size_t n, std::uint8_t* out) {
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned a = i >= kBytesPerPixel ? row[i - kBytesPerPixel] : 0;
        const unsigned b = up[i];
        const unsigned c = i >= kBytesPerPixel ? up[i - kBytesPerPixel] : 0;
        unsigned predictor = 0;
        switch (f) {
            case 1: predictor = a; break;
            case 2: predictor = b; break;
            case 3: predictor = (a + b) / 2; break;
            case 4: predictor = paeth(a, b, c); break;
            default: break;
        }
        out[i] = static_cast<std::uint8_t>(row[i] - predictor);
    }
}

// Sum of the filtered bytes read as signed values, in absolute value: small = compressible.
std::uint64_t signed_magnitude(const std::uint8_t* bytes, std::size_t n) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += bytes[i] < 128 ? bytes[i] : 256 - bytes[i];
    return sum;
}

}  // namespace

std::vector<unsigned char> encode_png(const std::uint8_t* rgb, std::size_t width, std::size_t height,
                                      const DeflateOptions& deflate) {
    N2D_REQUIRE(width > 0 && height > 0, "encode_png: the image is " + std::to_string(width) + " x " +
                                             std::to_string(height) + " pixels; both sides must be at least 1");
    N2D_REQUIRE(width <= kMaxDimension && height <= kMaxDimension,
                "encode_png: " + std::to_string(width) + " x " + std::to_string(height) +
                    " exceeds PNG's limit of 2^31-1 pixels per side");
    const std::size_t row_bytes = width * kBytesPerPixel;
    N2D_REQUIRE(height <= kMaxRawBytes / (row_bytes + 1),
                "encode_png: " + std::to_string(width) + " x " + std::to_string(height) +
                    " pixels is too large to encode in memory; render a smaller image");
    N2D_REQUIRE(rgb != nullptr, "encode_png: the pixel buffer is null");

    // Filtered scanlines: one filter-type byte, then the filtered row.
    std::vector<std::uint8_t> raw((row_bytes + 1) * height);
    std::vector<std::uint8_t> zeros(row_bytes, 0), candidate(row_bytes);
    for (std::size_t y = 0; y < height; ++y) {
        const std::uint8_t* row = rgb + y * row_bytes;
        const std::uint8_t* up = y > 0 ? row - row_bytes : zeros.data();
        std::uint8_t* dst = raw.data() + y * (row_bytes + 1);
        int best_filter = 0;
        std::uint64_t best_cost = ~std::uint64_t(0);
        for (int f = 0; f < 5; ++f) {
            filter_row(f, row, up, row_bytes, candidate.data());
            const std::uint64_t cost = signed_magnitude(candidate.data(), row_bytes);
            if (cost < best_cost) best_cost = cost, best_filter = f;
        }
        dst[0] = static_cast<std::uint8_t>(best_filter);
        filter_row(best_filter, row, up, row_bytes, dst + 1);
    }
    const std::vector<unsigned char> zlib = zlib_compress(raw.data(), raw.size(), deflate);

    std::vector<unsigned char> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    png.reserve(zlib.size() + 64 + 12 * (zlib.size() / kIdatChunk));
    std::array<unsigned char, 13> ihdr{};
    for (int k = 0; k < 4; ++k) {
        ihdr[k] = static_cast<unsigned char>(width >> (24 - 8 * k));
        ihdr[4 + k] = static_cast<unsigned char>(height >> (24 - 8 * k));
    }
    ihdr[8] = 8;   // bit depth
    ihdr[9] = 2;   // colour type: truecolour (RGB)
    ihdr[10] = 0;  // compression: zlib deflate
    ihdr[11] = 0;  // filter method: adaptive, five types
    ihdr[12] = 0;  // no interlace
    put_chunk(png, "IHDR", ihdr.data(), ihdr.size());
    for (std::size_t at = 0; at < zlib.size(); at += kIdatChunk)
        put_chunk(png, "IDAT", zlib.data() + at, std::min(kIdatChunk, zlib.size() - at));
    put_chunk(png, "IEND", nullptr, 0);
    return png;
}

void write_png(const std::string& path, const std::uint8_t* rgb, std::size_t width, std::size_t height,
               const DeflateOptions& deflate) {
    N2D_REQUIRE(!path.empty(), "write_png: the output path is empty; pass a file name such as plot.png");
    const std::vector<unsigned char> png = encode_png(rgb, width, height, deflate);
    write_file_atomically(path, png.data(), png.size());
}

}  // namespace n2d
