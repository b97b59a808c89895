// One T per thread, made on first use and destroyed when the thread ends (per-thread scratch
// buffers). Plain function-local thread_local everywhere but MinGW-w64: there GCC's emulated
// TLS may free the object's storage before its destructor runs at thread exit (GCC bug 80816,
// mingw-w64 bug 527), a use-after-free; a winpthreads key owns the object instead.
#pragma once

#if defined(__MINGW32__)
#include <pthread.h>
#endif

namespace n2d::inline v0 {

template <class T>
T& per_thread() {
#if defined(__MINGW32__)
    static const pthread_key_t key = [] {
        pthread_key_t k;
        pthread_key_create(&k, [](void* p) { delete static_cast<T*>(p); });
        return k;
    }();
    thread_local T* mine = nullptr;  // trivially destructible: nothing runs on freed storage
    if (!mine) {
        mine = new T();
        pthread_setspecific(key, mine);
    }
    return *mine;
#else
    thread_local T mine;
    return mine;
#endif
}

}  // namespace n2d
