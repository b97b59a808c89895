#include "n2d/core/detail/file.hpp"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <system_error>

#include "n2d/core/error.hpp"

#if !defined(_WIN32)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace n2d::inline v0 {

namespace {
std::string os_reason() { return std::strerror(errno); }

// UTF-8 text <-> path, the same on every platform (a plain std::string would be read in the
// Windows code page).
std::filesystem::path to_path(const std::string& utf8) { return std::filesystem::path(std::u8string(utf8.begin(), utf8.end())); }
std::string to_utf8(const std::filesystem::path& p) {
    const std::u8string u = p.u8string();
    return std::string(u.begin(), u.end());
}
}  // namespace

std::string parent_folder(const std::string& path) {
    const std::filesystem::path parent = to_path(path).parent_path();
    return parent.empty() ? std::string(".") : to_utf8(parent);
}

void require_file_target(const std::string& path) {
    N2D_REQUIRE(!path.empty(), "cannot write a file with an empty name; give a file name");
    std::error_code ec;
    N2D_REQUIRE(!std::filesystem::is_directory(to_path(path), ec),
                "cannot write '" + path + "': it is a folder; give the name of a file (in that folder or elsewhere)");
    const std::string folder = parent_folder(path);
    const std::filesystem::file_status st = std::filesystem::status(to_path(folder), ec);
    if (st.type() == std::filesystem::file_type::directory) return;
    const std::string why = st.type() == std::filesystem::file_type::not_found ? "does not exist"
                            : st.type() == std::filesystem::file_type::none  ? "cannot be reached (" + ec.message() + ")"
                                                                             : "is not a folder";
    N2D_FAIL("n2d: cannot write '" + path + "': the folder '" + folder + "' " + why +
             "; create it first or choose another path");
}

std::string temporary_path_for(const std::string& path, unsigned long process_id) {
    // The process id keeps processes apart, the counter threads (and calls) of one process:
    // two threads saving to the same path must not write into one temporary file.
    static std::atomic<std::uint64_t> counter{0};
    return path + ".tmp." + std::to_string(process_id) + "." + std::to_string(counter.fetch_add(1));
}

std::vector<unsigned char> read_file(const std::string& path) {
    std::FILE* f = open_file(path, "rb");
    if (!f) N2D_FAIL("n2d: cannot open '" + path + "': " + os_reason() + "; check the path and permissions");
    std::vector<unsigned char> out;
    // The whole size at once: no growth by doubling, and a file larger than memory fails here
    // naming itself (a pipe or special file has no size and grows as it is read).
    std::error_code ec;
    const auto size = std::filesystem::file_size(to_path(path), ec);
    if (!ec && size > 0) {
        const std::size_t bytes = size > SIZE_MAX ? SIZE_MAX : static_cast<std::size_t>(size);
        try {
            out.reserve(bytes);
        } catch (const std::exception&) {  // std::bad_alloc, or std::length_error beyond max_size()
            std::fclose(f);
            detail::throw_out_of_memory(bytes, "reading '" + path + "'");
        }
    }
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

namespace {

// What the OS said about writing `path`, and what the user can do about it.
std::string write_failure(int err, const std::string& path) {
    std::string why = std::strerror(err);
    switch (err) {
        case ENOSPC:
#ifdef EDQUOT
        case EDQUOT:
#endif
            return why + "; free some disk space or write to another disk";
        case EFBIG:
            return why + " (beyond the file size limit: see `ulimit -f`, or the file system's largest file); raise "
                         "the limit or write to another disk";
        case EROFS: return why + " (the file system is read-only); write to another folder";
        case EACCES:
        case EPERM: return why + "; choose a folder you may write to, or change its permissions";
        case ENOENT: return why + " (the folder '" + parent_folder(path) + "' does not exist); create it first";
        case ENOTDIR: return why + " (a part of the path is not a folder); check the path";
        case EISDIR: return why + "; give a file name, not a folder";
        default: return why + "; check that the folder exists and is writable";
    }
}

}  // namespace

void write_file_atomically(const std::string& path, const void* data, std::size_t size) {
    require_file_target(path);
    const std::string tmp = temporary_path_for(path, static_cast<unsigned long>(::getpid()));
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        N2D_FAIL("n2d: cannot create '" + tmp + "' to write '" + path + "': " + write_failure(errno, path) +
                 ". The previous file (if any) is unchanged");
    const auto fail = [&](const char* what, int err) {
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        N2D_FAIL("n2d: " + std::string(what) + " '" + path + "': " + write_failure(err, path) +
                 ". The previous file (if any) is unchanged");
    };
    const auto* p = static_cast<const unsigned char*>(data);
    std::size_t left = size;
    while (left > 0) {
        ssize_t w = ::write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) fail("cannot write", w == 0 ? ENOSPC : errno);  // 0 bytes written: no room left
        p += w;
        left -= static_cast<std::size_t>(w);
    }
    if (::fsync(fd) != 0) fail("cannot flush", errno);
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) fail("cannot flush", errno);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot move the new file into place at", errno);
    // The rename itself reaches the disk with the folder's entry: flush that too (best effort:
    // some file systems refuse fsync on a folder, and the data is already safe).
    const std::string folder = parent_folder(path);
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

#endif

}  // namespace n2d
