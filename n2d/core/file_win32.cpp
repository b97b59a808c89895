// The Windows side of file.hpp (Win32 API only, so MinGW-w64 and MSVC both build it): UTF-8
// paths become UTF-16 for the W functions; the atomic write is temp file + FlushFileBuffers +
// MoveFileExW(REPLACE_EXISTING | WRITE_THROUGH).
#if defined(_WIN32)
#include "n2d/core/detail/file.hpp"

#include <cerrno>

#include "n2d/core/error.hpp"

#include "n2d/core/detail/windows.hpp"

namespace n2d::inline v0 {

namespace {

// UTF-8 -> UTF-16; false when `s` is not valid UTF-8.
bool widen(const std::string& s, std::wstring& out) {
    out.clear();
    if (s.empty()) return true;
    if (s.size() > 0x7FFFFFFF) return false;
    const int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), static_cast<int>(s.size()), nullptr, 0);
    if (n <= 0) return false;
    out.resize(static_cast<std::size_t>(n));
    return MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), static_cast<int>(s.size()), out.data(), n) == n;
}

std::wstring wide_path(const std::string& path) {
    std::wstring w;
    if (!widen(path, w))
        N2D_FAIL("n2d: the path '" + path + "' is not valid UTF-8; n2d takes paths as UTF-8 text on Windows too");
    return w;
}

// The system's text for GetLastError() (as UTF-8), with the code for searching.
std::string win_reason(DWORD code) {
    wchar_t* buf = nullptr;
    const DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                   nullptr, code, 0, reinterpret_cast<wchar_t*>(&buf), 0, nullptr);
    std::string text;
    if (n > 0 && buf) {
        const int len = WideCharToMultiByte(CP_UTF8, 0, buf, static_cast<int>(n), nullptr, 0, nullptr, nullptr);
        if (len > 0) {
            text.resize(static_cast<std::size_t>(len));
            WideCharToMultiByte(CP_UTF8, 0, buf, static_cast<int>(n), text.data(), len, nullptr, nullptr);
        }
    }
    if (buf) LocalFree(buf);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.'))
        text.pop_back();
    return (text.empty() ? "unknown error" : text) + " (Windows error " + std::to_string(code) + ")";
}

// The system's reason for a failed write, and what the user can do about it.
std::string write_failure(DWORD code) {
    const std::string why = win_reason(code);
    switch (code) {
        case ERROR_DISK_FULL:
        case ERROR_HANDLE_DISK_FULL: return why + "; free some disk space or write to another disk";
        case ERROR_WRITE_PROTECT: return why + "; write to another folder";
        case ERROR_ACCESS_DENIED: return why + "; choose a folder you may write to, or change its permissions";
        default: return why + "; check that the folder exists and is writable";
    }
}

}  // namespace

std::FILE* open_file(const std::string& path, const char* mode) noexcept {
    std::wstring wpath, wmode;
    if (!widen(path, wpath) || !widen(mode, wmode)) {
        errno = EINVAL;
        return nullptr;
    }
    return _wfopen(wpath.c_str(), wmode.c_str());
}

std::filesystem::path executable_path() {
    std::wstring buf(MAX_PATH, L'\0');
    for (;;) {
        const DWORD n = GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
        if (n == 0) return {};
        if (n < buf.size()) return std::filesystem::path(buf.substr(0, n));
        if (buf.size() >= 32768) return {};  // longer than any Windows path
        buf.resize(buf.size() * 2);
    }
}

void write_file_atomically(const std::string& path, const void* data, std::size_t size) {
    const std::string tmp = temporary_path_for(path, GetCurrentProcessId());
    const std::wstring wpath = wide_path(path), wtmp = wide_path(tmp);  // first: refuses a path that is not UTF-8
    require_file_target(path);
    HANDLE h = CreateFileW(wtmp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE)
        N2D_FAIL("n2d: cannot create '" + tmp + "' to write '" + path + "': " + write_failure(GetLastError()) +
                 ". The previous file (if any) is unchanged");
    auto fail = [&](const std::string& what, DWORD code, bool open) {
        if (open) CloseHandle(h);
        DeleteFileW(wtmp.c_str());
        N2D_FAIL("n2d: " + what + " '" + path + "': " + write_failure(code) + ". The previous file (if any) is unchanged");
    };
    const auto* p = static_cast<const unsigned char*>(data);
    std::size_t left = size;
    while (left > 0) {
        const DWORD chunk = static_cast<DWORD>(left < (DWORD(1) << 30) ? left : (DWORD(1) << 30));
        DWORD wrote = 0;
        if (!WriteFile(h, p, chunk, &wrote, nullptr) || wrote == 0) fail("cannot write", GetLastError(), true);
        p += wrote;
        left -= wrote;
    }
    if (!FlushFileBuffers(h)) fail("cannot flush", GetLastError(), true);
    if (!CloseHandle(h)) fail("cannot flush", GetLastError(), false);
    // Replacing a file that another thread or process is replacing or reading at the same moment
    // (or that a virus scanner or indexer holds open) fails for a moment with access denied or a
    // sharing violation: try again for a while before giving up.
    for (int attempt = 0;; ++attempt) {
        if (MoveFileExW(wtmp.c_str(), wpath.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) break;
        const DWORD err = GetLastError();
        const bool transient = err == ERROR_ACCESS_DENIED || err == ERROR_SHARING_VIOLATION;
        if (!transient || attempt == 200) fail("cannot move the new file into place at", err, false);
        Sleep(attempt < 10 ? 1 : 10);
    }
}

}  // namespace n2d
#endif
