// The HDF5 subset reader on files h5py 3.7 wrote (tests/golden/keras_weights_golden.py): groups,
// string attributes, float datasets in each storage layout, and corrupt files failing cleanly.
#include <doctest/doctest.h>

#include <cstring>

#include "n2d/core/detail/file.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/data/detail/hdf5.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

std::string golden(const std::string& name) { return std::string(N2D_SOURCE_DIR) + "/tests/golden/keras/" + name; }

std::vector<float> layouts_expected() {
    std::vector<float> v(12);
    for (int i = 0; i < 12; ++i) v[i] = static_cast<float>(i) / 4;
    return v;
}

}  // namespace

TEST_CASE("hdf5: groups and links of a symbol-table file") {
    const hdf5::File f = hdf5::File::open(golden("layouts.h5"));
    CHECK(f.children("/") == std::vector<std::string>{"a", "chunked", "compact", "contiguous", "gzip", "ints", "many"});
    CHECK(f.is_group("a/b"));
    CHECK(f.is_group("/a/b/"));
    CHECK_FALSE(f.is_group("contiguous"));
    CHECK(f.exists("contiguous"));
    CHECK_FALSE(f.exists("a/nothing"));
    CHECK_FALSE(f.exists("contiguous/x"));  // a dataset has no links: not found, not a crash
    // 40 links: the group's B-tree holds several symbol nodes.
    const auto many = f.children("many");
    REQUIRE(many.size() == 40);
    CHECK(many.front() == "g00");
    CHECK(many.back() == "g39");
    CHECK_THROWS_AS(f.children("nope"), Error);
}

TEST_CASE("hdf5: fixed- and variable-length string attributes") {
    const hdf5::File f = hdf5::File::open(golden("layouts.h5"));
    CHECK(f.has_attribute("a/b", "fixed"));
    CHECK_FALSE(f.has_attribute("a/b", "other"));
    CHECK(f.string_attribute("a/b", "fixed") == std::vector<std::string>{"xy", "z"});
    CHECK(f.string_attribute("a/b", "vlen") == std::vector<std::string>{"hello", "w"});
    CHECK_THROWS_WITH_AS(f.string_attribute("a/b", "other"), doctest::Contains("no attribute \"other\""), Error);
    const hdf5::File k = hdf5::File::open(golden("ae_vlen.h5"));
    const auto names = k.string_attribute("/", "layer_names");
    REQUIRE(names.size() == 10);
    CHECK(names.front() == "input");
    CHECK(names.back() == "dropout");
    CHECK(k.string_attribute("input", "weight_names").empty());
}

TEST_CASE("hdf5: float datasets, contiguous, compact (float64) and chunked, plain and deflated") {
    const hdf5::File f = hdf5::File::open(golden("layouts.h5"));
    for (const char* name : {"contiguous", "compact", "chunked", "gzip"}) {
        CAPTURE(name);
        const hdf5::FloatArray a = f.read_floats(name);
        CHECK(a.shape == std::vector<std::uint64_t>{3, 4});
        CHECK(a.values == layouts_expected());
    }
    CHECK_THROWS_WITH_AS(f.read_floats("ints"), doctest::Contains("not float32/float64"), Error);
    CHECK_THROWS_WITH_AS(f.read_floats("a"), doctest::Contains("not a dataset"), Error);
    CHECK_THROWS_WITH_AS(f.read_floats("missing"), doctest::Contains("\"missing\" not found"), Error);
}

TEST_CASE("hdf5: not HDF5, truncated, or libver='latest' files are refused by name") {
    ScratchDir dir("n2d-hdf5");
    const std::string bad = utf8(dir.path() / "x.h5");
    const std::string text = "plain text, not HDF5";
    write_file_atomically(bad, text.data(), text.size());
    CHECK_THROWS_WITH_AS(hdf5::File::open(bad), doctest::Contains("not an HDF5 file"), Error);
    CHECK_FALSE(hdf5::has_signature(text.data(), text.size()));

    std::vector<unsigned char> bytes = read_file(golden("ae_earliest.h5"));
    CHECK(hdf5::has_signature(bytes.data(), bytes.size()));
    bytes.resize(1500);
    CHECK_THROWS_WITH_AS(hdf5::File(bytes, "cut.h5"), doctest::Contains("cut.h5: HDF5 superblock: the file is truncated"),
                         Error);
    // Truncated but with the superblock's end address patched: the missing structures are found out.
    bytes[40] = static_cast<unsigned char>(1500 & 255);
    bytes[41] = static_cast<unsigned char>(1500 >> 8);
    for (int i = 42; i < 48; ++i) bytes[i] = 0;
    const hdf5::File cut(bytes, "cut.h5");
    CHECK_THROWS_WITH_AS((void)cut.read_floats("encoder_0/encoder_0/kernel:0"), doctest::Contains("cut.h5: HDF5"), Error);

    std::vector<unsigned char> v4 = read_file(golden("ae_earliest.h5"));
    v4[8] = 4;  // superblock version 4 does not exist (yet)
    CHECK_THROWS_WITH_AS(hdf5::File(v4, "v4.h5"), doctest::Contains("superblock version 4"), Error);
}

