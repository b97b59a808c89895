#include "n2d/plot/scatter.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <utility>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/plot/detail/png.hpp"

namespace n2d::inline v0 {

namespace {

// Panel layout in pixels around the square plotting area.
constexpr long kMarginLeft = 64, kMarginTop = 48, kMarginBottom = 40, kLegendGap = 24, kMarginRight = 20;
constexpr int kTitleScale = 2;
constexpr Rgb kBackground{255, 255, 255}, kFrame{70, 70, 70}, kText{30, 30, 30}, kTickText{80, 80, 80};

// Legend geometry: large text in one or two columns when it fits, else small text in up to kMaxColumns.
constexpr long kLargeRow = 24, kSmallRow = 14, kColumnGap = 14;
constexpr long kLargeTextMax = 240, kSmallTextMax = 150;
constexpr std::size_t kMaxColumns = 3;

// Legend marker radius and where the entry text starts, relative to the entry's left edge.
constexpr long legend_marker_radius(int scale) { return 3 * scale; }
constexpr long legend_text_offset(int scale) { return 2 * legend_marker_radius(scale) + 4 * scale + 2; }

struct LegendEntry {
    int label;
    std::string text;
};

struct Legend {
    std::vector<LegendEntry> entries;  // what is shown, in order (may end with a "+N more" line)
    int scale = 2;
    long row_height = kLargeRow;
    std::size_t rows_per_column = 0;
    long column_width = 0;
    long width = 0;
};

Legend layout_legend(const ScatterPanel& panel, const std::vector<int>& present, long plot_size) {
    Legend lg;
    for (int label : present) {
        const bool named = std::size_t(label) < panel.label_names.size() && !panel.label_names[label].empty();
        lg.entries.push_back({label, named ? panel.label_names[label] : panel.unnamed_prefix + std::to_string(label)});
    }
    const std::size_t n = lg.entries.size();
    const std::size_t large_rows = std::max<std::size_t>(1, std::size_t(plot_size / kLargeRow));
    if (n <= 2 * large_rows) {  // large text, in two columns when one is not enough
        lg.rows_per_column = n <= large_rows ? n : (n + 1) / 2;
    } else {
        lg.scale = 1;
        lg.row_height = kSmallRow;
        lg.rows_per_column = std::max<std::size_t>(1, std::size_t(plot_size / kSmallRow));
        const std::size_t capacity = lg.rows_per_column * kMaxColumns;
        if (n > capacity) {  // keep the first labels and say how many are left out
            const std::size_t hidden = n - (capacity - 1);
            lg.entries.resize(capacity - 1);
            lg.entries.push_back({-1, std::string("+").append(std::to_string(hidden)).append(" more")});
        }
    }
    const long text_max = lg.scale == 2 ? kLargeTextMax : kSmallTextMax;
    long widest = 0;
    for (LegendEntry& e : lg.entries) {
        e.text = fit_text(e.text, text_max, lg.scale);
        widest = std::max(widest, Image::text_width(e.text, lg.scale));
    }
    const std::size_t columns = (lg.entries.size() + lg.rows_per_column - 1) / std::max<std::size_t>(1, lg.rows_per_column);
    lg.column_width = legend_text_offset(lg.scale) + widest;
    lg.width = long(columns) * lg.column_width + long(columns > 0 ? columns - 1 : 0) * kColumnGap;
    return lg;
}

// Data range of one axis mapped onto the plotting area: pixel = origin + (v - lo) * scale.
struct AxisMap {
    double lo = 0, span = 1;
};

// "Nice" tick positions (steps of 1, 2 or 5 × 10^k) inside [lo, lo + span].
// decimals: digits after the point that tell the ticks apart; -1 asks for scientific notation
// (very large or very small coordinates, whose plain digits would not fit between ticks).
std::vector<double> nice_ticks(const AxisMap& a, int& decimals) {
    const double raw = a.span / 5.0;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / mag;
    const double step = (norm < 1.5 ? 1.0 : norm < 3.5 ? 2.0 : norm < 7.5 ? 5.0 : 10.0) * mag;
    const double largest = std::max(std::fabs(a.lo), std::fabs(a.lo + a.span));
    decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
    if (largest >= 1e6 || decimals > 4) decimals = -1;
    std::vector<double> ticks;
    for (double k = std::ceil(a.lo / step); k * step <= a.lo + a.span + 1e-9 * a.span && ticks.size() < 20; k += 1)
        ticks.push_back(k * step);
    return ticks;
}

std::string format_tick(double v, int decimals) {
    char buf[48];
    if (decimals < 0) std::snprintf(buf, sizeof buf, "%.3g", v);
    else std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);  // no "-0"
    return s;
}

float auto_radius(std::size_t n, long plot_size) {
    const float r = 3.2f * std::pow(6000.0f / float(n), 0.25f);
    return std::clamp(r, 1.5f, 4.5f) * float(plot_size) / 720.0f;
}

float auto_alpha(std::size_t n) { return std::clamp(std::sqrt(4000.0f / float(n)), 0.22f, 0.85f); }

// Palette slot of each present label (sorted): color_of_label where it gives one (>= 0), else
// the lowest slots no explicit entry uses, in label order; without color_of_label, the label.
std::vector<std::size_t> assign_slots(const ScatterPanel& panel, const std::vector<int>& present) {
    const auto& explicit_slot = panel.color_of_label;
    auto given = [&](int label) { return std::size_t(label) < explicit_slot.size() && explicit_slot[label] >= 0; };
    std::vector<std::size_t> slots(present.size());
    if (explicit_slot.empty()) {
        for (std::size_t k = 0; k < present.size(); ++k) slots[k] = std::size_t(present[k]);
        return slots;
    }
    std::vector<std::size_t> taken;
    for (int v : explicit_slot)
        if (v >= 0) taken.push_back(std::size_t(v));
    std::sort(taken.begin(), taken.end());
    std::size_t next_free = 0, t = 0;
    for (std::size_t k = 0; k < present.size(); ++k) {
        if (given(present[k])) {
            slots[k] = std::size_t(explicit_slot[present[k]]);
            continue;
        }
        while (t < taken.size() && taken[t] <= next_free) next_free = std::max(next_free, taken[t++] + 1);
        slots[k] = next_free++;
    }
    return slots;
}

void validate(ConstMatrixView points, const std::vector<ScatterPanel>& panels, const ScatterOptions& options) {
    N2D_REQUIRE(!panels.empty(), "scatter plot: no panels given; pass at least one ScatterPanel with labels");
    N2D_REQUIRE(points.cols == 2, "scatter plot: points2d has " + std::to_string(points.cols) +
                                      " columns but 2 are required; pass the first two columns or a 2-d embedding");
    N2D_REQUIRE(points.rows > 0, "scatter plot: points2d has no rows; there is nothing to plot");
    require_finite(points, "scatter plot points2d");
    N2D_REQUIRE(options.plot_size >= 64 && options.plot_size <= 8192,
                "ScatterOptions::plot_size is " + std::to_string(options.plot_size) + "; use 64 to 8192 pixels");
    N2D_REQUIRE(std::isfinite(options.marker_radius) && options.marker_radius >= 0 && options.marker_radius <= 64,
                "ScatterOptions::marker_radius must be 0 (automatic) or a radius up to 64 pixels");
    N2D_REQUIRE(std::isfinite(options.alpha) && options.alpha >= 0 && options.alpha <= 1,
                "ScatterOptions::alpha must be 0 (automatic) or an opacity in (0, 1]");
    N2D_REQUIRE(options.compression_level >= 0 && options.compression_level <= 9,
                "ScatterOptions::compression_level must be 0 to 9");
    for (std::size_t p = 0; p < panels.size(); ++p) {
        const ScatterPanel& panel = panels[p];
        const std::string where = "scatter plot panel " + std::to_string(p) + " ('" + panel.title + "')";
        N2D_REQUIRE(panel.labels.size() == points.rows,
                    where + " has " + std::to_string(panel.labels.size()) + " labels for " +
                        std::to_string(points.rows) + " points; give one label per point");
        for (std::size_t i = 0; i < panel.labels.size(); ++i) {
            const int l = panel.labels[i];
            N2D_REQUIRE(l >= 0, where + ": label " + std::to_string(l) + " at point " + std::to_string(i) +
                                    " is negative; labels are 0-based ids");
        }
    }
}

void draw_ticks(Image& img, long left, long top, long size, const AxisMap& x, const AxisMap& y) {
    int decimals = 0;
    for (double v : nice_ticks(x, decimals)) {
        const long px = left + long(std::lround((v - x.lo) / x.span * double(size)));
        img.fill_rect(px, top + size, px + 1, top + size + 5, kFrame);
        const std::string s = format_tick(v, decimals);
        img.draw_text(px - Image::text_width(s, 1) / 2, top + size + 9, s, 1, kTickText);
    }
    for (double v : nice_ticks(y, decimals)) {
        const long py = top + size - 1 - long(std::lround((v - y.lo) / y.span * double(size)));
        img.fill_rect(left - 5, py, left, py + 1, kFrame);
        const std::string s = format_tick(v, decimals);
        img.draw_text(left - 9 - Image::text_width(s, 1), py - 4, s, 1, kTickText);
    }
}

}  // namespace

