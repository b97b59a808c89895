// The options text a model stores (n2d.options): values that do not parse exactly are refused,
// never wrapped or clamped (tests/fuzz/fuzz_options found these).
#include <doctest/doctest.h>

#include <string>

#include "n2d/pipeline/options_text.hpp"

using namespace n2d;

namespace {

std::string apply_error(const std::string& key, const std::string& value) {
    N2DOptions o;
    try {
        apply_options_text(o, {{key, value}});
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("apply_options_text refuses sizes that strtoull would wrap or clamp") {
    for (const char* bad : {"-1", " -1", "+3", "99999999999999999999", "1 ", "", "0x10"}) {
        INFO("'", bad, "'");
        const std::string e = apply_error("ae.epochs", bad);
        CHECK(e.find("saved option 'ae.epochs'") != std::string::npos);
    }
    CHECK(apply_error("ae.architecture", "8,-1") != "");
    N2DOptions o;
    apply_options_text(o, {{"ae.epochs", "18446744073709551615"}, {"ae.architecture", "8,16"}});
    CHECK(o.autoencoder.epochs == 18446744073709551615ull);
    CHECK(o.autoencoder.architecture == std::vector<std::size_t>{8, 16});
}

TEST_CASE("apply_options_text refuses numbers out of their type's range") {
    CHECK(apply_error("gmm.tol", "1e999").find("out of range") != std::string::npos);
    CHECK(apply_error("umap.min_dist", "1e300").find("out of range") != std::string::npos);
    CHECK(apply_error("umap.spread", "-1e39").find("out of range") != std::string::npos);
    N2DOptions o;
    apply_options_text(o, {{"umap.min_dist", "0.25"}, {"gmm.tol", "1e-300"}});
    CHECK(o.umap.min_dist == 0.25f);
    CHECK(o.gmm.tol == 1e-300);
}
