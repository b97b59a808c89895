#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "data_test_util.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/data/readers.hpp"

using namespace n2d;
using doctest::Contains;

namespace {

doctest::Contains has(const std::string& text) { return doctest::Contains(text.c_str()); }

std::string be32(std::uint32_t v) {
    return {char(v >> 24), char((v >> 16) & 255), char((v >> 8) & 255), char(v & 255)};
}

// IDX bytes: magic for `type`, the dims, then `payload`.
std::string idx_bytes(unsigned char type, std::vector<std::uint32_t> dims, const std::string& payload) {
    std::string s = {0, 0, char(type), char(dims.size())};
    for (auto d : dims) s += be32(d);
    return s + payload;
}

// .npy bytes with the given dtype and shape text, version 1 or 2.
std::string npy_bytes(const std::string& descr, const std::string& shape, const std::string& payload, int version = 1,
                      const std::string& fortran = "False") {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    const std::size_t prefix = version == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64) header += ' ';
    header += '\n';
    std::string s = "\x93NUMPY";
    s += char(version);
    s += char(0);
    const std::size_t n = header.size();
    s += char(n & 255);
    s += char(n >> 8);
    if (version != 1) s += std::string(2, '\0');
    return s + header + payload;
}

template <class T>
std::string raw_values(std::initializer_list<T> values) {
    std::string s;
    for (T v : values) s.append(reinterpret_cast<const char*>(&v), sizeof v);
    return s;
}

}  // namespace

// ---- CSV / TSV / whitespace ---------------------------------------------------------------

TEST_CASE("csv: header detected, comma-separated, values parsed exactly") {
    test::TempDir tmp;
    const auto p = tmp.write("a.csv", "\xEF\xBB\xBF\"f1\", f2 ,f3\n1,2.5,-3e-2\n\n# comment\n4,+5,6\r\n");
    Dataset d = load_dataset(p);
    CHECK(d.name == "a");
    REQUIRE(d.x.rows() == 2);
    REQUIRE(d.x.cols() == 3);
    CHECK(d.x(0, 1) == 2.5f);
    CHECK(d.x(0, 2) == -0.03f);
    CHECK(d.x(1, 1) == 5.0f);
    CHECK(d.labels.empty());
}

TEST_CASE("csv: label column first / last / index, integer and text labels") {
    test::TempDir tmp;
    const auto p = tmp.write("l.csv", "3,0.5,1\n0,1.5,2\n3,2.5,3\n");
    CsvOptions o;
    o.label_column = LabelColumn::first;
    Dataset d = read_csv(p, o);
    CHECK(d.x.cols() == 2);
    CHECK(d.labels == std::vector<int>{3, 0, 3});
    o.label_column = LabelColumn::last;
    d = read_csv(p, o);
    CHECK(d.labels == std::vector<int>{1, 2, 3});
    CHECK(d.x(2, 0) == 3.0f);
    o.label_column = LabelColumn::index;
    o.label_index = 1;
    d = read_csv(p, o);
    CHECK(d.x(1, 1) == 2.0f);
    o.label_index = 5;
    CHECK_THROWS_WITH_AS(read_csv(p, o), Contains("label column 5 does not exist"), Error);

    const auto q = tmp.write("iris.csv", "sl,sw,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n4.9,3.0,setosa\n");
    o.label_column = LabelColumn::last;
    d = read_csv(q, o);
    CHECK(d.class_names == std::vector<std::string>{"setosa", "versicolor"});
    CHECK(d.labels == std::vector<int>{0, 1, 0});
}

TEST_CASE("tsv, whitespace-separated HAR-style text and gzip'd csv load by extension") {
    test::TempDir tmp;
    Dataset d = load_dataset(tmp.write("t.tsv", "x\ty\n1\t2\n3\t4\n"));
    CHECK(d.x.rows() == 2);
    CHECK(d.x(1, 1) == 4.0f);
    d = load_dataset(tmp.write("w.txt", "  2.8858451e-001 -2.0294171e-002\n -1.0000000e+000  5.0000000e-001\n"));
    CHECK(d.x.rows() == 2);
    CHECK(d.x(0, 0) == 0.28858451f);
    CHECK(d.x(1, 0) == -1.0f);
    d = load_dataset(tmp.write("z.csv.gz", test::gzip_bytes("a,b\n1,2\n3,4\n5,6\n")));
    CHECK(d.name == "z");
    CHECK(d.x.rows() == 3);
    CHECK(d.x(2, 1) == 6.0f);
}

