// `--device` and the device list of `n2d info`: unknown or unavailable devices exit 1 with
// the reason; the JSON names the device that ran.
#include <doctest/doctest.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

#include "cli_run.hpp"
#include "n2d/n2d.hpp"

TEST_CASE("n2d info lists the CPU and one entry per GPU backend") {
    if (!have_tool()) return;
    const auto r = run("info");
    CHECK(r.status == 0);
    CHECK(r.out.find("cpu ") != std::string::npos);
    CHECK(r.out.find("opencl") != std::string::npos);
    CHECK(r.out.find("cuda") != std::string::npos);
}

TEST_CASE("--device: bad names and unavailable devices exit 1 with the reason") {
    if (!have_tool()) return;
    auto r = run("fit synthetic --epochs 1 --device tpu");
    CHECK(r.status == 1);
    CHECK(r.err.find("unknown device 'tpu'") != std::string::npos);
    CHECK(r.err.find("cpu") != std::string::npos);  // names the available ones
    r = run("fit synthetic --epochs 1 --device opencl:x");
    CHECK(r.status == 1);
    CHECK(r.err.find("opencl:N") != std::string::npos);
    r = run("fit synthetic --epochs 1 --device opencl:4096");
    CHECK(r.status == 1);
    std::string err = r.err;
    for (char& c : err) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(err.find("opencl") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("--device cpu and auto run and report the device in --json") {
    if (!have_tool()) return;
    // k-means on the raw data: seconds even under qemu; the device reaches every stage alike.
    const std::string fit = "fit synthetic --embedder none --manifold none --cluster kmeans --quiet --json";
    auto r = run(fit + " --device cpu");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"device\": \"cpu\"") != std::string::npos);
    r = run(fit + " --device auto");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"device\": \"") != std::string::npos);
}

TEST_CASE("n2d fit pendigits --device opencl --epochs 2 reaches the CPU run's ACC within 0.01") {
    if (!have_tool()) return;
    bool opencl = false;
    for (const auto& d : n2d::list_devices()) opencl = opencl || (d.available && d.type == n2d::DeviceType::opencl);
    const auto dir = n2d::test::shared_datasets();
    if (!opencl || dir.empty() || !fs::exists(dir / "pendigits")) {
        MESSAGE("skipped: needs an available OpenCL device (e.g. PoCL) and the shared datasets");
        return;
    }
    if (std::getenv("N2D_TEST_QUICK")) {  // two full fits, one on PoCL: minutes under sanitizers or qemu
        MESSAGE("skipped in quick mode: runs in the full suite (make test)");
        return;
    }
    // Two epochs: PoCL runs the GPU-shaped kernels slowly, and two already give a structured code.
    const std::string common = "fit pendigits --epochs 2 --quiet --json --data-dir " + q(dir);
    const auto acc = [](const std::string& json) {
        const auto at = json.find("\"acc\": ");
        REQUIRE(at != std::string::npos);
        return std::stod(json.substr(at + 7));
    };
    const auto cpu = run(common + " --device cpu");
    REQUIRE(cpu.status == 0);
    const auto ocl = run(common + " --device opencl");
    REQUIRE(ocl.status == 0);
    CHECK(ocl.out.find("\"device\": \"opencl") != std::string::npos);
    MESSAGE("pendigits ACC: cpu " << acc(cpu.out) << ", opencl " << acc(ocl.out));
    CHECK(std::fabs(acc(ocl.out) - acc(cpu.out)) <= 0.01);
}

TEST_CASE("without an OpenCL runtime: listed unavailable with the reason, --device opencl exits 1 saying it") {
    if (!have_tool()) return;
    // N2D_OPENCL_LIBRARY names the runtime to load: a missing file stands for "not installed".
    const std::string missing = (scratch() / "no-such-libOpenCL.so").string();
    n2d::test::set_env("N2D_OPENCL_LIBRARY", missing.c_str());
    const auto info = run("info"), fit = run("fit synthetic --epochs 1 --device opencl");
    n2d::test::set_env("N2D_OPENCL_LIBRARY", nullptr);
    CHECK(info.status == 0);
    CHECK(info.out.find("no-such-libOpenCL.so not found") != std::string::npos);
    CHECK(fit.status == 1);
    CHECK(fit.err.find("no-such-libOpenCL.so not found") != std::string::npos);
}
