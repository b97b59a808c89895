// Never losing work at the limits: a write to a full disk, a read-only or missing folder, or a
// folder in place of a file fails with a clear n2d::Error and leaves the previous file intact
// with no temporary file behind; memory that cannot be had is an n2d::OutOfMemory naming the
// size and its use. The disk-full, read-only and address-space cases run in a forked child
// under setrlimit or a private mount namespace (POSIX only: Windows has neither).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "limits_util.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/memory.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

namespace fs = std::filesystem;


void put(const fs::path& p, const std::string& text) {
    std::ofstream f(p, std::ios::binary);
    f << text;
}

void* refuse(std::size_t, void*) { return nullptr; }
void release(void* p, void*) { std::free(p); }

}  // namespace

TEST_CASE("a folder in place of the file, a missing folder, a file in place of a folder: refused up front") {
    const ScratchDir dir("n2d-test-limits");
    const std::string payload(100, 'x');
    fs::create_directory(dir.path() / "sub");
    std::string what = error_of([&] { write_file_atomically(utf8(dir.path() / "sub"), payload.data(), payload.size()); });
    CHECK(contains(what, utf8(dir.path() / "sub") + "': it is a folder"));
    CHECK(contains(what, "give the name of a file"));

    const std::string missing = utf8(dir.path() / "no-such-folder" / "out.npy");
    what = error_of([&] { write_file_atomically(missing, payload.data(), payload.size()); });
    CHECK(contains(what, "cannot write '" + missing + "'"));
    CHECK(contains(what, "the folder '" + utf8(dir.path() / "no-such-folder") + "' does not exist; create it first"));

    put(dir.path() / "plain.txt", "old");
    what = error_of([&] { write_file_atomically(utf8(dir.path() / "plain.txt" / "x.bin"), payload.data(), payload.size()); });
    CHECK((contains(what, "is not a folder") || contains(what, "does not exist")));
    CHECK(error_of([&] { write_file_atomically("", payload.data(), payload.size()); }) != "");

    // Nothing was created by any of them.
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
    CHECK(names.size() == 2);  // sub, plain.txt
}

TEST_CASE("memory that cannot be had: n2d::OutOfMemory naming the size and the matrix shape") {
    CHECK(detail::human_bytes(0) == "0 bytes");
    CHECK(detail::human_bytes(1023) == "1023 bytes");
    CHECK(detail::human_bytes(1536) == "1.5 KiB");
    CHECK(detail::human_bytes(std::size_t(400000000000)) == "372.5 GiB");

    // An allocator that always refuses stands for an exhausted machine, on every platform.
    set_allocator({refuse, release, nullptr, nullptr, nullptr});
    std::string what;
    std::size_t bytes = 0;
    try {
        Matrix m(1000, 250);
    } catch (const OutOfMemory& e) {
        what = e.what();
        bytes = e.bytes();
    }
    reset_allocator();
    CHECK(bytes >= 1000 * 250 * sizeof(float));
    CHECK(contains(what, "out of memory: a 1000 x 250 float32 matrix needs 976."));
    CHECK(contains(what, "KiB (" + std::to_string(bytes) + " bytes)"));
    CHECK(contains(what, "use less data"));
    CHECK(Matrix(10, 10).size() == 100);  // the default allocator is back

    // Beyond 2^40 elements: refused before asking the allocator.
    what = error_of([] { Matrix m(std::size_t(1) << 30, std::size_t(1) << 20); });
    CHECK(contains(what, "1073741824 x 1048576 float32 matrix is too large"));
}

#if !defined(_WIN32)

TEST_CASE("disk full (file size limit): clear error, the previous file intact, no temporary file") {
    if (kSanitized) return;
    const ScratchDir dir("n2d-test-limits");
    const fs::path target = dir.path() / "model.bin";
    put(target, "previous contents");
    const ChildReport r = run_in_child([&]() -> std::string {
        if (!limit_file_size(4096)) return "skip: the file size limit did not take";
        const std::vector<unsigned char> big(64 * 1024, 7);
        return error_of([&] { write_file_atomically(target.string(), big.data(), big.size()); });
    });
    if (r.text.rfind("skip:", 0) == 0) {
        MESSAGE(r.text);
        return;
    }
    INFO(r.text);
    CHECK(r.status == 0);
    CHECK(contains(r.text, "cannot write '" + target.string() + "': File too large"));
    CHECK(contains(r.text, "ulimit -f"));
    CHECK(contains(r.text, "The previous file (if any) is unchanged"));
    CHECK(file_text(target) == "previous contents");
    CHECK(names_in(dir.path()) == std::set<std::string>{"model.bin"});
}

