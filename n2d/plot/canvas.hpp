// An 8-bit RGB raster with the few drawing primitives the plots need: clipped rectangles and
// lines, alpha blending, anti-aliased discs, and text in the built-in bitmap font.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace n2d::inline v0 {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
    friend bool operator==(const Rgb&, const Rgb&) = default;
};

class Image {
public:
    Image() = default;
    // Throws n2d::Error when a side is 0 or the image would exceed 2^30 pixels.
    Image(std::size_t width, std::size_t height, Rgb background = {255, 255, 255});

    std::size_t width() const noexcept { return width_; }
    std::size_t height() const noexcept { return height_; }
    // Rows top to bottom, 3 bytes per pixel, no padding — what encode_png takes.
    const std::uint8_t* data() const noexcept { return pixels_.data(); }
    std::uint8_t* data() noexcept { return pixels_.data(); }
    Rgb pixel(std::size_t x, std::size_t y) const noexcept {
        const std::uint8_t* p = pixels_.data() + 3 * (y * width_ + x);
        return {p[0], p[1], p[2]};
    }

    // All drawing clips to the image; coordinates may lie outside it.
    void set(long x, long y, Rgb c) noexcept;
    // Mixes `c` into the pixel with weight `alpha` in [0, 1].
    void blend(long x, long y, Rgb c, float alpha) noexcept;
    // Fills [x0, x1) × [y0, y1).
    void fill_rect(long x0, long y0, long x1, long y1, Rgb c) noexcept;
    // One-pixel outline of [x0, x1) × [y0, y1), `thickness` pixels inwards.
    void frame_rect(long x0, long y0, long x1, long y1, Rgb c, int thickness = 1) noexcept;
    // Disc of radius r centred at (cx, cy) in pixel units (pixel centres at +0.5), edge
    // anti-aliased over one pixel, blended with opacity `alpha`.
    void fill_disc(float cx, float cy, float r, Rgb c, float alpha = 1.0f) noexcept;
    // Text with its top-left corner at (x, y), each font pixel drawn as scale × scale.
    void draw_text(long x, long y, std::string_view text, int scale, Rgb c) noexcept;

    // Pixel width and height of `text` drawn at `scale` (one line; no trailing spacing).
    static long text_width(std::string_view text, int scale) noexcept;
    static long text_height(int scale) noexcept;

private:
    std::size_t width_ = 0, height_ = 0;
    std::vector<std::uint8_t> pixels_;
};

// `text` shortened with "..." so that it is at most `max_width` pixels wide at `scale`.
std::string fit_text(const std::string& text, long max_width, int scale);

}  // namespace n2d