TEST_CASE("csv malformed: ragged row names line and field counts") {
    test::TempDir tmp;
    CHECK_THROWS_WITH_AS(load_dataset(tmp.write("r.csv", "1,2,3\n4,5,6\n7,8\n")), Contains("r.csv:3: ragged row: 2 fields"), Error);
}

TEST_CASE("csv malformed: NaN and Inf are refused") {
    test::TempDir tmp;
    CHECK_THROWS_WITH_AS(load_dataset(tmp.write("n.csv", "1,2\n3,nan\n")), Contains("n.csv:2: column 2: 'nan' is not a finite"), Error);
    CHECK_THROWS_WITH_AS(load_dataset(tmp.write("i.csv", "1,-inf\n3,4\n")), Contains("i.csv:1: column 2"), Error);
    CHECK_THROWS_WITH_AS(load_dataset(tmp.write("o.csv", "1,1e39\n")), Contains("not a finite"), Error);
}

TEST_CASE("csv malformed: text where a number belongs, and empty fields") {
    test::TempDir tmp;
    CHECK_THROWS_WITH_AS(load_dataset(tmp.write("t.csv", "1,2\n3,abc\n")), Contains("t.csv:2: column 2: 'abc' is not a number"), Error);
    CHECK_THROWS_WITH_AS(load_dataset(tmp.write("u.csv", "1,2\n3,4x\n")), Contains("'4x' is not a number"), Error);
    CHECK_THROWS_WITH_AS(load_dataset(tmp.write("e.csv", "1,2\n3,\n")), Contains("e.csv:2: column 2: empty field"), Error);
}

TEST_CASE("csv malformed: label out of range") {
    test::TempDir tmp;
    const auto p = tmp.write("l.csv", "1,2,9\n3,4,10\n");
    CsvOptions o;
    o.label_column = LabelColumn::last;
    o.n_classes = 10;
    CHECK_THROWS_WITH_AS(read_csv(p, o), Contains("l.csv:2: label 10 is out of range [0, 9]"), Error);
    o.n_classes = 0;
    CHECK_THROWS_WITH_AS(read_csv(tmp.write("m.csv", "1,2,-1\n"), o), Contains("label -1 is out of range"), Error);
}

TEST_CASE("csv malformed: empty file, header only, truncated gzip") {
    test::TempDir tmp;
    CHECK_THROWS_WITH_AS(load_dataset(tmp.write("e.csv", "")), Contains("no data rows"), Error);
    CHECK_THROWS_WITH_AS(load_dataset(tmp.write("h.csv", "a,b\n")), Contains("no data rows"), Error);
    auto gz = test::gzip_bytes("1,2\n3,4\n5,6\n7,8\n");
    gz.resize(gz.size() - 5);
    CHECK_THROWS_WITH_AS(load_dataset(tmp.write("t.csv.gz", gz)), Contains("truncated"), Error);
}

// ---- IDX ---------------------------------------------------------------------------------

TEST_CASE("idx: images and labels, raw and gzip") {
    test::TempDir tmp;
    std::string pixels;
    for (int i = 0; i < 12; ++i) pixels += char(i * 20);
    const auto p = tmp.write("img-idx3-ubyte", idx_bytes(0x08, {2, 2, 3}, pixels));
    Dataset d = load_dataset(p);
    REQUIRE(d.x.rows() == 2);
    REQUIRE(d.x.cols() == 6);
    CHECK(d.x(1, 5) == 220.0f);
    const auto g = tmp.write("lab-idx1-ubyte.gz", test::gzip_bytes(idx_bytes(0x08, {3}, std::string("\x02\x00\x09", 3))));
    CHECK(load_labels(g) == std::vector<int>{2, 0, 9});
    CHECK(load_labels(tmp.write("labels-no-extension", idx_bytes(0x08, {2}, std::string("\x01\x03", 2)))) ==
          std::vector<int>{1, 3});
    CHECK_THROWS_WITH_AS(read_idx_labels(g, 5), Contains("label 9 of sample 2 is out of range [0, 5)"), Error);
    // Big-endian float32 values.
    const auto f = tmp.write("f.idx", idx_bytes(0x0D, {1, 2}, std::string("\x3f\x80\x00\x00\xc0\x00\x00\x00", 8)));
    d = load_dataset(f);
    CHECK(d.x(0, 0) == 1.0f);
    CHECK(d.x(0, 1) == -2.0f);
    // No extension: recognised by its magic.
    d = load_dataset(tmp.write("noext", idx_bytes(0x08, {2, 1}, "ab")));
    CHECK(d.x(1, 0) == 98.0f);
}

