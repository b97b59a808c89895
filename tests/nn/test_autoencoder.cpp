// Autoencoder behaviour: end-to-end gradients, training, early stopping, input transforms,
// reproducibility, serialisation and input validation.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "n2d/core/detail/file.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {

bool quick() { return std::getenv("N2D_TEST_QUICK") != nullptr; }

// n rows of rank-r data in [0, 1]: an affine map of r uniform factors.
Matrix low_rank(std::size_t n, std::size_t dim, std::size_t rank, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<double> basis(rank * dim);
    for (auto& b : basis) b = rng.uniform(-1.0, 1.0);
    Matrix x(n, dim);
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<double> f(rank);
        for (auto& v : f) v = rng.uniform(-1.0, 1.0);
        for (std::size_t j = 0; j < dim; ++j) {
            double s = 0;
            for (std::size_t k = 0; k < rank; ++k) s += f[k] * basis[k * dim + j];
            x(i, j) = static_cast<float>(0.5 + 0.5 * s / static_cast<double>(rank));
        }
    }
    return x;
}

// Mean over columns of the per-column variance: the MSE of always predicting the mean.
double mean_variance(const Matrix& x) {
    double total = 0;
    for (std::size_t j = 0; j < x.cols(); ++j) {
        double m = 0, v = 0;
        for (std::size_t i = 0; i < x.rows(); ++i) m += x(i, j);
        m /= static_cast<double>(x.rows());
        for (std::size_t i = 0; i < x.rows(); ++i) v += (x(i, j) - m) * (x(i, j) - m);
        total += v / static_cast<double>(x.rows());
    }
    return total / static_cast<double>(x.cols());
}

AutoencoderOptions small_options(std::size_t epochs = 3) {
    AutoencoderOptions o;
    o.architecture = {16, 8};
    o.latent_dim = 3;
    o.batch_size = 32;
    o.epochs = epochs;
    o.seed = 42;
    return o;
}

// Double-precision forward of the whole network from parameters() (tanh hidden, linear
// bottleneck and output), returning the batch MSE.
double reference_mse(const std::vector<std::size_t>& sizes, const std::vector<double>& p, const Matrix& x) {
    double total = 0;
    for (std::size_t r = 0; r < x.rows(); ++r) {
        std::vector<double> a(x.row(r), x.row(r) + x.cols());
        std::size_t off = 0;
        const std::size_t n_layers = sizes.size() - 1, latent_layer = n_layers / 2 - 1;
        for (std::size_t l = 0; l < n_layers; ++l) {
            const std::size_t in = sizes[l], out = sizes[l + 1];
            std::vector<double> z(out);
            for (std::size_t j = 0; j < out; ++j) {
                double s = p[off + in * out + j];
                for (std::size_t k = 0; k < in; ++k) s += a[k] * p[off + k * out + j];
                const bool linear = l == latent_layer || l + 1 == n_layers;
                z[j] = linear ? s : std::tanh(s);
            }
            off += in * out + out;
            a = z;
        }
        for (std::size_t j = 0; j < x.cols(); ++j) total += (a[j] - x(r, j)) * (a[j] - x(r, j));
    }
    return total / static_cast<double>(x.rows() * x.cols());
}

}  // namespace

TEST_CASE("a full SGD step equals the finite-difference gradient of the whole network") {
    // One full-batch step of SGD with learning rate 1 moves every parameter by -dL/dp.
    const Matrix x = low_rank(6, 5, 2, 3);
    AutoencoderOptions o;
    o.architecture = {4};
    o.latent_dim = 2;
    o.hidden_activation = Activation::tanh;
    o.batch_size = 6;
    o.epochs = 1;
    o.optimizer = OptimizerOptions::sgd(1.0);
    o.seed = 5;
    Autoencoder ae(5, o);
    const auto before = ae.parameters();
    ae.fit(x);
    const auto after = ae.parameters();
    std::vector<double> p(before.begin(), before.end());
    const auto sizes = ae.layer_sizes();
    CHECK(ae.loss_history()[0] == doctest::Approx(reference_mse(sizes, p, x)).epsilon(1e-5));
    const double h = 1e-6;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double keep = p[i];
        p[i] = keep + h;
        const double up = reference_mse(sizes, p, x);
        p[i] = keep - h;
        const double down = reference_mse(sizes, p, x);
        p[i] = keep;
        const double fd = (up - down) / (2 * h);
        const double step = double(before[i]) - double(after[i]);
        CAPTURE(i);
        CHECK(std::fabs(step - fd) <= 1e-5 + 2e-3 * std::fabs(fd));
    }

    // The first Adam step from the same start follows Keras: epsilon added to sqrt(v) of the
    // uncorrected v, lr_t = lr*sqrt(1-beta2)/(1-beta1).
    o.optimizer = OptimizerOptions::adam(0.01);
    o.optimizer.epsilon = 1e-3;
    Autoencoder adam(5, o);
    adam.fit(x);
    const auto moved = adam.parameters();
    const double b1 = 0.9, b2 = 0.999, lr_t = 0.01 * std::sqrt(1 - b2) / (1 - b1);
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double g = double(before[i]) - double(after[i]);
        const double expect = before[i] - lr_t * (1 - b1) * g / (std::sqrt((1 - b2) * g * g) + 1e-3);
        CAPTURE(i);
        CHECK(moved[i] == doctest::Approx(expect).epsilon(1e-4).scale(1e-3));
    }
}

