// Checkpoint and resume: an interrupted-and-resumed training run equals the uninterrupted one
// bit for bit (at any thread count, with early stopping and noise), old weights files still
// load, and damaged or mismatched checkpoints are refused with a clear n2d::Error.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

#include "n2d/core/bytes.hpp"
#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {

const test::ScratchDir& scratch() {
    static const test::ScratchDir dir("n2d-test-checkpoint");
    return dir;
}
std::string path_of(const char* name) { return test::utf8(scratch().path() / name); }

Matrix data(std::size_t n = 150, std::size_t dim = 9) {
    Rng rng(5);
    Matrix x(n, dim);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.uniform());
    return x;
}

AutoencoderOptions options(std::size_t epochs) {
    AutoencoderOptions o;
    o.architecture = {16, 8};
    o.latent_dim = 3;
    o.batch_size = 32;  // 150 = 4·32 + 22: a partial last batch
    o.epochs = epochs;
    o.seed = 7;
    return o;
}

void check_same(const Autoencoder& a, const Autoencoder& b) {
    CHECK(a.parameters() == b.parameters());
    CHECK(a.loss_history() == b.loss_history());
    CHECK(a.optimizer_steps() == b.optimizer_steps());
    CHECK(a.restored_epoch() == b.restored_epoch());
}

}  // namespace

TEST_CASE("4 epochs straight == 2 epochs, checkpoint, resume for 2 more — at another thread count too") {
    const Matrix x = data();
    ThreadPool one(1), three(3);
    AutoencoderOptions o = options(4);
    o.pool = &one;
    Autoencoder straight(x.cols(), o);
    straight.fit(x);

    const std::string ck = path_of("ck.bin");
    AutoencoderOptions first = options(2);
    first.pool = &three;
    first.checkpoint_path = ck;
    first.checkpoint_every = 1;
    Autoencoder half(x.cols(), first);
    half.fit(x);
    REQUIRE(std::filesystem::exists(ck));

    AutoencoderOptions more = options(4);
    more.pool = &three;
    Autoencoder resumed = Autoencoder::resume(ck, more);
    CHECK(resumed.epochs_trained() == 2);
    resumed.fit(x);
    check_same(resumed, straight);
    // The resumed run went on checkpointing nowhere (no path given): ck still holds epoch 2.
    CHECK(Autoencoder::load_weights(ck).epochs_trained() == 2);
}

TEST_CASE("a cancelled run leaves a checkpoint that resumes exactly, with early stopping and noise") {
    const Matrix x = data();
    AutoencoderOptions o = options(9);
    o.patience = 2;
    o.min_delta = 0.02;  // epochs 3, 5 and 6 count as no improvement
    o.input_transform = InputTransform::gaussian_noise(0.1);
    Autoencoder straight(x.cols(), o);
    straight.fit(x);
    // It stops early at epoch 6 and restores epoch 4's weights: the run cancelled after epoch 5
    // below must carry the patience count and the best weights across the resume.
    CHECK(straight.loss_history().size() == 6);
    CHECK(straight.restored_epoch() == std::optional<std::size_t>(3));

    const std::string ck = path_of("cancel.bin");
    AutoencoderOptions c = o;
    c.checkpoint_path = ck;
    c.checkpoint_every = 100;  // only the checkpoint written on cancel
    c.progress = [](const Progress& p) { return p.step < 5; };
    Autoencoder cancelled(x.cols(), c);
    CHECK_THROWS_AS(cancelled.fit(x), Cancelled);
    REQUIRE(std::filesystem::exists(ck));

    Autoencoder resumed = Autoencoder::resume(ck, o);
    resumed.fit(x);
    check_same(resumed, straight);

    // A checkpoint of a finished call resumed with the same epochs trains nothing and ends the
    // same way (best weights restored).
    AutoencoderOptions done = o;
    done.checkpoint_path = ck;
    Autoencoder full(x.cols(), done);
    full.fit(x);
    Autoencoder again = Autoencoder::resume(ck, o);
    again.fit(x);
    check_same(again, straight);
}

