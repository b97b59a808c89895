// Saving weights and checkpoints at the limits: a full disk (a file size limit in a forked
// child, POSIX only) or a folder in place of the file fails with a clear n2d::Error, and the
// previous file — the last good checkpoint — still loads.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "limits_util.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {


Autoencoder trained(std::size_t epochs) {
    Rng rng(3);
    Matrix x(120, 8);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.uniform());
    AutoencoderOptions o;
    o.architecture = {16, 8};
    o.latent_dim = 3;
    o.batch_size = 32;
    o.epochs = epochs;
    o.seed = 7;
    Autoencoder ae(8, o);
    ae.fit(x);
    return ae;
}

}  // namespace

TEST_CASE("save_weights into a folder: a clear error naming the path") {
    const ScratchDir dir("n2d-test-nn-limits");
    const Autoencoder ae = trained(1);
    const std::string folder = utf8(dir.path());
    CHECK(contains(error_of([&] { ae.save_weights(folder); }), "cannot write '" + folder + "': it is a folder"));
    CHECK(contains(error_of([&] { ae.save_checkpoint(utf8(dir.path() / "none" / "ck.bin")); }), "does not exist"));
}

#if !defined(_WIN32)
TEST_CASE("a checkpoint or weights file on a full disk: clear error, the last good checkpoint still loads") {
    if (kSanitized) return;
    const ScratchDir dir("n2d-test-nn-limits");
    const std::string ck = (dir.path() / "ck.bin").string(), weights = (dir.path() / "w.bin").string();
    trained(2).save_checkpoint(ck);
    trained(1).save_weights(weights);
    const Autoencoder later = trained(3);
    const ChildReport r = run_in_child([&]() -> std::string {
        if (!limit_file_size(512)) return "skip: the file size limit did not take";
        return error_of([&] { later.save_checkpoint(ck); }) + "\n" + error_of([&] { later.save_weights(weights, true); });
    });
    if (r.text.rfind("skip:", 0) == 0) {
        MESSAGE(r.text);
        return;
    }
    INFO(r.text);
    CHECK(r.status == 0);
    CHECK(contains(r.text, "cannot write '" + ck + "': File too large"));
    CHECK(contains(r.text, "cannot write '" + weights + "': File too large"));
    CHECK(Autoencoder::load_weights(ck).epochs_trained() == 2);
    CHECK(Autoencoder::load_weights(weights).epochs_trained() == 1);
    CHECK(names_in(dir.path()) == std::set<std::string>{"ck.bin", "w.bin"});
}
#endif

}  // namespace n2d::test
