// n2d::Error — the one exception type for bad input or environment.
// Messages say what went wrong, where (file:line/offset or argument name) and how to fix it.
#pragma once
#include <stdexcept>
#include <string>

namespace n2d {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Thrown when a progress callback asked to stop.
class Cancelled : public Error {
public:
    explicit Cancelled(const std::string& stage) : Error("n2d: " + stage + " cancelled by the progress callback") {}
};

// Throws n2d::Error when `condition` is false. `message` is only built on failure.
#define N2D_REQUIRE(condition, message)                                          \
    do {                                                                         \
        if (!(condition)) throw ::n2d::Error(std::string("n2d: ") + (message));  \
    } while (0)

}  // namespace n2d
