// DEFLATE decoding (RFC 1951). The gzip and zlib wrappers are in gzip.cpp. See inflate.hpp.
#include "n2d/data/detail/inflate.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

#include "n2d/core/detail/deflate_tables.hpp"
#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

void fail_compressed(const std::string& context, std::size_t offset, const std::string& problem) {
    N2D_FAIL("n2d: " + context + ": byte offset " + std::to_string(offset) + ": " + problem +
                "; the file is damaged or truncated: obtain it again (see datasets/README.md)");
}

namespace {


// ---- Huffman lookup tables ---------------------------------------------------------------
// A table entry packs: bits 0-4 code length, bits 5-7 kind, bits 8-12 extra-bit count (or the
// index width of a second-level table), bits 16-31 a value (symbol, base or table offset).
enum Kind : std::uint32_t { kSymbol = 0, kBase = 1, kEnd = 2, kSub = 3, kInvalid = 4 };

constexpr std::uint32_t entry(Kind kind, std::uint32_t length, std::uint32_t extra, std::uint32_t value) {
    return length | (std::uint32_t(kind) << 5) | (extra << 8) | (value << 16);
}
constexpr std::uint32_t entry_length(std::uint32_t e) { return e & 31u; }
constexpr std::uint32_t entry_kind(std::uint32_t e) { return (e >> 5) & 7u; }
constexpr std::uint32_t entry_extra(std::uint32_t e) { return (e >> 8) & 31u; }
constexpr std::uint32_t entry_value(std::uint32_t e) { return e >> 16; }

constexpr unsigned kMaxCodeLength = 15;
constexpr std::uint32_t kInvalidEntry = entry(kInvalid, 1, 0, 0);

using detail::kDistBase, detail::kDistExtra, detail::kLengthBase, detail::kLengthExtra;

// What a decoded symbol means, before its code length is known.
std::uint32_t litlen_meaning(unsigned s) {
    if (s < 256) return entry(kSymbol, 0, 0, s);
    if (s == 256) return entry(kEnd, 0, 0, 0);
    if (s <= 285) return entry(kBase, 0, kLengthExtra[s - 257], kLengthBase[s - 257]);
    return kInvalidEntry & ~31u;  // 286, 287: have codes in the fixed table but never occur
}
std::uint32_t dist_meaning(unsigned s) {
    if (s < 30) return entry(kBase, 0, kDistExtra[s], kDistBase[s]);
    return kInvalidEntry & ~31u;
}
std::uint32_t symbol_meaning(unsigned s) { return entry(kSymbol, 0, 0, s); }

// Two-level table: 2^Root first-level entries, then second-level tables for longer codes.
// Capacity bounds the second level: at most one table per long code, each at most
// 2^(15 - Root) entries.
template <unsigned Root, std::size_t MaxSymbols>
struct HuffmanTable {
    static constexpr std::size_t kCapacity = (std::size_t(1) << Root) + MaxSymbols * (std::size_t(1) << (kMaxCodeLength > Root ? kMaxCodeLength - Root : 0));
    std::array<std::uint32_t, kCapacity> t;

