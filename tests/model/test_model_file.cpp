// The .n2d container: round trip, alignment, and every kind of damage giving a clear n2d::Error.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/model/detail/model_file.hpp"

namespace {

std::vector<unsigned char> sample_image() {
    n2d::ModelFileWriter w;
    n2d::ByteWriter a;
    a.put<std::uint32_t>(7);
    std::vector<float> v{1.5f, -2.0f, 3.25f};
    a.put_vector(v);
    a.put_string("hello");
    w.add("alpha", std::move(a));
    w.add("empty", std::vector<unsigned char>{});
    n2d::ByteWriter b;
    std::vector<double> d(5, 0.125);
    b.put_vector(d);
    w.add("beta.section", std::move(b));
    return w.serialize();
}

// The message of the n2d::Error that parsing `image` throws ("" when it parses).
std::string parse_error(std::vector<unsigned char> image) {
    try {
        n2d::ModelFile::parse(std::move(image), "m.n2d");
    } catch (const n2d::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("model file: sections round-trip and arrays are 64-byte aligned in the file") {
    auto image = sample_image();
    auto mf = n2d::ModelFile::parse(image, "m.n2d");
    REQUIRE(mf.sections().size() == 3);
    CHECK(mf.version() == n2d::kModelFormatVersion);
    for (const auto& s : mf.sections()) CHECK(s.offset % 64 == 0);
    CHECK(mf.has("alpha"));
    CHECK_FALSE(mf.has("gamma"));
    auto r = mf.reader("alpha");
    CHECK(r.get<std::uint32_t>() == 7);
    auto v = r.get_vector<float>();
    REQUIRE(v.size() == 3);
    CHECK(v[2] == 3.25f);
    // the float array's first byte lies on a 64-byte boundary of the file
    const auto& alpha = mf.sections()[0];
    CHECK((alpha.offset + r.offset() - 3 * sizeof(float)) % 64 == 0);
    CHECK(r.get_string() == "hello");
    CHECK(r.at_end());
    CHECK(mf.bytes("empty").empty());
    auto rb = mf.reader("beta.section");
    CHECK(rb.get_vector<double>() == std::vector<double>(5, 0.125));
    CHECK_THROWS_WITH_AS(mf.reader("gamma"), doctest::Contains("no section 'gamma'"), n2d::Error);
}

TEST_CASE("model file: header fields are where FORMAT.md says") {
    auto image = sample_image();
    CHECK(std::memcmp(image.data(), n2d::kModelMagic, 8) == 0);
    std::uint32_t version, endian, count;
    std::uint64_t size;
    std::memcpy(&version, image.data() + 8, 4);
    std::memcpy(&endian, image.data() + 12, 4);
    std::memcpy(&size, image.data() + 16, 8);
    std::memcpy(&count, image.data() + 24, 4);
    CHECK(version == 1);
    CHECK(image[12] == 0x04);
    CHECK(image[15] == 0x01);
    CHECK(size == image.size());
    CHECK(count == 3);
    std::uint32_t hcrc;
    std::memcpy(&hcrc, image.data() + 60, 4);
    CHECK(hcrc == n2d::crc32(image.data(), 60));
}

TEST_CASE("model file: truncation at every byte is reported, never a crash") {
    const auto image = sample_image();
    for (std::size_t n = 0; n < image.size(); ++n) {
        std::vector<unsigned char> cut(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(n));
        const auto msg = parse_error(cut);
        INFO("truncated to " << n << " bytes");
        REQUIRE_FALSE(msg.empty());
        CHECK(msg.find("m.n2d") != std::string::npos);
        CHECK(msg.find("byte offset") != std::string::npos);
    }
}

TEST_CASE("model file: truncation at each section boundary names the problem") {
    const auto image = sample_image();
    auto mf = n2d::ModelFile::parse(image, "m.n2d");
    for (const auto& s : mf.sections()) {
        for (std::uint64_t cut : {s.offset, s.offset + s.size}) {
            if (cut >= image.size()) continue;
            std::vector<unsigned char> t(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(cut));
            CHECK(parse_error(t).find("truncated") != std::string::npos);
        }
    }
}

TEST_CASE("model file: every flipped byte is detected") {
    const auto image = sample_image();
    for (std::size_t i = 0; i < image.size(); ++i) {
        auto bad = image;
        bad[i] ^= 0x5A;
        INFO("flipped byte " << i);
        CHECK_FALSE(parse_error(bad).empty());
    }
    // a flip inside a section's data is reported as that section's CRC failure
    auto mf = n2d::ModelFile::parse(image, "m.n2d");
    const auto& beta = mf.sections()[2];
    auto bad = image;
    bad[beta.offset + 9] ^= 1;
    const auto msg = parse_error(bad);
    CHECK(msg.find("section 'beta.section'") != std::string::npos);
    CHECK(msg.find("CRC-32") != std::string::npos);
    CHECK(msg.find("offset " + std::to_string(beta.offset)) != std::string::npos);
}

TEST_CASE("model file: foreign files, other versions and endianness") {
    CHECK(parse_error({}).find("not an n2d model") != std::string::npos);
    std::string png = "\x89PNG\r\n\x1a\nrest of some other file";
    CHECK(parse_error({png.begin(), png.end()}).find("not an n2d model") != std::string::npos);

    auto reseal = [](std::vector<unsigned char> img) {  // recompute the header CRC after an edit
        std::uint32_t c = n2d::crc32(img.data(), 60);
        std::memcpy(img.data() + 60, &c, 4);
        return img;
    };
    auto newer = sample_image();
    newer[8] = 2;
    const auto msg = parse_error(reseal(newer));
    CHECK(msg.find("format version 2 is not supported") != std::string::npos);
    CHECK(msg.find("newer n2d") != std::string::npos);

    auto big = sample_image();
    std::uint32_t be = 0x04030201u;
    std::memcpy(big.data() + 12, &be, 4);
    CHECK(parse_error(reseal(big)).find("big-endian") != std::string::npos);

    auto longer = sample_image();
    longer.push_back(0);
    CHECK(parse_error(longer).find("trailing data") != std::string::npos);
}

TEST_CASE("model file: writer rejects bad names and duplicates; files are written atomically") {
    n2d::ModelFileWriter w;
    CHECK_THROWS_AS(w.add("", std::vector<unsigned char>{}), n2d::Error);
    CHECK_THROWS_AS(w.add("has space", std::vector<unsigned char>{}), n2d::Error);
    CHECK_THROWS_AS(w.add(std::string(40, 'x'), std::vector<unsigned char>{}), n2d::Error);
    w.add(std::string(39, 'x'), std::vector<unsigned char>{1, 2, 3});
    CHECK_THROWS_AS(w.add(std::string(39, 'x'), std::vector<unsigned char>{}), n2d::Error);

    const auto path = (std::filesystem::temp_directory_path() / "n2d_test_model_file.n2d").string();
    w.write(path);
    CHECK(n2d::looks_like_model_file(path));
    auto mf = n2d::ModelFile::read(path);
    CHECK(mf.bytes(std::string(39, 'x')) == std::vector<unsigned char>{1, 2, 3});
    std::filesystem::remove(path);
    CHECK_FALSE(n2d::looks_like_model_file(path));
    CHECK_THROWS_WITH_AS(n2d::ModelFile::read(path), doctest::Contains("n2d_test_model_file.n2d"), n2d::Error);
}

TEST_CASE("model file: a section reader reports offsets inside the section") {
    n2d::ModelFileWriter w;
    n2d::ByteWriter b;
    b.put<std::uint32_t>(1);
    w.add("short", std::move(b));
    auto mf = n2d::ModelFile::parse(w.serialize(), "x.n2d");
    auto r = mf.reader("short");
    r.get<std::uint32_t>();
    CHECK_THROWS_WITH_AS(r.get<std::uint64_t>(), doctest::Contains("section 'short'"), n2d::Error);
}
