// The data writers and the synthetic generator at the limits: a full disk or a folder in place of
// the file leaves the previous file intact with a clear error; a synthetic set too large for
// memory is an OutOfMemory naming its shape, raised before anything else is allocated. The
// forked-child cases are POSIX only (see limits_util.hpp).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "limits_util.hpp"
#include "n2d/core/error.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/data/writers.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {


}  // namespace

TEST_CASE("write_matrix into a folder or a missing folder: a clear error naming the path") {
    const ScratchDir dir("n2d-test-data-limits");
    const Matrix m(3, 2);
    std::filesystem::create_directory(dir.path() / "emb.npy");
    const std::string folder = utf8(dir.path() / "emb.npy");
    CHECK(contains(error_of([&] { write_matrix(folder, m); }), "cannot write '" + folder + "': it is a folder"));
    const std::string missing = utf8(dir.path() / "nope" / "emb.csv");
    CHECK(contains(error_of([&] { write_matrix(missing, m); }), "the folder '" + utf8(dir.path() / "nope") + "' does not exist"));
}

#if !defined(_WIN32)

TEST_CASE("write_npy and write_csv on a full disk (file size limit): the previous files intact, no temporary file") {
    if (kSanitized) return;
    const ScratchDir dir("n2d-test-data-limits");
    const auto npy = dir.path() / "latent.npy", csv = dir.path() / "latent.csv";
    for (const auto& p : {npy, csv}) std::ofstream(p) << "previous";
    const ChildReport r = run_in_child([&]() -> std::string {
        if (!limit_file_size(1024)) return "skip: the file size limit did not take";
        const Matrix m(200, 16);  // 12.8 KB as .npy, more as text
        return error_of([&] { write_npy(npy.string(), m); }) + "\n" + error_of([&] { write_csv(csv.string(), m); });
    });
    if (r.text.rfind("skip:", 0) == 0) {
        MESSAGE(r.text);
        return;
    }
    INFO(r.text);
    CHECK(r.status == 0);
    CHECK(contains(r.text, "cannot write '" + npy.string() + "': File too large"));
    CHECK(contains(r.text, "cannot write '" + csv.string() + "': File too large"));
    CHECK(file_text(npy) == "previous");
    CHECK(file_text(csv) == "previous");
    CHECK(names_in(dir.path()) == std::set<std::string>{"latent.csv", "latent.npy"});
}

TEST_CASE("a synthetic set too large for memory: OutOfMemory naming its shape, before anything else") {
    if (kSanitized) return;
    const ChildReport r = run_in_child([]() -> std::string {
        if (!limit_address_space(rlim_t(2) << 30)) return "skip: the address-space limit did not take (an emulator?)";
        SyntheticOptions o;
        o.n_samples = 100000000;
        o.dim = 1000;
        try {
            make_synthetic(o);
        } catch (const OutOfMemory& e) {
            return e.what();
        }
        return "no error";
    });
    if (r.text.rfind("skip:", 0) == 0) {
        MESSAGE(r.text);
        return;
    }
    INFO(r.text);
    CHECK(r.status == 0);
    CHECK(contains(r.text, "out of memory: a 100000000 x 1000 float32 matrix needs 372.5 GiB"));
}

#endif

}  // namespace n2d::test
