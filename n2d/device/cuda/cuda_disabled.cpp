// The CUDA registry of a build without CUDA (N2D_CUDA=OFF).
#include "n2d/core/error.hpp"
#include "n2d/device/detail/device.hpp"

namespace n2d::inline v0 {

namespace {
constexpr const char* kReason = "this build has no CUDA backend (configure with -DN2D_CUDA=ON)";
}

std::vector<DeviceInfo> list_cuda_devices() { return {{"cuda", DeviceType::cuda, false, kReason, 0}}; }
std::unique_ptr<Device> open_cuda_device(std::size_t) { N2D_FAIL(std::string("n2d: cuda: ") + kReason); }

}  // namespace n2d
