// The compute devices this build can see, for choosing one by name and for `n2d info`.
// The op interface the stages run on is internal (n2d/device/detail/device.hpp).
#pragma once
#include <string>
#include <vector>

namespace n2d::inline v0 {

enum class DeviceType { cpu, cuda, opencl };

struct DeviceInfo {
    std::string name;         // e.g. "cpu"
    DeviceType type;
    bool available;           // usable by this build now
    std::string description;  // what it is, or why it is unavailable
};
std::vector<DeviceInfo> list_devices();

}  // namespace n2d