TEST_CASE("training drives the loss on low-rank data far below the variance") {
    const Matrix x = low_rank(quick() ? 256 : 512, 20, 3, 11);
    AutoencoderOptions o = small_options(quick() ? 40 : 80);
    o.architecture = {32};
    o.optimizer = OptimizerOptions::adam(0.01);
    Autoencoder ae(20, o);
    ae.fit(x);
    const double var = mean_variance(x);
    REQUIRE(ae.loss_history().size() == o.epochs);
    MESSAGE("variance " << var << ", first epoch " << ae.loss_history().front() << ", last "
                        << ae.loss_history().back());
    CHECK(ae.loss_history().back() < 0.05 * var);
    CHECK(ae.loss_history().back() < ae.loss_history().front());
    // reconstruct() agrees with the training loss.
    const Matrix r = ae.reconstruct(x);
    double mse = 0;
    for (std::size_t i = 0; i < x.size(); ++i) mse += (r.data()[i] - x.data()[i]) * (r.data()[i] - x.data()[i]);
    CHECK(mse / static_cast<double>(x.size()) < 0.05 * var);
    const Matrix codes = ae.encode(x);
    CHECK(codes.rows() == x.rows());
    CHECK(codes.cols() == 3);
}

TEST_CASE("every hidden activation, loss and optimiser trains without diverging") {
    const Matrix x = low_rank(128, 12, 2, 4);
    for (Activation act : {Activation::linear, Activation::relu, Activation::sigmoid, Activation::tanh,
                           Activation::leaky_relu, Activation::elu, Activation::gelu}) {
        for (Loss loss : {Loss::mse, Loss::mae, Loss::binary_crossentropy}) {
            CAPTURE(to_string(act));
            CAPTURE(to_string(loss));
            AutoencoderOptions o = small_options(10);
            o.hidden_activation = act;
            o.loss = loss;
            if (loss == Loss::binary_crossentropy) o.output_activation = Activation::sigmoid;
            Autoencoder ae(12, o);
            ae.fit(x);
            CHECK(std::isfinite(ae.loss_history().back()));
            CHECK(ae.loss_history().back() < ae.loss_history().front());
        }
    }
    for (auto opt : {OptimizerOptions::sgd(0.5), OptimizerOptions::sgd(0.1, 0.9), OptimizerOptions::sgd(0.1, 0.9, true)}) {
        AutoencoderOptions o = small_options(10);
        o.optimizer = opt;
        Autoencoder ae(12, o);
        ae.fit(x);
        CHECK(ae.loss_history().back() < 0.8 * ae.loss_history().front());
    }
}

TEST_CASE("early stopping fires after `patience` epochs and restores the best weights") {
    const Matrix x = low_rank(100, 10, 2, 8);
    AutoencoderOptions o = small_options(50);
    o.patience = 3;
    o.min_delta = 1.0;  // nothing after the first epoch counts as an improvement
    Autoencoder ae(10, o);
    ae.fit(x);
    CHECK(ae.loss_history().size() == 4);
    REQUIRE(ae.restored_epoch().has_value());
    CHECK(*ae.restored_epoch() == 0);
    AutoencoderOptions one = small_options(1);
    Autoencoder first(10, one);
    first.fit(x);
    CHECK(ae.parameters() == first.parameters());

    // With a normal min_delta the loss keeps improving: no early stop, nothing restored.
    o.min_delta = 0.0;
    o.epochs = 8;
    Autoencoder steady(10, o);
    steady.fit(x);
    CHECK(steady.loss_history().size() == 8);
    CHECK(!steady.restored_epoch().has_value());
}

