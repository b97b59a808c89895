#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdlib>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/plot/detail/font.hpp"
#include "n2d/plot/detail/png.hpp"
#include "n2d/plot/scatter.hpp"
#include "png_check.hpp"

using namespace n2d;

namespace {

// n points in k noisy blobs on a circle; labels = blob index.
Matrix blobs(std::size_t n, int k, std::vector<int>& labels, std::uint64_t seed = 5) {
    Rng rng(seed);
    Matrix x(n, 2);
    labels.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const int c = int(rng.below(std::uint64_t(k)));
        const double a = 6.283185307179586 * c / k;
        x(i, 0) = float(10 * std::cos(a) + rng.normal());
        x(i, 1) = float(10 * std::sin(a) + rng.normal());
        labels[i] = c;
    }
    return x;
}

bool has_color(const Image& img, Rgb c) {
    for (std::size_t y = 0; y < img.height(); ++y)
        for (std::size_t x = 0; x < img.width(); ++x)
            if (img.pixel(x, y) == c) return true;
    return false;
}

std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("scatter of a few points writes a valid PNG of the rendered size") {
    std::vector<int> labels;
    const Matrix x = blobs(30, 3, labels);
    const std::vector<ScatterPanel> panels = {{"clusters", labels, {"a", "b", "c"}}};
    const std::string path = test::temp_path("small_scatter.png");
    write_scatter_png(path, x, panels);
    const Image img = render_scatter(x, panels);
    const auto png = read_file(path);
    CHECK(png == encode_png(img.data(), img.width(), img.height()));
    bool ok = false;
    const auto chunks = test::png_chunks(png, ok);
    REQUIRE(ok);
    REQUIRE(chunks.front().type == "IHDR");
    CHECK(test::be32(&chunks.front().data[0]) == img.width());
    CHECK(test::be32(&chunks.front().data[4]) == img.height());
    for (const auto& c : chunks) CHECK(c.crc_ok);
    std::remove(path.c_str());

    // A single point and identical points (zero data range) render too.
    Matrix one(1, 2);
    CHECK_NOTHROW(render_scatter(one, {{"one", {0}, {}}}));
    Matrix same(5, 2);
    for (std::size_t i = 0; i < 5; ++i) same(i, 0) = 3, same(i, 1) = -2;
    CHECK_NOTHROW(render_scatter(same, {{"same", {0, 1, 0, 1, 0}, {}}}));
}

TEST_CASE("scatter output is deterministic and panels sit side by side") {
    std::vector<int> labels;
    const Matrix x = blobs(2000, 6, labels);
    std::vector<int> other(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) other[i] = (labels[i] + 1) % 6;
    const std::vector<ScatterPanel> one = {{"truth", labels, {}}};
    const std::vector<ScatterPanel> two = {{"truth", labels, {}}, {"pred", other, {}}};
    const Image a = render_scatter(x, two), b = render_scatter(x, two), single = render_scatter(x, one);
    CHECK(a.width() == 2 * single.width());
    CHECK(a.height() == single.height());
    CHECK(std::equal(a.data(), a.data() + 3 * a.width() * a.height(), b.data()));
    CHECK(encode_png(a.data(), a.width(), a.height()) == encode_png(b.data(), b.width(), b.height()));
    // The draw order seed changes only the stacking of overlapping points.
    ScatterOptions reseeded;
    reseeded.draw_order_seed = 99;
    const Image c = render_scatter(x, two, reseeded);
    CHECK_FALSE(std::equal(a.data(), a.data() + 3 * a.width() * a.height(), c.data()));
}

TEST_CASE("labels are drawn in palette colours and color_of_label re-maps them") {
    std::vector<int> labels;
    const Matrix x = blobs(300, 3, labels);
    ScatterOptions opaque;
    opaque.alpha = 1.0f;
    const Image plain = render_scatter(x, {{"plain", labels, {}}}, opaque);
    for (int l = 0; l < 3; ++l) CHECK(has_color(plain, palette_color(std::size_t(l))));
    CHECK_FALSE(has_color(plain, palette_color(5)));
    // Label 0 in slot 5, 1 in slot 0, 2 in slot 1: slot 2 is no longer used.
    const Image mapped = render_scatter(x, {{"mapped", labels, {}, {5, 0, 1}}}, opaque);
    CHECK(has_color(mapped, palette_color(5)));
    CHECK(has_color(mapped, palette_color(0)));
    CHECK_FALSE(has_color(mapped, palette_color(2)));
    // Unmatched (-1) or missing entries take the lowest free slots: label 0 → 1, 1 → 0, 2 → 3.
    const Image partial = render_scatter(x, {{"partial", labels, {}, {-1, 0, -1, 2}}}, opaque);
    for (std::size_t slot : {0, 1, 3}) CHECK(has_color(partial, palette_color(slot)));
    CHECK_FALSE(has_color(partial, palette_color(2)));
    const Image short_map = render_scatter(x, {{"short", labels, {}, {2}}}, opaque);
    for (std::size_t slot : {0, 1, 2}) CHECK(has_color(short_map, palette_color(slot)));
}

