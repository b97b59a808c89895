// C API: version, errors, devices, SIMD target, allocation hooks, assessment, synthetic data.
#include <cstring>
#include <string>
#include <vector>

#include "n2d/blas/simd.hpp"
#include "n2d/capi/detail/capi.hpp"
#include "n2d/core/memory.hpp"
#include "n2d/core/version.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/device/devices.hpp"
#include "n2d/metrics/metrics.hpp"

namespace n2d::inline v0::capi {

namespace {
thread_local std::string t_last_error;
}

n2d_status fail(const char* function, n2d_status status, const char* message) noexcept {
    try {
        if (std::strncmp(message, "n2d: ", 5) == 0) message += 5;
        t_last_error.assign(function).append(": ").append(message);
    } catch (...) {  // no memory for the message: keep the function name at least
        t_last_error.clear();
    }
    return status;
}

void require_capacity(std::size_t capacity, std::size_t needed, const char* what) {
    if (capacity < needed)
        throw StatusError(N2D_ERROR_BUFFER_TOO_SMALL, std::string(what) + " holds " + std::to_string(capacity) +
                                                          " elements but " + std::to_string(needed) +
                                                          " are needed; pass a larger buffer");
}

}  // namespace n2d::capi

using namespace n2d::capi;

extern "C" {

const char* n2d_version(void) { return n2d::kVersionString; }

void n2d_version_numbers(int* major, int* minor, int* patch) {
    if (major) *major = n2d::kVersionMajor;
    if (minor) *minor = n2d::kVersionMinor;
    if (patch) *patch = n2d::kVersionPatch;
}

const char* n2d_status_string(n2d_status status) {
    switch (status) {
        case N2D_OK: return "N2D_OK";
        case N2D_ERROR_INVALID_ARGUMENT: return "N2D_ERROR_INVALID_ARGUMENT";
        case N2D_ERROR_IO: return "N2D_ERROR_IO";
        case N2D_ERROR_FORMAT: return "N2D_ERROR_FORMAT";
        case N2D_ERROR_CANCELLED: return "N2D_ERROR_CANCELLED";
        case N2D_ERROR_OUT_OF_MEMORY: return "N2D_ERROR_OUT_OF_MEMORY";
        case N2D_ERROR_BUFFER_TOO_SMALL: return "N2D_ERROR_BUFFER_TOO_SMALL";
        case N2D_ERROR_NOT_FITTED: return "N2D_ERROR_NOT_FITTED";
        case N2D_ERROR_INTERNAL: return "N2D_ERROR_INTERNAL";
    }
    return "unknown status";
}

const char* n2d_last_error(void) { return t_last_error.c_str(); }

const char* n2d_simd_target(void) {
    try {
        return n2d::to_string(n2d::active_target());
    } catch (...) {  // an unusable N2D_SIMD: the kernels will refuse too; report the fallback
        return n2d::to_string(n2d::SimdTarget::scalar);
    }
}

}  // extern "C"

namespace {
// list_devices() once, kept for the program's lifetime so the returned strings stay valid.
const std::vector<n2d::DeviceInfo>& devices() {
    static const std::vector<n2d::DeviceInfo> d = n2d::list_devices();
    return d;
}
}  // namespace

extern "C" {

n2d_status n2d_device_count(size_t* count) {
    return guard("n2d_device_count", N2D_ERROR_INTERNAL, [&] {
        require_ptr(count, "count");
        *count = devices().size();
    });
}

n2d_status n2d_device_info(size_t index, const char** name, const char** description, int* available) {
    return guard("n2d_device_info", N2D_ERROR_INTERNAL, [&] {
        const auto& d = devices();
        if (index >= d.size())
            throw StatusError(N2D_ERROR_INVALID_ARGUMENT, "device index " + std::to_string(index) + " is out of range; " +
                                                              std::to_string(d.size()) + " devices (n2d_device_count)");
        if (name) *name = d[index].name.c_str();
        if (description) *description = d[index].description.c_str();
        if (available) *available = d[index].available ? 1 : 0;
    });
}

n2d_status n2d_set_allocator(const n2d_allocator* a) {
    return guard("n2d_set_allocator", N2D_ERROR_INVALID_ARGUMENT, [&] {
        if (!a) return n2d::reset_allocator();
        n2d::set_allocator(n2d::Allocator{a->alloc_fn, a->free_fn, a->aligned_alloc_fn, a->aligned_free_fn, a->user});
    });
}

n2d_status n2d_assess(const int* truth, const int* pred, size_t n, n2d_scores* out) {
    return guard("n2d_assess", N2D_ERROR_INVALID_ARGUMENT, [&] {
        require_ptr(truth, "truth");
        require_ptr(pred, "pred");
        require_ptr(out, "out");
        const std::vector<int> t(truth, truth + n), p(pred, pred + n);
        const n2d::Assessment a = n2d::assess(t, p);
        *out = n2d_scores{a.accuracy, a.nmi, a.ari, n2d::ami(t, p)};
    });
}

n2d_status n2d_make_synthetic(size_t n_samples, size_t n_clusters, size_t dim, uint64_t seed, float* x,
                              size_t x_capacity, int* labels, size_t labels_capacity) {
    return guard("n2d_make_synthetic", N2D_ERROR_INVALID_ARGUMENT, [&] {
        require_ptr(x, "x");
        if (dim && n_samples > x_capacity / dim) require_capacity(x_capacity, n_samples * dim, "x");
        if (labels) require_capacity(labels_capacity, n_samples, "labels");
        n2d::SyntheticOptions o;
        o.n_samples = n_samples;
        o.n_clusters = n_clusters;
        o.dim = dim;
        o.seed = seed;
        const n2d::Dataset d = n2d::make_synthetic(o);
        std::memcpy(x, d.x.data(), d.x.size() * sizeof(float));
        if (labels) std::memcpy(labels, d.labels.data(), d.labels.size() * sizeof(int));
    });
}

}  // extern "C"
