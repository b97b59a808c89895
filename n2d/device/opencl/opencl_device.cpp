// Placeholder: the OpenCL backend is not built yet.
#include "n2d/core/error.hpp"
#include "n2d/device/detail/device.hpp"

namespace n2d::inline v0 {

std::vector<DeviceInfo> list_opencl_devices() {
    return {{"opencl", DeviceType::opencl, false, "the OpenCL backend is not built yet", 0}};
}
std::unique_ptr<Device> open_opencl_device(std::size_t) { N2D_FAIL("n2d: the OpenCL backend is not built yet"); }

}  // namespace n2d