TEST_CASE("idx malformed: wrong magic, unknown type, truncated, trailing bytes, NaN") {
    test::TempDir tmp;
    CHECK_THROWS_WITH_AS(read_idx(tmp.write("a-ubyte", std::string("\x01\x00\x08\x01") + be32(1) + "x")), Contains("wrong magic"), Error);
    CHECK_THROWS_WITH_AS(read_idx(tmp.write("b-ubyte", idx_bytes(0x07, {1}, "x"))), Contains("unknown IDX data type 0x07"), Error);
    CHECK_THROWS_WITH_AS(read_idx(tmp.write("c-ubyte", idx_bytes(0x08, {2, 3}, "12345"))), Contains("truncated IDX data"), Error);
    CHECK_THROWS_WITH_AS(read_idx(tmp.write("d-ubyte", idx_bytes(0x08, {2, 3}, "1234567"))), Contains("1 unexpected bytes"), Error);
    CHECK_THROWS_WITH_AS(read_idx(tmp.write("e-ubyte", std::string("\x00\x00\x08\x03", 4) + be32(5))), Contains("truncated IDX header"), Error);
    CHECK_THROWS_WITH_AS(read_idx(tmp.write("f.idx", idx_bytes(0x0D, {1}, std::string("\x7f\xc0\x00\x00", 4)))), Contains("NaN"), Error);
    // A header promising 10^10 floats (40 GB) in a 16-byte file: refused as truncated, from the
    // file's size, before anything is allocated (an attempt would throw OutOfMemory instead).
    CHECK_THROWS_WITH_AS(read_idx(tmp.write("g-ubyte", idx_bytes(0x0D, {100000, 100000}, std::string(16, '\0')))),
                         Contains("truncated IDX data: the header promises 10000000000 values"), Error);
}

TEST_CASE("idx malformed: inconsistent sizes between image and label files of a named dataset") {
    test::TempDir tmp;
    std::string pixels(2 * 28 * 28, '\x10');
    tmp.write("mnist/t10k-images-idx3-ubyte", idx_bytes(0x08, {2, 28, 28}, pixels));
    tmp.write("mnist/t10k-labels-idx1-ubyte", idx_bytes(0x08, {3}, std::string("\x01\x02\x03", 3)));
    CHECK_THROWS_WITH_AS(load_dataset("mnist-test", tmp.path().string()),
                         has("has 3 labels but " + tmp.file("mnist/t10k-images-idx3-ubyte") + " has 2 images"), Error);
    tmp.write("mnist/t10k-labels-idx1-ubyte", idx_bytes(0x08, {2}, std::string("\x01\x02", 2)));
    Dataset d = load_dataset("mnist-test", tmp.path().string());
    CHECK(d.x.rows() == 2);
    CHECK(d.x(1, 783) == doctest::Approx(16.0 / 255.0));
    CHECK_THROWS_WITH_AS(load_dataset("mnist", tmp.path().string()), has("missing " + tmp.file("mnist/train-images-idx3-ubyte.gz")), Error);
}

// ---- .npy --------------------------------------------------------------------------------

TEST_CASE("npy: float32, float64, uint8, int32, int64, both byte orders, versions 1 and 2") {
    test::TempDir tmp;
    Dataset d = load_dataset(tmp.write("a.npy", npy_bytes("<f4", "(2, 3)", raw_values<float>({1, 2, 3, 4, 5, 6.5f}))));
    REQUIRE(d.x.rows() == 2);
    CHECK(d.x(1, 2) == 6.5f);
    d = read_npy(tmp.write("b.npy", npy_bytes("<f8", "(3,)", raw_values<double>({0.25, -1, 7}), 2)));
    CHECK(d.x.cols() == 1);
    CHECK(d.x(2, 0) == 7.0f);
    d = read_npy(tmp.write("c.npy", npy_bytes("|u1", "(1, 2, 2)", "\x01\x02\x03\xff")));
    CHECK(d.x.cols() == 4);
    CHECK(d.x(0, 3) == 255.0f);
    d = read_npy(tmp.write("d.npy", npy_bytes("<i4", "(2, 1)", raw_values<std::int32_t>({-5, 9}))));
    CHECK(d.x(0, 0) == -5.0f);
    d = read_npy(tmp.write("e.npy", npy_bytes("<i8", "(2,)", raw_values<std::int64_t>({1ll << 40, 3}))));
    CHECK(d.x(0, 0) == 1099511627776.0f);
    d = read_npy(tmp.write("f.npy", npy_bytes(">f4", "(1,)", std::string("\x40\x49\x0f\xdb", 4))));
    CHECK(d.x(0, 0) == doctest::Approx(3.14159265));
    CHECK(load_labels(tmp.write("l.npy", npy_bytes("<i8", "(3,)", raw_values<std::int64_t>({2, 0, 1})))) ==
          std::vector<int>{2, 0, 1});
}

