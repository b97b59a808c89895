// The compute devices this build can see, for choosing one by name and for `n2d info`.
// A Device is opaque to users: open one by name and pass it to a component's options (or set
// N2DOptions::device); the op interface the stages run on is internal
// (n2d/device/detail/device.hpp).
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace n2d::inline v0 {

enum class DeviceType { cpu, cuda, opencl };

struct DeviceInfo {
    std::string name;         // e.g. "cpu"
    DeviceType type;
    bool available;           // usable by this build now
    std::string description;  // what it is, or why it is unavailable
    std::size_t memory_bytes = 0;  // global memory (0: unknown or not applicable)
    bool accelerator = false;      // a GPU or accelerator (an OpenCL driver may also expose the CPU)
};
// Every device: the CPU, then each OpenCL and CUDA device (or one entry per backend saying why
// it is unavailable: "libOpenCL.so.1 not found", "no CUDA driver", ...).
std::vector<DeviceInfo> list_devices();

class Device;
class ThreadPool;
// Opens a device by name: "cpu", "opencl", "opencl:N", "cuda", "cuda:N", or "auto" (the first
// available GPU, else the CPU); `pool` runs its CPU work (default: the library-wide pool).
// Throws n2d::Error with the reason when it is unavailable.
std::shared_ptr<Device> open_device(const std::string& name, ThreadPool* pool = nullptr);

}  // namespace n2d