TEST_CASE("hdf5: libver='latest': v3 superblock, v2 object headers, links compact and in a fractal heap") {
    const hdf5::File f = hdf5::File::open(golden("ae_latest.h5"));
    const auto root = f.children("/");  // 9 links, more than 8: dense storage
    REQUIRE(root.size() == 9);
    CHECK(root.front() == "decoder_0");
    CHECK(root.back() == "input");
    CHECK(f.children("encoder_1") == std::vector<std::string>{"encoder_1"});  // compact: a link message
    CHECK(f.string_attribute("/", "layer_names").size() == 9);
    CHECK(f.string_attribute("encoder_1", "weight_names") ==
          std::vector<std::string>{"encoder_1/kernel:0", "encoder_1/bias:0"});
    const hdf5::FloatArray k = f.read_floats("encoder_1/encoder_1/kernel:0");
    CHECK(k.shape == std::vector<std::uint64_t>{8, 8});
    CHECK(k.values == hdf5::File::open(golden("ae_earliest.h5")).read_floats("encoder_1/encoder_1/kernel:0").values);
}

TEST_CASE("hdf5: a file with a user block (the superblock at 512, addresses relative to it)") {
    // As h5py writes userblock_size=512: base address 512, end-of-file address counting the block.
    const std::vector<unsigned char> plain = read_file(golden("layouts.h5"));
    std::vector<unsigned char> bytes(512, 'u');
    bytes.insert(bytes.end(), plain.begin(), plain.end());
    auto put64 = [&](std::size_t at, std::uint64_t v) {
        for (int i = 0; i < 8; ++i) bytes[at + i] = static_cast<unsigned char>(v >> (8 * i));
    };
    put64(512 + 24, 512);
    put64(512 + 40, bytes.size());
    const hdf5::File f(bytes, "userblock.h5");
    CHECK(f.read_floats("chunked").values == layouts_expected());
    CHECK(f.string_attribute("a/b", "vlen") == std::vector<std::string>{"hello", "w"});
}

// Reads everything a Keras loader would: links, string attributes, datasets (a few levels).
void walk(const hdf5::File& f, const std::string& path, int depth) {
    for (const char* a : {"layer_names", "weight_names", "fixed", "vlen"})
        if (f.has_attribute(path, a)) (void)f.string_attribute(path, a);
    for (const std::string& child : f.children(path)) {
        const std::string p = path + "/" + child;
        if (!f.is_group(p)) {
            if (child != "ints") (void)f.read_floats(p);  // layouts.h5's int32 dataset is refused by design
        } else if (depth < 3) {
            walk(f, p, depth + 1);
        }
    }
}

TEST_CASE("hdf5: random byte flips only ever raise n2d::Error") {
    for (const char* file : {"layouts.h5", "ae_latest.h5"}) {
        CAPTURE(file);
        const std::vector<unsigned char> good = read_file(golden(file));
        walk(hdf5::File(good, file), "", 0);  // the intact file reads whole
        Rng rng(15);
        int errors = 0, loaded = 0;
        for (int trial = 0; trial < 300; ++trial) {
            std::vector<unsigned char> bytes = good;
            const int flips = 1 + static_cast<int>(rng.next() % 8);
            // Most structures sit in the first few KB; flip there every other trial.
            const std::size_t span = trial % 2 ? std::min<std::size_t>(bytes.size(), 4096) : bytes.size();
            for (int k = 0; k < flips; ++k)
                bytes[rng.next() % span] ^= static_cast<unsigned char>(1u << (rng.next() % 8));
            try {
                walk(hdf5::File(bytes, "flipped.h5"), "", 0);
                ++loaded;
            } catch (const Error&) {
                ++errors;
            }
        }
        CHECK(errors > 0);
        CHECK(errors + loaded == 300);
    }
}

}  // namespace n2d::test