TEST_CASE("palette: distinct colours for many labels") {
    std::set<std::tuple<int, int, int>> seen;
    for (std::size_t s = 0; s < 100; ++s) {
        const Rgb c = palette_color(s);
        seen.insert({c.r, c.g, c.b});
        CHECK_FALSE((c.r > 245 && c.g > 245 && c.b > 245));  // never (nearly) the white background
    }
    CHECK(seen.size() == 100);
}

TEST_CASE("font: every printable character has ink except space; others fall back to '?'") {
    for (int c = 33; c < 127; ++c) {
        int ink = 0;
        for (std::uint8_t row : font::glyph(char(c))) ink += row != 0;
        CHECK_MESSAGE(ink > 0, "glyph " << char(c) << " is empty");
    }
    for (std::uint8_t row : font::glyph(' ')) CHECK(row == 0);
    CHECK(&font::glyph('\x01') == &font::glyph('?'));
    CHECK(&font::glyph(char(200)) == &font::glyph('?'));
    CHECK(fit_text("WALKING_DOWNSTAIRS", Image::text_width("WALKING", 1), 1).size() <= 7);
    CHECK(fit_text("short", 1000, 2) == "short");
}

TEST_CASE("many labels: the legend stays bounded") {
    std::vector<int> labels;
    const Matrix x = blobs(3000, 250, labels);
    const Image img = render_scatter(x, {{"250 labels", labels, {}}});
    CHECK(img.width() < 720 + 3 * 200 + 200);
}

TEST_CASE("70000 points render and encode quickly") {
    std::vector<int> labels;
    const Matrix x = blobs(70000, 10, labels);
    std::vector<int> pred(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) pred[i] = (labels[i] * 7) % 10;
    const std::string path = test::temp_path("big_scatter.png");
    // Processor time of this (single-threaded) work, so other load on the machine does not count.
    const std::clock_t c0 = std::clock();
    const auto t0 = std::chrono::steady_clock::now();
    write_scatter_png(path, x, {{"clusters", pred, {}}, {"classes", labels, {}, {}, "class "}});
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
    MESSAGE("70000 points, 2 panels: " << cpu << " s CPU, " << wall << " s wall, " << read_file(path).size() << " bytes");
    if (!std::getenv("N2D_TEST_QUICK")) CHECK(cpu < 1.0);
    CHECK(read_file(path).size() < 3 * 1024 * 1024);
    std::remove(path.c_str());
}

TEST_CASE("scatter rejects bad input with clear errors") {
    std::vector<int> labels;
    const Matrix x = blobs(50, 3, labels);
    CHECK(error_of([&] { render_scatter(x, {}); }).find("no panels") != std::string::npos);
    std::vector<int> short_labels(labels.begin(), labels.end() - 1);
    const std::string mismatch = error_of([&] { render_scatter(x, {{"truth", short_labels, {}}}); });
    CHECK(mismatch.find("49 labels for 50 points") != std::string::npos);
    CHECK(mismatch.find("truth") != std::string::npos);
    std::vector<int> negative = labels;
    negative[7] = -1;
    CHECK(error_of([&] { render_scatter(x, {{"neg", negative, {}}}); }).find("point 7") != std::string::npos);

    Matrix bad = Matrix::copy_of(x);
    bad(13, 1) = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(render_scatter(bad, {{"nan", labels, {}}}), Error);
    bad(13, 1) = std::numeric_limits<float>::infinity();
    CHECK_THROWS_AS(render_scatter(bad, {{"inf", labels, {}}}), Error);

    Matrix three(50, 3);
    CHECK(error_of([&] { render_scatter(three, {{"3d", labels, {}}}); }).find("2 are required") != std::string::npos);
    Matrix empty(0, 2);
    CHECK_THROWS_AS(render_scatter(empty, {{"empty", {}, {}}}), Error);
    ScatterOptions bad_options;
    bad_options.alpha = 2;
    CHECK_THROWS_AS(render_scatter(x, {{"a", labels, {}}}, bad_options), Error);
    bad_options = {};
    bad_options.plot_size = 10;
    CHECK_THROWS_AS(render_scatter(x, {{"a", labels, {}}}, bad_options), Error);

    const std::string unwritable =
        error_of([&] { write_scatter_png("/nonexistent-n2d-folder/plot.png", x, {{"a", labels, {}}}); });
    CHECK(unwritable.find("/nonexistent-n2d-folder/plot.png") != std::string::npos);
}
