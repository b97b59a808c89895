// `n2d fit`'s options: the command line turned into N2DOptions (split from cmd_fit.cpp, which
// runs the fit and reports it).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "n2d/cli/args.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/pipeline/n2d_pipeline.hpp"

namespace n2d::inline v0::cli {

// Autoencoder epochs when --epochs is not given: the paper's 1000, except for the built-in
// synthetic set, where 10 epochs keep `make demo` well under a minute on 2 cores (on that
// data 10 epochs already reach ACC 1.000).
inline constexpr std::size_t kPaperEpochs = 1000, kSyntheticEpochs = 10;

// --scale when not given: a data file is scaled into [0, 1] per column, as the paper's loaders
// scale each of its datasets. Unscaled, a column in large units dominates the autoencoder's
// reconstruction loss by its size alone; on data already in one common range minmax changes
// little, while standard scaling blows up near-constant columns (image borders) into noise
// (measured in the README's "Your own data"). Named datasets already have the paper's
// preprocessing, so nothing is added on top of it. Pretrained --weights expect the inputs they
// were trained on, which only the user knows, so with them nothing is added either (and runs
// with --weights give what they gave before --scale existed).
inline constexpr Scaling kFileScaling = Scaling::minmax;
Scaling default_scaling(const std::string& data, bool pretrained_weights);

// The image shape (height, width) of a named image dataset, for --augment: mnist, mnist-test,
// fashion 28 x 28, usps 16 x 16; none for other data (--image-shape gives it).
std::optional<std::pair<std::size_t, std::size_t>> known_image_shape(const std::string& data);

// N2DOptions from the command line for `data` and k clusters (0 = auto); throws UsageError for
// options that do not fit together.
N2DOptions options_from(const Args& a, const Dataset& data, std::size_t k);

}  // namespace n2d
