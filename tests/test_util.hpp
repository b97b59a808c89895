// Helpers shared by the test suites.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <string>

namespace n2d::test {

// The shared datasets directory (N2D_DATA_DIR, else ../shared/datasets beside the checkout),
// or an empty path when absent — tests that need it skip with a message.
inline std::filesystem::path shared_datasets() {
    if (const char* env = std::getenv("N2D_DATA_DIR"); env && *env) return env;
    std::filesystem::path p = std::filesystem::path(N2D_SOURCE_DIR) / ".." / "shared" / "datasets";
    return std::filesystem::exists(p) ? p : std::filesystem::path();
}

}  // namespace n2d::test
