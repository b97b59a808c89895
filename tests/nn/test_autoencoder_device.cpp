// The autoencoder on devices: the fallback for an op a device lacks, and on every available
// GPU/OpenCL device the CPU's training losses and codes.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <vector>

#include "device_util.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {

Matrix random_unit(std::size_t n, std::size_t dim, std::uint64_t seed) {
    Rng rng(seed);
    Matrix x(n, dim);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < dim; ++j) x(i, j) = static_cast<float>(rng.uniform());
    return x;
}

AutoencoderOptions options(Loss loss, std::size_t epochs) {
    AutoencoderOptions o;
    o.architecture = {24, 12};
    o.latent_dim = 4;
    o.batch_size = 50;  // 230 rows: a partial last batch
    o.epochs = epochs;
    o.loss = loss;
    o.hidden_activation = Activation::gelu;  // keeps a separate pre-activation buffer
    o.output_activation = loss == Loss::binary_crossentropy ? Activation::sigmoid : Activation::linear;
    o.seed = 5;
    return o;
}

// The other devices this machine has (none on a machine without OpenCL/CUDA).
std::vector<std::shared_ptr<Device>> gpu_devices() {
    std::vector<std::shared_ptr<Device>> out;
    for (const auto& d : list_devices())
        if (d.available && d.type != DeviceType::cpu) out.push_back(open_device(d.name));
    if (out.empty()) MESSAGE("no OpenCL/CUDA device available: only the CPU fallback paths are checked");
    return out;
}

double relative(double a, double b) { return std::fabs(a - b) / std::max(std::fabs(b), 1e-12); }

}  // namespace

TEST_CASE("a device without the loss op trains exactly like the CPU through the host fallback") {
    const Matrix x = random_unit(230, 10, 3);
    for (Loss loss : {Loss::mse, Loss::mae, Loss::binary_crossentropy}) {
        CAPTURE(to_string(loss));
        test::LimitedDevice limited(cpu_device(), {DeviceOp::loss});
        AutoencoderOptions o = options(loss, 3);
        Autoencoder cpu(10, o);
        cpu.fit(x);
        o.device = &limited;
        Autoencoder dev(10, o);
        dev.fit(x);
        CHECK(dev.loss_history() == cpu.loss_history());
        CHECK(dev.parameters() == cpu.parameters());
    }
}

TEST_CASE("every available device trains to the CPU's losses and codes") {
    const Matrix x = random_unit(230, 10, 4);
    for (const auto& device : gpu_devices()) {
        CAPTURE(device->name());
        for (Loss loss : {Loss::mse, Loss::binary_crossentropy}) {
            CAPTURE(to_string(loss));
            AutoencoderOptions o = options(loss, 3);
            Autoencoder cpu(10, o);
            cpu.fit(x);
            o.device = device.get();
            Autoencoder dev(10, o);
            dev.fit(x);
            for (std::size_t e = 0; e < 3; ++e) CHECK(relative(dev.loss_history()[e], cpu.loss_history()[e]) < 1e-3);
            const Matrix a = cpu.encode(x), b = dev.encode(x);
            double worst = 0;
            for (std::size_t i = 0; i < a.rows(); ++i)
                for (std::size_t j = 0; j < a.cols(); ++j) worst = std::max(worst, double(std::fabs(a(i, j) - b(i, j))));
            CHECK(worst < 1e-3);
        }
    }
}

TEST_CASE("pendigits: 3 epochs on each device give the CPU's losses within 1e-3 relative") {
    const auto dir = test::shared_datasets();
    if (dir.empty() || !std::filesystem::exists(dir / "pendigits")) {
        MESSAGE("shared datasets absent: skipping");
        return;
    }
    const auto devices = gpu_devices();
    if (devices.empty()) return;
    const Matrix x = load_dataset("pendigits", dir.string()).x;
    AutoencoderOptions o;
    o.architecture = {64, 64, 128};
    o.latent_dim = 10;
    o.epochs = 3;
    Autoencoder cpu(16, o);
    cpu.fit(x);
    for (const auto& device : devices) {
        CAPTURE(device->name());
        o.device = device.get();
        Autoencoder dev(16, o);
        dev.fit(x);
        for (std::size_t e = 0; e < 3; ++e) CHECK(relative(dev.loss_history()[e], cpu.loss_history()[e]) < 1e-3);
    }
}
