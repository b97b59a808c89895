#include "n2d/core/detail/file.hpp"

#include <cerrno>
#include <cstring>

#include "n2d/core/error.hpp"

#if !defined(_WIN32)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace n2d::inline v0 {

namespace {
std::string os_reason() { return std::strerror(errno); }
}  // namespace

std::vector<unsigned char> read_file(const std::string& path) {
    std::FILE* f = open_file(path, "rb");
    if (!f) N2D_FAIL("n2d: cannot open '" + path + "': " + os_reason() + "; check the path and permissions");
    std::vector<unsigned char> out;
    unsigned char buf[1 << 16];
    std::size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + got);
    const bool failed = std::ferror(f);
    std::fclose(f);
    if (failed) N2D_FAIL("n2d: error reading '" + path + "': " + os_reason());
    return out;
}

#if !defined(_WIN32)  // POSIX; the Windows versions are in file_win32.cpp.

std::FILE* open_file(const std::string& path, const char* mode) noexcept { return std::fopen(path.c_str(), mode); }

std::filesystem::path executable_path() {
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);  // Linux; empty elsewhere
    return ec ? std::filesystem::path() : p;
}

void write_file_atomically(const std::string& path, const void* data, std::size_t size) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        N2D_FAIL("n2d: cannot create '" + tmp + "' to write '" + path + "': " + os_reason() +
                    "; check that the folder exists and is writable");
    const auto* p = static_cast<const unsigned char*>(data);
    std::size_t left = size;
    while (left > 0) {
        ssize_t w = ::write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            std::string why = os_reason();
            ::close(fd);
            ::unlink(tmp.c_str());
            N2D_FAIL("n2d: cannot write '" + path + "': " + why + "; the previous file (if any) is unchanged");
        }
        p += w;
        left -= static_cast<std::size_t>(w);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        std::string why = os_reason();
        ::unlink(tmp.c_str());
        N2D_FAIL("n2d: cannot flush '" + path + "': " + why + "; the previous file (if any) is unchanged");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::string why = os_reason();
        ::unlink(tmp.c_str());
        N2D_FAIL("n2d: cannot move the new file into place at '" + path + "': " + why);
    }
}

#endif

}  // namespace n2d
