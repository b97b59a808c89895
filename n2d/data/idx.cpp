// IDX reader (the MNIST / Fashion-MNIST container), raw or gzip.
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>

#include "n2d/data/detail/inflate.hpp"
#include "n2d/core/error.hpp"
#include "n2d/data/readers.hpp"

namespace n2d::inline v0 {

namespace {

[[noreturn]] void idx_error(const std::string& path, std::size_t offset, const std::string& problem) {
    N2D_FAIL("n2d: " + path + ": byte offset " + std::to_string(offset) + ": " + problem);
}

std::size_t type_size(unsigned type) {
    switch (type) {
        case 0x08: case 0x09: return 1;
        case 0x0B: return 2;
        case 0x0C: case 0x0D: return 4;
        case 0x0E: return 8;
        default: return 0;
    }
}

std::uint32_t load_be32(const unsigned char* p) {
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | std::uint32_t(p[3]);
}
std::uint64_t load_be64(const unsigned char* p) {
    return std::uint64_t(load_be32(p)) << 32 | load_be32(p + 4);
}

// Value i of `file` as double (big-endian storage).
double idx_value(const IdxFile& file, const unsigned char* p) {
    switch (file.type) {
        case 0x08: return p[0];
        case 0x09: return static_cast<std::int8_t>(p[0]);
        case 0x0B: return static_cast<std::int16_t>(std::uint16_t(p[0] << 8 | p[1]));
        case 0x0C: return static_cast<std::int32_t>(load_be32(p));
        case 0x0D: {
            const std::uint32_t u = load_be32(p);
            float f;
            std::memcpy(&f, &u, 4);
            return f;
        }
        default: {
            const std::uint64_t u = load_be64(p);
            double d;
            std::memcpy(&d, &u, 8);
            return d;
        }
    }
}

// Converts all values of `file` into `dst` (count × row_size floats), divided by `divisor`.
void convert(const IdxFile& file, float* dst, double divisor) {
    const unsigned char* p = file.bytes.data() + file.data_offset;
    const std::size_t n = file.count() * file.row_size();
    if (file.type == 0x08) {
        float table[256];
        for (int v = 0; v < 256; ++v) table[v] = static_cast<float>(v / divisor);
        for (std::size_t i = 0; i < n; ++i) dst[i] = table[p[i]];
        return;
    }
    const std::size_t width = type_size(file.type);
    for (std::size_t i = 0; i < n; ++i) {
        const double v = idx_value(file, p + i * width);
        if (!std::isfinite(v) || !std::isfinite(static_cast<float>(v)))
            idx_error(file.path, file.data_offset + i * width,
                      "value " + std::to_string(i) + " is NaN or infinite (or beyond float range)");
        dst[i] = static_cast<float>(v / divisor);
    }
}

}  // namespace

std::string dataset_name_from_path(const std::string& path) {
    std::filesystem::path p(path);
    if (p.extension() == ".gz") p = p.stem();
    std::string name = p.has_extension() ? p.stem().string() : p.filename().string();
    return name.empty() ? path : name;
}

std::size_t IdxFile::row_size() const {
    std::size_t r = 1;
    for (std::size_t i = 1; i < dims.size(); ++i) r *= dims[i];
    return r;
}

IdxFile open_idx(const std::string& path) {
    IdxFile f;
    f.path = path;
    f.bytes = read_maybe_gzipped(path);
    const auto& b = f.bytes;
    if (b.size() < 4) idx_error(path, b.size(), "truncated IDX header (" + std::to_string(b.size()) + " bytes)");
    if (b[0] != 0 || b[1] != 0)
        idx_error(path, 0, "wrong magic: an IDX file starts with two zero bytes (is this really an IDX file?)");
    f.type = b[2];
    const std::size_t width = type_size(f.type);
    if (width == 0) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "%02X", f.type);
        idx_error(path, 2, std::string("unknown IDX data type 0x") + hex + " (known: 08, 09, 0B, 0C, 0D, 0E)");
    }
    const unsigned ndims = b[3];
    if (ndims == 0) idx_error(path, 3, "IDX file with zero dimensions");
    if (b.size() < 4 + 4 * std::size_t(ndims))
        idx_error(path, b.size(), "truncated IDX header: " + std::to_string(ndims) + " dimension sizes expected");
    std::size_t total = 1;
    for (unsigned d = 0; d < ndims; ++d) {
        const std::size_t size = load_be32(b.data() + 4 + 4 * d);
        f.dims.push_back(size);
        if (size != 0 && total > (std::size_t(1) << 40) / size)
            idx_error(path, 4 + 4 * d, "IDX dimensions are implausibly large");
        total *= size;
    }
    f.data_offset = 4 + 4 * std::size_t(ndims);
    const std::size_t expected = f.data_offset + total * width;
    if (b.size() < expected)
        idx_error(path, b.size(), "truncated IDX data: the header promises " + std::to_string(total) + " values (" +
                                      std::to_string(expected) + " bytes) but the file has " + std::to_string(b.size()) +
                                      " bytes");
    if (b.size() > expected)
        idx_error(path, expected, std::to_string(b.size() - expected) + " unexpected bytes after the IDX data");
    return f;
}

Dataset read_idx(const std::string& path) {
    const IdxFile f = open_idx(path);
    Dataset d;
    d.name = dataset_name_from_path(path);
    d.x = Matrix(f.count(), f.row_size());
    convert(f, d.x.data(), 1.0);
    return d;
}

std::vector<int> read_idx_labels(const std::string& path, std::size_t n_classes) {
    const IdxFile f = open_idx(path);
    if (f.dims.size() != 1)
        idx_error(path, 3, "a label file must be 1-dimensional, this one has " + std::to_string(f.dims.size()) + " dimensions");
    if (f.type == 0x0D || f.type == 0x0E) idx_error(path, 2, "labels must be integers, this IDX file holds floats");
    const std::size_t width = type_size(f.type);
    std::vector<int> labels(f.count());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double v = idx_value(f, f.bytes.data() + f.data_offset + i * width);
        if (v < 0 || (n_classes && v >= double(n_classes)))
            idx_error(path, f.data_offset + i * width,
                      "label " + std::to_string(static_cast<long long>(v)) + " of sample " + std::to_string(i) +
                          " is out of range [0, " + (n_classes ? std::to_string(n_classes) : std::string("inf")) + ")");
        labels[i] = static_cast<int>(v);
    }
    return labels;
}

void copy_idx_images(const IdxFile& file, Matrix& x, std::size_t row0, double divisor) {
    if (file.row_size() != x.cols() || file.dims.size() < 2)
        idx_error(file.path, 4, "images of " + std::to_string(file.row_size()) + " values where " +
                                    std::to_string(x.cols()) + " are expected");
    if (row0 + file.count() > x.rows())
        N2D_FAIL("n2d: " + file.path + ": " + std::to_string(file.count()) + " images do not fit at row " +
                    std::to_string(row0) + " of a " + std::to_string(x.rows()) + "-row matrix");
    convert(file, x.row(row0), divisor);
}

}  // namespace n2d
