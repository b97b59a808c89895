// The CLI at the limits: outputs into a missing folder or onto a folder are refused before any
// work (exit 2); a full disk (a shell file size limit) or a read-only folder (a private mount)
// fails the write with a clear message and keeps the previous file; a synthetic set too large for memory (a shell address-space limit)
// exits 1 naming the memory needed. The runs avoid training (--embedder none), as this suite
// also runs under an emulator.
#include <algorithm>
#include <string>

#include "cli_run.hpp"
#include "limits_util.hpp"

namespace {

using n2d::test::contains;

const std::string kQuickFit = "fit synthetic --embedder none --manifold none --quiet";

}  // namespace

TEST_CASE("outputs into a missing folder or onto a folder are refused before loading or fitting") {
    if (!have_tool()) return;
    const fs::path missing = scratch() / "no-such-folder" / "m.n2d";
    Run r = run("fit synthetic --model-out " + q(missing));
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "n2d fit: --model-out: cannot write '" + missing.string() + "'"));
    CHECK(contains(r.err, "does not exist; create it first"));
    CHECK(r.out.empty());  // nothing ran

    r = run("fit synthetic --plot " + q(scratch()));
    CHECK(r.status == 2);
    CHECK(contains(r.err, "n2d fit: --plot: cannot write '" + scratch().string() + "': it is a folder"));
    std::ofstream(scratch() / "a-file") << "x";
    r = run("fit synthetic --save-dir " + q(scratch() / "a-file" / "results"));
    CHECK(r.status == 1);
    CHECK(contains(r.err, "n2d fit: cannot create the folder"));
    CHECK(r.out.empty());
    r = run("predict no-model.n2d synthetic --latent-out " + q(scratch() / "none" / "z.npy"));
    CHECK(r.status == 2);
    CHECK(contains(r.err, "n2d predict: --latent-out: cannot write"));
}

TEST_CASE("--synthetic-samples and --synthetic-dim size the synthetic set; bad values are usage errors") {
    if (!have_tool()) return;
    Run r = run(kQuickFit + " --synthetic-samples 120 --synthetic-dim 5 --json");
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(contains(r.out, "\"n\": 120,"));
    CHECK(contains(r.out, "\"dim\": 5,"));
    // A model of 120 samples predicts the full set; the labels go to --predictions alone.
    const fs::path model = scratch() / "small.n2d", labels = scratch() / "small-labels.txt";
    REQUIRE(run(kQuickFit + " --synthetic-samples 120 --model-out " + q(model)).status == 0);
    r = run("predict " + q(model) + " synthetic --predictions " + q(labels));
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    const std::string written = slurp(labels);
    CHECK(std::count(written.begin(), written.end(), '\n') == 6000);
    r = run(kQuickFit + " --synthetic-samples 5");
    CHECK(r.status == 2);
    CHECK(contains(r.err, "'--synthetic-samples' is 5 but must be in [6, "));
    r = run(kQuickFit + " --synthetic-dim 2");
    CHECK(r.status == 2);
    CHECK(contains(r.err, "'--synthetic-dim' is 2 but must be in [3, "));
    r = run("fit " + q(scratch() / "data.csv") + " --synthetic-dim 8");
    CHECK(r.status == 2);
    CHECK(contains(r.err, "size the built-in `synthetic` data set"));
    CHECK(contains(run("fit --help").out, "--synthetic-samples N"));
}

#if !defined(_WIN32)
TEST_CASE("a full disk: exit 1 naming the file and the reason, the previous model intact, no temporary file") {
    if (!have_tool() || n2d::test::kSanitized) return;
    const n2d::test::ScratchDir dir("n2d-test-cli-limits");
    const fs::path model = dir.path() / "m.n2d";
    std::ofstream(model) << "previous model";
    // 8 KiB per file: the GMM of 6 clusters in 32 dimensions is larger; the small stdout and
    // stderr files are not.
    const Run r = run(kQuickFit + " --synthetic-samples 200 --model-out " + q(model), "trap '' XFSZ; ulimit -f 16; ");
    INFO(r.err);
    CHECK(r.status == 1);
    CHECK(contains(r.err, "cannot write '" + model.string() + "': File too large"));
    CHECK(contains(r.err, "The previous file (if any) is unchanged"));
    CHECK(n2d::test::file_text(model) == "previous model");
    CHECK(n2d::test::names_in(dir.path()) == std::set<std::string>{"m.n2d"});
}

TEST_CASE("a read-only folder: exit 1 naming the file and the reason, the previous model intact") {
    if (!have_tool() || n2d::test::kSanitized) return;
    const n2d::test::ScratchDir dir("n2d-test-cli-limits");
    const fs::path model = dir.path() / "m.n2d";
    std::ofstream(model) << "previous model";
    // The folder is read-only for a forked child and the n2d it starts (a private mount).
    const auto r = n2d::test::run_in_child([&]() -> std::string {
        if (!n2d::test::read_only_bind_mount(dir.path())) return "skip: no private mount namespace here";
        const Run run_result = run(kQuickFit + " --synthetic-samples 200 --model-out " + q(model));
        return std::to_string(run_result.status) + "\n" + run_result.err;
    });
    if (r.text.rfind("skip:", 0) == 0) {
        MESSAGE(r.text);
        return;
    }
    INFO(r.text);
    CHECK(r.text.rfind("1\n", 0) == 0);
    CHECK(contains(r.text, "to write '" + model.string() + "': Read-only file system"));
    CHECK(n2d::test::file_text(model) == "previous model");
    CHECK(n2d::test::names_in(dir.path()) == std::set<std::string>{"m.n2d"});
}

TEST_CASE("--json redirected onto a full disk (/dev/full): exit 1 saying the output is incomplete") {
    if (!have_tool()) return;
    if (!fs::exists("/dev/full")) {
        MESSAGE("skipped: no /dev/full here");
        return;
    }
    std::string cmd;
    if (const char* emulator = std::getenv("N2D_TEST_EMULATOR"); emulator && *emulator) cmd = std::string(emulator) + " ";
    cmd += q(tool()) + " " + kQuickFit + " --synthetic-samples 120 --json > /dev/full 2> " + q(scratch() / "stderr.txt");
    const int raw = std::system(cmd.c_str());
    const std::string err = slurp(scratch() / "stderr.txt");
    INFO(err);
    CHECK((WIFEXITED(raw) && WEXITSTATUS(raw) == 1));
    CHECK(contains(err, "n2d: cannot write to standard output: No space left on device; the output is incomplete"));
}

TEST_CASE("a synthetic set too large for memory: exit 1 naming the memory needed") {
    if (!have_tool() || n2d::test::kSanitized) return;
    if (const char* emulator = std::getenv("N2D_TEST_EMULATOR"); emulator && *emulator) {
        MESSAGE("skipped: an address-space limit would apply to the emulator, not to n2d");
        return;
    }
    const Run r = run("fit synthetic --synthetic-samples 100000000 --synthetic-dim 1000", "ulimit -v 2097152; ");
    INFO(r.err);
    CHECK(r.status == 1);
    CHECK(contains(r.err, "n2d fit: loading 'synthetic': out of memory: a 100000000 x 1000 float32 matrix needs "
                          "372.5 GiB (400000000000 bytes)"));
    CHECK(contains(r.err, "ulimit -v"));
}
#endif