Rgb palette_color(std::size_t slot) noexcept {
    static constexpr std::array<Rgb, 20> kPalette = {{
        {31, 100, 200}, {240, 120, 20},  {40, 160, 60},   {210, 40, 40},   {140, 90, 190},
        {140, 85, 60},  {225, 110, 190}, {105, 105, 105}, {180, 180, 30},  {20, 180, 200},
        {130, 170, 235}, {250, 185, 110}, {140, 215, 120}, {245, 145, 140}, {195, 170, 225},
        {200, 155, 130}, {245, 185, 215}, {185, 185, 185}, {220, 220, 130}, {150, 220, 232},
    }};
    if (slot < kPalette.size()) return kPalette[slot];
    // Golden-angle hues; saturation and value alternate so neighbours differ in more than hue.
    const std::size_t k = slot - kPalette.size();
    const double h = std::fmod(double(k) * 137.50776405, 360.0) / 60.0;
    const double s = (k % 2 == 0) ? 0.75 : 0.45, v = (k % 3 == 0) ? 0.85 : (k % 3 == 1) ? 0.65 : 0.95;
    const double c = v * s, xx = c * (1 - std::fabs(std::fmod(h, 2.0) - 1)), m = v - c;
    double r = 0, g = 0, b = 0;
    switch (int(h)) {
        case 0: r = c, g = xx; break;
        case 1: r = xx, g = c; break;
        case 2: g = c, b = xx; break;
        case 3: g = xx, b = c; break;
        case 4: r = xx, b = c; break;
        default: r = c, b = xx; break;
    }
    auto to8 = [m](double u) { return static_cast<std::uint8_t>(std::lround((u + m) * 255.0)); };
    return {to8(r), to8(g), to8(b)};
}

