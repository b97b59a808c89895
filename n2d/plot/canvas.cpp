#include "n2d/plot/canvas.hpp"

#include <algorithm>
#include <cmath>

#include "n2d/core/error.hpp"
#include "n2d/plot/detail/font.hpp"

namespace n2d::inline v0 {

Image::Image(std::size_t width, std::size_t height, Rgb background) : width_(width), height_(height) {
    N2D_REQUIRE(width > 0 && height > 0 && width <= (std::size_t(1) << 30) / height,
                "image of " + std::to_string(width) + " x " + std::to_string(height) +
                    " pixels: both sides must be at least 1 and the area at most 2^30 pixels");
    pixels_.resize(3 * width * height);
    for (std::size_t i = 0; i < width * height; ++i) {
        pixels_[3 * i] = background.r;
        pixels_[3 * i + 1] = background.g;
        pixels_[3 * i + 2] = background.b;
    }
}

void Image::set(long x, long y, Rgb c) noexcept {
    if (x < 0 || y < 0 || x >= long(width_) || y >= long(height_)) return;
    std::uint8_t* p = pixels_.data() + 3 * (std::size_t(y) * width_ + std::size_t(x));
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
}

void Image::blend(long x, long y, Rgb c, float alpha) noexcept {
    if (x < 0 || y < 0 || x >= long(width_) || y >= long(height_) || !(alpha > 0.0f)) return;
    alpha = std::min(alpha, 1.0f);
    std::uint8_t* p = pixels_.data() + 3 * (std::size_t(y) * width_ + std::size_t(x));
    const std::uint8_t src[3] = {c.r, c.g, c.b};
    // The mix lies in [0, 255], so adding 0.5 and truncating rounds it (no libm call per channel).
    for (int k = 0; k < 3; ++k)
        p[k] = static_cast<std::uint8_t>(float(p[k]) + (float(src[k]) - float(p[k])) * alpha + 0.5f);
}

void Image::fill_rect(long x0, long y0, long x1, long y1, Rgb c) noexcept {
    x0 = std::max(x0, 0L);
    y0 = std::max(y0, 0L);
    x1 = std::min(x1, long(width_));
    y1 = std::min(y1, long(height_));
    for (long y = y0; y < y1; ++y)
        for (long x = x0; x < x1; ++x) set(x, y, c);
}

void Image::frame_rect(long x0, long y0, long x1, long y1, Rgb c, int thickness) noexcept {
    fill_rect(x0, y0, x1, y0 + thickness, c);
    fill_rect(x0, y1 - thickness, x1, y1, c);
    fill_rect(x0, y0, x0 + thickness, y1, c);
    fill_rect(x1 - thickness, y0, x1, y1, c);
}

void Image::fill_disc(float cx, float cy, float r, Rgb c, float alpha) noexcept {
    if (!(r > 0.0f) || !std::isfinite(cx) || !std::isfinite(cy)) return;
    const long x0 = long(std::floor(cx - r - 1)), x1 = long(std::ceil(cx + r + 1));
    const long y0 = long(std::floor(cy - r - 1)), y1 = long(std::ceil(cy + r + 1));
    for (long y = y0; y <= y1; ++y) {
        const float dy = float(y) + 0.5f - cy;
        for (long x = x0; x <= x1; ++x) {
            const float dx = float(x) + 0.5f - cx;
            // Coverage falls from 1 to 0 across the one-pixel band around the rim.
            const float coverage = std::clamp(r + 0.5f - std::sqrt(dx * dx + dy * dy), 0.0f, 1.0f);
            if (coverage > 0.0f) blend(x, y, c, alpha * coverage);
        }
    }
}

void Image::draw_text(long x, long y, std::string_view text, int scale, Rgb c) noexcept {
    scale = std::max(scale, 1);
    for (char ch : text) {
        const auto& rows = font::glyph(ch);
        for (int r = 0; r < font::kGlyphHeight; ++r)
            for (int col = 0; col < font::kGlyphWidth; ++col)
                if (rows[r] & (1u << (font::kGlyphWidth - 1 - col)))
                    fill_rect(x + col * scale, y + r * scale, x + (col + 1) * scale, y + (r + 1) * scale, c);
        x += font::kAdvance * scale;
    }
}

long Image::text_width(std::string_view text, int scale) noexcept {
    if (text.empty()) return 0;
    return (long(text.size()) * font::kAdvance - (font::kAdvance - font::kGlyphWidth)) * std::max(scale, 1);
}

long Image::text_height(int scale) noexcept { return long(font::kGlyphHeight) * std::max(scale, 1); }

std::string fit_text(const std::string& text, long max_width, int scale) {
    if (Image::text_width(text, scale) <= max_width) return text;
    std::string s = text;
    while (!s.empty() && Image::text_width(s + "...", scale) > max_width) s.pop_back();
    return s.empty() ? std::string() : s + "...";
}

}  // namespace n2d
