// Errors. n2d::Error is the one exception type for bad input or environment: its message says
// what went wrong, where (file:line/offset or argument name) and how to fix it. A broken
// internal invariant is a bug in n2d, not the caller's fault: it throws n2d::InternalError.
//
// Every throw in the library goes through the out-of-line functions below (via the macros), so
// the headers hold no throw expression and a -fno-exceptions project can include them.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

namespace n2d::inline v0 {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Thrown when a progress callback asked to stop.
class Cancelled : public Error {
public:
    explicit Cancelled(const std::string& stage) : Error("n2d: " + stage + " cancelled by the progress callback") {}
};

// Memory for a buffer could not be had (the allocator returned nothing, or the size is beyond
// what the address space can hold). The message says how much was needed and for what;
// bytes() is that amount. The C API maps it to N2D_ERROR_OUT_OF_MEMORY.
class OutOfMemory : public Error {
public:
    OutOfMemory(const std::string& message, std::size_t bytes) : Error(message), bytes_(bytes) {}
    std::size_t bytes() const noexcept { return bytes_; }

private:
    std::size_t bytes_;
};

// A bug in n2d (an internal invariant failed); the message names the source location.
class InternalError : public std::logic_error {
public:
    explicit InternalError(const std::string& message) : std::logic_error(message) {}
};

namespace detail {
[[noreturn]] void throw_error(const std::string& message);
[[noreturn]] void throw_cancelled(const char* stage);
[[noreturn]] void throw_internal(const char* file, int line, const char* condition, const std::string& what);
// Throws OutOfMemory: "n2d: out of memory: <what> needs <size>; <how to fix>".
[[noreturn]] void throw_out_of_memory(std::size_t bytes, const std::string& what);
// A byte count for people: "512 bytes", "3.2 MiB", "372.5 GiB".
std::string human_bytes(std::size_t bytes);
}  // namespace detail

// Throws n2d::Error("n2d: " + message) when `condition` is false; `message` is only built then.
#define N2D_REQUIRE(condition, message)                                                  \
    do {                                                                                 \
        if (!(condition)) ::n2d::detail::throw_error(std::string("n2d: ") + (message));  \
    } while (0)

// Throws n2d::Error(message): the message is complete (it already names its source).
#define N2D_FAIL(message) ::n2d::detail::throw_error(message)

// Throws n2d::InternalError when an invariant the code relies on does not hold.
#define N2D_ASSERT(condition, what)                                                          \
    do {                                                                                     \
        if (!(condition)) ::n2d::detail::throw_internal(__FILE__, __LINE__, #condition, what); \
    } while (0)

}  // namespace n2d
