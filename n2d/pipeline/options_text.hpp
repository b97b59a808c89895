// N2DOptions as (key, value) text pairs: stored in the model file's n2d.options section (so a
// model records every option it was built with, readable by `n2d info`), and parsed back.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "n2d/pipeline/n2d_pipeline.hpp"

namespace n2d::inline v0 {

using OptionsText = std::vector<std::pair<std::string, std::string>>;

OptionsText describe_options(const N2DOptions& options);
// Restores the fields describe_options wrote (unknown keys are ignored so newer files load);
// throws n2d::Error naming a key whose value does not parse.
void apply_options_text(N2DOptions& options, const OptionsText& text);

}  // namespace n2d
