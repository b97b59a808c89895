// `n2d fit --checkpoint / --resume`: an interrupted run (stopped after a shorter --epochs, or by
// SIGINT) continued with --resume writes the same weights, byte for byte, as the run that was
// never interrupted.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>
#if !defined(_WIN32)
#include <csignal>
#include <unistd.h>
#endif

#include "cli_run.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/nn/autoencoder.hpp"

namespace {

// Small and fast: the weights are compared, so the manifold stage is skipped.
const std::string kFit = "fit synthetic --architecture 32,32,64 --manifold none --quiet --seed 3";

std::vector<unsigned char> bytes_of(const fs::path& p) { return n2d::read_file(p.string()); }

}  // namespace

TEST_CASE("--epochs 2 --checkpoint, then --epochs 4 --resume, saves the weights of a straight 4-epoch run") {
    if (!have_tool()) return;
    const auto a = scratch() / "a.bin", b = scratch() / "b.bin", ck = scratch() / "ck.bin";
    auto r = run(kFit + " --epochs 4 --threads 1 --save-weights " + q(a));
    INFO(r.err);
    REQUIRE(r.status == 0);
    r = run(kFit + " --epochs 2 --threads 2 --checkpoint " + q(ck));
    REQUIRE(r.status == 0);
    r = run(kFit + " --epochs 4 --threads 2 --resume " + q(ck) + " --save-weights " + q(b));
    REQUIRE(r.status == 0);
    CHECK(bytes_of(a) == bytes_of(b));
    // --resume keeps checkpointing to its file: it now holds the 4 epochs.
    CHECK(n2d::Autoencoder::load_weights(ck.string()).epochs_trained() == 4);

    // Other training settings than the checkpoint's: a clear error, exit status 1.
    r = run(kFit + " --epochs 6 --batch-size 128 --resume " + q(ck));
    CHECK(r.status == 1);
    CHECK(r.err.find("batch_size 256") != std::string::npos);
    CHECK(r.err.find("without resuming") != std::string::npos);
    // Usage errors.
    CHECK(run(kFit + " --checkpoint-every 3").status == 2);
    CHECK(run(kFit + " --weights " + q(a) + " --resume " + q(ck)).status == 2);
    CHECK(run("fit synthetic --embedder none --checkpoint " + q(ck)).status == 2);
}

#if !defined(_WIN32)
TEST_CASE("SIGINT writes the checkpoint, exits 130 saying how to resume, and the resumed run matches") {
    if (!have_tool()) return;
    const auto a = scratch() / "sa.bin", b = scratch() / "sb.bin", ck = scratch() / "sig.bin";
    const std::string epochs = " --epochs 150";
    auto r = run(kFit + epochs + " --save-weights " + q(a));
    INFO(r.err);
    REQUIRE(r.status == 0);

    const std::string cmd = "exec " + command(kFit + epochs + " --checkpoint-every 1 --checkpoint " + q(ck));
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Interrupt as soon as the first checkpoint exists (training has begun).
    int status = 0;
    bool exited = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (!fs::exists(ck) && !exited && std::chrono::steady_clock::now() < deadline) {
        exited = ::waitpid(pid, &status, WNOHANG) == pid;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE_MESSAGE(!exited, "the run ended before it could be interrupted");
    ::kill(pid, SIGINT);
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    const std::string err = slurp(scratch() / "stderr.txt");
    INFO(err);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 130);
    CHECK(err.find("interrupted (SIGINT)") != std::string::npos);
    CHECK(err.find("--resume " + ck.string()) != std::string::npos);
    const std::size_t saved = n2d::Autoencoder::load_weights(ck.string()).epochs_trained();
    CHECK(saved >= 1);
    CHECK(saved < 150);

    r = run(kFit + epochs + " --resume " + q(ck) + " --save-weights " + q(b));
    REQUIRE(r.status == 0);
    CHECK(bytes_of(a) == bytes_of(b));
}
#endif