TEST_CASE("npy malformed: Fortran order, other dtypes, truncation, magic, NaN, bad labels") {
    test::TempDir tmp;
    CHECK_THROWS_WITH_AS(read_npy(tmp.write("a.npy", npy_bytes("<f4", "(1, 1)", raw_values<float>({1}), 1, "True"))),
                         Contains("Fortran-order"), Error);
    CHECK_THROWS_WITH_AS(read_npy(tmp.write("b.npy", npy_bytes("<c8", "(1,)", std::string(8, '\0')))),
                         Contains("dtype '<c8' is not supported"), Error);
    CHECK_THROWS_WITH_AS(read_npy(tmp.write("c.npy", npy_bytes("<f2", "(1,)", std::string(2, '\0')))), Contains("not supported"), Error);
    CHECK_THROWS_WITH_AS(read_npy(tmp.write("d.npy", npy_bytes("<f4", "(2, 2)", raw_values<float>({1, 2, 3})))),
                         Contains("truncated .npy data: the shape needs 16 bytes, the file has 12"), Error);
    CHECK_THROWS_WITH_AS(read_npy(tmp.write("e.npy", "PK\x03\x04 not numpy")), Contains("wrong magic"), Error);
    // A shape of 10^11 float64 values (800 GB) in a 16-byte file: refused as truncated before allocating.
    CHECK_THROWS_WITH_AS(read_npy(tmp.write("j.npy", npy_bytes("<f8", "(100000000, 1000)", std::string(16, '\0')))),
                         Contains("truncated .npy data: the shape needs 800000000000 bytes"), Error);
    CHECK_THROWS_WITH_AS(read_npy(tmp.write("f.npy", npy_bytes("<f8", "(2,)", raw_values<double>({1, NAN})))),
                         Contains("element 1 (row 1) is NaN"), Error);
    CHECK_THROWS_WITH_AS(read_npy_labels(tmp.write("g.npy", npy_bytes("<i4", "(2,)", raw_values<std::int32_t>({1, -2})))),
                         Contains("label -2.000000 of row 1"), Error);
    CHECK_THROWS_WITH_AS(read_npy_labels(tmp.write("h.npy", npy_bytes("<f4", "(2,)", raw_values<float>({1, 1.5f})))),
                         Contains("not a non-negative whole number"), Error);
    CHECK_THROWS_WITH_AS(read_npy_labels(tmp.write("i.npy", npy_bytes("<i4", "(1, 2)", raw_values<std::int32_t>({1, 2})))),
                         Contains("1-d array"), Error);
}

// ---- USPS .jf ------------------------------------------------------------------------------

TEST_CASE("usps .jf: header, rows, '-1' end line") {
    test::TempDir tmp;
    Dataset d = load_dataset(tmp.write("u.jf", "3 4\n0 0 0.5 2 1.25\n2 1 1 1 1\n-1\n"));
    REQUIRE(d.x.rows() == 2);
    CHECK(d.x.cols() == 4);
    CHECK(d.labels == std::vector<int>{0, 2});
    CHECK(d.x(0, 3) == 1.25f);
    CHECK_THROWS_WITH_AS(read_usps_jf(tmp.write("a.jf", "3 4\n0 0 0.5 2 1.25\n")), Contains("truncated"), Error);
    CHECK_THROWS_WITH_AS(read_usps_jf(tmp.write("b.jf", "3 4\n3 0 0.5 2 1.25\n-1\n")), Contains("b.jf:2: label 3 is out of range [0, 2]"), Error);
    CHECK_THROWS_WITH_AS(read_usps_jf(tmp.write("c.jf", "3 4\n1 0 0.5 2\n-1\n")), Contains("c.jf:2: ragged row: 3 values"), Error);
    CHECK_THROWS_WITH_AS(read_usps_jf(tmp.write("d.jf", "3 4\n1 0 x 2 1\n-1\n")), Contains("d.jf:2: value 2: 'x' is not a number"), Error);
    CHECK_THROWS_WITH_AS(read_usps_jf(tmp.write("e.jf", "ten 256\n")), Contains("header line"), Error);
}

