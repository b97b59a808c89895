// Input scaling (n2d/pipeline/scaler.hpp): the scaler's arithmetic against a direct computation,
// its refusals, and the pipeline with scaling — thread-count independence, predict scaling new
// data as fit did, the model round trip and the model file's version 4.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "n2d/model/detail/model_file.hpp"
#include "n2d/n2d.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

// Columns: a ramp, a constant, raw 0-100 style values, large offsets with a small spread.
Matrix mixed_columns() {
    const std::vector<float> v = {1, 5, 0,   1e6f + 1,  //
                                  2, 5, 100, 1e6f + 3,  //
                                  4, 5, 37,  1e6f + 2,  //
                                  8, 5, 64,  1e6f + 7,  //
                                  3, 5, 12,  1e6f + 5};
    return matrix_from(v, 4);
}

// A small pipeline that trains quickly: a narrow autoencoder, few epochs.
N2DOptions small_scaled(Scaling s) {
    N2DOptions o;
    o.n_clusters = 3;
    o.scaling = s;
    o.autoencoder.architecture = {16, 16, 32};
    o.autoencoder.epochs = 2;
    o.autoencoder.batch_size = 64;
    o.umap.n_epochs = 50;
    o.gmm.n_init = 2;
    o.seed = 5;
    return o;
}

// Three blobs whose columns have very different units (×1, ×100, ×0.01, +1000).
Matrix unit_mixed_blobs(std::size_t n, std::uint64_t seed) {
    Matrix x = blobs(n, 4, 3, 0.5, seed);
    for (std::size_t i = 0; i < x.rows(); ++i) {
        x(i, 1) *= 100;
        x(i, 2) *= 0.01f;
        x(i, 3) += 1000;
    }
    return x;
}

}  // namespace

TEST_CASE("minmax scaling matches a direct computation; a constant column maps to 0") {
    const Matrix x = mixed_columns();
    const Scaler s(Scaling::minmax, x);
    REQUIRE(s.input_dim() == 4);
    for (std::size_t j = 0; j < 4; ++j) {
        double lo = x(0, j), hi = x(0, j);
        for (std::size_t i = 0; i < x.rows(); ++i) lo = std::min(lo, double(x(i, j))), hi = std::max(hi, double(x(i, j)));
        const double range = hi > lo ? hi - lo : 1.0;
        CHECK(s.offset()[j] == lo);
        CHECK(s.divisor()[j] == range);
    }
    const Matrix y = s.transform(x);
    for (std::size_t i = 0; i < x.rows(); ++i) {
        CHECK(y(i, 1) == 0.0f);  // constant column: 0, not NaN
        for (std::size_t j = 0; j < 4; ++j) {
            CHECK(y(i, j) >= 0.0f);
            CHECK(y(i, j) <= 1.0f);
            CHECK(y(i, j) == static_cast<float>((double(x(i, j)) - s.offset()[j]) / s.divisor()[j]));
        }
    }
    CHECK(y(0, 0) == 0.0f);
    CHECK(y(3, 0) == 1.0f);
    CHECK(y(1, 2) == 1.0f);
    CHECK(y(2, 2) == doctest::Approx(0.37));
    // New data outside the training range goes outside [0, 1], unclipped, as scikit-learn's.
    const Matrix fresh = matrix_from({0, 9, 200, 1e6f + 7}, 4);
    const Matrix z = s.transform(fresh);
    CHECK(z(0, 0) == doctest::Approx(-1.0 / 7));
    CHECK(z(0, 1) == doctest::Approx(4.0));
    CHECK(z(0, 2) == doctest::Approx(2.0));
}

