// Scatter plots of 2-d embeddings, one panel per labelling (e.g. predicted clusters beside true
// classes), written as PNG by our own encoder (n2d/plot/png.hpp).
//
// Each panel: a title, a framed square plotting area with axis ticks, points as small
// anti-aliased discs blended with partial opacity (so 70 000 points show their density
// instead of a solid blob), and a legend beside the plot with one entry per label present.
// Deterministic: the same inputs and options give the same image bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "n2d/core/matrix.hpp"
#include "n2d/plot/canvas.hpp"

namespace n2d::inline v0 {

// Members have default initialisers, so {title, labels} or {title, labels, names} are complete.
struct ScatterPanel {
    // Shown above the panel.
    std::string title{};
    // One label (>= 0) per point, in the row order of the points.
    std::vector<int> labels{};
    // label_names[l] names label l in the legend (e.g. class names); labels without a
    // (non-empty) name are shown as unnamed_prefix + number, e.g. "cluster 3".
    std::vector<std::string> label_names{};
    // Optional palette slot per label: label l is drawn in palette_color(color_of_label[l]).
    // Empty = slot l. Lets a caller give matched clusters and classes the same colour without
    // renaming any label — e.g. ClusterAccuracy::mapping (cluster → class) for the cluster
    // panel beside an empty color_of_label for the class panel. Labels with a negative entry
    // (an unmatched cluster) or none get the lowest slots no entry uses, in label order.
    std::vector<int> color_of_label{};
    std::string unnamed_prefix = "cluster ";
};

struct ScatterOptions {
    // Side of each panel's square plotting area in pixels (the title, ticks and legend come on top).
    std::size_t plot_size = 720;
    // Marker radius in pixels; 0 = automatic (about 4.5 for a few hundred points, 1.5 for 70 000).
    float marker_radius = 0.0f;
    // Marker opacity in (0, 1]; 0 = automatic (lower for more points, so density stays visible).
    float alpha = 0.0f;
    // Same scale on both axes (true: shapes are not distorted), else each axis fills the area.
    bool equal_aspect = true;
    // Points are drawn in a shuffled order fixed by this seed, so no label systematically
    // covers another where they overlap.
    std::uint64_t draw_order_seed = 0;
    // DEFLATE level of the PNG (0-9).
    int compression_level = 6;
};

// Colour of palette slot `slot`: 20 hand-picked distinct colours (10 strong, 10 light), then
// further hues spaced by the golden angle, so any number of labels stays distinguishable.
Rgb palette_color(std::size_t slot) noexcept;

// The image write_scatter_png encodes. points2d: n × 2, finite, n >= 1. Throws n2d::Error on
// an empty panel list, a label count that differs from n, a negative label, a non-finite
// point, or out-of-range options.
Image render_scatter(ConstMatrixView points2d, const std::vector<ScatterPanel>& panels,
                     const ScatterOptions& options = {});

// Renders and writes a PNG atomically (a failure leaves any old file at `path` untouched).
void write_scatter_png(const std::string& path, ConstMatrixView points2d, const std::vector<ScatterPanel>& panels,
                       const ScatterOptions& options = {});

}  // namespace n2d
