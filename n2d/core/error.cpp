#include "n2d/core/error.hpp"

#include <new>

namespace n2d::inline v0::detail {

void throw_error(const std::string& message) { throw Error(message); }

void throw_cancelled(const char* stage) { throw Cancelled(stage); }

void throw_internal(const char* file, int line, const char* condition, const std::string& what) {
    throw InternalError(std::string("n2d internal error (a bug: please report it) at ") + file + ":" +
                        std::to_string(line) + ": " + what + " [" + condition + " failed]");
}

void throw_bad_alloc() { throw std::bad_alloc(); }

}  // namespace n2d::detail
