// A small built-in bitmap font for plot text: printable ASCII in 5 × 9 cells (7 rows above the
// baseline, 2 for descenders), drawn by our own hand; the glyph art lives in font.cpp.
#pragma once
#include <array>
#include <cstdint>

namespace n2d::inline v0::font {

inline constexpr int kGlyphWidth = 5;   // pixels per glyph row
inline constexpr int kGlyphHeight = 9;  // rows: 0-6 cap height, 7-8 descenders
inline constexpr int kAdvance = 6;      // horizontal step from one character to the next
inline constexpr int kLineHeight = 11;  // vertical step between lines

// Rows of the glyph for `c`, top first; bit 4 is the leftmost column. Characters outside
// printable ASCII (32-126) are drawn as '?'.
const std::array<std::uint8_t, kGlyphHeight>& glyph(char c) noexcept;

}  // namespace n2d::font