TEST_CASE("input transforms change the inputs but never the targets") {
    const Matrix x = low_rank(128, 10, 2, 9);
    const double var = mean_variance(x);
    // Zeroing every input leaves nothing to reconstruct from: with clean targets the best the
    // network can do is output the mean, so the loss stays near the variance (it would go to
    // 0 if the targets were zeroed too).
    AutoencoderOptions o = small_options(40);
    o.optimizer = OptimizerOptions::adam(0.01);
    std::size_t calls = 0;
    bool inputs_were_clean = true;
    o.input_transform = InputTransform::custom([&](MatrixView in, Rng&) {
        ++calls;
        for (std::size_t i = 0; i < in.rows; ++i) {
            bool found = false;  // each input row is a row of x
            for (std::size_t r = 0; r < x.rows() && !found; ++r)
                found = std::equal(in.row(i), in.row(i) + in.cols, x.row(r));
            inputs_were_clean = inputs_were_clean && found;
            std::fill(in.row(i), in.row(i) + in.cols, 0.0f);
        }
    });
    Autoencoder ae(10, o);
    ae.fit(x);
    CHECK(calls == 40 * 4);
    CHECK(inputs_were_clean);
    CHECK(ae.loss_history().back() > 0.8 * var);
    CHECK(ae.loss_history().back() < 1.2 * var);

    // Masking every entry is the same experiment with the built-in transform.
    o.input_transform = InputTransform::masking_noise(1.0);
    Autoencoder masked(10, o);
    masked.fit(x);
    CHECK(masked.loss_history().back() > 0.8 * var);

    // Gaussian noise of std 0 (clipped to [0, 1], where the data lies) is the identity; any
    // other amount changes the inputs and hence the weights.
    AutoencoderOptions plain = small_options(3);
    Autoencoder reference(10, plain);
    reference.fit(x);
    plain.input_transform = InputTransform::gaussian_noise(0.0);
    Autoencoder zero_noise(10, plain);
    zero_noise.fit(x);
    CHECK(zero_noise.parameters() == reference.parameters());
    plain.input_transform = InputTransform::gaussian_noise(0.2);
    Autoencoder noisy(10, plain);
    noisy.fit(x);
    CHECK(noisy.parameters() != reference.parameters());
    Autoencoder noisy_again(10, plain);
    noisy_again.fit(x);
    CHECK(noisy_again.parameters() == noisy.parameters());
}

TEST_CASE("same seed gives bit-identical weights at any thread count; other seeds differ") {
    const Matrix x = low_rank(200, 12, 3, 10);
    AutoencoderOptions o = small_options(3);
    o.batch_size = 48;  // 200 = 4·48 + 8: the last partial batch is a step of its own
    ThreadPool one(1), three(3);
    o.pool = &one;
    Autoencoder a(12, o);
    a.fit(x);
    o.pool = &three;
    Autoencoder b(12, o);
    b.fit(x);
    CHECK(a.parameters() == b.parameters());
    CHECK(a.loss_history() == b.loss_history());
    CHECK(a.optimizer_steps() == 3 * 5);
    o.seed = 43;
    Autoencoder c(12, o);
    c.fit(x);
    CHECK(c.parameters() != a.parameters());
}

TEST_CASE("encode is independent of how rows are batched") {
    const Matrix x = low_rank(1500, 8, 2, 12);  // more rows than one inference batch
    AutoencoderOptions o = small_options(2);
    Autoencoder ae(8, o);
    ae.fit(x);
    const Matrix all = ae.encode(x);
    const Matrix tail = ae.encode(ConstMatrixView(x).row_block(1100, 400));
    for (std::size_t i = 0; i < 400; ++i)
        for (std::size_t j = 0; j < all.cols(); ++j) REQUIRE(tail(i, j) == all(1100 + i, j));
}

