#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include "n2d/data/readers.hpp"
#include "n2d/core/error.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {
std::pair<float, float> value_range(const Matrix& x) {
    float lo = x.data()[0], hi = x.data()[0];
    for (std::size_t i = 0; i < x.size(); ++i) {
        lo = std::min(lo, x.data()[i]);
        hi = std::max(hi, x.data()[i]);
    }
    return {lo, hi};
}

std::vector<std::size_t> class_counts(const std::vector<int>& labels, std::size_t k) {
    std::vector<std::size_t> counts(k);
    for (int l : labels) {
        REQUIRE(l >= 0);
        REQUIRE(std::size_t(l) < k);
        ++counts[std::size_t(l)];
    }
    return counts;
}
}  // namespace

TEST_CASE("mnist and mnist-test load with the paper's preprocessing") {
    const auto dir = test::shared_datasets();
    if (dir.empty()) {
        MESSAGE("shared datasets absent: skipping");
        return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    Dataset d = load_dataset("mnist", dir.string());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    MESSAGE("mnist (70000 x 784) loaded in " << seconds << " s");
    CHECK(d.x.rows() == 70000);
    CHECK(d.x.cols() == 784);
    const auto [lo, hi] = value_range(d.x);
    CHECK(lo == 0.0f);
    CHECK(hi == 1.0f);
    const std::vector<std::size_t> train = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    const std::vector<std::size_t> test = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    std::vector<std::size_t> both(10);
    for (int c = 0; c < 10; ++c) both[c] = train[c] + test[c];
    CHECK(class_counts(d.labels, 10) == both);
    CHECK(d.class_names.size() == 10);

    Dataset t = load_dataset("mnist-test", dir.string());
    CHECK(t.x.rows() == 10000);
    CHECK(class_counts(t.labels, 10) == test);
    // mnist-test is the tail of mnist.
    for (std::size_t j = 0; j < 784; ++j) CHECK(t.x(123, j) == d.x(60123, j));
}

TEST_CASE("fashion loads 70000 x 784 with 7000 per class and class names") {
    const auto dir = test::shared_datasets();
    if (dir.empty()) {
        MESSAGE("shared datasets absent: skipping");
        return;
    }
    Dataset d = load_dataset("fashion", dir.string());
    CHECK(d.x.rows() == 70000);
    CHECK(d.x.cols() == 784);
    CHECK(class_counts(d.labels, 10) == std::vector<std::size_t>(10, 7000));
    REQUIRE(d.class_names.size() == 10);
    CHECK(d.class_names[0] == "T-shirt/top");
    CHECK(d.class_names[9] == "Ankle boot");
}

TEST_CASE("usps loads 9298 x 256 in [0, 2] with the SOURCES.md class counts") {
    const auto dir = test::shared_datasets();
    if (dir.empty()) {
        MESSAGE("shared datasets absent: skipping");
        return;
    }
    Dataset d = load_dataset("usps", dir.string());
    CHECK(d.x.rows() == 9298);
    CHECK(d.x.cols() == 256);
    const auto [lo, hi] = value_range(d.x);
    CHECK(lo == 0.0f);
    CHECK(hi == 2.0f);
    const std::vector<std::size_t> train = {1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644};
    const std::vector<std::size_t> test = {359, 264, 198, 166, 200, 160, 170, 147, 166, 177};
    std::vector<std::size_t> both(10);
    for (int c = 0; c < 10; ++c) both[c] = train[c] + test[c];
    CHECK(class_counts(d.labels, 10) == both);
    // The first test sample (row 7291) is a 9 whose 6th value is 0.052 in usps_test.jf.
    CHECK(d.labels[7291] == 9);
    CHECK(d.x(7291, 5) == 0.052f);
}

TEST_CASE("pendigits loads 10992 x 16, features / 100 into [0, 1]") {
    const auto dir = test::shared_datasets();
    if (dir.empty()) {
        MESSAGE("shared datasets absent: skipping");
        return;
    }
    Dataset d = load_dataset("pendigits", dir.string());
    CHECK(d.x.rows() == 10992);
    CHECK(d.x.cols() == 16);
    const auto [lo, hi] = value_range(d.x);
    CHECK(lo == 0.0f);
    CHECK(hi == 1.0f);
    CHECK(class_counts(d.labels, 10) ==
          std::vector<std::size_t>{1143, 1143, 1144, 1055, 1144, 1055, 1056, 1142, 1055, 1055});
    // First row of pendigits.tra: 47,100,27,... label 8.
    CHECK(d.x(0, 0) == 0.47f);
    CHECK(d.x(0, 1) == 1.0f);
    CHECK(d.labels[0] == 8);
}

TEST_CASE("har: without its feature files the error names the missing file and where to get it") {
    const auto dir = test::shared_datasets();
    if (dir.empty()) {
        MESSAGE("shared datasets absent: skipping");
        return;
    }
    if (std::filesystem::exists(dir / "har" / "train" / "X_train.txt")) {
        Dataset d = load_dataset("har", dir.string());
        CHECK(d.x.rows() == 10299);
        CHECK(d.x.cols() == 561);
        CHECK(class_counts(d.labels, 6) == std::vector<std::size_t>{1722, 1544, 1406, 1777, 1906, 1944});
        CHECK(d.class_names[5] == "LAYING");
        return;
    }
    try {
        load_dataset("har", dir.string());
        FAIL("loading har without X_train.txt should fail");
    } catch (const Error& e) {
        const std::string what = e.what();
        MESSAGE(what);
        CHECK(what.find("X_train.txt") != std::string::npos);
        CHECK(what.find("archive.ics.uci.edu") != std::string::npos);
    }
    // The labels that are present are well-formed: 7352 + 2947, classes 1..6.
    CHECK(class_counts(read_label_lines((dir / "har/train/y_train.txt").string(), 1, 6), 6) ==
          std::vector<std::size_t>{1226, 1073, 986, 1286, 1374, 1407});
    CHECK(read_label_lines((dir / "har/test/y_test.txt").string(), 1, 6).size() == 2947);
}
