// Shared by the libFuzzer harnesses. A harness calls the code under test inside expect_errors:
// n2d::Error (bad input, Cancelled included) is the expected outcome; anything else escapes
// (n2d::OutOfMemory too: no input may make an allocation fail)
// and libFuzzer reports it (InternalError and other exceptions abort as uncaught), as it
// reports crashes, sanitizer findings, timeouts and allocations over -malloc_limit_mb.
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "n2d/core/error.hpp"

namespace n2d::inline v0::fuzz {

template <class F>
void expect_errors(F&& f) {
    try {
        f();
    } catch (const OutOfMemory&) {
        throw;  // an input that makes the library ask for more memory than there is: a finding
    } catch (const Error&) {
    }
}

// A folder private to this process (readers that take a path get the input through it),
// removed at exit; in /dev/shm where there is one (a disk-backed /tmp is 20 times slower).
inline const std::filesystem::path& scratch() {
    struct Dir {
        std::filesystem::path path;
        Dir() {
            std::error_code ec;
            const bool shm = std::filesystem::is_directory("/dev/shm", ec);
            path = (shm ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path()) /
                   ("n2d-fuzz-" + std::to_string(::getpid()));
            std::filesystem::create_directories(path);
        }
        ~Dir() {
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
        }
    };
    static const Dir dir;
    return dir.path;
}

// Writes `size` bytes to `name` under scratch() (folders created) and returns its path.
inline std::string write_file(const std::string& name, const void* data, std::size_t size) {
    const std::filesystem::path p = scratch() / name;
    std::filesystem::create_directories(p.parent_path());
    std::FILE* f = std::fopen(p.c_str(), "wb");
    if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) std::abort();
    return p.string();
}
inline std::string write_file(const std::string& name, const std::string& text) {
    return write_file(name, text.data(), text.size());
}

// The input cut at NUL bytes into at most `n` parts (the last keeps any further NULs): how a
// harness gets several files or arguments out of one input.
inline std::vector<std::string> split(const std::uint8_t* data, std::size_t size, std::size_t n) {
    std::vector<std::string> parts(1);
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == 0 && parts.size() < n) parts.emplace_back();
        else parts.back().push_back(static_cast<char>(data[i]));
    }
    return parts;
}

inline void put_u32(std::vector<std::uint8_t>& v, std::size_t at, std::uint32_t x) {
    for (int i = 0; i < 4; ++i) v[at + i] = static_cast<std::uint8_t>(x >> (8 * i));
}
inline std::uint64_t get_u64(const std::vector<std::uint8_t>& v, std::size_t at) {
    std::uint64_t x = 0;
    for (int i = 7; i >= 0; --i) x = (x << 8) | v[at + i];
    return x;
}

}  // namespace n2d::fuzz
