// Writers for matrices the tools hand back to users (embeddings, latent codes): NumPy .npy
// (version 1.0, little-endian float32, C order) and delimited text, both readable by the
// readers in readers.hpp. Files are written atomically: an existing file is replaced only by
// a complete new one.
#pragma once
#include <string>

#include "n2d/core/matrix.hpp"

namespace n2d::inline v0 {

// .npy: the exact float32 values.
void write_npy(const std::string& path, ConstMatrixView m);
// Delimited text, one row per line, no header; each value printed with 9 significant digits,
// enough for the float32 to read back exactly.
void write_csv(const std::string& path, ConstMatrixView m, char delimiter = ',');
// By extension: .npy → write_npy; .csv → commas; .tsv, .txt → tabs. Any other extension is an
// error that names the supported ones.
void write_matrix(const std::string& path, ConstMatrixView m);
// Throws the error write_matrix would give for `path`'s extension; a tool calls it before long
// work so that a typo fails at once rather than after the fit.
void require_matrix_extension(const std::string& path);

}  // namespace n2d
