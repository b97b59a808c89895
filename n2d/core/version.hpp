// The library version. Everything is declared in the inline namespace n2d::v0 (the ABI
// version): two builds of n2d with different ABI namespaces linked into one program keep
// distinct symbols instead of silently mixing. A release that breaks the ABI renames it.
#pragma once

namespace n2d::inline v0 {
inline constexpr int kVersionMajor = 0;
inline constexpr int kVersionMinor = 1;
inline constexpr int kVersionPatch = 0;
inline constexpr const char* kVersionString = "0.1.0";
}  // namespace n2d
