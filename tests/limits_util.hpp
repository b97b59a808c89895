// POSIX-only helpers for the resource-limit tests (disk full, read-only folder, out of memory):
// the code under test runs in a forked child, so its limits, mounts and dropped privileges never
// reach the test program. Windows has neither fork nor rlimits: the tests using this are
// guarded with #ifndef _WIN32.
#pragma once
#if !defined(_WIN32)
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace n2d::inline v0::test {

// Sanitizers reserve terabytes of address space (an address-space limit breaks them) and
// ThreadSanitizer handles fork in a threaded program poorly: the fork tests skip under them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

// What a child said: its exit status (-1 when a signal ended it) and the text it reported.
struct ChildReport {
    int status = -1;
    std::string text;
};

// Runs `body` (which returns the text to report) in a forked child and waits for it. The child
// exits 0 when body returns and 1 when it throws (text: "exception: " + what()); it never
// returns into the test framework.
template <class Body>
ChildReport run_in_child(Body&& body) {
    int fds[2];
    if (::pipe(fds) != 0) return {-1, "pipe() failed"};
    const pid_t pid = ::fork();
    if (pid < 0) return {-1, "fork() failed"};
    if (pid == 0) {
        ::close(fds[0]);
        std::string text;
        int code = 0;
        try {
            text = body();
        } catch (const std::exception& e) {
            text = std::string("exception: ") + e.what();
            code = 1;
        } catch (...) {
            text = "exception of an unknown type";
            code = 1;
        }
        for (std::size_t done = 0; done < text.size();) {
            const ssize_t w = ::write(fds[1], text.data() + done, text.size() - done);
            if (w <= 0) break;
            done += static_cast<std::size_t>(w);
        }
        ::_exit(code);
    }
    ::close(fds[1]);
    ChildReport r;
    char buf[4096];
    for (ssize_t got; (got = ::read(fds[0], buf, sizeof buf)) != 0;) {
        if (got < 0) {
            if (errno == EINTR) continue;
            break;
        }
        r.text.append(buf, static_cast<std::size_t>(got));
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// In a child: no file it writes may grow beyond `bytes`, and SIGXFSZ is ignored, so a write
// past the limit fails with EFBIG the way a write to a full disk fails with ENOSPC. False
// when the limit did not take.
inline bool limit_file_size(rlim_t bytes) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit lim{bytes, bytes};
    rlimit now{};
    return ::setrlimit(RLIMIT_FSIZE, &lim) == 0 && ::getrlimit(RLIMIT_FSIZE, &now) == 0 && now.rlim_cur == bytes;
}

// In a child: caps its address space at `bytes`. False when the limit did not take (qemu-user
// accepts and ignores it).
inline bool limit_address_space(rlim_t bytes) {
    const rlimit lim{bytes, bytes};
    rlimit now{};
    return ::setrlimit(RLIMIT_AS, &lim) == 0 && ::getrlimit(RLIMIT_AS, &now) == 0 && now.rlim_cur == bytes;
}

// In a child: a private mount namespace (as root; otherwise inside a new user namespace where
// this user is root) whose mounts nobody else sees. False where the system allows neither.
inline bool private_mounts() {
    if (::unshare(CLONE_NEWNS) != 0) {
        const uid_t uid = ::geteuid();
        const gid_t gid = ::getegid();
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return false;
        const auto put = [](const char* file, const std::string& text) {
            std::ofstream f(file);
            f << text;
            f.close();
            return static_cast<bool>(f);
        };
        if (!put("/proc/self/setgroups", "deny") || !put("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
            !put("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"))
            return false;
    }
    return ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
}

// In a child: `dir` becomes read-only for this process and those it starts (a read-only bind
// mount of `dir` over itself in a private mount namespace), root included: writes fail with
// EROFS. False where the system allows no private mounts.
inline bool read_only_bind_mount(const std::filesystem::path& dir) {
    const std::string d = dir.string();
    return private_mounts() && ::mount(d.c_str(), d.c_str(), nullptr, MS_BIND, nullptr) == 0 &&
           ::mount(nullptr, d.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0;
}

// In a child: makes `dir` unwritable for this process, root included: read_only_bind_mount
// where allowed, else permission bits — `dir` becomes 0555 and, as root ignores them, root
// drops to nobody (writes fail with EACCES); the caller then restores the bits with
// restore_writable. Returns how, for the test's messages, or "" when neither works.
inline std::string make_unwritable(const std::filesystem::path& dir) {
    if (read_only_bind_mount(dir)) return "a read-only bind mount";
    const std::string d = dir.string();
    if (::chmod(d.c_str(), 0555) != 0) return "";
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) return "";
    return "permission bits 0555";
}

inline void restore_writable(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                          std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                          std::filesystem::perms::others_exec,
                                 ec);
}

// The names in `dir`, to show that a failed write left no temporary file behind.
inline std::set<std::string> names_in(const std::filesystem::path& dir) {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

inline std::string file_text(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

}  // namespace n2d::test
#endif
