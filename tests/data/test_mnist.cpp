#include <doctest/doctest.h>

#include <chrono>

#include "n2d/data/readers.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {
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
    float lo = 1, hi = 0;
    for (std::size_t i = 0; i < d.x.size(); ++i) {
        lo = std::min(lo, d.x.data()[i]);
        hi = std::max(hi, d.x.data()[i]);
    }
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