    // Builds the canonical code for `lengths[0..n)`. Returns nullptr or the reason it is invalid.
    // An incomplete code is accepted only when it has at most one symbol (RFC 1951 allows a
    // single distance code; zlib accepts the same), and then the unused codes decode as invalid.
    const char* build(const std::uint8_t* lengths, unsigned n, std::uint32_t (*meaning)(unsigned),
                      bool allow_single) {
        unsigned count[kMaxCodeLength + 1] = {};
        for (unsigned s = 0; s < n; ++s) ++count[lengths[s]];
        count[0] = 0;
        long left = 1;
        unsigned used = 0;
        for (unsigned len = 1; len <= kMaxCodeLength; ++len) {
            left = left * 2 - long(count[len]);
            if (left < 0) return "over-subscribed Huffman code lengths";
            used += count[len];
        }
        if (left > 0 && used > (allow_single ? 1u : 0u)) return "incomplete Huffman code lengths";

        unsigned next_code[kMaxCodeLength + 2] = {};
        for (unsigned len = 1, code = 0; len <= kMaxCodeLength; ++len) {
            code = (code + count[len - 1]) << 1;
            next_code[len] = code;
        }
        // Codes are sent MSB first but read LSB first: tables are indexed by the reversed code.
        std::array<std::uint16_t, 320> reversed{};
        for (unsigned s = 0; s < n; ++s) {
            const unsigned len = lengths[s];
            if (len == 0) continue;
            unsigned code = next_code[len]++, r = 0;
            for (unsigned b = 0; b < len; ++b, code >>= 1) r = (r << 1) | (code & 1u);
            reversed[s] = static_cast<std::uint16_t>(r);
        }

        constexpr unsigned kRootSize = 1u << Root, kRootMask = kRootSize - 1;
        std::array<std::uint8_t, kRootSize> sub_max{};
        for (unsigned s = 0; s < n; ++s)
            if (lengths[s] > Root) {
                auto& m = sub_max[reversed[s] & kRootMask];
                if (lengths[s] > m) m = lengths[s];
            }
        std::size_t end = kRootSize;
        for (unsigned p = 0; p < kRootSize; ++p)
            if (sub_max[p]) end += std::size_t(1) << (sub_max[p] - Root);
        if (end > kCapacity) return "Huffman table too large";  // cannot happen for valid lengths
        std::fill(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(end), kInvalidEntry);
        std::size_t offset = kRootSize;
        for (unsigned p = 0; p < kRootSize; ++p)
            if (sub_max[p]) {
                t[p] = entry(kSub, Root, sub_max[p] - Root, static_cast<std::uint32_t>(offset));
                offset += std::size_t(1) << (sub_max[p] - Root);
            }

        for (unsigned s = 0; s < n; ++s) {
            const unsigned len = lengths[s];
            if (len == 0) continue;
            const std::uint32_t e = meaning(s) | len;
            const unsigned r = reversed[s];
            if (len <= Root) {
                for (unsigned i = r; i < kRootSize; i += 1u << len) t[i] = e;
            } else {
                const std::uint32_t sub = t[r & kRootMask];
                const unsigned width = entry_extra(sub), step = 1u << (len - Root);
                for (unsigned i = r >> Root; i < (1u << width); i += step) t[entry_value(sub) + i] = e;
            }
        }
        return nullptr;
    }

    std::uint32_t lookup(std::uint64_t bits) const {
        std::uint32_t e = t[bits & ((1u << Root) - 1)];
        if (entry_kind(e) == kSub) e = t[entry_value(e) + ((bits >> Root) & ((1u << entry_extra(e)) - 1))];
        return e;
    }
};

using LitLenTable = HuffmanTable<10, 288>;
using DistTable = HuffmanTable<8, 32>;
using CodeLengthTable = HuffmanTable<7, 19>;

// ---- bit input --------------------------------------------------------------------------
// Holds 56..63 bits after refill(). Past the end of the input it feeds zero bytes and counts
// them; overrun() says whether any of those were actually consumed (= truncated input).
class Inflater;

class BitReader {
public:
    BitReader(const unsigned char* data, std::size_t size) : begin_(data), p_(data), end_(data + size) {}

