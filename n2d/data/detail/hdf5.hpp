// Internal: a small read-only reader for the subset of HDF5 that Keras weights files use (the
// N2D paper's `autoencoder.save_weights(...)`, written by h5py). h5py's default "earliest"
// format: superblock versions 0 and 1, version-1 object headers with their continuation
// blocks, symbol-table groups (v1 B-tree "TREE" nodes, "SNOD" symbol nodes, local heap
// "HEAP"). libver='latest': superblock versions 2 and 3, version-2 object headers ("OHDR",
// "OCHK"), groups of link messages, compact or dense (a fractal heap whose root is a direct
// block, indexed by a one-leaf version-2 B-tree: groups of up to a few dozen links). Both:
// attributes holding fixed- or variable-length string arrays (the latter through the global
// heap "GCOL"), and float32/float64 datasets stored compact, contiguous or (layout version 3)
// chunked, unfiltered or with the deflate and shuffle filters.
//
// The file is read from a whole-file image; every address, size and count read from it is
// checked against the image, and walks over linked structures are bounded, so a malformed file
// raises n2d::Error naming the file, the structure and the byte offset — never reads out of
// range, loops forever or allocates without bound. Checksums are not verified. Features outside
// the subset (dense attribute storage, larger dense groups, other datatypes, shared messages,
// other filters, version-4 chunk indexes, soft links) are refused with an error naming them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace n2d::inline v0::hdf5 {

// True when `data` starts with the HDF5 signature (the superblock at offset 0, as h5py writes it).
bool has_signature(const void* data, std::size_t size) noexcept;

struct FloatArray {
    std::vector<std::uint64_t> shape;  // empty for a scalar
    std::vector<float> values;         // row-major; float64 data is rounded to float32
};

class Cursor;

class File {
public:
    // Parses the superblock of the file image `bytes`; `name` (usually the path) names the
    // file in error messages.
    File(std::vector<unsigned char> bytes, std::string name);
    static File open(const std::string& path);  // read_file + the constructor

    // Paths are '/'-separated from the root group ("" or "/" is the root).
    bool exists(const std::string& path) const;
    bool is_group(const std::string& path) const;
    std::vector<std::string> children(const std::string& group) const;  // link names, sorted
    bool has_attribute(const std::string& path, const std::string& name) const;
    // A string attribute (fixed-length or variable-length, scalar or any shape) as its
    // elements, padding removed.
    std::vector<std::string> string_attribute(const std::string& path, const std::string& name) const;
    // A float32 or float64 dataset.
    FloatArray read_floats(const std::string& path) const;

    const std::string& name() const noexcept { return name_; }

    struct Impl;  // the parsers (hdf5_format.hpp)

private:
    void read_sizes(Cursor& c);
    void read_addresses(Cursor& c, std::uint64_t at, bool v2);
    void superblock_v2(Cursor& c, std::uint64_t at);
    std::vector<unsigned char> bytes_;
    std::string name_;
    unsigned offset_size_ = 8, length_size_ = 8;
    std::uint64_t base_ = 0, root_ = 0;
    friend struct Impl;
};

}  // namespace n2d::hdf5
