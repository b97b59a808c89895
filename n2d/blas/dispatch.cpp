#include "n2d/blas/detail/dispatch.hpp"

#include <string>

#include "n2d/core/error.hpp"

namespace n2d::inline v0::simd_detail {

bool usable(SimdTarget t) noexcept {
    static const std::array<bool, kTargetCount> ok = [] {
        std::array<bool, kTargetCount> r{};
        for (SimdTarget u : usable_targets()) r[static_cast<std::size_t>(u)] = true;
        return r;
    }();
    return ok[static_cast<std::size_t>(t)];
}

void throw_unusable(SimdTarget t, const char* site) {
    throw Error(std::string("n2d: ") + site + ": SIMD target " + to_string(t) +
                " is not usable on this CPU or build; run `n2d info` for the usable targets");
}

}  // namespace n2d::simd_detail
