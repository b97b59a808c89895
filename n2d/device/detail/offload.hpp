// Whether a stage hands an op to a device. Host devices (the CPU device) are skipped: their ops
// are the stages' own host code behind views, so the stages run that code directly — the CPU
// stays the default, as fast and bit-identical as without a device.
#pragma once
#include "n2d/device/detail/device.hpp"

namespace n2d::inline v0 {

// `dev` when a stage should run `op` there (a device with its own memory that implements the
// op), else null: run the host code.
inline Device* offload_device(Device* dev, DeviceOp op) {
    return dev != nullptr && !dev->is_host() && dev->supports(op) ? dev : nullptr;
}

}  // namespace n2d
