// Whole-file reading and atomic writing (temp file in the same folder, flushed to disk, then
// renamed over the target), so a crash or a full disk never leaves a half-written file in
// place of the user's old one. Paths are UTF-8 on every platform (converted to UTF-16 on
// Windows). The OS calls live in file.cpp (POSIX) and file_win32.cpp (Windows).
#pragma once
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace n2d::inline v0 {

// Reads a whole file; throws n2d::Error naming the path and the OS reason.
std::vector<unsigned char> read_file(const std::string& path);
// Writes `size` bytes to `path` atomically; throws n2d::Error naming the path, the OS reason
// (disk full, read-only, no permission...) and what to do; the previous file stays intact and
// no temporary file is left behind.
void write_file_atomically(const std::string& path, const void* data, std::size_t size);
// Throws n2d::Error unless `path` could name a new or replaced file: not empty, not a folder,
// and its folder exists. Cheap: callers check outputs with it before hours of work.
void require_file_target(const std::string& path);
// A temporary file name beside `path`, unique within and across processes.
std::string temporary_path_for(const std::string& path, unsigned long process_id);
// The folder holding `path` ("." for a bare file name), as UTF-8.
std::string parent_folder(const std::string& path);
// std::fopen for a UTF-8 path; nullptr with errno set on failure.
std::FILE* open_file(const std::string& path, const char* mode) noexcept;
// The running program's own file, or an empty path where the OS does not say.
std::filesystem::path executable_path();
// Whether `p` is a regular file / a folder; false on any error (missing, no permission).
inline bool is_file(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
}
inline bool is_dir(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_directory(p, ec);
}

}  // namespace n2d