TEST_CASE("weights files of version 1 still load; a checkpoint loads as plain weights and resumes") {
    const Matrix x = data();
    Autoencoder ae(x.cols(), options(2));
    ae.fit(x);
    ByteWriter payload;  // a version-1 file: header, then the bare payload
    ae.save(payload, true);
    ByteWriter file;
    file.put_bytes("N2DAEWTS", 8);
    file.put<std::uint32_t>(1);
    file.put<std::uint32_t>(crc32(payload.bytes().data(), payload.size()));
    file.put<std::uint64_t>(payload.size());
    file.align(64);
    file.put_bytes(payload.bytes().data(), payload.size());
    const std::string v1 = path_of("v1.bin");
    write_file_atomically(v1, file.bytes().data(), file.size());
    const Autoencoder old = Autoencoder::load_weights(v1);
    CHECK(old.parameters() == ae.parameters());
    CHECK(old.loss_history() == ae.loss_history());
    CHECK_THROWS_WITH_AS(Autoencoder::resume(v1, options(2)), doctest::Contains("not a checkpoint"), Error);

    const std::string ck = path_of("plain.bin");
    ae.save_checkpoint(ck);
    CHECK(Autoencoder::load_weights(ck).parameters() == ae.parameters());
    Autoencoder more = Autoencoder::resume(ck, options(3));  // saved after fit, not during it
    more.fit(x);
    Autoencoder three(x.cols(), options(3));
    three.fit(x);
    CHECK(more.parameters() == three.parameters());
    // The current version is 2.
    const auto bytes = read_file(ck);
    std::uint32_t version = 0;
    std::memcpy(&version, bytes.data() + 8, 4);
    CHECK(version == 2);
}

TEST_CASE("damaged or mismatched checkpoints are refused with a clear error") {
    const Matrix x = data();
    const std::string ck = path_of("bad.bin");
    AutoencoderOptions o = options(2);
    o.checkpoint_path = ck;
    Autoencoder(x.cols(), o).fit(x);
    o.checkpoint_path.clear();

    // Another architecture, batch size or seed: named in the message.
    AutoencoderOptions arch = options(4);
    arch.architecture = {16, 16};
    CHECK_THROWS_WITH_AS(Autoencoder::resume(ck, arch), doctest::Contains("architecture 16,8"), Error);
    AutoencoderOptions batch = options(4);
    batch.batch_size = 64;
    CHECK_THROWS_WITH_AS(Autoencoder::resume(ck, batch), doctest::Contains("batch_size"), Error);
    AutoencoderOptions seed = options(4);
    seed.seed = 8;
    CHECK_THROWS_WITH_AS(Autoencoder::resume(ck, seed), doctest::Contains("seed"), Error);

    // Data of another width, other rows, other values.
    Autoencoder wide = Autoencoder::resume(ck, options(4));
    CHECK_THROWS_WITH_AS(wide.fit(data(150, 10)), doctest::Contains("150 x 9"), Error);
    wide.fit(x);  // a refused call still resumes: 2 more epochs, not 4
    CHECK(wide.epochs_trained() == 4);
    Autoencoder rows = Autoencoder::resume(ck, options(4));
    CHECK_THROWS_WITH_AS(rows.fit(data(140, 9)), doctest::Contains("resume on the data"), Error);
    Matrix changed = data();
    changed(3, 3) += 0.25f;
    Autoencoder other = Autoencoder::resume(ck, options(4));
    CHECK_THROWS_WITH_AS(other.fit(changed), doctest::Contains("CRC-32"), Error);
    // Fewer epochs than the checkpoint already trained.
    Autoencoder fewer = Autoencoder::resume(ck, options(1));
    CHECK_THROWS_WITH_AS(fewer.fit(x), doctest::Contains("at least 2"), Error);

    // Truncated, corrupted.
    const auto bytes = read_file(ck);
    const std::string cut = path_of("cut.bin");
    write_file_atomically(cut, bytes.data(), bytes.size() - 7);
    CHECK_THROWS_WITH_AS(Autoencoder::resume(cut, options(4)), doctest::Contains("truncated"), Error);
    auto flipped = bytes;
    flipped[flipped.size() - 5] ^= 0x10;
    write_file_atomically(cut, flipped.data(), flipped.size());
    CHECK_THROWS_WITH_AS(Autoencoder::resume(cut, options(4)), doctest::Contains("checksum"), Error);
    CHECK_THROWS_AS(Autoencoder::resume(path_of("missing.bin"), options(4)), Error);
}
