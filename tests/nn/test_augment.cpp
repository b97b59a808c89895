// Image augmentation (augment.hpp): the warp's geometry, draws reproducible from the seed and
// independent of threads and of the other rows, and training with it — the batch the network
// sees, thread-count independence, saving and bit-identical resume.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "n2d/core/bytes.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/nn/augment.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

// n random images of h × w pixels in [0, 1].
Matrix images(std::size_t n, std::size_t h, std::size_t w, std::uint64_t seed = 3) {
    Matrix x(n, h * w);
    Rng rng(seed);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.uniform());
    return x;
}

// Pixel (r, c) of the first image of x, w pixels wide.
float px(const Matrix& x, std::size_t r, std::size_t c, std::size_t w) { return x(0, r * w + c); }

std::vector<float> warped(const Matrix& x, std::size_t h, std::size_t w, double dy, double dx, double degrees) {
    std::vector<float> out(h * w, -1.0f);
    warp_image(x.row(0), out.data(), h, w, dy, dx, degrees);
    return out;
}

AutoencoderOptions small(std::size_t epochs) {
    AutoencoderOptions o;
    o.architecture = {16, 8};
    o.latent_dim = 3;
    o.batch_size = 32;  // 100 = 3·32 + 4: a partial last batch
    o.epochs = epochs;
    o.seed = 11;
    o.augmentation = ImageAugmentation::images(8, 8);
    return o;
}

const ScratchDir& scratch() {
    static const ScratchDir dir("n2d-test-augment");
    return dir;
}

}  // namespace

TEST_CASE("warp_image: no motion is the identity; an integer shift moves every pixel, zero filled") {
    const std::size_t h = 5, w = 7;
    const Matrix x = images(1, h, w);
    const auto same = warped(x, h, w, 0.0, 0.0, 0.0);
    CHECK(std::memcmp(same.data(), x.row(0), h * w * sizeof(float)) == 0);
    const auto moved = warped(x, h, w, 2.0, -3.0, 0.0);  // 2 rows down, 3 columns left
    for (std::size_t r = 0; r < h; ++r)
        for (std::size_t c = 0; c < w; ++c) {
            CAPTURE(r);
            CAPTURE(c);
            const bool inside = r >= 2 && c + 3 < w;
            CHECK(moved[r * w + c] == (inside ? px(x, r - 2, c + 3, w) : 0.0f));
        }
    // Half a pixel right: the mean of each pixel and its left neighbour (bilinear).
    const auto half = warped(x, h, w, 0.0, 0.5, 0.0);
    CHECK(half[0] == doctest::Approx(0.5 * px(x, 0, 0, w)));
    CHECK(half[1 * w + 4] == doctest::Approx(0.5 * (px(x, 1, 3, w) + px(x, 1, 4, w))));
    // Shifted out of the frame: nothing left.
    for (float v : warped(x, h, w, 0.0, double(w), 0.0)) CHECK(v == 0.0f);
}

TEST_CASE("warp_image: 90 degrees is the transposition-based rotation; 180 flips both axes") {
    const std::size_t n = 6;
    const Matrix sq = images(1, n, n, 4);
    const auto turned = warped(sq, n, n, 0.0, 0.0, 90.0);
    // Counter-clockwise as displayed: the transpose, rows in reverse order.
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = 0; c < n; ++c) CHECK(turned[r * n + c] == doctest::Approx(px(sq, c, n - 1 - r, n)).epsilon(1e-5));
    const auto back = warped(sq, n, n, 0.0, 0.0, -90.0);
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = 0; c < n; ++c) CHECK(back[r * n + c] == doctest::Approx(px(sq, n - 1 - c, r, n)).epsilon(1e-5));
    // 180 degrees about the centre of a non-square image.
    const std::size_t h = 4, w = 7;
    const Matrix x = images(1, h, w, 5);
    const auto flipped = warped(x, h, w, 0.0, 0.0, 180.0);
    for (std::size_t r = 0; r < h; ++r)
        for (std::size_t c = 0; c < w; ++c)
            CHECK(flipped[r * w + c] == doctest::Approx(px(x, h - 1 - r, w - 1 - c, w)).epsilon(1e-5));
}