    void refill() {
        if (end_ - p_ >= 8) {
            std::uint64_t w;
            std::memcpy(&w, p_, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            w = __builtin_bswap64(w);
#endif
            // Bits above the new count repeat the next bytes, so or-ing them again is harmless.
            buf_ |= w << cnt_;
            p_ += (63 - cnt_) >> 3;
            cnt_ |= 56;
        } else {
            while (cnt_ <= 56) {
                std::uint64_t b = 0;
                if (p_ < end_) b = *p_++;
                else ++overrun_;
                buf_ |= b << cnt_;
                cnt_ += 8;
            }
        }
    }
    std::uint64_t peek() const { return buf_; }
    std::uint32_t bits(unsigned n) const { return static_cast<std::uint32_t>(buf_ & ((std::uint64_t(1) << n) - 1)); }
    void consume(unsigned n) {
        buf_ >>= n;
        cnt_ -= n;
    }
    bool overrun() const { return overrun_ * 8 > cnt_; }
    // Bits consumed so far, counted from the start of the input.
    std::size_t consumed_bits() const { return (std::size_t(p_ - begin_) + overrun_) * 8 - cnt_; }
    std::size_t byte_offset() const { return consumed_bits() / 8; }
    void align_to_byte() { consume(cnt_ & 7u); }
    // After align_to_byte(): drops the bit buffer and continues at the exact byte position.
    const unsigned char* byte_position() {
        const unsigned char* pos = begin_ + consumed_bits() / 8;
        buf_ = 0;
        cnt_ = 0;
        overrun_ = 0;
        p_ = pos;
        return pos;
    }
    void skip_bytes(std::size_t n) { p_ += n; }
    std::size_t bytes_left() const { return std::size_t(end_ - p_); }

private:
    friend class Inflater;  // its hot loop keeps this state in registers
    const unsigned char* begin_;
    const unsigned char* p_;
    const unsigned char* end_;
    std::uint64_t buf_ = 0;
    unsigned cnt_ = 0;
    std::size_t overrun_ = 0;
};

// ---- the decoder --------------------------------------------------------------------------
class Inflater {
public:
    Inflater(const unsigned char* data, std::size_t size, std::vector<unsigned char>& out, const std::string& context,
             std::size_t offset)
        : in_(data, size), out_(out), context_(context), offset_(offset), start_(out.size()), n_(out.size()) {}

    std::size_t run() {
        bool final = false;
        while (!final) {
            in_.refill();
            final = in_.bits(1) != 0;
            const unsigned type = (in_.bits(3) >> 1);
            in_.consume(3);
            check_truncation();
            if (type == 0) stored_block();
            else if (type == 1) fixed_block();
            else if (type == 2) dynamic_block();
            else error("invalid block type 3 (reserved)");
        }
        in_.align_to_byte();
        check_truncation();
        out_.resize(n_);
        return in_.byte_offset();
    }

    void discard_output() { out_.resize(start_); }

private:
    // Garbage decoded from the zero padding past the end is reported as truncation.
    [[noreturn]] void error(const std::string& problem) const {
        check_truncation();
        fail_compressed(context_, offset_ + in_.byte_offset(), problem);
    }
    void check_truncation() const {
        if (in_.overrun()) fail_compressed(context_, offset_ + in_.byte_offset(), "unexpected end of compressed data (truncated)");
    }

    // Keeps room for `extra` bytes plus 8 bytes of slack for the chunked match copy.
    void reserve(std::size_t extra) {
        if (out_.size() - n_ >= extra + 8) return;
        std::size_t want = out_.size() * 2;
        if (want < n_ + extra + 8) want = n_ + extra + 8;
        if (want < (std::size_t(1) << 16)) want = std::size_t(1) << 16;
        if (want > out_.capacity() && out_.capacity() >= n_ + extra + 8) want = out_.capacity();  // use a size hint
        out_.resize(want);
    }

    void stored_block() {
        in_.align_to_byte();
        in_.refill();
        const unsigned len = in_.bits(16);
        in_.consume(16);
        const unsigned nlen = in_.bits(16);
        in_.consume(16);
        check_truncation();
        if ((len ^ 0xFFFFu) != nlen) error("stored block length " + std::to_string(len) + " does not match its complement");
        const unsigned char* src = in_.byte_position();
        if (in_.bytes_left() < len)
            fail_compressed(context_, offset_ + in_.byte_offset(), "stored block of " + std::to_string(len) + " bytes is truncated");
        reserve(len);
        std::memcpy(out_.data() + n_, src, len);
        n_ += len;
        in_.skip_bytes(len);
    }

    void fixed_block() {
        std::uint8_t lengths[288 + 32];
        for (unsigned s = 0; s < 144; ++s) lengths[s] = 8;
        for (unsigned s = 144; s < 256; ++s) lengths[s] = 9;
        for (unsigned s = 256; s < 280; ++s) lengths[s] = 7;
        for (unsigned s = 280; s < 288; ++s) lengths[s] = 8;
        for (unsigned s = 0; s < 32; ++s) lengths[288 + s] = 5;
        litlen_.build(lengths, 288, litlen_meaning, false);
        dist_.build(lengths + 288, 32, dist_meaning, false);
        decode_symbols();
    }