Image render_scatter(ConstMatrixView points, const std::vector<ScatterPanel>& panels, const ScatterOptions& options) {
    validate(points, panels, options);
    const std::size_t n = points.rows;
    const long size = long(options.plot_size);

    // Axis ranges with a 4% margin so markers at the extremes stay inside the frame.
    double xmin = points(0, 0), xmax = xmin, ymin = points(0, 1), ymax = ymin;
    for (std::size_t i = 1; i < n; ++i) {
        xmin = std::min(xmin, double(points(i, 0)));
        xmax = std::max(xmax, double(points(i, 0)));
        ymin = std::min(ymin, double(points(i, 1)));
        ymax = std::max(ymax, double(points(i, 1)));
    }
    double xspan = xmax - xmin, yspan = ymax - ymin;
    if (options.equal_aspect) xspan = yspan = std::max(xspan, yspan);
    if (!(xspan > 0)) xspan = std::max(1.0, std::fabs(xmin));
    if (!(yspan > 0)) yspan = std::max(1.0, std::fabs(ymin));
    const AxisMap xa{0.5 * (xmin + xmax) - 0.54 * xspan, 1.08 * xspan};
    const AxisMap ya{0.5 * (ymin + ymax) - 0.54 * yspan, 1.08 * yspan};

    // Labels present per panel, and one legend width for all panels so they line up.
    std::vector<Legend> legends;
    std::vector<std::vector<int>> present_labels;
    long legend_width = 0;
    for (const ScatterPanel& panel : panels) {
        std::vector<int> present = panel.labels;
        std::sort(present.begin(), present.end());
        present.erase(std::unique(present.begin(), present.end()), present.end());
        legends.push_back(layout_legend(panel, present, size));
        present_labels.push_back(std::move(present));
        legend_width = std::max(legend_width, legends.back().width);
    }
    const long panel_width = kMarginLeft + size + kLegendGap + legend_width + kMarginRight;
    const long panel_height = kMarginTop + size + kMarginBottom;
    Image img(std::size_t(panel_width) * panels.size(), std::size_t(panel_height), kBackground);

    const float radius = options.marker_radius > 0 ? options.marker_radius : auto_radius(n, size);
    const float alpha = options.alpha > 0 ? options.alpha : auto_alpha(n);
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    Rng(options.draw_order_seed, 0x706C6F74ull).shuffle(order);
    // Pixel positions once for all panels (the points are shared).
    std::vector<float> px(n), py(n);
    for (std::size_t i = 0; i < n; ++i) {
        px[i] = float((double(points(i, 0)) - xa.lo) / xa.span * double(size));
        py[i] = float(double(size) - (double(points(i, 1)) - ya.lo) / ya.span * double(size));
    }

    for (std::size_t p = 0; p < panels.size(); ++p) {
        const ScatterPanel& panel = panels[p];
        const Legend& lg = legends[p];
        const std::vector<int>& present = present_labels[p];
        const std::vector<std::size_t> slots = assign_slots(panel, present);
        auto color_of = [&](int label) {
            const auto at = std::lower_bound(present.begin(), present.end(), label) - present.begin();
            return palette_color(slots[std::size_t(at)]);
        };
        const long left = long(p) * panel_width + kMarginLeft, top = kMarginTop;

        // Title centred over the plot, shortened to the panel and kept inside it.
        const long panel_left = long(p) * panel_width;
        const std::string title = fit_text(panel.title, panel_width - 16, kTitleScale);
        const long title_w = Image::text_width(title, kTitleScale);
        const long title_x = std::clamp(left + size / 2 - title_w / 2, panel_left + 8, panel_left + panel_width - 8 - title_w);
        img.draw_text(title_x, (kMarginTop - Image::text_height(kTitleScale)) / 2, title, kTitleScale, kText);

        // Points, clipped to the plotting area by drawing them into a sub-image first.
        Image plot(static_cast<std::size_t>(size), static_cast<std::size_t>(size), kBackground);
        for (std::size_t i : order) plot.fill_disc(px[i], py[i], radius, color_of(panel.labels[i]), alpha);
        for (long y = 0; y < size; ++y)
            std::copy_n(plot.data() + 3 * std::size_t(y) * std::size_t(size), 3 * std::size_t(size),
                        img.data() + 3 * (std::size_t(top + y) * img.width() + std::size_t(left)));
        img.frame_rect(left - 1, top - 1, left + size + 1, top + size + 1, kFrame);
        draw_ticks(img, left, top, size, xa, ya);

        // Legend: a solid marker and the name per label present, column-major.
        const long legend_left = left + size + kLegendGap;
        const long marker_r = legend_marker_radius(lg.scale);
        for (std::size_t e = 0; e < lg.entries.size(); ++e) {
            const std::size_t column = e / lg.rows_per_column, row = e % lg.rows_per_column;
            const long x = legend_left + long(column) * (lg.column_width + kColumnGap);
            const long y = top + long(row) * lg.row_height;
            const LegendEntry& entry = lg.entries[e];
            if (entry.label >= 0)
                img.fill_disc(float(x + marker_r + 1), float(y) + 3.5f * float(lg.scale), float(marker_r),
                              color_of(entry.label));
            img.draw_text(x + legend_text_offset(lg.scale), y, entry.text, lg.scale, kText);
        }
    }
    return img;
}

void write_scatter_png(const std::string& path, ConstMatrixView points2d, const std::vector<ScatterPanel>& panels,
                       const ScatterOptions& options) {
    N2D_REQUIRE(!path.empty(), "write_scatter_png: the output path is empty; pass a file name such as plot.png");
    const Image img = render_scatter(points2d, panels, options);
    write_png(path, img.data(), img.width(), img.height(), DeflateOptions{options.compression_level});
}

}  // namespace n2d