// ---- UCI HAR layout --------------------------------------------------------------------------

namespace {
void write_har(const test::TempDir& tmp, bool with_test_x = true) {
    tmp.write("har/activity_labels.txt", "1 WALKING\n2 SITTING\n3 LAYING\n");
    tmp.write("har/features.txt", "1 a\n2 b\n3 c\n");
    tmp.write("har/train/X_train.txt",
              "  2.8858451e-001 -2.0294171e-002 -1.3290514e-001\n  1.0000000e-001  2.0000000e-001  3.0000000e-001\n");
    tmp.write("har/train/y_train.txt", "3\n1\n");
    if (with_test_x) tmp.write("har/test/X_test.txt", " -9.0000000e-001  0.0000000e+000  1.0000000e+000\n");
    tmp.write("har/test/y_test.txt", "2\n");
}
}  // namespace

TEST_CASE("har: UCI layout, labels 1..K to 0..K-1, activity names, by name and by folder") {
    test::TempDir tmp;
    write_har(tmp);
    Dataset d = load_dataset("har", tmp.path().string());
    REQUIRE(d.x.rows() == 3);
    CHECK(d.x.cols() == 3);
    CHECK(d.labels == std::vector<int>{2, 0, 1});
    CHECK(d.class_names == std::vector<std::string>{"WALKING", "SITTING", "LAYING"});
    CHECK(d.x(0, 0) == 0.28858451f);
    CHECK(d.x(2, 0) == -0.9f);
    Dataset e = load_dataset(tmp.file("har"));
    CHECK(e.labels == d.labels);
}

TEST_CASE("har malformed: missing X file, sizes, label range, feature count") {
    test::TempDir tmp;
    write_har(tmp, false);
    CHECK_THROWS_WITH_AS(read_har(tmp.file("har")), has("missing " + tmp.file("har/test/X_test.txt")), Error);
    CHECK_THROWS_WITH_AS(read_har(tmp.file("har")), Contains("archive.ics.uci.edu"), Error);
    write_har(tmp);
    tmp.write("har/test/y_test.txt", "2\n1\n");
    CHECK_THROWS_WITH_AS(read_har(tmp.file("har")), has("has 1 rows but " + tmp.file("har/test/y_test.txt") + " has 2 labels"), Error);
    tmp.write("har/test/y_test.txt", "4\n");
    CHECK_THROWS_WITH_AS(read_har(tmp.file("har")), Contains("y_test.txt:1: label 4 is out of range [1, 3]"), Error);
    tmp.write("har/test/y_test.txt", "2\n");
    tmp.write("har/features.txt", "1 a\n2 b\n");
    CHECK_THROWS_WITH_AS(read_har(tmp.file("har")), Contains("names 2 features"), Error);
}

// ---- label files, data folder, dispatch ----------------------------------------------------

TEST_CASE("label files: one integer per line, header, comments, range and attach checks") {
    test::TempDir tmp;
    CHECK(load_labels(tmp.write("y.txt", "label\n1\n\n# note\n0\r\n2\n")) == std::vector<int>{1, 0, 2});
    CHECK(load_labels(tmp.write("y.gz", test::gzip_bytes("4\n5\n"))) == std::vector<int>{4, 5});
    CHECK_THROWS_WITH_AS(load_labels(tmp.write("a.txt", "1\n-1\n")), Contains("a.txt:2: label -1 is out of range"), Error);
    CHECK_THROWS_WITH_AS(load_labels(tmp.write("b.txt", "1\n1.5\n")), Contains("b.txt:2: '1.5' is not an integer label"), Error);
    CHECK_THROWS_WITH_AS(load_labels(tmp.write("c.txt", "1\ncat\n")), Contains("c.txt:2: 'cat'"), Error);
    Dataset d = load_dataset(tmp.write("x.csv", "1,2\n3,4\n"));
    CHECK_THROWS_WITH_AS(attach_labels(d, {0, 1, 1}, "y.txt"), Contains("y.txt has 3 labels but the data (x) has 2 rows"), Error);
    attach_labels(d, {1, 0}, "y.txt");
    CHECK(d.labels == std::vector<int>{1, 0});
    CHECK(d.n_classes() == 2);
}

