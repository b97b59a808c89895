// File-format readers. Every reader takes raw or gzip input (detected by content), checks the
// whole file, and throws n2d::Error naming the file, the line or byte offset and the problem
// (truncation, wrong magic, ragged rows, NaN/Inf, text where a number belongs, labels out of
// range) instead of returning partial or wrong data.
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "n2d/data/dataset.hpp"

namespace n2d {

// A dataset name for a file: its name without folders, ".gz" and the last extension.
std::string dataset_name_from_path(const std::string& path);

// ---- IDX (the MNIST format) ------------------------------------------------------------
// Magic 00 00 <type> <ndims>, ndims big-endian uint32 sizes, then big-endian data of type
// ubyte (08), sbyte (09), int16 (0B), int32 (0C), float32 (0D) or float64 (0E).
struct IdxFile {
    std::string path;
    unsigned type = 0;               // the type byte of the magic
    std::vector<std::size_t> dims;   // dims[0] = number of samples
    std::vector<unsigned char> bytes;  // the whole (decompressed) file
    std::size_t data_offset = 0;     // where the values start in `bytes`
    std::size_t count() const { return dims.empty() ? 0 : dims[0]; }
    std::size_t row_size() const;    // product of dims[1..], 1 for a 1-d file
};
// Reads (and gunzips) an IDX file and checks its magic, type, sizes and exact length.
IdxFile open_idx(const std::string& path);
// An IDX array as a matrix: dims[0] rows × the product of the other dims (1-d: one column),
// values as stored (MNIST pixels stay 0..255). Name: the file name without extensions.
Dataset read_idx(const std::string& path);
// An IDX label vector: 1-d, integer type, values in [0, n_classes) (n_classes 0: any >= 0).
std::vector<int> read_idx_labels(const std::string& path, std::size_t n_classes = 0);
// Copies the images of `file` into rows [row0, row0 + count) of `x`, each value divided by
// `divisor` in double precision (as NumPy's x / 255.); x.cols() must equal the image size.
void copy_idx_images(const IdxFile& file, Matrix& x, std::size_t row0, double divisor);

// ---- label files -----------------------------------------------------------------------
// One integer per line (blank lines and lines starting with '#' skipped), raw or gzip.
// Each value v must lie in [first, first + n_classes) (n_classes 0: any v >= first) and is
// returned as v - first, e.g. first = 1 maps HAR's activities 1..6 to 0..5.
std::vector<int> read_label_lines(const std::string& path, int first = 0, std::size_t n_classes = 0);

}  // namespace n2d
