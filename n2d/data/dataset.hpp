// Datasets: the N2D paper's benchmark datasets by name, user files by path (CSV/TSV, NumPy .npy,
// IDX, raw or gzip), label files, and seeded synthetic data for the demo and the tests.
// File-format readers with their options are in n2d/data/readers.hpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "n2d/core/matrix.hpp"

namespace n2d::inline v0 {

struct Dataset {
    std::string name;
    Matrix x;                              // n_samples × n_features, float32
    std::vector<int> labels;               // 0-based class ids, one per row; empty if unknown
    std::vector<std::string> class_names;  // name of class id i; empty if unknown

    // Number of classes: class_names.size() when known, else 1 + the largest label (0 if none).
    std::size_t n_classes() const;
};

// The folder holding the named datasets: `override_dir` when given, else $N2D_DATA_DIR, else
// the per-user folder user_data_dir() (as scikit-learn's ~/scikit_learn_data), which
// `datasets/fetch` fills by default. An override or $N2D_DATA_DIR that does not exist is an
// error (never silently replaced); when nothing is found the n2d::Error says how to fix it.
std::filesystem::path resolve_data_dir(const std::string& override_dir = "");
// ~/.n2d/datasets (%USERPROFILE%\.n2d\datasets on Windows); empty when no home folder is set.
std::filesystem::path user_data_dir();

// The named datasets: mnist, mnist-test, fashion, usps, pendigits, har, synthetic.
const std::vector<std::string>& named_datasets();
bool is_named_dataset(const std::string& name);

// Loads a named dataset with the paper's preprocessing (rymc/n2d datasets.py):
//   mnist      70000 × 784  train then test, pixels / 255            (mnist/*-ubyte[.gz])
//   mnist-test 10000 × 784  the t10k pair, pixels / 255
//   fashion    70000 × 784  pixels / 255, class names T-shirt/top … Ankle boot
//   usps        9298 × 256  train then test, values as stored in [0, 2] (the paper does not rescale)
//   pendigits  10992 × 16   train then test, features / 100 (into [0, 1])
//   har        10299 × 561  train then test, features as stored in [-1, 1], labels 1..6 → 0..5
//   synthetic   make_synthetic() with its defaults (needs no data folder)
// or a file by extension (.gz is looked through): .csv, .tsv, .txt (delimiter detected, header
// detected, no label column), .npy, .jf (USPS), IDX (*-ubyte or any file with the IDX magic), or
// a folder in the UCI HAR layout. `data_dir` is passed to resolve_data_dir for named datasets.
Dataset load_dataset(const std::string& name_or_path, const std::string& data_dir = "");

// Labels from a file: one non-negative integer per line (blank lines ignored, '#' comments
// allowed), a .npy integer array, or an IDX file; raw or gzip.
std::vector<int> load_labels(const std::string& path);

// Sets `dataset.labels`, refusing a count that differs from the number of rows; `source` names
// the labels' origin in the error message.
void attach_labels(Dataset& dataset, std::vector<int> labels, const std::string& source);

// Curved, intertwined manifolds: each class is one arm of a multi-arm spiral (0.6 of a turn),
// spread into a curved 2-d sheet, so that about three arms wrap around each other at every
// angle. The 3-d construction is embedded in `dim` dimensions by a random rotation, mapped into
// [0.05, 0.95], and isotropic Gaussian noise of standard deviation `noise` is added. k-means on
// the raw data cuts across the arms (accuracy ~0.35 with the defaults); the local (k-NN)
// structure separates them (UMAP + GMM on the raw data: accuracy 1.0). Rows are shuffled; the
// result depends only on the options.
struct SyntheticOptions {
    std::size_t n_samples = 6000;  // split as evenly as possible between the clusters
    std::size_t n_clusters = 6;    // spiral arms; 2..64
    std::size_t dim = 32;          // ambient dimension; at least 3
    double noise = 0.005;          // per-coordinate noise sd after scaling into [0, 1]
    std::uint64_t seed = 0;
};
Dataset make_synthetic(const SyntheticOptions& options = {});

// Isotropic Gaussian blobs like scikit-learn's make_blobs: centres uniform in [-10, 10]^dim,
// standard deviation `spread`, sizes as even as possible, rows shuffled. Name "blobs".
Dataset make_blobs(std::size_t n, std::size_t dim, std::size_t centers, double spread, std::uint64_t seed);

}  // namespace n2d