TEST_CASE("data folder resolution and name/path dispatch errors") {
    test::TempDir tmp;
    CHECK(resolve_data_dir(tmp.path().string()) == tmp.path());
    CHECK_THROWS_WITH_AS(resolve_data_dir(tmp.file("nope")), Contains("does not exist"), Error);
    const char* old = std::getenv("N2D_DATA_DIR");
    const std::string saved = old ? old : "";
    test::set_env("N2D_DATA_DIR", tmp.path().string().c_str());
    CHECK(resolve_data_dir() == tmp.path());
    test::set_env("N2D_DATA_DIR", tmp.file("missing").c_str());
    CHECK_THROWS_WITH_AS(resolve_data_dir(), Contains("N2D_DATA_DIR"), Error);
    // Without an override or N2D_DATA_DIR: the per-user folder, or an error saying how to fill it.
    test::set_env("N2D_DATA_DIR", nullptr);
#if defined(_WIN32)
    const char* home_var = "USERPROFILE";
#else
    const char* home_var = "HOME";
#endif
    const char* old_home = std::getenv(home_var);
    const std::string saved_home = old_home ? old_home : "";
    test::set_env(home_var, tmp.path().string().c_str());
    const std::string user_dir = (tmp.path() / ".n2d" / "datasets").string();
    CHECK_THROWS_WITH_AS(resolve_data_dir(), Contains(("`datasets/fetch " + user_dir + "`").c_str()), Error);
    std::filesystem::create_directories(tmp.path() / ".n2d" / "datasets");
    CHECK(resolve_data_dir() == tmp.path() / ".n2d" / "datasets");
    test::set_env(home_var, old_home ? saved_home.c_str() : nullptr);
    test::set_env("N2D_DATA_DIR", old ? saved.c_str() : nullptr);

    CHECK(is_named_dataset("pendigits"));
    CHECK_FALSE(is_named_dataset("pendigit"));
    CHECK_THROWS_WITH_AS(load_dataset("mnits"), Contains("neither a named dataset (mnist, mnist-test"), Error);
    CHECK_THROWS_WITH_AS(load_dataset(tmp.write("blob.bin", "hello")), Contains("unknown file format"), Error);
    CHECK_THROWS_WITH_AS(load_dataset(tmp.path().string()), Contains("not in the UCI HAR layout"), Error);
}

TEST_CASE("readers: random damage to every format gives data or n2d::Error, never a crash") {
    test::TempDir tmp;
    std::string pixels;
    for (int i = 0; i < 48; ++i) pixels += char(i * 5);
    const std::vector<std::pair<std::string, std::string>> samples = {
        {"s.csv", "a,b,label\n1.5,2,0\n-3e1,4,1\n5,6,1\n"},
        {"s.npy", npy_bytes("<f8", "(2, 2)", raw_values<double>({1, 2, 3, 4}))},
        {"s-ubyte", idx_bytes(0x08, {3, 4, 4}, pixels)},
        {"s.jf", "2 3\n0 0.5 1 2\n1 0 0 1.25\n-1\n"},
        {"s.csv.gz", std::string(reinterpret_cast<const char*>(test::gzip_bytes("1,2\n3,4\n").data()),
                                 test::gzip_bytes("1,2\n3,4\n").size())},
    };
    Rng rng(11);
    const int rounds = std::getenv("N2D_TEST_QUICK") ? 60 : 150;
    for (const auto& [name, good] : samples) {
        REQUIRE_NOTHROW(load_dataset(tmp.write(name, good)));
        int refused = 0;
        for (int r = 0; r < rounds; ++r) {
            std::string bad = good;
            switch (rng.below(3)) {
                case 0: bad.resize(rng.below(bad.size())); break;
                case 1:
                    for (int k = 0; k < 3; ++k) bad[rng.below(bad.size())] = static_cast<char>(rng.below(256));
                    break;
                default: bad.insert(rng.below(bad.size()), 1, static_cast<char>(rng.below(256)));
            }
            try {
                const Dataset d = load_dataset(tmp.write(name, bad));
                CHECK(d.x.rows() > 0);
                for (std::size_t i = 0; i < d.x.size(); ++i) CHECK(std::isfinite(d.x.data()[i]));
            } catch (const Error&) {
                ++refused;
            }
        }
        MESSAGE(name << ": " << refused << " of " << rounds << " damaged copies refused");
        CHECK(refused > 0);
    }
}
