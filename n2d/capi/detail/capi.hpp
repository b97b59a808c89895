// Internals of the C API (n2d/n2d.h): the handle types and the one place where C++ failures
// become n2d_status values.
#pragma once
#include <cstddef>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "n2d/core/error.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/n2d.h"
#include "n2d/pipeline/n2d_pipeline.hpp"

struct n2d_options {
    n2d::N2DOptions options;
    std::size_t threads = 0;  // 0 = the library-wide pool
    n2d_progress_fn progress = nullptr;
    void* progress_user = nullptr;
};

struct n2d_model {
    std::unique_ptr<n2d::ThreadPool> pool;  // declared first: the model's stages point into it
    n2d::N2D model;
};

namespace n2d::inline v0::capi {

// An error with the status it maps to (the C API's own checks).
class StatusError : public Error {
public:
    StatusError(n2d_status s, const std::string& message) : Error(message), status(s) {}
    n2d_status status;
};

// Records "<function>: <message>" (without the library's "n2d: " prefix) as this thread's last
// error and returns `status`.
n2d_status fail(const char* function, n2d_status status, const char* message) noexcept;

// Runs `body`, mapping every exception to a status; a plain n2d::Error maps to `error_status`
// (what a bad input means for this call: invalid argument, or a format error when loading).
template <class Body>
n2d_status guard(const char* function, n2d_status error_status, Body&& body) noexcept {
    try {
        body();
        return N2D_OK;
    } catch (const Cancelled& e) {
        return fail(function, N2D_ERROR_CANCELLED, e.what());
    } catch (const StatusError& e) {
        return fail(function, e.status, e.what());
    } catch (const OutOfMemory& e) {
        return fail(function, N2D_ERROR_OUT_OF_MEMORY, e.what());
    } catch (const Error& e) {
        return fail(function, error_status, e.what());
    } catch (const std::bad_alloc&) {
        return fail(function, N2D_ERROR_OUT_OF_MEMORY, "out of memory; free memory or use fewer rows");
    } catch (const std::exception& e) {
        return fail(function, N2D_ERROR_INTERNAL, e.what());
    } catch (...) {
        return fail(function, N2D_ERROR_INTERNAL, "unknown exception");
    }
}

// Throws StatusError(INVALID_ARGUMENT) naming `what` when `p` is null.
inline void require_ptr(const void* p, const char* what) {
    if (!p) throw StatusError(N2D_ERROR_INVALID_ARGUMENT, std::string(what) + " is NULL");
}
// Throws StatusError(BUFFER_TOO_SMALL) when `capacity` < `needed`.
void require_capacity(std::size_t capacity, std::size_t needed, const char* what);

}  // namespace n2d::capi