TEST_CASE("save -> load gives identical codes, and optimiser state continues training exactly") {
    const Matrix x = low_rank(150, 9, 2, 13);
    AutoencoderOptions o = small_options(2);
    o.hidden_activation = Activation::gelu;
    o.activation_alpha = 0.3f;
    Autoencoder ae(9, o);
    ae.fit(x);

    ByteWriter w;
    ae.save(w);
    ByteReader r(w.bytes().data(), w.size(), "test");
    const Autoencoder back = Autoencoder::load(r);
    CHECK(r.at_end());
    CHECK(back.layer_sizes() == ae.layer_sizes());
    CHECK(back.options().hidden_activation == Activation::gelu);
    CHECK(back.options().activation_alpha == 0.3f);
    CHECK(back.loss_history() == ae.loss_history());
    const Matrix c1 = ae.encode(x), c2 = back.encode(x);
    CHECK(std::equal(c1.data(), c1.data() + c1.size(), c2.data()));

    // Two epochs straight == one epoch, save with optimiser state, load, one more epoch.
    const auto path = (std::filesystem::temp_directory_path() / "n2d_test_ae_weights.bin").string();
    AutoencoderOptions p = small_options(1);
    Autoencoder half(9, p);
    half.fit(x);
    half.save_weights(path, true);
    Autoencoder resumed = Autoencoder::load_weights(path);
    resumed.fit(x);
    p.epochs = 2;
    Autoencoder straight(9, p);
    straight.fit(x);
    CHECK(resumed.parameters() == straight.parameters());
    CHECK(resumed.optimizer_steps() == straight.optimizer_steps());

    // Damage is detected, never loaded.
    auto bytes = read_file(path);
    auto write = [&](const std::vector<unsigned char>& b) { write_file_atomically(path, b.data(), b.size()); };
    auto damaged = bytes;
    damaged[damaged.size() / 2] ^= 0x40;
    write(damaged);
    CHECK_THROWS_WITH_AS(Autoencoder::load_weights(path), doctest::Contains("checksum"), Error);
    write(std::vector<unsigned char>(bytes.begin(), bytes.end() - 10));
    CHECK_THROWS_WITH_AS(Autoencoder::load_weights(path), doctest::Contains("truncated"), Error);
    write(std::vector<unsigned char>(100, 'x'));
    CHECK_THROWS_WITH_AS(Autoencoder::load_weights(path), doctest::Contains("not an n2d autoencoder"), Error);
    std::vector<unsigned char> keras = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    keras.resize(4096, 0);
    write(keras);
    CHECK_THROWS_WITH_AS(Autoencoder::load_weights(path), doctest::Contains("HDF5 superblock"), Error);
    std::filesystem::remove(path);
    CHECK_THROWS_AS(Autoencoder::load_weights(path), Error);
    ByteReader short_reader(w.bytes().data(), w.size() / 3, "test");
    CHECK_THROWS_AS(Autoencoder::load(short_reader), Error);

    // Corrupted payloads (no file checksum to catch them) load or raise n2d::Error, never crash.
    Rng rng(99);
    std::size_t rejected = 0;
    const std::size_t header_bytes = 256;  // settings live at the front; corrupt them more often
    for (int trial = 0; trial < 300; ++trial) {
        auto bad = w.bytes();
        const std::size_t limit = trial % 2 ? bad.size() : std::min(bad.size(), header_bytes);
        bad[rng.below(limit)] ^= static_cast<unsigned char>(1u << rng.below(8));
        ByteReader br(bad.data(), bad.size(), "fuzz");
        try {
            Autoencoder::load(br);
        } catch (const Error&) {
            ++rejected;
        }
    }
    CHECK(rejected > 0);
}

TEST_CASE("progress reports every epoch and can cancel") {
    const Matrix x = low_rank(64, 6, 2, 14);
    AutoencoderOptions o = small_options(5);
    std::vector<Progress> seen;
    o.progress = [&](const Progress& p) {
        seen.push_back(p);
        return p.step < 2;
    };
    Autoencoder ae(6, o);
    CHECK_THROWS_AS(ae.fit(x), Cancelled);
    REQUIRE(seen.size() == 2);
    CHECK(std::string(seen[1].stage) == "autoencoder");
    CHECK(seen[1].total == 5);
    CHECK(seen[1].loss == ae.loss_history()[1]);
    CHECK(seen[1].items_per_second > 0);
    CHECK(seen[1].eta_seconds >= 0);
    CHECK(ae.epochs_trained() == 2);
}

