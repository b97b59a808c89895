// The pipeline with image augmentation (autoencoder.augmentation): the option checks, a wrong
// image shape refused before anything is fitted, and the settings kept through the model file
// while predict does not augment.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "n2d/n2d.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

// 16 columns in [0, 1], seen as 4 x 4 images.
N2DOptions augmented() {
    N2DOptions o;
    o.n_clusters = 3;
    o.autoencoder.architecture = {16, 16, 32};
    o.autoencoder.epochs = 2;
    o.autoencoder.batch_size = 64;
    o.autoencoder.augmentation = ImageAugmentation::images(4, 4);
    o.umap.n_epochs = 50;
    o.gmm.n_init = 1;
    o.seed = 9;
    return o;
}

Matrix images() {
    SyntheticOptions s;
    s.n_samples = 150;
    s.n_clusters = 3;
    s.dim = 16;
    return make_synthetic(s).x;
}

}  // namespace

TEST_CASE("pipeline augmentation: refused with per-column scaling, without the autoencoder, on another shape") {
    N2DOptions o = augmented();
    CHECK_NOTHROW(validate(o));
    o.scaling = Scaling::minmax;
    CHECK(contains(error_of([&] { validate(o); }), "scales each column on its own"));
    o = augmented();
    o.embedder = EmbedderKind::none;
    CHECK(contains(error_of([&] { validate(o); }), "needs the autoencoder embedder"));

    o = augmented();
    o.autoencoder.augmentation = ImageAugmentation::images(3, 4);
    N2D model(o);
    CHECK(contains(error_of([&] { model.fit(images()); }), "3 x 4 images (12 pixels) but the data has 16 columns"));
    CHECK_FALSE(model.fitted());
}

TEST_CASE("pipeline augmentation: kept in the model file; predict encodes rows as they are") {
    const Matrix x = images();
    N2D model(augmented());
    model.fit(x);
    const N2D loaded = N2D::load_from_bytes(model.save_to_bytes(), "memory");
    const ImageAugmentation& a = loaded.options().autoencoder.augmentation;
    CHECK(a.enabled);
    CHECK(a.height == 4);
    CHECK(a.width == 4);
    CHECK(a.max_shift == 0.1);
    CHECK(a.max_rotation == 10.0);
    const N2DOutput out = loaded.predict_all(x);
    REQUIRE(out.latent.size() == model.latent().size());
    CHECK(std::memcmp(out.latent.data(), model.latent().data(), out.latent.size() * sizeof(float)) == 0);

    // Augmentation changes the training, hence the codes.
    N2DOptions plain = augmented();
    plain.autoencoder.augmentation = {};
    N2D unaugmented(plain);
    unaugmented.fit(x);
    CHECK(std::memcmp(unaugmented.latent().data(), model.latent().data(), out.latent.size() * sizeof(float)) != 0);
}

}  // namespace n2d::test