    void dynamic_block() {
        in_.refill();
        const unsigned hlit = in_.bits(5) + 257;
        in_.consume(5);
        const unsigned hdist = in_.bits(5) + 1;
        in_.consume(5);
        const unsigned hclen = in_.bits(4) + 4;
        in_.consume(4);
        check_truncation();
        if (hlit > 286) error("dynamic block declares " + std::to_string(hlit) + " literal/length codes (at most 286)");
        if (hdist > 30) error("dynamic block declares " + std::to_string(hdist) + " distance codes (at most 30)");

        static constexpr std::uint8_t kOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
        std::uint8_t cl_lengths[19] = {};
        in_.refill();  // 19 * 3 = 57 bits may exceed one refill: refill halfway
        for (unsigned i = 0; i < hclen; ++i) {
            if (i == 10) in_.refill();
            cl_lengths[kOrder[i]] = static_cast<std::uint8_t>(in_.bits(3));
            in_.consume(3);
        }
        check_truncation();
        if (const char* why = codelen_.build(cl_lengths, 19, symbol_meaning, false))
            error(std::string(why) + " in the code-length code");

        std::uint8_t lengths[286 + 30];
        const unsigned total = hlit + hdist;
        for (unsigned i = 0; i < total;) {
            in_.refill();
            const std::uint32_t e = codelen_.lookup(in_.peek());
            if (entry_kind(e) == kInvalid) error("invalid code-length code");
            in_.consume(entry_length(e));
            const unsigned sym = entry_value(e);
            if (sym < 16) {
                lengths[i++] = static_cast<std::uint8_t>(sym);
            } else {
                std::uint8_t value = 0;
                unsigned repeat;
                if (sym == 16) {
                    if (i == 0) error("code-length repeat (16) with no previous length");
                    value = lengths[i - 1];
                    repeat = 3 + in_.bits(2);
                    in_.consume(2);
                } else if (sym == 17) {
                    repeat = 3 + in_.bits(3);
                    in_.consume(3);
                } else {
                    repeat = 11 + in_.bits(7);
                    in_.consume(7);
                }
                if (i + repeat > total) error("code-length repeat runs past the declared number of codes");
                std::memset(lengths + i, value, repeat);
                i += repeat;
            }
            check_truncation();
        }
        if (lengths[256] == 0) error("dynamic block has no end-of-block code");
        if (const char* why = litlen_.build(lengths, hlit, litlen_meaning, true))
            error(std::string(why) + " in the literal/length code");
        if (const char* why = dist_.build(lengths + hlit, hdist, dist_meaning, true))
            error(std::string(why) + " in the distance code");
        decode_symbols();
    }

    // Copies a match of `length` bytes from `dist` bytes back; needs 8 bytes of slack after it.
    static void copy_match(unsigned char* dst, std::size_t dist, unsigned length) {
        const unsigned char* src = dst - dist;
        if (dist >= 8) {
            // Chunks never read bytes this copy has not written yet.
            for (unsigned i = 0; i < length; i += 8) std::memcpy(dst + i, src + i, 8);
        } else if (dist == 1) {
            std::memset(dst, *src, length);
        } else {
            for (unsigned i = 0; i < length; ++i) dst[i] = src[i];
        }
    }