TEST_CASE("standard scaling: zero mean, population std, a constant column maps to 0") {
    const Matrix x = mixed_columns();
    const Scaler s(Scaling::standard, x);
    const double n = static_cast<double>(x.rows());
    for (std::size_t j = 0; j < 4; ++j) {
        double mean = 0, var = 0;
        for (std::size_t i = 0; i < x.rows(); ++i) mean += x(i, j);
        mean /= n;
        for (std::size_t i = 0; i < x.rows(); ++i) var += (x(i, j) - mean) * (x(i, j) - mean);
        const double sd = std::sqrt(var / n);  // population (ddof 0), as StandardScaler
        CHECK(s.offset()[j] == doctest::Approx(mean).epsilon(1e-15));
        CHECK(s.divisor()[j] == doctest::Approx(sd > 0 ? sd : 1.0).epsilon(1e-12));
    }
    CHECK(s.divisor()[1] == 1.0);
    const Matrix y = s.transform(x);
    for (std::size_t j = 0; j < 4; ++j) {
        double mean = 0, sq = 0;
        for (std::size_t i = 0; i < x.rows(); ++i) mean += y(i, j), sq += double(y(i, j)) * y(i, j);
        CHECK(mean / n == doctest::Approx(0.0).epsilon(1e-6));
        CHECK(sq / n == doctest::Approx(j == 1 ? 0.0 : 1.0).epsilon(1e-5));
    }
    for (std::size_t i = 0; i < x.rows(); ++i) CHECK(y(i, 1) == 0.0f);
}

TEST_CASE("a single row scales to zeros; none copies; NaN, Inf and bad parameters are refused") {
    const Matrix one = matrix_from({3, -2, 7}, 3);
    for (Scaling k : {Scaling::minmax, Scaling::standard}) {
        const Matrix y = Scaler(k, one).transform(one);
        for (std::size_t j = 0; j < 3; ++j) CHECK(y(0, j) == 0.0f);
    }
    const Scaler none(Scaling::none, one);
    CHECK(none.input_dim() == 0);
    const Matrix copy = none.transform(one);
    CHECK(std::memcmp(copy.data(), one.data(), 3 * sizeof(float)) == 0);

    for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
        Matrix x = mixed_columns();
        x(2, 3) = bad;
        const std::string e = error_of([&] { Scaler(Scaling::minmax, x); });
        CHECK(e.find("non-finite") != std::string::npos);
        CHECK(e.find("row 2, column 3") != std::string::npos);
        const Scaler fitted(Scaling::standard, mixed_columns());
        CHECK(error_of([&] { (void)fitted.transform(x); }).find("row 2, column 3") != std::string::npos);
    }
    const Scaler fitted(Scaling::minmax, mixed_columns());
    CHECK(error_of([&] { (void)fitted.transform(one); }).find("fitted on 4 columns but got 3") != std::string::npos);
    // A divisor of 1e-300 makes an ordinary value overflow float: refused, naming the cell.
    const Scaler tiny(Scaling::minmax, {0.0}, {1e-300});
    CHECK(error_of([&] { (void)tiny.transform(matrix_from({5}, 1)); }).find("beyond float's range") != std::string::npos);
    CHECK(error_of([] { Scaler(Scaling::minmax, {0.0, 1.0}, {1.0, 0.0}); }).find("column 1") != std::string::npos);
    CHECK(error_of([] { Scaler(Scaling::standard, {std::nan("")}, {1.0}); }).find("finite") != std::string::npos);
    CHECK(error_of([] { Scaler(Scaling::minmax, {0.0}, {1.0, 2.0}); }).find("must match") != std::string::npos);
    CHECK(parse_scaling("standard") == Scaling::standard);
    CHECK(error_of([] { parse_scaling("zscore"); }).find("none, minmax, standard") != std::string::npos);
}

TEST_CASE("a pipeline with scaling gives the same model at 1 and 2 threads, and predict scales as fit did") {
    const Matrix x = unit_mixed_blobs(240, 3);
    auto fit_with = [&](std::size_t threads) {
        set_num_threads(threads);
        N2D m(small_scaled(Scaling::standard));
        m.fit(x);
        return m;
    };
    const N2D one = fit_with(1), two = fit_with(2);
    set_num_threads(0);
    CHECK(one.scaler().offset() == two.scaler().offset());
    CHECK(one.scaler().divisor() == two.scaler().divisor());
    CHECK(std::memcmp(one.latent().data(), two.latent().data(), one.latent().size() * sizeof(float)) == 0);
    CHECK(std::memcmp(one.manifold_embedding().data(), two.manifold_embedding().data(),
                      one.manifold_embedding().size() * sizeof(float)) == 0);
    CHECK(one.labels() == two.labels());
    // predict scales the training data exactly as fit did: the same codes.
    const N2DOutput again = one.predict_all(x);
    CHECK(std::memcmp(again.latent.data(), one.latent().data(), one.latent().size() * sizeof(float)) == 0);
    // and the scaling changes what the autoencoder sees.
    N2D plain(small_scaled(Scaling::none));
    plain.fit(x);
    CHECK(std::memcmp(plain.latent().data(), one.latent().data(), one.latent().size() * sizeof(float)) != 0);
    CHECK(plain.scaler().kind() == Scaling::none);
}

