// What the process has used so far, for reports that state a run's memory beside its time.
#pragma once
#include <cstddef>

namespace n2d::inline v0 {

// The process's peak resident set (high-water mark) in bytes since it started: getrusage's
// ru_maxrss on POSIX, the peak working set on Windows; 0 where the system does not say.
std::size_t peak_resident_bytes() noexcept;

}  // namespace n2d
