#include "n2d/data/writers.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "n2d/core/detail/file.hpp"
#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

void write_npy(const std::string& path, ConstMatrixView m) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(m.rows) + ", " +
                         std::to_string(m.cols) + "), }";
    // The magic (6), version (2) and length (2) bytes plus the header end on a 64-byte boundary,
    // so the data is aligned for memory mapping, as NumPy writes it.
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    N2D_REQUIRE(header.size() <= 65535, "cannot write '" + path + "': the .npy header is too long");
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
    bytes += static_cast<char>(header.size() & 0xff);
    bytes += static_cast<char>(header.size() >> 8);
    bytes += header;
    const std::size_t offset = bytes.size();
    bytes.resize(offset + m.rows * m.cols * sizeof(float));
    char* out = bytes.data() + offset;
    for (std::size_t i = 0; i < m.rows; ++i, out += m.cols * sizeof(float))
        std::memcpy(out, m.row(i), m.cols * sizeof(float));
    write_file_atomically(path, bytes.data(), bytes.size());
}

void write_csv(const std::string& path, ConstMatrixView m, char delimiter) {
    std::string text;
    text.reserve(m.rows * m.cols * 14);
    char buf[32];
    for (std::size_t i = 0; i < m.rows; ++i) {
        const float* r = m.row(i);
        for (std::size_t j = 0; j < m.cols; ++j) {
            const int len = std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(r[j]));
            if (j) text += delimiter;
            text.append(buf, static_cast<std::size_t>(len));
        }
        text += '\n';
    }
    write_file_atomically(path, text.data(), text.size());
}

namespace {

enum class MatrixFormat { npy, csv, tsv };

MatrixFormat matrix_format(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".npy") return MatrixFormat::npy;
    if (ext == ".csv") return MatrixFormat::csv;
    if (ext == ".tsv" || ext == ".txt") return MatrixFormat::tsv;
    N2D_FAIL("n2d: cannot write '" + path + "': unknown extension '" + ext + "'; use .npy, .csv, .tsv or .txt");
}

}  // namespace

void write_matrix(const std::string& path, ConstMatrixView m) {
    switch (matrix_format(path)) {
        case MatrixFormat::npy: return write_npy(path, m);
        case MatrixFormat::csv: return write_csv(path, m, ',');
        case MatrixFormat::tsv: return write_csv(path, m, '\t');
    }
}

void require_matrix_extension(const std::string& path) { (void)matrix_format(path); }

}  // namespace n2d
