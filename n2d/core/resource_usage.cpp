#include "n2d/core/resource_usage.hpp"

#if defined(_WIN32)
#include "n2d/core/detail/windows.hpp"
// Version 2 binds GetProcessMemoryInfo to kernel32 (K32GetProcessMemoryInfo): no psapi.lib to link.
#ifndef PSAPI_VERSION
#define PSAPI_VERSION 2
#endif
#include <psapi.h>
#else
#include <sys/resource.h>
#endif

namespace n2d::inline v0 {

std::size_t peak_resident_bytes() noexcept {
#if defined(_WIN32)
    PROCESS_MEMORY_COUNTERS counters{};
    counters.cb = sizeof counters;
    if (!GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof counters)) return 0;
    return static_cast<std::size_t>(counters.PeakWorkingSetSize);
#else
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) != 0 || usage.ru_maxrss < 0) return 0;
#if defined(__APPLE__)
    return static_cast<std::size_t>(usage.ru_maxrss);  // bytes on macOS
#else
    return static_cast<std::size_t>(usage.ru_maxrss) * 1024;  // KiB on Linux and the BSDs
#endif
#endif
}

}  // namespace n2d
