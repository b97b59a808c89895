// `--device` and the device list of `n2d info`: unknown or unavailable devices exit 1 with
// the reason; the JSON names the device that ran.
#include <doctest/doctest.h>

#include <cctype>
#include <string>

#include "cli_run.hpp"

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
    auto r = run("fit synthetic --epochs 1 --quiet --json --device cpu");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"device\": \"cpu\"") != std::string::npos);
    r = run("fit synthetic --epochs 1 --quiet --json --device auto");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\"device\": \"") != std::string::npos);
}
