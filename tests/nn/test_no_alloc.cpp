// The training loop never allocates: counts global operator new calls between epochs.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "n2d/core/thread_pool.hpp"
#include "n2d/nn/autoencoder.hpp"

// ThreadSanitizer's runtime defines the global operators itself (a second definition does not
// link), so under TSan the count is not taken and the test is skipped.
#if defined(__SANITIZE_THREAD__)
#define N2D_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define N2D_UNDER_TSAN 1
#endif
#endif
#ifndef N2D_UNDER_TSAN
#define N2D_UNDER_TSAN 0
#endif

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

#if !N2D_UNDER_TSAN
void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

using namespace n2d;

TEST_CASE("no allocation inside the training loop" * doctest::skip(N2D_UNDER_TSAN)) {
    Matrix x(300, 12);
    Rng rng(3);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = rng.uniform_float();
    ThreadPool pool(2);
    for (int config = 0; config < 4; ++config) {
        CAPTURE(config);
        AutoencoderOptions o;
        o.architecture = {32, 16};
        o.latent_dim = 4;
        o.batch_size = 64;  // 300 = 4·64 + 44: includes a partial batch
        o.epochs = 4;
        o.pool = &pool;
        if (config == 1) {
            o.hidden_activation = Activation::gelu;
            o.loss = Loss::binary_crossentropy;
            o.output_activation = Activation::sigmoid;
            o.input_transform = InputTransform::gaussian_noise(0.1);
        }
        if (config == 2) {
            o.loss = Loss::mae;
            o.optimizer = OptimizerOptions::sgd(0.05, 0.9);
            o.patience = 2;
            o.input_transform = InputTransform::masking_noise(0.2);
        }
        if (config == 3) {  // the 12 columns as 3 x 4 images, augmented, then noised
            o.augmentation = ImageAugmentation::images(3, 4);
            o.input_transform = InputTransform::gaussian_noise(0.05);
        }
        std::size_t at_epoch2 = 0, at_epoch4 = 0;
        o.progress = [&](const Progress& p) {
            if (p.step == 2) at_epoch2 = g_allocations.load();
            if (p.step == 4) at_epoch4 = g_allocations.load();
            return true;
        };
        Autoencoder ae(12, o);
        ae.fit(x);
        CHECK(at_epoch2 > 0);
        CHECK(at_epoch4 == at_epoch2);
    }
}