TEST_CASE("bad input raises clear errors") {
    Matrix x = low_rank(20, 5, 2, 15);
    auto make = [](auto mutate) {
        AutoencoderOptions o = small_options(1);
        mutate(o);
        return Autoencoder(5, o);
    };
    CHECK_THROWS_WITH_AS(make([](AutoencoderOptions& o) { o.architecture.clear(); }),
                         doctest::Contains("architecture is empty"), Error);
    CHECK_THROWS_WITH_AS(make([](AutoencoderOptions& o) { o.architecture = {8, 0}; }),
                         doctest::Contains("architecture[1]"), Error);
    CHECK_THROWS_WITH_AS(make([](AutoencoderOptions& o) { o.batch_size = 0; }), doctest::Contains("batch_size"), Error);
    CHECK_THROWS_WITH_AS(make([](AutoencoderOptions& o) { o.latent_dim = 0; }), doctest::Contains("latent_dim"), Error);
    CHECK_THROWS_WITH_AS(make([](AutoencoderOptions& o) { o.optimizer.learning_rate = -1; }),
                         doctest::Contains("learning_rate"), Error);
    CHECK_THROWS_WITH_AS(make([](AutoencoderOptions& o) { o.input_transform = InputTransform::masking_noise(2); }),
                         doctest::Contains("masking_noise"), Error);
    CHECK_THROWS_AS(Autoencoder(0, small_options()), Error);

    Autoencoder ae(5, small_options(1));
    CHECK_THROWS_WITH_AS(ae.fit(Matrix(0, 5)), doctest::Contains("no rows"), Error);
    CHECK_THROWS_WITH_AS(ae.fit(Matrix(4, 6)), doctest::Contains("6 columns"), Error);
    CHECK_THROWS_WITH_AS(ae.encode(Matrix(4, 3)), doctest::Contains("3 columns"), Error);
    x(3, 2) = NAN;
    CHECK_THROWS_WITH_AS(ae.fit(x), doctest::Contains("row 3, column 2"), Error);
    x(3, 2) = INFINITY;
    CHECK_THROWS_WITH_AS(ae.encode(x), doctest::Contains("row 3"), Error);
    x(3, 2) = 2.0f;
    AutoencoderOptions bce = small_options(1);
    bce.loss = Loss::binary_crossentropy;
    Autoencoder b(5, bce);
    CHECK_THROWS_WITH_AS(b.fit(x), doctest::Contains("[0, 1]"), Error);
    CHECK(ae.encode(Matrix(0, 5)).rows() == 0);
    // A learning rate that blows up is reported, not returned as NaN weights.
    AutoencoderOptions wild = small_options(5);
    wild.optimizer = OptimizerOptions::sgd(1e30);
    Autoencoder w(5, wild);
    x(3, 2) = 0.5f;
    CHECK_THROWS_WITH_AS(w.fit(x), doctest::Contains("diverged"), Error);
}

TEST_CASE("pendigits: the autoencoder learns the real data") {
    const auto dir = test::shared_datasets();
    if (dir.empty() || !std::filesystem::exists(dir / "pendigits")) {
        MESSAGE("shared datasets absent: skipping");
        return;
    }
    const Matrix x = load_dataset("pendigits", dir.string()).x;  // 10992 × 16, small enough for the quick run
    REQUIRE(x.cols() == 16);
    AutoencoderOptions o;
    o.architecture = {64, 64, 128};
    o.latent_dim = 10;
    o.epochs = 5;
    Autoencoder ae(16, o);
    ae.fit(x);
    const double var = mean_variance(x);
    MESSAGE("pendigits variance " << var << ", loss by epoch " << ae.loss_history()[0] << " ... "
                                  << ae.loss_history().back());
    CHECK(ae.loss_history().back() < 0.25 * var);
    const Matrix codes = ae.encode(x);
    CHECK(codes.rows() == x.rows());
}

TEST_CASE("an autoencoder built by its first fit equals one built with the input width; fit returns *this") {
    const Matrix x = low_rank(120, 12, 3, 11);
    Autoencoder eager(12, small_options(2));
    eager.fit(x);
    Autoencoder lazy(small_options(2));
    CHECK_FALSE(lazy.built());
    CHECK(lazy.input_dim() == 0);
    CHECK(lazy.latent_dim() == 3);
    CHECK(lazy.epochs_trained() == 0);
    CHECK_THROWS_WITH_AS(lazy.encode(x), doctest::Contains("call fit(x) first"), Error);
    CHECK_THROWS_AS(lazy.parameters(), Error);
    Autoencoder& same = lazy.fit(x);
    CHECK(&same == &lazy);
    CHECK(lazy.built());
    CHECK(lazy.parameters() == eager.parameters());
    const Matrix a = lazy.transform(x), b = eager.encode(x);
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
    Autoencoder fresh(small_options(2));
    const Matrix c = fresh.fit_transform(x);
    CHECK(std::memcmp(c.data(), b.data(), c.size() * sizeof(float)) == 0);
}
