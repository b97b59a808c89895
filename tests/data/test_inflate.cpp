#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "data_test_util.hpp"
#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/data/detail/inflate.hpp"
#include "n2d/plot/detail/deflate.hpp"
#include "test_util.hpp"

using namespace n2d;
using Bytes = std::vector<unsigned char>;

namespace {

// Mixed content: text, long runs, short-distance repeats and incompressible noise.
Bytes sample_content(std::size_t size, std::uint64_t seed) {
    Rng rng(seed);
    Bytes b;
    const std::string words[] = {"manifold ", "cluster ", "autoencoder ", "umap ", "gaussian ", "mixture "};
    while (b.size() < size) {
        switch (rng.below(4)) {
            case 0:
                for (int i = 0; i < 40; ++i) {
                    const std::string& w = words[rng.below(6)];
                    b.insert(b.end(), w.begin(), w.end());
                }
                break;
            case 1: b.insert(b.end(), 200 + rng.below(3000), static_cast<unsigned char>(rng.below(3))); break;
            case 2:
                for (int i = 0; i < 500; ++i) b.push_back(static_cast<unsigned char>(rng.below(256)));
                break;
            default: {
                const std::size_t period = 1 + rng.below(7);
                for (std::size_t i = 0; i < 700; ++i) b.push_back(static_cast<unsigned char>('a' + (i % period)));
            }
        }
    }
    b.resize(size);
    return b;
}

void put_le32(Bytes& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<unsigned char>(v >> (8 * i)));
}

// A gzip member around a raw DEFLATE stream, with the given header flags' fields filled in.
Bytes gzip_member(const Bytes& deflated, const Bytes& original, unsigned flags = 0) {
    const unsigned char header[10] = {0x1f, 0x8b, 8, static_cast<unsigned char>(flags), 0, 0, 0, 0, 0, 3};
    Bytes g;
    test::append_bytes(g, header, 10);
    if (flags & 4u) {
        const Bytes extra = {'A', 'B', 3, 0, 'x', 'y', 'z'};
        g.push_back(static_cast<unsigned char>(extra.size()));
        g.push_back(0);
        test::append_bytes(g, extra.data(), extra.size());
    }
    if (flags & 8u) {
        const std::string name = "original-name.bin";
        test::append_bytes(g, name.data(), name.size());
        g.push_back(0);
    }
    if (flags & 16u) {
        const std::string comment = "a comment";
        test::append_bytes(g, comment.data(), comment.size());
        g.push_back(0);
    }
    if (flags & 2u) {
        const std::uint32_t crc = crc32(g.data(), g.size());
        g.push_back(static_cast<unsigned char>(crc));
        g.push_back(static_cast<unsigned char>(crc >> 8));
    }
    test::append_bytes(g, deflated.data(), deflated.size());
    put_le32(g, crc32(original.data(), original.size()));
    put_le32(g, static_cast<std::uint32_t>(original.size()));
    return g;
}

// Raw DEFLATE of `data` as stored blocks of at most `block` bytes.
Bytes stored_blocks(const Bytes& data, std::size_t block) {
    Bytes out;
    std::size_t pos = 0;
    do {
        const std::size_t n = std::min(block, data.size() - pos);
        out.push_back(pos + n == data.size() ? 1 : 0);  // BFINAL, BTYPE 00, then pad to a byte
        out.push_back(static_cast<unsigned char>(n));
        out.push_back(static_cast<unsigned char>(n >> 8));
        out.push_back(static_cast<unsigned char>(~n));
        out.push_back(static_cast<unsigned char>(~n >> 8));
        out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(pos), data.begin() + static_cast<std::ptrdiff_t>(pos + n));
        pos += n;
    } while (pos < data.size());
    return out;
}

