// Building blocks of the text readers: line iteration with line numbers, locale-independent
// number parsing (std::from_chars, no streams) and error messages that point at file:line.
#pragma once
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "n2d/core/error.hpp"

namespace n2d::inline v0::text {

struct Line {
    const char* begin = nullptr;
    const char* end = nullptr;  // without the '\n' or "\r\n"
    std::size_t number = 0;     // 1-based
    bool blank() const {
        for (const char* p = begin; p != end; ++p)
            if (*p != ' ' && *p != '\t') return false;
        return true;
    }
};

class LineReader {
public:
    explicit LineReader(const std::vector<unsigned char>& bytes)
        : p_(reinterpret_cast<const char*>(bytes.data())), end_(p_ + bytes.size()) {}
    bool next(Line& line) {
        if (p_ == end_) return false;
        const char* nl = static_cast<const char*>(std::memchr(p_, '\n', std::size_t(end_ - p_)));
        const char* e = nl ? nl : end_;
        line.begin = p_;
        line.end = (e > p_ && e[-1] == '\r') ? e - 1 : e;
        line.number = ++number_;
        p_ = nl ? nl + 1 : end_;
        return true;
    }

private:
    const char* p_;
    const char* end_;
    std::size_t number_ = 0;
};

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }
inline const char* skip_blanks(const char* p, const char* e) {
    while (p != e && is_blank(*p)) ++p;
    return p;
}
inline const char* trim_end(const char* b, const char* e) {
    while (e != b && is_blank(e[-1])) --e;
    return e;
}

// The token [b, e) for messages: quoted, shortened to 24 characters.
inline std::string quoted(const char* b, const char* e) {
    std::string s(b, std::size_t(e - b) > 24 ? b + 24 : e);
    if (std::size_t(e - b) > 24) s += "...";
    return "'" + s + "'";
}

[[noreturn]] inline void fail(const std::string& path, std::size_t line, const std::string& problem) {
    N2D_FAIL("n2d: " + path + ":" + std::to_string(line) + ": " + problem);
}

// Parses all of [b, e) (a leading '+' allowed) as a float. Returns false when it is not a number.
inline bool parse_float(const char* b, const char* e, float& value) {
    if (b != e && *b == '+') ++b;
    if (b == e) return false;
    const auto [ptr, ec] = std::from_chars(b, e, value);
    if (ec == std::errc::result_out_of_range) {
        // Denormal-range values are fine as zero; overflow is not a finite number.
        double d;
        const auto r = std::from_chars(b, e, d);
        if (r.ptr != e || r.ec != std::errc()) return false;
        if (std::fabs(d) > 1.0) {
            value = d > 0 ? HUGE_VALF : -HUGE_VALF;
            return true;
        }
        value = static_cast<float>(d);
        return true;
    }
    return ec == std::errc() && ptr == e;
}

inline bool parse_int(const char* b, const char* e, long long& value) {
    if (b != e && *b == '+') ++b;
    if (b == e) return false;
    const auto [ptr, ec] = std::from_chars(b, e, value);
    return ec == std::errc() && ptr == e;
}

}  // namespace n2d::text
