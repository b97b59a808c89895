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

namespace n2d::inline v0 {

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

// ---- delimited text: CSV, TSV, whitespace-separated ---------------------------------------
enum class LabelColumn { none, first, last, index };
enum class CsvHeader { detect, present, absent };

struct CsvOptions {
    // Field separator. 0: detect from the first row (',' if it has one, else '\t', else ';',
    // else runs of blanks); ' ': runs of spaces/tabs (fixed-width files such as UCI HAR).
    char delimiter = 0;
    // detect: the first row is a header when one of its data fields is not a number.
    CsvHeader header = CsvHeader::detect;
    // Which column holds the class labels (removed from the features). Labels that are all
    // non-negative integers are used as they are; otherwise each distinct text becomes a class,
    // numbered in sorted order, and Dataset::class_names lists the texts.
    LabelColumn label_column = LabelColumn::none;
    std::size_t label_index = 0;  // the label column (0-based) when label_column == index
    std::size_t n_classes = 0;    // when nonzero, integer labels must lie in [0, n_classes)
};
// Fields may be surrounded by blanks and double quotes; blank lines and lines starting with
// '#' are skipped; every row must have the first row's number of fields; every feature must be
// a finite number (NaN, Inf, empty and text fields are errors naming the line and column).
Dataset read_csv(const std::string& path, const CsvOptions& options = {});

// ---- USPS .jf (D. Keysers' format, as the N2D paper's loader reads it) --------------------
// Line 1 "K D" (classes, features); then "label v1 .. vD" per sample with label in [0, K);
// last line "-1". Values are returned as stored ([0, 2] for USPS).
Dataset read_usps_jf(const std::string& path);

// ---- UCI HAR folder layout ---------------------------------------------------------------
// dir/train/X_train.txt + y_train.txt, dir/test/X_test.txt + y_test.txt (each optionally .gz),
// dir/activity_labels.txt ("1 WALKING" ...). X: whitespace-separated numbers; y: 1..K, returned
// as 0..K-1; class names from activity_labels.txt. Train rows first, then test rows. A missing
// file is an error that names it and says where the UCI files come from.
Dataset read_har(const std::filesystem::path& dir);

// ---- NumPy .npy ----------------------------------------------------------------------------
// Format versions 1-3, C order, dtypes float32, float64, uint8, int32, int64 (either byte
// order). A 1-d array is one column; dimensions after the first are flattened into columns.
Dataset read_npy(const std::string& path);
// A 1-d (or n x 1) integer .npy array of non-negative labels (float arrays with whole values
// are accepted too).
std::vector<int> read_npy_labels(const std::string& path);

// ---- label files -----------------------------------------------------------------------
// One integer per line (blank lines and lines starting with '#' skipped; a first line starting
// with a letter, such as "label", is taken as a header), raw or gzip.
// Each value v must lie in [first, first + n_classes) (n_classes 0: any v >= first) and is
// returned as v - first, e.g. first = 1 maps HAR's activities 1..6 to 0..5.
std::vector<int> read_label_lines(const std::string& path, int first = 0, std::size_t n_classes = 0);

}  // namespace n2d
