#include "n2d/plot/detail/png.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <utility>

#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/detail/file.hpp"

namespace n2d::inline v0 {

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

// Writes filter type F of `row` (previous row `up`, all zeros for the first) into out[0..n)
// and returns the sum of the filtered bytes read as signed values, in absolute value — the
// usual "minimum sum of absolute differences" estimate of how well a row will compress.
template <int F>
inline unsigned predict(unsigned a, unsigned b, unsigned c) {
    if constexpr (F == 1) return a;
    if constexpr (F == 2) return b;
    if constexpr (F == 3) return (a + b) / 2;
    if constexpr (F == 4) return paeth(a, b, c);
    return 0;
}

template <int F>
std::uint64_t filter_row(const std::uint8_t* row, const std::uint8_t* up, std::size_t n, std::uint8_t* out) {
    std::uint64_t cost = 0;
    auto put = [&](std::size_t i, unsigned a, unsigned c) {
        const auto v = static_cast<std::uint8_t>(row[i] - predict<F>(a, up[i], c));
        out[i] = v;
        cost += static_cast<std::uint64_t>(std::abs(int(static_cast<std::int8_t>(v))));
    };
    // The first pixel has no left neighbour; the loop after it runs without that branch.
    for (std::size_t i = 0; i < std::min(n, kBytesPerPixel); ++i) put(i, 0, 0);
    for (std::size_t i = kBytesPerPixel; i < n; ++i) put(i, row[i - kBytesPerPixel], up[i - kBytesPerPixel]);
    return cost;
}

using FilterFn = std::uint64_t (*)(const std::uint8_t*, const std::uint8_t*, std::size_t, std::uint8_t*);
// Tried in this order; a row whose cost reaches 0 (e.g. a repeat of the row above) stops the search.
constexpr std::array<std::pair<int, FilterFn>, 5> kFilters = {{
    {2, filter_row<2>}, {0, filter_row<0>}, {1, filter_row<1>}, {4, filter_row<4>}, {3, filter_row<3>}}};

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
        std::uint64_t best_cost = ~std::uint64_t(0);
        for (const auto& [type, filter] : kFilters) {
            const std::uint64_t cost = filter(row, up, row_bytes, candidate.data());
            if (cost < best_cost) {
                best_cost = cost;
                dst[0] = static_cast<std::uint8_t>(type);
                std::copy(candidate.begin(), candidate.end(), dst + 1);
            }
            if (best_cost == 0) break;
        }
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
