// Helpers for the data tests: a private temporary folder and small file writers.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/detail/file.hpp"
#include "n2d/plot/detail/deflate.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

// A ScratchDir with file helpers.
class TempDir : public ScratchDir {
public:
    TempDir() : ScratchDir("n2d-data-test") {}
    // `name` with native separators ("a/b" becomes a\b on Windows), as the library's messages spell it.
    std::string file(const std::string& name) const { return utf8((path() / name).make_preferred()); }
    // Writes `content` to `name` (folders created) and returns the full path.
    std::string write(const std::string& name, const std::string& content) const {
        const std::filesystem::path p = path() / name;
        std::filesystem::create_directories(p.parent_path());
        // A plain write: test files need no fsync, and the damage tests write thousands.
        std::FILE* f = std::fopen(p.string().c_str(), "wb");
        if (!f) throw std::runtime_error("cannot write " + p.string());
        const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
        if (std::fclose(f) != 0 || !ok) throw std::runtime_error("cannot write " + p.string());
        return utf8(p);
    }
    std::string write(const std::string& name, const std::vector<unsigned char>& content) const {
        return write(name, std::string(content.begin(), content.end()));
    }
};

// Appends `n` bytes (resize + memcpy: GCC 12 at -O3 warns falsely on vector::insert here).
inline void append_bytes(std::vector<unsigned char>& v, const void* p, std::size_t n) {
    const std::size_t old = v.size();
    v.resize(old + n);
    if (n) std::memcpy(v.data() + old, p, n);
}

// A single-member gzip file of `data` (made with the project's own DEFLATE compressor).
inline std::vector<unsigned char> gzip_bytes(const std::string& data) {
    const std::vector<unsigned char> raw = deflate_raw(data.data(), data.size());
    const unsigned char header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    std::vector<unsigned char> g;
    append_bytes(g, header, 10);
    append_bytes(g, raw.data(), raw.size());
    const std::uint32_t trailer[2] = {crc32(data.data(), data.size()), static_cast<std::uint32_t>(data.size())};
    for (std::uint32_t v : trailer)
        for (int i = 0; i < 4; ++i) g.push_back(static_cast<unsigned char>(v >> (8 * i)));
    return g;
}

}  // namespace n2d::test