TEST_CASE("augment_rows: reproducible from (seed, step), per row, at any thread count") {
    const Matrix x = images(40, 8, 8);
    const ImageAugmentation a = ImageAugmentation::images(8, 8);
    ThreadPool one(1), three(3);
    const auto run = [&](std::uint64_t seed, std::uint64_t step, ThreadPool* pool) {
        Matrix out(x.rows(), x.cols());
        augment_rows(a, x.view(), out.view(), seed, step, pool);
        return std::vector<float>(out.data(), out.data() + out.size());
    };
    const auto base = run(7, 1, &one);
    CHECK(run(7, 1, &three) == base);
    CHECK(run(8, 1, &one) != base);
    CHECK(run(7, 2, &one) != base);
    CHECK(base != std::vector<float>(x.data(), x.data() + x.size()));
    // Row i's draws do not depend on the other rows: the first 5 rows alone augment the same.
    Matrix head(5, x.cols()), out(5, x.cols());
    std::memcpy(head.data(), x.data(), head.size() * sizeof(float));
    augment_rows(a, head.view(), out.view(), 7, 1, &one);
    CHECK(std::vector<float>(out.data(), out.data() + out.size()) ==
          std::vector<float>(base.begin(), base.begin() + std::ptrdiff_t(out.size())));
    // Every row moved, each by its own draw (no two rows alike when the rows are one image).
    Matrix copies(4, x.cols()), moved(4, x.cols());
    for (std::size_t i = 0; i < 4; ++i) std::memcpy(copies.row(i), x.row(0), x.cols() * sizeof(float));
    augment_rows(a, copies.view(), moved.view(), 7, 1, &one);
    for (std::size_t i = 1; i < 4; ++i) CHECK(std::memcmp(moved.row(0), moved.row(i), x.cols() * sizeof(float)) != 0);
    // No shift and no rotation leave every row as it was.
    ImageAugmentation still = a;
    still.max_shift = still.max_rotation = 0.0;
    Matrix all(x.rows(), x.cols());
    CHECK(error_of([&] { augment_rows(still, x.view(), out.view(), 7, 1); }).find("output is 5 x 64") != std::string::npos);
    augment_rows(still, x.view(), all.view(), 7, 1, &three);
    CHECK(std::memcmp(all.data(), x.data(), x.size() * sizeof(float)) == 0);
}

TEST_CASE("augmentation settings are checked with clear errors") {
    ImageAugmentation a = ImageAugmentation::images(28, 28);
    CHECK_NOTHROW(validate(a));
    CHECK(contains(error_of([&] { require_image_width(a, 256); }), "28 x 28 images (784 pixels) but the data has 256"));
    ImageAugmentation off;  // disabled: nothing is checked
    CHECK_NOTHROW(validate(off));
    CHECK_NOTHROW(require_image_width(off, 3));
    a.max_shift = 1.0;
    CHECK(contains(error_of([&] { validate(a); }), "max_shift"));
    a.max_shift = std::numeric_limits<double>::quiet_NaN();
    CHECK(contains(error_of([&] { validate(a); }), "max_shift"));
    a = ImageAugmentation::images(28, 28);
    a.max_rotation = 181.0;
    CHECK(contains(error_of([&] { validate(a); }), "max_rotation"));
    a = ImageAugmentation::images(0, 28);
    CHECK(contains(error_of([&] { validate(a); }), "no pixels"));

    // The autoencoder refuses data of another width, and an invalid augmentation up front.
    AutoencoderOptions o = small(1);
    Autoencoder ae(o);
    CHECK(contains(error_of([&] { ae.fit(images(10, 5, 5).view()); }), "8 x 8 images (64 pixels) but the data has 25"));
    o.augmentation.max_rotation = -1.0;
    CHECK(contains(error_of([&] { Autoencoder bad(64, o); }), "max_rotation"));
}

