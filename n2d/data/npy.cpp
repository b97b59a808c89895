// NumPy .npy reader (format versions 1.0, 2.0 and 3.0; C order; five numeric dtypes).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "n2d/data/detail/inflate.hpp"
#include "n2d/data/readers.hpp"

namespace n2d::inline v0 {

namespace {

[[noreturn]] void npy_error(const std::string& path, std::size_t offset, const std::string& problem) {
    N2D_FAIL("n2d: " + path + ": byte offset " + std::to_string(offset) + ": " + problem);
}

struct NpyArray {
    std::string path;
    std::vector<unsigned char> bytes;
    std::size_t data_offset = 0;
    char kind = 0;          // 'f', 'u' or 'i'
    std::size_t width = 0;  // bytes per value
    bool big_endian = false;
    std::vector<std::size_t> shape;
    std::size_t count() const {
        std::size_t n = 1;
        for (std::size_t s : shape) n *= s;
        return n;
    }
};

// Finds `'key':` in the header dict and returns the position just after the colon.
std::size_t find_key(const std::string& header, const std::string& key, const std::string& path, std::size_t offset) {
    for (const char quote : {'\'', '"'}) {
        const std::string k = std::string(1, quote) + key + quote;
        std::size_t p = header.find(k);
        if (p == std::string::npos) continue;
        p = header.find_first_not_of(" ", p + k.size());
        if (p == std::string::npos || header[p] != ':') continue;
        p = header.find_first_not_of(" ", p + 1);
        if (p != std::string::npos) return p;
    }
    npy_error(path, offset, "the .npy header has no '" + key + "' entry (header: " + header + ")");
}

NpyArray open_npy(const std::string& path) {
    NpyArray a;
    a.path = path;
    a.bytes = read_maybe_gzipped(path);
    const auto& b = a.bytes;
    static const unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (b.size() < 10 || std::memcmp(b.data(), kMagic, 6) != 0)
        npy_error(path, 0, "wrong magic: not a NumPy .npy file (it must start with \\x93NUMPY)");
    const unsigned major = b[6];
    std::size_t header_len, header_start;
    if (major == 1) {
        header_len = std::size_t(b[8]) | std::size_t(b[9]) << 8;
        header_start = 10;
    } else if (major == 2 || major == 3) {
        if (b.size() < 12) npy_error(path, b.size(), "truncated .npy header");
        header_len = std::size_t(b[8]) | std::size_t(b[9]) << 8 | std::size_t(b[10]) << 16 | std::size_t(b[11]) << 24;
        header_start = 12;
    } else {
        npy_error(path, 6, "unsupported .npy format version " + std::to_string(major) + " (1, 2 and 3 are known)");
    }
    if (b.size() - header_start < header_len)
        npy_error(path, b.size(), "truncated .npy header (" + std::to_string(header_len) + " header bytes announced)");
    const std::string header(reinterpret_cast<const char*>(b.data()) + header_start, header_len);
    a.data_offset = header_start + header_len;

    // descr: byte order, kind, width, e.g. '<f4'.
    std::size_t p = find_key(header, "descr", path, header_start);
    const char quote = p < header.size() ? header[p] : 0;
    const std::size_t close = (quote == '\'' || quote == '"') ? header.find(quote, p + 1) : std::string::npos;
    if (close == std::string::npos) npy_error(path, header_start, "the .npy 'descr' entry is not a simple dtype string: " + header);
    const std::string descr = header.substr(p + 1, close - p - 1);
    const std::string type = (descr.size() == 3 && (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' || descr[0] == '='))
                                 ? descr.substr(1)
                                 : std::string();
    if (type != "f4" && type != "f8" && type != "u1" && type != "i4" && type != "i8")
        npy_error(path, header_start, "dtype '" + descr +
                                          "' is not supported; save the array as float32, float64, uint8, int32 or int64 "
                                          "(e.g. x.astype(np.float32))");
    a.kind = type[0];
    a.width = std::size_t(type[1] - '0');
    a.big_endian = descr[0] == '>';

    p = find_key(header, "fortran_order", path, header_start);
    if (header.compare(p, 4, "True") == 0)
        npy_error(path, header_start, "Fortran-order (column-major) arrays are not supported; save np.ascontiguousarray(x)");
    if (header.compare(p, 5, "False") != 0) npy_error(path, header_start, "unreadable 'fortran_order' entry: " + header);

    p = find_key(header, "shape", path, header_start);
    if (p >= header.size() || header[p] != '(') npy_error(path, header_start, "unreadable 'shape' entry: " + header);
    const std::size_t end = header.find(')', p);
    if (end == std::string::npos) npy_error(path, header_start, "unreadable 'shape' entry: " + header);
    std::size_t total = 1;
    for (std::size_t q = p + 1; q < end;) {
        q = header.find_first_not_of(" ,", q);
        if (q >= end) break;
        std::size_t v = 0, digits = 0;
        while (q < end && header[q] >= '0' && header[q] <= '9' && digits < 13) v = v * 10 + std::size_t(header[q++] - '0'), ++digits;
        if (digits == 0 || digits >= 13 || (q < end && header[q] != ',' && header[q] != ' ' && header[q] != 'L'))
            npy_error(path, header_start, "unreadable 'shape' entry: " + header);
        if (q < end && header[q] == 'L') ++q;
        if (v != 0 && total > (std::size_t(1) << 40) / v) npy_error(path, header_start, "array shape is implausibly large");
        total *= v;
        a.shape.push_back(v);
    }
    if (a.shape.empty()) npy_error(path, header_start, "a 0-dimensional (scalar) array is not a data set");
    const std::size_t need = total * a.width, have = b.size() - a.data_offset;
    if (have < need)
        npy_error(path, b.size(), "truncated .npy data: the shape needs " + std::to_string(need) + " bytes, the file has " +
                                      std::to_string(have));
    if (have > need) npy_error(path, a.data_offset + need, std::to_string(have - need) + " unexpected bytes after the array data");
    return a;
}

// Value i as double.
double value_at(const NpyArray& a, std::size_t i) {
    const unsigned char* src = a.bytes.data() + a.data_offset + i * a.width;
    unsigned char buf[8];
    for (std::size_t k = 0; k < a.width; ++k) buf[k] = src[a.big_endian ? a.width - 1 - k : k];
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    std::reverse(buf, buf + a.width);
#endif
    switch (a.kind) {
        case 'u': return buf[0];
        case 'i':
            if (a.width == 4) {
                std::int32_t v;
                std::memcpy(&v, buf, 4);
                return v;
            } else {
                std::int64_t v;
                std::memcpy(&v, buf, 8);
                return static_cast<double>(v);
            }
        default:
            if (a.width == 4) {
                float v;
                std::memcpy(&v, buf, 4);
                return v;
            } else {
                double v;
                std::memcpy(&v, buf, 8);
                return v;
            }
    }
}

}  // namespace

Dataset read_npy(const std::string& path) {
    const NpyArray a = open_npy(path);
    const std::size_t rows = a.shape[0], total = a.count();
    Dataset d;
    d.name = dataset_name_from_path(path);
    d.x = Matrix(rows, rows ? total / rows : 0);
    float* out = d.x.data();
    const bool native_float32 = a.kind == 'f' && a.width == 4 && a.big_endian == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
    if (native_float32) std::memcpy(out, a.bytes.data() + a.data_offset, total * 4);
    for (std::size_t i = 0; i < total; ++i) {
        if (native_float32) {
            if (std::isfinite(out[i])) continue;
            npy_error(path, a.data_offset + i * 4,
                      "element " + std::to_string(i) + " (row " + std::to_string(i / std::max<std::size_t>(d.x.cols(), 1)) +
                          ") is NaN or infinite");
        }
        const double v = value_at(a, i);
        const float f = static_cast<float>(v);
        if (!std::isfinite(f))
            npy_error(path, a.data_offset + i * a.width,
                      "element " + std::to_string(i) + " (row " + std::to_string(i / std::max<std::size_t>(d.x.cols(), 1)) +
                          ") is NaN or infinite (or beyond float range)");
        out[i] = f;
    }
    return d;
}

std::vector<int> read_npy_labels(const std::string& path) {
    const NpyArray a = open_npy(path);
    if (!(a.shape.size() == 1 || (a.shape.size() == 2 && a.shape[1] == 1)))
        npy_error(path, 0, "labels must be a 1-d array (or n x 1); this one has " + std::to_string(a.shape.size()) + " dimensions");
    std::vector<int> labels(a.shape[0]);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double v = value_at(a, i);
        if (!(v >= 0 && v <= 2147483647.0) || v != std::floor(v))
            npy_error(path, a.data_offset + i * a.width,
                      "label " + std::to_string(v) + " of row " + std::to_string(i) +
                          " is not a non-negative whole number (labels are 0-based class ids)");
        labels[i] = static_cast<int>(v);
    }
    return labels;
}

}  // namespace n2d