bool have_gzip() { return std::system("gzip --version > /dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("inflate: round trip with every level of the project's own DEFLATE compressor") {
    const Bytes data = sample_content(300000, 1);
    for (int level = 0; level <= 9; ++level) {
        DeflateOptions o;
        o.level = level;
        const Bytes z = zlib_compress(data.data(), data.size(), o);
        CHECK(zlib_decompress(z.data(), z.size(), "level " + std::to_string(level)) == data);
        const Bytes raw = deflate_raw(data.data(), data.size(), o);
        const Bytes g = gzip_member(raw, data);
        CHECK(gunzip(g.data(), g.size(), "gz") == data);
    }
}

TEST_CASE("inflate: files made by the gzip tool at -1 and -9, with a stored name, and multi-member") {
    if (!have_gzip()) {
        MESSAGE("gzip not installed: skipping the gzip-tool cases");
        return;
    }
    test::TempDir tmp;
    const Bytes data = sample_content(500000, 2);
    const std::string plain = tmp.file("plain.bin");
    write_file_atomically(plain, data.data(), data.size());
    for (const char* level : {"-1", "-9"}) {
        const std::string gz = tmp.file(std::string("out") + level + ".gz");
        REQUIRE(std::system(("gzip -c " + std::string(level) + " " + plain + " > " + gz).c_str()) == 0);
        const Bytes g = read_file(gz);
        CHECK(((g[3] & 8u) != 0));  // gzip stores the file name (FNAME) by default
        CHECK(gunzip(g.data(), g.size(), gz) == data);
    }
    // Random bytes: gzip falls back to stored blocks.
    Bytes noise(100000);
    Rng rng(3);
    for (auto& b : noise) b = static_cast<unsigned char>(rng.below(256));
    const std::string noise_path = tmp.file("noise.bin");
    write_file_atomically(noise_path, noise.data(), noise.size());
    REQUIRE(std::system(("gzip -c -9 " + noise_path + " > " + noise_path + ".gz").c_str()) == 0);
    Bytes g = read_file(noise_path + ".gz");
    CHECK(gunzip(g.data(), g.size(), "noise") == noise);
    // Two members (as `cat a.gz b.gz` gives) decompress to the concatenation.
    REQUIRE(std::system(("gzip -c -1 " + plain + " >> " + noise_path + ".gz").c_str()) == 0);
    g = read_file(noise_path + ".gz");
    Bytes both = noise;
    both.insert(both.end(), data.begin(), data.end());
    CHECK(gunzip(g.data(), g.size(), "two members") == both);
    // An empty input file compresses to a valid member with no data.
    const std::string empty = tmp.file("empty");
    write_file_atomically(empty, "", 0);
    REQUIRE(std::system(("gzip -c " + empty + " > " + empty + ".gz").c_str()) == 0);
    g = read_file(empty + ".gz");
    CHECK(gunzip(g.data(), g.size(), "empty.gz").empty());
}

TEST_CASE("inflate: the shared datasets' .gz files decompress and match gzip's output") {
    const auto dir = test::shared_datasets();
    if (dir.empty()) {
        MESSAGE("shared datasets absent: skipping");
        return;
    }
    const bool gzip = have_gzip();
    for (const char* name : {"mnist/train-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz",
                             "fashion/t10k-images-idx3-ubyte.gz", "usps/usps_test.jf.gz"}) {
        const std::string path = (dir / name).string();
        const Bytes g = read_file(path);
        const auto t0 = std::chrono::steady_clock::now();
        const Bytes out = gunzip(g.data(), g.size(), path);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        MESSAGE(std::string(name) << ": " << g.size() << " -> " << out.size() << " bytes in " << s << " s ("
                     << out.size() / 1e6 / s << " MB/s, CRC-32 included)");
        if (gzip && out.size() < 10'000'000) {
            test::TempDir tmp;
            const std::string ref = tmp.file("ref");
            REQUIRE(std::system(("gzip -dc " + path + " > " + ref).c_str()) == 0);
            CHECK(read_file(ref) == out);
        }
        if (std::string(name) == "mnist/train-images-idx3-ubyte.gz") {
            CHECK(out.size() == 47040016);
            if (!std::getenv("N2D_TEST_QUICK")) CHECK(s < 2.0);
        }
    }
}

TEST_CASE("inflate: hand-made stored blocks, header fields and FHCRC") {
    const Bytes data = sample_content(150000, 4);
    for (std::size_t block : {std::size_t(1), std::size_t(1000), std::size_t(65535)}) {
        const Bytes part(data.begin(), data.begin() + (block == 1 ? 3000 : 150000));
        const Bytes g = gzip_member(stored_blocks(part, block), part);
        CHECK(gunzip(g.data(), g.size(), "stored") == part);
    }
    const Bytes empty_stored = gzip_member(stored_blocks({}, 10), {});
    CHECK(gunzip(empty_stored.data(), empty_stored.size(), "empty stored").empty());
    const Bytes raw = deflate_raw(data.data(), data.size());
    for (unsigned flags : {2u, 4u, 8u, 16u, 30u}) {
        const Bytes g = gzip_member(raw, data, flags);
        CHECK(gunzip(g.data(), g.size(), "flags") == data);
    }
    Bytes bad_hcrc = gzip_member(raw, data, 30u);
    const std::size_t hcrc_at = 10 + 2 + 7 + 18 + 10;
    bad_hcrc[hcrc_at] ^= 1;
    CHECK_THROWS_WITH_AS(gunzip(bad_hcrc.data(), bad_hcrc.size(), "h.gz"), doctest::Contains("header CRC"), Error);
}

TEST_CASE("inflate: corrupt and truncated streams raise n2d::Error with the offset") {
    const Bytes data = sample_content(60000, 5);
    const Bytes good = gzip_member(deflate_raw(data.data(), data.size()), data);
    auto throws_with = [](Bytes b, const char* text) {
        CHECK_THROWS_WITH_AS(gunzip(b.data(), b.size(), "x.gz"), doctest::Contains(text), Error);
    };
    throws_with({}, "empty");
    Bytes b = good;
    b[0] = 'P';
    throws_with(b, "not a gzip file");
    b = good;
    b[2] = 7;
    throws_with(b, "compression method");
    b = good;
    b[3] = 0x20;
    throws_with(b, "reserved gzip header flags");
    b = good;
    b[b.size() - 6] ^= 0x40;
    throws_with(b, "CRC-32 mismatch");
    b = good;
    b[b.size() - 2] ^= 1;
    throws_with(b, "size mismatch");
    b = good;
    b.push_back(0x1f);
    throws_with(b, "byte offset");
    b = gzip_member({0x07}, {});  // BFINAL=1, BTYPE=11
    throws_with(b, "invalid block type");
    b = gzip_member({0x01, 0x05, 0x00, 0x05, 0x00}, {});  // stored, LEN != ~NLEN
    throws_with(b, "complement");
    // A back-reference before the start: fixed block, length 3 at distance 1 as the first symbol.
    b = gzip_member({0x03, 0x02, 0x00}, {});
    throws_with(b, "before the start");
    // Truncated at many points: always an error, never a crash or a hang.
    for (std::size_t cut = 0; cut < good.size(); cut += 1 + cut / 3) {
        const Bytes t(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
        CHECK_THROWS_AS(gunzip(t.data(), t.size(), "cut"), Error);
    }
    const Bytes t(good.begin(), good.end() - 1);
    throws_with(t, "truncated");
}

TEST_CASE("inflate: random damage is detected or harmless, never a crash") {
    const Bytes data = sample_content(20000, 6);
    for (int level : {0, 1, 6, 9}) {
        DeflateOptions o;
        o.level = level;
        const Bytes good = gzip_member(deflate_raw(data.data(), data.size(), o), data);
        Rng rng(level);
        const int rounds = std::getenv("N2D_TEST_QUICK") ? 150 : 600;
        int refused = 0;
        for (int r = 0; r < rounds; ++r) {
            Bytes b = good;
            const std::size_t flips = 1 + rng.below(4);
            for (std::size_t f = 0; f < flips; ++f)
                b[10 + rng.below(b.size() - 10)] ^= static_cast<unsigned char>(1u << rng.below(8));
            try {
                const Bytes out = gunzip(b.data(), b.size(), "fuzz");
                CHECK(out == data);  // only when the flips hit ignored bits
            } catch (const Error&) {
                ++refused;
            }
        }
        CHECK(refused > rounds * 9 / 10);
    }
}

TEST_CASE("inflate: zlib wrapper checks header and Adler-32") {
    const Bytes data = sample_content(10000, 7);
    Bytes z = zlib_compress(data.data(), data.size());
    CHECK(zlib_decompress(z.data(), z.size(), "z") == data);
    Bytes bad = z;
    bad[bad.size() - 1] ^= 1;
    CHECK_THROWS_WITH_AS(zlib_decompress(bad.data(), bad.size(), "z"), doctest::Contains("Adler-32"), Error);
    bad = z;
    bad[1] ^= 1;
    CHECK_THROWS_WITH_AS(zlib_decompress(bad.data(), bad.size(), "z"), doctest::Contains("header check"), Error);
    bad = z;
    bad.resize(bad.size() - 3);
    CHECK_THROWS_AS(zlib_decompress(bad.data(), bad.size(), "z"), Error);
}
