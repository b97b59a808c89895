// Little-endian byte serialisation shared by every component that saves state (autoencoder
// weights, kNN index, UMAP transform state, GMM), so the one-file model can embed them all.
// ByteReader is bounds-checked: malformed input raises n2d::Error naming the context and
// offset, never reads out of range.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

static_assert(std::endian::native == std::endian::little, "n2d serialises little-endian and supports little-endian hosts");
static_assert(sizeof(float) == 4 && sizeof(double) == 8, "IEEE-754 float and double required");

class ByteWriter {
public:
    template <class T>
    void put(T v) {
        static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
        put_bytes(&v, sizeof v);  // little-endian hosts only (static_assert above)
    }
    void put_string(const std::string& s) {
        put<std::uint64_t>(s.size());
        put_bytes(s.data(), s.size());
    }
    // Length-prefixed array of T, its data starting 64-byte aligned relative to the buffer start.
    template <class T>
    void put_array(const T* data, std::size_t count) {
        static_assert(std::is_arithmetic_v<T>);
        put<std::uint64_t>(count);
        align(64);
        put_bytes(data, count * sizeof(T));
    }
    template <class T>
    void put_vector(const std::vector<T>& v) { put_array(v.data(), v.size()); }
    void put_bytes(const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        buf_.insert(buf_.end(), b, b + n);
    }
    void align(std::size_t a) {
        while (buf_.size() % a) buf_.push_back(0);
    }
    const std::vector<unsigned char>& bytes() const noexcept { return buf_; }
    std::vector<unsigned char> take() noexcept { return std::move(buf_); }
    std::size_t size() const noexcept { return buf_.size(); }

private:
    std::vector<unsigned char> buf_;
};

class ByteReader {
public:
    // `context` names what is read (e.g. "autoencoder weights in model.n2d") for error messages.
    ByteReader(const void* data, std::size_t size, std::string context)
        : p_(static_cast<const unsigned char*>(data)), size_(size), context_(std::move(context)) {}

    template <class T>
    T get() {
        static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
        T v;
        std::memcpy(&v, take(sizeof v), sizeof v);
        return v;
    }
    std::string get_string(std::size_t max_size = 1 << 20) {
        auto n = get<std::uint64_t>();
        check_count(n, 1, max_size, "string");
        const auto* b = take(static_cast<std::size_t>(n));
        return std::string(reinterpret_cast<const char*>(b), static_cast<std::size_t>(n));
    }
    template <class T>
    std::vector<T> get_vector(std::size_t max_count = std::size_t(1) << 34) {
        auto n = get<std::uint64_t>();
        check_count(n, sizeof(T), max_count, "array");
        align(64);
        std::vector<T> v(static_cast<std::size_t>(n));
        if (n) std::memcpy(v.data(), take(static_cast<std::size_t>(n) * sizeof(T)), static_cast<std::size_t>(n) * sizeof(T));
        return v;
    }
    // Reads an array of exactly `count` T into `out`.
    template <class T>
    void get_array(T* out, std::size_t count) {
        auto n = get<std::uint64_t>();
        if (n != count) fail("array of " + std::to_string(n) + " elements where " + std::to_string(count) + " were expected");
        align(64);
        if (count) std::memcpy(out, take(count * sizeof(T)), count * sizeof(T));
    }
    void align(std::size_t a) {
        std::size_t pad = (a - pos_ % a) % a;
        take(pad);
    }
    std::size_t offset() const noexcept { return pos_; }
    std::size_t remaining() const noexcept { return size_ - pos_; }
    bool at_end() const noexcept { return pos_ == size_; }
    // Throws n2d::Error with the context and current offset.
    [[noreturn]] void fail(const std::string& what) const {
        N2D_FAIL("n2d: " + context_ + ": " + what + " at byte offset " + std::to_string(pos_) +
                    "; the data is corrupt or was written by an incompatible version");
    }
    void expect(bool ok, const std::string& what) const {
        if (!ok) fail(what);
    }

private:
    const unsigned char* take(std::size_t n) {
        if (n > size_ - pos_)
            fail("truncated: " + std::to_string(n) + " bytes needed, " + std::to_string(size_ - pos_) + " left");
        const unsigned char* b = p_ + pos_;
        pos_ += n;
        return b;
    }
    void check_count(std::uint64_t n, std::size_t elem, std::size_t max_count, const char* what) const {
        if (n > max_count || n * elem > size_ - pos_)
            fail(std::string(what) + " length " + std::to_string(n) + " exceeds the remaining data");
    }
    const unsigned char* p_;
    std::size_t size_;
    std::size_t pos_ = 0;
    std::string context_;
};

}  // namespace n2d