    // The bulk of a block: runs while at least 8 input bytes and a full match of output room
    // remain, with the bit buffer and output position in locals (stores through the output
    // pointer could alias members and force reloads otherwise). One refill gives >= 56 bits,
    // enough for a length code with its extra bits and a distance code with its extra bits
    // (15 + 5 + 15 + 13 = 48). Returns true at the end of the block.
    bool decode_fast() {
        if (out_.size() < 258 + 8 || in_.end_ - in_.p_ < 8) return false;
        unsigned char* const out = out_.data();
        const std::size_t limit = out_.size() - (258 + 8), start = start_;
        const unsigned char* p = in_.p_;
        const unsigned char* const last = in_.end_ - 8;
        std::uint64_t buf = in_.buf_;
        unsigned cnt = in_.cnt_;
        std::size_t n = n_;
        bool end_of_block = false;
        const char* problem = nullptr;
        while (n <= limit && p <= last) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            w = __builtin_bswap64(w);
#endif
            buf |= w << cnt;
            p += (63 - cnt) >> 3;
            cnt |= 56;
            std::uint32_t e = litlen_.lookup(buf);
            buf >>= entry_length(e);
            cnt -= entry_length(e);
            const std::uint32_t kind = entry_kind(e);
            if (kind == kSymbol) {
                out[n++] = static_cast<unsigned char>(entry_value(e));
                continue;
            }
            if (kind != kBase) {
                if (kind == kEnd) end_of_block = true;
                else problem = "invalid literal/length code";
                break;
            }
            const unsigned extra = entry_extra(e);
            const unsigned length = entry_value(e) + static_cast<unsigned>(buf & ((1u << extra) - 1));
            buf >>= extra;
            cnt -= extra;
            e = dist_.lookup(buf);
            if (entry_kind(e) != kBase) {
                problem = "invalid distance code";
                break;
            }
            buf >>= entry_length(e);
            cnt -= entry_length(e);
            const unsigned dextra = entry_extra(e);
            const std::size_t dist = entry_value(e) + static_cast<std::size_t>(buf & ((std::uint64_t(1) << dextra) - 1));
            buf >>= dextra;
            cnt -= dextra;
            if (dist > n - start) {
                n_ = n;
                in_.p_ = p;
                in_.buf_ = buf;
                in_.cnt_ = cnt;
                distance_error(dist);
            }
            copy_match(out + n, dist, length);
            n += length;
        }
        n_ = n;
        in_.p_ = p;
        in_.buf_ = buf;
        in_.cnt_ = cnt;
        if (problem) error(problem);
        return end_of_block;
    }

    [[noreturn]] void distance_error(std::size_t dist) const {
        error("back-reference distance " + std::to_string(dist) + " reaches before the start of the data (" +
              std::to_string(n_ - start_) + " bytes written)");
    }

    // One symbol with every check, for the block's tail (near the end of the input) and to
    // grow the output. Returns true at the end of the block.
    bool decode_one() {
        reserve(258);
        in_.refill();
        std::uint32_t e = litlen_.lookup(in_.peek());
        in_.consume(entry_length(e));
        const std::uint32_t kind = entry_kind(e);
        if (kind == kSymbol) {
            out_[n_++] = static_cast<unsigned char>(entry_value(e));
            check_truncation();
            return false;
        }
        if (kind == kEnd) return true;
        if (kind != kBase) error("invalid literal/length code");
        const unsigned length = entry_value(e) + in_.bits(entry_extra(e));
        in_.consume(entry_extra(e));
        e = dist_.lookup(in_.peek());
        if (entry_kind(e) != kBase) error("invalid distance code");
        in_.consume(entry_length(e));
        const std::size_t dist = entry_value(e) + in_.bits(entry_extra(e));
        in_.consume(entry_extra(e));
        check_truncation();
        if (dist > n_ - start_) distance_error(dist);
        copy_match(out_.data() + n_, dist, length);
        n_ += length;
        return false;
    }

    void decode_symbols() {
        while (!decode_fast())
            if (decode_one()) break;
        check_truncation();
    }

    BitReader in_;
    std::vector<unsigned char>& out_;
    const std::string& context_;
    std::size_t offset_;
    std::size_t start_;
    std::size_t n_;
    LitLenTable litlen_;
    DistTable dist_;
    CodeLengthTable codelen_;
};

}  // namespace

std::size_t inflate_raw(const void* data, std::size_t size, std::vector<unsigned char>& out,
                        const std::string& context, std::size_t offset) {
    auto inflater = std::make_unique<Inflater>(static_cast<const unsigned char*>(data), size, out, context, offset);
    try {
        return inflater->run();
    } catch (...) {
        inflater->discard_output();
        throw;
    }
}

}  // namespace n2d
