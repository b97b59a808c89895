// Placeholder CPU stage ops (replaced by the stage modules' implementations).
#include <algorithm>
#include <limits>
#include <vector>

#include "n2d/core/thread_pool.hpp"
#include "n2d/device/detail/cpu_ops.hpp"

namespace n2d::inline v0 {

void cpu_umap_epoch(ThreadPool&, const UmapEpochArgs&) {
    detail::throw_internal(__FILE__, __LINE__, "false", "cpu_umap_epoch: not wired yet");
}

}  // namespace n2d