TEST_CASE("training feeds augment_rows' batch as input and target; bit-identical at any thread count") {
    // One row, one batch: the network's input at step 1 is augment_rows(x, seed, step 1).
    const Matrix one_row = images(1, 8, 8);
    AutoencoderOptions o = small(1);
    Matrix seen(1, 64);
    o.input_transform = InputTransform::custom([&](MatrixView in, Rng&) {
        std::memcpy(seen.data(), in.data, 64 * sizeof(float));
    });
    Autoencoder probe(64, o);
    probe.fit(one_row);
    Matrix expect(1, 64);
    augment_rows(o.augmentation, one_row.view(), expect.view(), o.seed, 1);
    CHECK(std::memcmp(seen.data(), expect.data(), 64 * sizeof(float)) == 0);
    CHECK(std::memcmp(seen.data(), one_row.data(), 64 * sizeof(float)) != 0);

    // The target is the augmented image too. Copies of one image with every input zeroed: the
    // network can only output a constant, so the loss falls to ~0 when the targets are the
    // clean copies, but stays at the spread of the variants when they are augmented.
    Matrix copies(64, 64);
    for (std::size_t i = 0; i < 64; ++i) std::memcpy(copies.row(i), one_row.data(), 64 * sizeof(float));
    AutoencoderOptions z = small(30);
    z.optimizer = OptimizerOptions::adam(0.01);
    z.batch_size = 8;
    z.input_transform = InputTransform::custom([](MatrixView in, Rng&) {
        for (std::size_t i = 0; i < in.rows; ++i) std::fill(in.row(i), in.row(i) + in.cols, 0.0f);
    });
    Autoencoder augmented_targets(64, z);
    augmented_targets.fit(copies);
    z.augmentation = {};
    Autoencoder clean_targets(64, z);
    clean_targets.fit(copies);
    CHECK(clean_targets.loss_history().back() < 1e-3);
    CHECK(augmented_targets.loss_history().back() > 10 * clean_targets.loss_history().back());
    CHECK(augmented_targets.loss_history().back() > 0.01);

    const Matrix x = images(100, 8, 8);
    ThreadPool p1(1), p4(4);
    AutoencoderOptions a = small(3);
    a.pool = &p1;
    Autoencoder serial(64, a);
    serial.fit(x);
    a.pool = &p4;
    Autoencoder parallel(64, a);
    parallel.fit(x);
    CHECK(serial.parameters() == parallel.parameters());
    CHECK(serial.loss_history() == parallel.loss_history());
    AutoencoderOptions plain = a;
    plain.augmentation = {};
    Autoencoder unaugmented(64, plain);
    unaugmented.fit(x);
    CHECK(unaugmented.parameters() != serial.parameters());
    a.seed = 12;
    Autoencoder other(64, a);
    other.fit(x);
    CHECK(other.parameters() != serial.parameters());
    // encode never augments: codes depend on the row only.
    const Matrix c1 = serial.encode(x), c2 = serial.encode(x);
    CHECK(std::memcmp(c1.data(), c2.data(), c1.size() * sizeof(float)) == 0);
}

TEST_CASE("augmentation is saved (payload version 2 only when on) and a checkpoint resumes bit-identically") {
    const Matrix x = images(100, 8, 8);
    AutoencoderOptions o = small(4);
    o.augmentation.max_shift = 0.2;
    o.augmentation.max_rotation = 15.0;
    Autoencoder straight(64, o);
    straight.fit(x);

    ByteWriter w;
    straight.save(w);
    std::uint32_t version = 0;
    std::memcpy(&version, w.bytes().data() + 4, 4);
    CHECK(version == 2);
    ByteReader r(w.bytes().data(), w.size(), "test");
    const Autoencoder loaded = Autoencoder::load(r);
    const ImageAugmentation& la = loaded.options().augmentation;
    CHECK(la.enabled);
    CHECK(la.height == 8);
    CHECK(la.width == 8);
    CHECK(la.max_shift == 0.2);
    CHECK(la.max_rotation == 15.0);
    CHECK(loaded.parameters() == straight.parameters());
    AutoencoderOptions plain = o;
    plain.augmentation = {};
    plain.epochs = 1;
    Autoencoder unaugmented(64, plain);
    unaugmented.fit(x);
    ByteWriter w1;
    unaugmented.save(w1);
    std::memcpy(&version, w1.bytes().data() + 4, 4);
    CHECK(version == 1);  // as earlier builds wrote it

    // Cancelled after 2 epochs, resumed on 3 threads: the same weights as the straight run.
    const std::string ck = utf8(scratch().path() / "aug.ckpt");
    AutoencoderOptions c = o;
    c.checkpoint_path = ck;
    c.progress = [](const Progress& p) { return p.step < 2; };
    Autoencoder cancelled(64, c);
    CHECK_THROWS_AS(cancelled.fit(x), Cancelled);
    ThreadPool three(3);
    AutoencoderOptions more = o;
    more.pool = &three;
    Autoencoder resumed = Autoencoder::resume(ck, more);
    resumed.fit(x);
    CHECK(resumed.parameters() == straight.parameters());
    CHECK(resumed.loss_history() == straight.loss_history());
    // Resuming with other augmentation settings would train something else: refused.
    AutoencoderOptions changed = o;
    changed.augmentation.max_rotation = 10.0;
    CHECK(contains(error_of([&] { Autoencoder::resume(ck, changed); }), "augmentation 8 x 8 images, shift"));
    CHECK(contains(error_of([&] { Autoencoder::resume(ck, plain); }), "but this run asks for off"));
}

}  // namespace n2d::test