TEST_CASE("a scaled model saves as options version 4 with its scaler, loads and predicts the same") {
    const Matrix x = unit_mixed_blobs(200, 4), fresh = unit_mixed_blobs(60, 8);
    N2D model(small_scaled(Scaling::minmax));
    model.fit(x);
    const auto before = model.predict_all(fresh);
    const auto image = model.save_to_bytes();
    const ModelFile mf = ModelFile::parse(image, "scaled.n2d");
    CHECK(mf.reader("n2d.options").get<std::uint32_t>() == 4);
    REQUIRE(mf.has("n2d.scaler"));
    const N2D loaded = N2D::load_from_bytes(image, "scaled.n2d");
    CHECK(loaded.options().scaling == Scaling::minmax);
    CHECK(loaded.scaler().offset() == model.scaler().offset());
    CHECK(loaded.scaler().divisor() == model.scaler().divisor());
    const auto after = loaded.predict_all(fresh);
    CHECK(after.labels == before.labels);
    CHECK(std::memcmp(after.latent.data(), before.latent.data(), before.latent.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(after.probabilities.data(), before.probabilities.data(),
                      before.probabilities.size() * sizeof(float)) == 0);
    bool scale_listed = false;
    for (const auto& [k, v] : describe_options(loaded.options())) scale_listed |= k == "scale" && v == "minmax";
    CHECK(scale_listed);

    // Without scaling nothing of it is written: the older version and no scaler section.
    N2D plain(small_scaled(Scaling::none));
    plain.fit(x);
    const auto plain_image = plain.save_to_bytes();
    const ModelFile pf = ModelFile::parse(plain_image, "plain.n2d");
    CHECK(pf.reader("n2d.options").get<std::uint32_t>() == 1);
    CHECK(!pf.has("n2d.scaler"));
    for (const auto& [k, v] : describe_options(plain.options())) CHECK(k != "scale");
}

TEST_CASE("a model whose scaler section is missing, damaged or of the wrong width is refused") {
    const Matrix x = unit_mixed_blobs(150, 6);
    N2D model(small_scaled(Scaling::standard));
    model.fit(x);
    const ModelFile mf = ModelFile::parse(model.save_to_bytes(), "m.n2d");
    // The model rebuilt with its scaler section replaced (or left out when `scaler` is empty).
    auto rebuilt = [&](const std::vector<unsigned char>& scaler) {
        ModelFileWriter w;
        for (const auto& s : mf.sections())
            if (s.name != "n2d.scaler") w.add(s.name, mf.bytes(s.name));
            else if (!scaler.empty()) w.add(s.name, scaler);
        return w.serialize();
    };
    auto scaler_bytes = [](const Scaler& s) {
        ByteWriter w;
        s.save(w);
        return w.take();
    };
    auto load_error = [&](const std::vector<unsigned char>& scaler) {
        return error_of([&] { (void)N2D::load_from_bytes(rebuilt(scaler), "m.n2d"); });
    };
    CHECK(error_of([&] { (void)N2D::load_from_bytes(rebuilt(scaler_bytes(model.scaler())), "m.n2d"); }).empty());
    CHECK(load_error({}).find("'n2d.scaler' section, which is missing") != std::string::npos);
    const std::vector<double> ones(3, 1.0), zeros(3, 0.0);
    CHECK(load_error(scaler_bytes(Scaler(Scaling::standard, zeros, ones))).find("over 3 columns") != std::string::npos);
    CHECK(load_error(scaler_bytes(Scaler(Scaling::minmax, model.scaler().offset(), model.scaler().divisor())))
              .find("records scaling standard") != std::string::npos);
    // A zero divisor written byte by byte (the Scaler constructor would refuse it).
    ByteWriter bad;
    bad.put<std::uint8_t>(2);
    bad.put_vector(std::vector<double>(4, 0.0));
    bad.put_vector(std::vector<double>{1.0, 1.0, 0.0, 1.0});
    const std::string e = load_error(bad.take());
    CHECK(e.find("column 2") != std::string::npos);
    CHECK(e.find("n2d.scaler") != std::string::npos);
}

}  // namespace n2d::test
