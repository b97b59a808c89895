#include "n2d/plot/detail/deflate.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/detail/deflate_tables.hpp"
#include "n2d/core/error.hpp"
#include "n2d/plot/detail/huffman.hpp"

namespace n2d::inline v0 {

namespace {

constexpr std::size_t kWindow = std::size_t(1) << 15;  // DEFLATE's largest distance
constexpr std::size_t kWindowMask = kWindow - 1;
constexpr std::size_t kMinMatch = 3, kMaxMatch = 258;
constexpr int kHashBits = 15;
constexpr std::size_t kNoPos = ~std::size_t(0);
constexpr std::size_t kBlockSymbols = std::size_t(1) << 15;  // symbols per block before it is flushed
constexpr std::size_t kTooFar = 4096;  // a 3-byte match this far away costs more bits than 3 literals
constexpr int kMaxCodeBits = 15, kMaxCodeLengthBits = 7;
constexpr int kLitLenSymbols = 286, kDistSymbols = 30, kCodeLengthSymbols = 19, kEndOfBlock = 256;

using detail::kDistBase, detail::kDistExtra, detail::kLengthBase, detail::kLengthExtra;

// Order in which the code-length code lengths are sent.
constexpr std::array<std::uint8_t, 19> kCodeLengthOrder = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
                                                           11, 4,  12, 3, 13, 2, 14, 1, 15};

struct CodeTables {
    std::array<std::uint8_t, kMaxMatch + 1> length_code{};  // match length → code index 0..28
    std::array<std::uint8_t, 512> dist_code{};  // [d-1] for d <= 256, else [256 + ((d-1) >> 7)]
};
constexpr CodeTables make_code_tables() {
    CodeTables t{};
    for (std::size_t c = 0; c < kLengthBase.size(); ++c)
        for (std::size_t len = kLengthBase[c]; len < kLengthBase[c] + (1u << kLengthExtra[c]) && len <= kMaxMatch; ++len)
            t.length_code[len] = static_cast<std::uint8_t>(c);
    t.length_code[kMaxMatch] = 28;  // 258 has its own code (285), not 284 + 31
    for (std::size_t c = 0; c < kDistBase.size(); ++c)
        for (std::size_t d = kDistBase[c]; d < kDistBase[c] + (1u << kDistExtra[c]); ++d) {
            if (d <= 256) t.dist_code[d - 1] = static_cast<std::uint8_t>(c);
            else t.dist_code[256 + ((d - 1) >> 7)] = static_cast<std::uint8_t>(c);
        }
    return t;
}
constexpr CodeTables kCodes = make_code_tables();

inline int dist_code(std::size_t d) { return d <= 256 ? kCodes.dist_code[d - 1] : kCodes.dist_code[256 + ((d - 1) >> 7)]; }

// A literal (dist == 0, value = byte) or a match (value = length 3..258, dist 1..32768).
struct Symbol {
    std::uint16_t value;
    std::uint16_t dist;
};

class BitWriter {
public:
    explicit BitWriter(std::vector<unsigned char>& out) : out_(out) {}
    // Appends the low `count` bits of `bits`, least significant first (count <= 32).
    void put(std::uint32_t bits, int count) {
        acc_ |= std::uint64_t(bits) << filled_;
        filled_ += count;
        while (filled_ >= 8) {
            out_.push_back(static_cast<unsigned char>(acc_));
            acc_ >>= 8;
            filled_ -= 8;
        }
    }
    void align_to_byte() {
        if (filled_ > 0) put(0, 8 - filled_);
    }
    int pending_bits() const { return filled_; }

private:
    std::vector<unsigned char>& out_;
    std::uint64_t acc_ = 0;
    int filled_ = 0;
};

// A prefix code: per-symbol lengths and bit-reversed codes (DEFLATE sends codes MSB first).
struct PrefixCode {
    std::vector<std::uint8_t> length;
    std::vector<std::uint16_t> code;
};

// Canonical codes from lengths (RFC 1951 §3.2.2), stored bit-reversed for the LSB-first writer.
void assign_canonical_codes(PrefixCode& pc) {
    std::array<std::uint16_t, kMaxCodeBits + 2> count{}, next{};
    for (std::uint8_t l : pc.length) ++count[l];
    count[0] = 0;
    std::uint16_t code = 0;
    for (int bits = 1; bits <= kMaxCodeBits; ++bits) {
        code = static_cast<std::uint16_t>((code + count[bits - 1]) << 1);
        next[bits] = code;
    }
    pc.code.assign(pc.length.size(), 0);
    for (std::size_t s = 0; s < pc.length.size(); ++s) {
        const int len = pc.length[s];
        if (len == 0) continue;
        std::uint16_t c = next[len]++, reversed = 0;
        for (int i = 0; i < len; ++i) reversed = static_cast<std::uint16_t>((reversed << 1) | ((c >> i) & 1));
        pc.code[s] = reversed;
    }
}

PrefixCode build_prefix_code(const std::vector<std::uint32_t>& freq, int max_bits) {
    PrefixCode pc;
    pc.length = huffman_code_lengths(freq, max_bits);
    assign_canonical_codes(pc);
    return pc;
}

// A complete code needs at least two symbols; give unused ones a token frequency.
void force_two_symbols(std::vector<std::uint32_t>& freq) {
    std::size_t used = 0;
    for (std::uint32_t f : freq) used += f > 0;
    for (std::size_t s = 0; used < 2 && s < freq.size(); ++s)
        if (freq[s] == 0) freq[s] = 1, ++used;
}

PrefixCode fixed_litlen_code() {
    PrefixCode pc;
    pc.length.resize(288);
    for (int s = 0; s < 288; ++s) pc.length[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    assign_canonical_codes(pc);
    return pc;
}
PrefixCode fixed_dist_code() {
    PrefixCode pc;
    pc.length.assign(30, 5);
    assign_canonical_codes(pc);
    return pc;
}

// Code-length sequence run-length coded with symbols 16 (repeat previous 3-6), 17 (zeros 3-10), 18 (zeros 11-138).
struct CodeLengthItem {
    std::uint8_t symbol, extra_value;
};
std::vector<CodeLengthItem> run_length_code(const std::vector<std::uint8_t>& lengths) {
    std::vector<CodeLengthItem> items;
    for (std::size_t i = 0; i < lengths.size();) {
        const std::uint8_t v = lengths[i];
        std::size_t run = 1;
        while (i + run < lengths.size() && lengths[i + run] == v) ++run;
        i += run;
        if (v == 0) {
            while (run >= 11) {
                const std::size_t r = std::min<std::size_t>(run, 138);
                items.push_back({18, static_cast<std::uint8_t>(r - 11)});
                run -= r;
            }
            if (run >= 3) {
                items.push_back({17, static_cast<std::uint8_t>(run - 3)});
                run = 0;
            }
        } else {
            items.push_back({v, 0});
            --run;
            while (run >= 3) {
                const std::size_t r = std::min<std::size_t>(run, 6);
                items.push_back({16, static_cast<std::uint8_t>(r - 3)});
                run -= r;
            }
        }
        for (; run > 0; --run) items.push_back({v, 0});
    }
    return items;
}
constexpr int code_length_extra_bits(int symbol) { return symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0; }

// Bits the block's symbols (plus end-of-block) take with the given codes.
std::uint64_t data_bits(const std::vector<std::uint32_t>& lit_freq, const std::vector<std::uint32_t>& dist_freq,
                        const PrefixCode& lit, const PrefixCode& dist) {
    std::uint64_t bits = 0;
    for (int s = 0; s < kLitLenSymbols; ++s) {
        bits += std::uint64_t(lit_freq[s]) * lit.length[s];
        if (s > kEndOfBlock) bits += std::uint64_t(lit_freq[s]) * kLengthExtra[s - 257];
    }
    for (int s = 0; s < kDistSymbols; ++s) bits += std::uint64_t(dist_freq[s]) * (dist.length[s] + kDistExtra[s]);
    return bits;
}

void write_symbols(BitWriter& bw, const std::vector<Symbol>& symbols, const PrefixCode& lit, const PrefixCode& dist) {
    for (const Symbol& s : symbols) {
        if (s.dist == 0) {
            bw.put(lit.code[s.value], lit.length[s.value]);
            continue;
        }
        const int lc = kCodes.length_code[s.value];
        bw.put(lit.code[257 + lc], lit.length[257 + lc]);
        if (kLengthExtra[lc]) bw.put(s.value - kLengthBase[lc], kLengthExtra[lc]);
        const int dc = dist_code(s.dist);
        bw.put(dist.code[dc], dist.length[dc]);
        if (kDistExtra[dc]) bw.put(s.dist - kDistBase[dc], kDistExtra[dc]);
    }
    bw.put(lit.code[kEndOfBlock], lit.length[kEndOfBlock]);
}

// Stored blocks of up to 65535 bytes each (at least one, so an empty input gets its final block).
void write_stored(BitWriter& bw, const unsigned char* raw, std::size_t size, bool final) {
    std::size_t done = 0;
    do {
        const std::size_t len = std::min<std::size_t>(size - done, 65535);
        bw.put((final && done + len == size) ? 1 : 0, 1);
        bw.put(0, 2);
        bw.align_to_byte();
        bw.put(static_cast<std::uint32_t>(len), 16);
        bw.put(static_cast<std::uint32_t>(~len & 0xFFFF), 16);
        for (std::size_t i = 0; i < len; ++i) bw.put(raw[done + i], 8);
        done += len;
    } while (done < size);
}

// Writes one block (stored, fixed or dynamic, whichever is smallest) for `symbols`, which
// encode the raw bytes [raw, raw + raw_size).
void write_block(BitWriter& bw, const std::vector<Symbol>& symbols, std::vector<std::uint32_t> lit_freq,
                 std::vector<std::uint32_t> dist_freq, const unsigned char* raw, std::size_t raw_size, bool final) {
    lit_freq[kEndOfBlock] = 1;
    force_two_symbols(lit_freq);
    force_two_symbols(dist_freq);
    const PrefixCode lit = build_prefix_code(lit_freq, kMaxCodeBits);
    const PrefixCode dist = build_prefix_code(dist_freq, kMaxCodeBits);

    // Dynamic header: HLIT/HDIST trimmed of trailing zero lengths, lengths run-length coded.
    int hlit = kLitLenSymbols, hdist = kDistSymbols;
    while (hlit > 257 && lit.length[hlit - 1] == 0) --hlit;
    while (hdist > 1 && dist.length[hdist - 1] == 0) --hdist;
    std::vector<std::uint8_t> all_lengths(lit.length.begin(), lit.length.begin() + hlit);
    all_lengths.insert(all_lengths.end(), dist.length.begin(), dist.length.begin() + hdist);
    const std::vector<CodeLengthItem> items = run_length_code(all_lengths);
    std::vector<std::uint32_t> cl_freq(kCodeLengthSymbols, 0);
    for (const CodeLengthItem& it : items) ++cl_freq[it.symbol];
    force_two_symbols(cl_freq);
    const PrefixCode cl = build_prefix_code(cl_freq, kMaxCodeLengthBits);
    int hclen = kCodeLengthSymbols;
    while (hclen > 4 && cl.length[kCodeLengthOrder[hclen - 1]] == 0) --hclen;
    std::uint64_t dynamic_bits = 3 + 5 + 5 + 4 + 3 * std::uint64_t(hclen);
    for (const CodeLengthItem& it : items) dynamic_bits += cl.length[it.symbol] + code_length_extra_bits(it.symbol);
    dynamic_bits += data_bits(lit_freq, dist_freq, lit, dist);

    // Fixed codes: the used-symbol frequencies are the true ones (the forced tokens are unused).
    static_assert(kLitLenSymbols <= 288);
    const PrefixCode fixed_lit = fixed_litlen_code(), fixed_dist = fixed_dist_code();
    std::vector<std::uint32_t> true_lit(kLitLenSymbols, 0), true_dist(kDistSymbols, 0);
    for (const Symbol& s : symbols) {
        if (s.dist == 0) ++true_lit[s.value];
        else ++true_lit[257 + kCodes.length_code[s.value]], ++true_dist[dist_code(s.dist)];
    }
    true_lit[kEndOfBlock] = 1;
    const std::uint64_t fixed_bits = 3 + data_bits(true_lit, true_dist, fixed_lit, fixed_dist);

    // Stored: each piece of up to 65535 bytes costs a 3-bit header, byte alignment and LEN/NLEN.
    const std::size_t pieces = std::max<std::size_t>(1, (raw_size + 65534) / 65535);
    const std::uint64_t stored_bits = pieces * (3 + 7 + 32) + 8 * std::uint64_t(raw_size);

    if (stored_bits < fixed_bits && stored_bits < dynamic_bits) {
        write_stored(bw, raw, raw_size, final);
    } else if (fixed_bits <= dynamic_bits) {
        bw.put(final ? 1 : 0, 1);
        bw.put(1, 2);
        write_symbols(bw, symbols, fixed_lit, fixed_dist);
    } else {
        bw.put(final ? 1 : 0, 1);
        bw.put(2, 2);
        bw.put(static_cast<std::uint32_t>(hlit - 257), 5);
        bw.put(static_cast<std::uint32_t>(hdist - 1), 5);
        bw.put(static_cast<std::uint32_t>(hclen - 4), 4);
        for (int i = 0; i < hclen; ++i) bw.put(cl.length[kCodeLengthOrder[i]], 3);
        for (const CodeLengthItem& it : items) {
            bw.put(cl.code[it.symbol], cl.length[it.symbol]);
            if (const int extra = code_length_extra_bits(it.symbol)) bw.put(it.extra_value, extra);
        }
        write_symbols(bw, symbols, lit, dist);
    }
}

struct LevelParams {
    std::size_t max_chain;  // candidates examined per position
    std::size_t nice;       // stop searching at a match this long
    std::size_t lazy;       // matches shorter than this wait one byte for a better one (0: never wait)
};
LevelParams level_params(int level) {
    switch (level) {
        case 1: return {4, 16, 0};
        case 2: return {8, 32, 0};
        case 3: return {16, 32, 8};
        case 4: return {32, 64, 16};
        case 5: return {64, 128, 16};
        case 6: return {128, 128, 32};
        case 7: return {256, 258, 64};
        case 8: return {1024, 258, 128};
        default: return {4096, 258, 258};
    }
}

class Compressor {
public:
    Compressor(const unsigned char* in, std::size_t n, LevelParams params, BitWriter& bw)
        : in_(in), n_(n), params_(params), bw_(bw), head_(std::size_t(1) << kHashBits, kNoPos),
          prev_(std::min(n, kWindow), kNoPos), lit_freq_(kLitLenSymbols, 0), dist_freq_(kDistSymbols, 0) {
        symbols_.reserve(kBlockSymbols);
    }

    void run() {
        std::size_t p = 0;
        bool pending = false;  // a match found at p-1 waits to see whether p has a longer one
        std::size_t pending_len = 0, pending_dist = 0;
        while (p < n_) {
            std::size_t len = 0, dist = 0;
            if (p + kMinMatch <= n_) {
                find_match(p, pending ? pending_len : kMinMatch - 1, len, dist);
                insert(p);
            }
            if (pending) {
                if (len > pending_len) {  // the match one byte later is longer: send p-1 as a literal
                    emit_literal(p - 1);
                    pending_len = len;
                    pending_dist = dist;
                    ++p;
                    continue;
                }
                emit_match(pending_len, pending_dist);
                for (std::size_t q = p + 1; q < p - 1 + pending_len; ++q) insert(q);
                p = p - 1 + pending_len;
                pending = false;
                continue;
            }
            if (len >= kMinMatch && len >= params_.lazy) {
                emit_match(len, dist);
                for (std::size_t q = p + 1; q < p + len; ++q) insert(q);
                p += len;
            } else if (len >= kMinMatch) {
                pending = true;
                pending_len = len;
                pending_dist = dist;
                ++p;
            } else {
                emit_literal(p);
                ++p;
            }
        }
        if (pending) emit_match(pending_len, pending_dist);
        write_block(bw_, symbols_, lit_freq_, dist_freq_, in_ + block_start_, emitted_ - block_start_, true);
    }

private:
    std::size_t hash(std::size_t p) const {
        const std::uint32_t v = std::uint32_t(in_[p]) | std::uint32_t(in_[p + 1]) << 8 | std::uint32_t(in_[p + 2]) << 16;
        return (v * 0x9E3779B1u) >> (32 - kHashBits);
    }
    void insert(std::size_t p) {
        if (p + kMinMatch > n_) return;
        const std::size_t h = hash(p);
        prev_[p & kWindowMask] = head_[h];
        head_[h] = p;
    }
    // Longest match for position p that is longer than `must_beat`; len = 0 when none.
    void find_match(std::size_t p, std::size_t must_beat, std::size_t& len, std::size_t& dist) const {
        const std::size_t max_len = std::min(kMaxMatch, n_ - p);
        const std::size_t oldest = p > kWindow ? p - kWindow : 0;
        std::size_t best = must_beat, best_dist = 0, chain = params_.max_chain;
        if (best >= max_len) return;
        const unsigned char* cur = in_ + p;
        for (std::size_t cand = head_[hash(p)]; cand != kNoPos && cand >= oldest && chain-- > 0;
             cand = prev_[cand & kWindowMask]) {
            const unsigned char* c = in_ + cand;
            if (c[best] != cur[best] || c[0] != cur[0] || c[1] != cur[1]) continue;
            std::size_t l = 2;
            while (l < max_len && c[l] == cur[l]) ++l;
            if (l > best) {
                best = l;
                best_dist = p - cand;
                if (l >= params_.nice || l == max_len) break;
            }
        }
        if (best_dist == 0 || (best == kMinMatch && best_dist > kTooFar)) return;
        len = best;
        dist = best_dist;
    }
    void emit_literal(std::size_t p) {
        symbols_.push_back({in_[p], 0});
        ++lit_freq_[in_[p]];
        emitted_ = p + 1;
        maybe_flush();
    }
    void emit_match(std::size_t len, std::size_t dist) {
        symbols_.push_back({static_cast<std::uint16_t>(len), static_cast<std::uint16_t>(dist)});
        ++lit_freq_[257 + kCodes.length_code[len]];
        ++dist_freq_[dist_code(dist)];
        emitted_ += len;
        maybe_flush();
    }
    void maybe_flush() {
        if (symbols_.size() < kBlockSymbols) return;
        write_block(bw_, symbols_, lit_freq_, dist_freq_, in_ + block_start_, emitted_ - block_start_, false);
        symbols_.clear();
        std::fill(lit_freq_.begin(), lit_freq_.end(), 0);
        std::fill(dist_freq_.begin(), dist_freq_.end(), 0);
        block_start_ = emitted_;
    }

    const unsigned char* in_;
    std::size_t n_;
    LevelParams params_;
    BitWriter& bw_;
    std::vector<std::size_t> head_, prev_;
    std::vector<Symbol> symbols_;
    std::vector<std::uint32_t> lit_freq_, dist_freq_;
    std::size_t block_start_ = 0, emitted_ = 0;
};

}  // namespace

std::vector<unsigned char> deflate_raw(const void* data, std::size_t size, const DeflateOptions& options) {
    N2D_REQUIRE(options.level >= 0 && options.level <= 9,
                "DeflateOptions::level is " + std::to_string(options.level) + "; use 0 (stored) to 9 (smallest)");
    N2D_REQUIRE(data != nullptr || size == 0, "deflate_raw: data is null but size is " + std::to_string(size));
    const auto* in = static_cast<const unsigned char*>(data);
    std::vector<unsigned char> out;
    out.reserve(size / 4 + 64);
    BitWriter bw(out);
    if (options.level == 0) {
        write_stored(bw, in, size, true);
        return out;
    }
    Compressor(in, size, level_params(options.level), bw).run();
    bw.align_to_byte();
    return out;
}

std::vector<unsigned char> zlib_compress(const void* data, std::size_t size, const DeflateOptions& options) {
    const std::vector<unsigned char> body = deflate_raw(data, size, options);
    std::vector<unsigned char> out;
    out.reserve(body.size() + 6);
    // CMF: deflate with a 32 KiB window; FLG: level hint, and CMF*256+FLG a multiple of 31.
    const unsigned cmf = 0x78;
    unsigned flg = (options.level <= 1 ? 0u : options.level <= 5 ? 1u : options.level == 6 ? 2u : 3u) << 6;
    flg += 31 - (cmf * 256 + flg) % 31;
    out.push_back(static_cast<unsigned char>(cmf));
    out.push_back(static_cast<unsigned char>(flg));
    out.insert(out.end(), body.begin(), body.end());
    const std::uint32_t a = adler32(data, size);
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>(a >> shift));
    return out;
}

}  // namespace n2d
