#include "n2d/core/error.hpp"

#include <cstdio>

namespace n2d::inline v0::detail {

void throw_error(const std::string& message) { throw Error(message); }

void throw_cancelled(const char* stage) { throw Cancelled(stage); }

void throw_internal(const char* file, int line, const char* condition, const std::string& what) {
    throw InternalError(std::string("n2d internal error (a bug: please report it) at ") + file + ":" +
                        std::to_string(line) + ": " + what + " [" + condition + " failed]");
}

void throw_out_of_memory(std::size_t bytes, const std::string& what) {
    throw OutOfMemory("n2d: out of memory: " + what + " needs " + human_bytes(bytes) + " (" + std::to_string(bytes) +
                          " bytes) that could not be allocated; use less data (fewer samples or features), free "
                          "memory, or raise the process's memory limit (ulimit -v)",
                      bytes);
}

std::string human_bytes(std::size_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    static const char* const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = static_cast<double>(bytes) / 1024.0;
    std::size_t u = 0;
    while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

}  // namespace n2d::detail