TEST_CASE("disk full (a 16 KiB tmpfs): No space left on device, the previous file intact, no temporary file") {
    if (kSanitized) return;
    const ScratchDir dir("n2d-test-limits");
    const fs::path target = dir.path() / "model.bin";
    // All in the child: the tmpfs exists only in its private mount namespace.
    const ChildReport r = run_in_child([&]() -> std::string {
        if (!private_mounts() || ::mount("tmpfs", dir.path().c_str(), "tmpfs", 0, "size=16k") != 0)
            return "skip: no private mount namespace here (no CAP_SYS_ADMIN, user namespaces off)";
        put(target, "previous contents");
        const std::vector<unsigned char> big(1 << 20, 7);
        const std::string what = error_of([&] { write_file_atomically(target.string(), big.data(), big.size()); });
        return what + "\n" + file_text(target) + "\n" + std::to_string(names_in(dir.path()).size());
    });
    if (r.text.rfind("skip:", 0) == 0) {
        MESSAGE(r.text);
        return;
    }
    INFO(r.text);
    CHECK(r.status == 0);
    CHECK(contains(r.text, "cannot write '" + target.string() + "': No space left on device; free some disk space"));
    CHECK(contains(r.text, "unchanged\nprevious contents\n1"));  // the old bytes, and no other file
}

TEST_CASE("a read-only folder (even for root): clear error, the previous file intact, no temporary file") {
    if (kSanitized) return;
    const ScratchDir dir("n2d-test-limits");
    const fs::path ro = dir.path() / "ro";
    fs::create_directory(ro);
    const fs::path target = ro / "predictions.txt";
    put(target, "1\n2\n");
    const ChildReport r = run_in_child([&]() -> std::string {
        const std::string how = make_unwritable(ro);
        if (how.empty()) return "skip: cannot make a folder unwritable here";
        return how + "\n" + error_of([&] { write_file_atomically(target.string(), "3\n", 2); });
    });
    restore_writable(ro);
    if (r.text.rfind("skip:", 0) == 0) {
        MESSAGE(r.text);
        return;
    }
    INFO(r.text);
    CHECK(r.status == 0);
    CHECK(contains(r.text, "to write '" + target.string() + "'"));
    CHECK((contains(r.text, "Read-only file system (the file system is read-only); write to another folder") ||
           contains(r.text, "Permission denied; choose a folder you may write to")));
    CHECK(file_text(target) == "1\n2\n");
    CHECK(names_in(ro) == std::set<std::string>{"predictions.txt"});
}

TEST_CASE("out of memory under a 2 GiB address-space limit: a 1e6 x 1e5 matrix throws OutOfMemory naming 372.5 GiB") {
    if (kSanitized) return;
    const ChildReport r = run_in_child([]() -> std::string {
        if (!limit_address_space(rlim_t(2) << 30)) return "skip: the address-space limit did not take (an emulator?)";
        try {
            Matrix m(1000000, 100000);
        } catch (const OutOfMemory& e) {
            Matrix small(100, 100);  // the failure left the process usable
            return std::string(e.what()) + "\n" + std::to_string(e.bytes()) + "\n" + std::to_string(small.size());
        }
        return "no error";
    });
    if (r.text.rfind("skip:", 0) == 0) {
        MESSAGE(r.text);
        return;
    }
    INFO(r.text);
    CHECK(r.status == 0);
    CHECK(contains(r.text, "n2d: out of memory: a 1000000 x 100000 float32 matrix needs 372.5 GiB"));
    CHECK(contains(r.text, "\n400000000000\n10000"));  // bytes(), then the small matrix made afterwards
}

TEST_CASE("a file larger than memory: reading it throws OutOfMemory naming the file and its size") {
    if (kSanitized) return;
    const ScratchDir dir("n2d-test-limits");
    const fs::path big = dir.path() / "big.csv";
    put(big, "");
    fs::resize_file(big, std::uintmax_t(8) << 30);  // sparse: no disk space used
    const ChildReport r = run_in_child([&]() -> std::string {
        if (!limit_address_space(rlim_t(2) << 30)) return "skip: the address-space limit did not take (an emulator?)";
        try {
            read_file(big.string());
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
    CHECK(contains(r.text, "out of memory: reading '" + big.string() + "' needs 8.0 GiB (8589934592 bytes)"));
}

#endif

}  // namespace n2d::test
