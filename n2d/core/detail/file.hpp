// Whole-file reading and atomic writing (temp file in the same folder + fsync + rename), so
// a crash or a full disk never leaves a half-written file in place of the user's old one.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace n2d::inline v0 {

// Reads a whole file; throws n2d::Error naming the path and the OS reason.
std::vector<unsigned char> read_file(const std::string& path);
// Writes `size` bytes to `path` atomically; throws n2d::Error naming the path and the OS reason.
void write_file_atomically(const std::string& path, const void* data, std::size_t size);

}  // namespace n2d
