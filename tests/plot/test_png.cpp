#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "n2d/data/detail/inflate.hpp"
#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/plot/detail/png.hpp"
#include "png_check.hpp"

using namespace n2d;

namespace {

// Gradients, flat areas, a noisy strip and hard edges, so different rows favour different filters.
std::vector<std::uint8_t> test_pixels(std::size_t w, std::size_t h) {
    Rng rng(3);
    std::vector<std::uint8_t> px(3 * w * h);
    for (std::size_t y = 0; y < h; ++y)
        for (std::size_t x = 0; x < w; ++x) {
            std::uint8_t* p = &px[3 * (y * w + x)];
            if (y < h / 4) {
                p[0] = std::uint8_t(x * 255 / w), p[1] = std::uint8_t(y * 4), p[2] = 128;
            } else if (y < h / 2) {
                p[0] = p[1] = p[2] = (x / 8 + y / 8) % 2 ? 255 : 20;
            } else if (y < 3 * h / 4) {
                p[0] = std::uint8_t(rng.next()), p[1] = std::uint8_t(x + y), p[2] = std::uint8_t(rng.below(3));
            } else {
                p[0] = std::uint8_t(x * y), p[1] = std::uint8_t(200 - y), p[2] = std::uint8_t(x ^ y);
            }
        }
    return px;
}

}  // namespace

TEST_CASE("PNG structure: signature, IHDR fields, chunk order and CRCs") {
    const std::size_t w = 123, h = 77;
    const auto px = test_pixels(w, h);
    const auto png = encode_png(px.data(), w, h);
    bool ok = false;
    const auto chunks = test::png_chunks(png, ok);
    REQUIRE(ok);
    REQUIRE(chunks.size() >= 3);
    CHECK(chunks.front().type == "IHDR");
    CHECK(chunks.back().type == "IEND");
    CHECK(chunks.back().data.empty());
    for (std::size_t i = 1; i + 1 < chunks.size(); ++i) CHECK(chunks[i].type == "IDAT");
    for (const auto& c : chunks) CHECK(c.crc_ok);
    const auto& ihdr = chunks.front().data;
    REQUIRE(ihdr.size() == 13);
    CHECK(test::be32(&ihdr[0]) == w);
    CHECK(test::be32(&ihdr[4]) == h);
    CHECK(ihdr[8] == 8);   // bits per channel
    CHECK(ihdr[9] == 2);   // RGB
    CHECK(ihdr[10] == 0);  // deflate
    CHECK(ihdr[11] == 0);  // adaptive filtering
    CHECK(ihdr[12] == 0);  // not interlaced

    // A flipped byte inside IDAT breaks that chunk's CRC.
    auto damaged = png;
    damaged[8 + 12 + 13 + 8 + 3] ^= 0x40;
    const auto damaged_chunks = test::png_chunks(damaged, ok);
    REQUIRE(ok);
    CHECK_FALSE(damaged_chunks[1].crc_ok);
}

TEST_CASE("PNG is deterministic and large images are split into several IDAT chunks") {
    const std::size_t w = 1000, h = 700;
    Rng rng(11);
    std::vector<std::uint8_t> px(3 * w * h);
    for (auto& b : px) b = std::uint8_t(rng.next());  // incompressible: about 2.1 MB of IDAT data
    const auto a = encode_png(px.data(), w, h), b = encode_png(px.data(), w, h);
    CHECK(a == b);
    bool ok = false;
    const auto chunks = test::png_chunks(a, ok);
    REQUIRE(ok);
    CHECK(chunks.size() > 4);
    for (const auto& c : chunks) CHECK(c.crc_ok);
}

TEST_CASE("PNG round trip: our inflate and unfiltering give back the pixels") {
    const std::size_t w = 211, h = 160;
    const auto px = test_pixels(w, h);
    for (int level : {0, 1, 6, 9}) {
        const auto png = encode_png(px.data(), w, h, {level});
        bool ok = false;
        std::vector<unsigned char> idat;
        for (const auto& c : test::png_chunks(png, ok))
            if (c.type == "IDAT") idat.insert(idat.end(), c.data.begin(), c.data.end());
        REQUIRE(ok);
        const auto raw = zlib_decompress(idat.data(), idat.size(), "PNG IDAT");
        REQUIRE(raw.size() == (3 * w + 1) * h);
        std::vector<int> filters;
        CHECK(test::png_unfilter(raw, w, h, filters) == px);
        // Adaptive filtering: the varied test image makes the heuristic pick several filter types.
        CHECK(std::set<int>(filters.begin(), filters.end()).size() >= 3);
        for (int f : filters) CHECK(f <= 4);
    }
}

TEST_CASE("PNG decoded by Python (independent zlib and unfiltering)") {
    if (!test::python_zlib_available()) {
        MESSAGE("python3 with zlib not found: skipping the external PNG check");
        return;
    }
    const std::size_t w = 97, h = 64;
    const auto px = test_pixels(w, h);
    const std::string path = test::temp_path("python.png");
    write_png(path, px.data(), w, h);
    CHECK(test::python_png_summary(path) ==
          std::to_string(w) + " " + std::to_string(h) + " " + std::to_string(crc32(px.data(), px.size())));
    std::remove(path.c_str());
}

TEST_CASE("write_png writes the encoded bytes atomically and reports bad arguments") {
    const std::size_t w = 20, h = 10;
    const auto px = test_pixels(w, h);
    const std::string path = test::temp_path("atomic.png");
    write_png(path, px.data(), w, h);
    CHECK(read_file(path) == encode_png(px.data(), w, h));
    std::remove(path.c_str());

    CHECK_THROWS_AS(encode_png(px.data(), 0, 5), Error);
    CHECK_THROWS_AS(encode_png(px.data(), 5, 0), Error);
    CHECK_THROWS_AS(encode_png(nullptr, 5, 5), Error);
    CHECK_THROWS_AS(encode_png(px.data(), std::size_t(1) << 32, 1), Error);
    CHECK_THROWS_AS(write_png("", px.data(), w, h), Error);
    try {
        write_png("/nonexistent-n2d-folder/plot.png", px.data(), w, h);
        FAIL("write_png to a missing folder did not throw");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("/nonexistent-n2d-folder/plot.png") != std::string::npos);
    }
}
