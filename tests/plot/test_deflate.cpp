#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "n2d/data/detail/inflate.hpp"
#include "n2d/core/detail/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/plot/detail/deflate.hpp"
#include "n2d/plot/detail/huffman.hpp"
#include "png_check.hpp"

using namespace n2d;

namespace {

std::vector<std::vector<unsigned char>> sample_inputs() {
    Rng rng(7);
    std::vector<std::vector<unsigned char>> in;
    in.push_back({});
    in.push_back({'x'});
    in.push_back({'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'});
    in.push_back(std::vector<unsigned char>(100000, 0xFF));  // long runs: matches at distance 1
    std::vector<unsigned char> noise(70000);
    for (auto& b : noise) b = static_cast<unsigned char>(rng.next());
    in.push_back(noise);  // incompressible: must fall back to stored blocks
    std::vector<unsigned char> text;
    const char* words[] = {"manifold ", "cluster ", "autoencoder ", "the ", "of ", "UMAP ", "mixture\n"};
    for (int i = 0; i < 60000; ++i)
        for (const char* c = words[rng.below(7)]; *c; ++c) text.push_back(static_cast<unsigned char>(*c));
    in.push_back(text);  // several dynamic-Huffman blocks
    std::vector<unsigned char> mixed(300000);
    for (std::size_t i = 0; i < mixed.size(); ++i)
        mixed[i] = rng.below(12) == 0 ? static_cast<unsigned char>(rng.below(4)) : static_cast<unsigned char>(i % 251);
    in.push_back(mixed);  // matches at every distance up to the window
    return in;
}

// Optimal (unlimited) Huffman cost: the sum of all merged weights, by a plain O(n^2) merge.
std::uint64_t optimal_cost(const std::vector<std::uint32_t>& freq) {
    std::vector<std::uint64_t> w;
    for (std::uint32_t f : freq)
        if (f) w.push_back(f);
    std::uint64_t cost = 0;
    while (w.size() > 1) {
        std::sort(w.begin(), w.end());
        const std::uint64_t merged = w[0] + w[1];
        cost += merged;
        w.erase(w.begin(), w.begin() + 2);
        w.push_back(merged);
    }
    return cost;
}

std::uint64_t code_cost(const std::vector<std::uint32_t>& freq, const std::vector<std::uint8_t>& len) {
    std::uint64_t c = 0;
    for (std::size_t i = 0; i < freq.size(); ++i) c += std::uint64_t(freq[i]) * len[i];
    return c;
}

// Kraft sum in units of 2^-15; a complete code sums to exactly 2^15.
std::uint64_t kraft_sum(const std::vector<std::uint8_t>& len) {
    std::uint64_t k = 0;
    for (std::uint8_t l : len)
        if (l) k += std::uint64_t(1) << (15 - l);
    return k;
}

}  // namespace

// Cheapest lengths in 1..limit with Kraft sum <= 1, by trying them all (small n only).
static std::uint64_t brute_force_limited_cost(const std::vector<std::uint32_t>& freq, int limit) {
    std::vector<std::uint8_t> len(freq.size(), 1);
    std::uint64_t best = ~std::uint64_t(0);
    while (true) {
        if (kraft_sum(len) <= (1u << 15)) best = std::min(best, code_cost(freq, len));
        std::size_t i = 0;
        while (i < len.size() && len[i] == limit) len[i++] = 1;
        if (i == len.size()) return best;
        ++len[i];
    }
}

TEST_CASE("Huffman code lengths: optimal, complete, within the limit") {
    Rng rng(21);
    // Limit not binding (frequencies within a factor 10): exactly the Huffman cost.
    for (int trial = 0; trial < 50; ++trial) {
        std::vector<std::uint32_t> freq(286);
        for (auto& f : freq) f = rng.below(4) == 0 ? 0 : std::uint32_t(100 + rng.below(900));
        const auto len = huffman_code_lengths(freq, 15);
        CHECK(code_cost(freq, len) == optimal_cost(freq));
        CHECK(kraft_sum(len) == (1u << 15));
        for (std::size_t i = 0; i < freq.size(); ++i) CHECK((freq[i] == 0) == (len[i] == 0));
    }
    // Binding limits on small alphabets: the cost of the best code found by exhaustive search.
    for (int trial = 0; trial < 40; ++trial) {
        std::vector<std::uint32_t> freq(2 + rng.below(5));
        for (auto& f : freq) f = std::uint32_t(1 + rng.below(rng.below(2) ? 1000 : 5));
        const int limit = 3 + int(rng.below(2));
        const auto len = huffman_code_lengths(freq, limit);
        CHECK(code_cost(freq, len) == brute_force_limited_cost(freq, limit));
        CHECK(kraft_sum(len) == (1u << 15));
        CHECK(*std::max_element(len.begin(), len.end()) <= limit);
    }
    // Fibonacci frequencies give the deepest possible Huffman tree (depth n-1): the limit must cut it.
    std::vector<std::uint32_t> fib(30);
    fib[0] = fib[1] = 1;
    for (std::size_t i = 2; i < fib.size(); ++i) fib[i] = fib[i - 1] + fib[i - 2];
    std::uint64_t previous_cost = ~std::uint64_t(0);
    for (int limit : {5, 7, 10, 15}) {
        const auto len = huffman_code_lengths(fib, limit);
        const std::uint64_t cost = code_cost(fib, len);
        CHECK(*std::max_element(len.begin(), len.end()) == limit);
        CHECK(kraft_sum(len) == (1u << 15));
        CHECK(cost > optimal_cost(fib));
        CHECK(cost < previous_cost);  // a looser limit never costs more
        previous_cost = cost;
        for (std::size_t i = 1; i < fib.size(); ++i) CHECK(len[i] <= len[i - 1]);  // more frequent, never longer
    }
    CHECK(code_cost(fib, huffman_code_lengths(fib, 15)) <= optimal_cost(fib) + optimal_cost(fib) / 100);

    CHECK(huffman_code_lengths({0, 0, 0}, 15) == std::vector<std::uint8_t>{0, 0, 0});
    CHECK(huffman_code_lengths({0, 9, 0}, 15) == std::vector<std::uint8_t>{0, 1, 0});
    CHECK(huffman_code_lengths({5, 5}, 1) == std::vector<std::uint8_t>{1, 1});
    CHECK(huffman_code_lengths({1, 1, 1, 1}, 2) == std::vector<std::uint8_t>{2, 2, 2, 2});
    CHECK_THROWS_AS(huffman_code_lengths({1, 1, 1, 1, 1}, 2), Error);
    CHECK_THROWS_AS(huffman_code_lengths({1, 1}, 16), Error);
}

TEST_CASE("zlib_compress writes a valid zlib header and the Adler-32 of the input") {
    for (const auto& input : sample_inputs()) {
        for (int level : {0, 1, 6, 9}) {
            const auto z = zlib_compress(input.data(), input.size(), {level});
            REQUIRE(z.size() >= 6);
            CHECK((z[0] & 0x0F) == 8);                    // deflate
            CHECK((z[0] >> 4) == 7);                      // 32 KiB window
            CHECK((z[0] * 256 + z[1]) % 31 == 0);         // header check bits
            CHECK((z[1] & 0x20) == 0);                    // no preset dictionary
            CHECK(test::be32(&z[z.size() - 4]) == adler32(input.data(), input.size()));
        }
    }
}

TEST_CASE("compression: runs and text shrink, noise grows by a few bytes only") {
    const auto in = sample_inputs();
    CHECK(zlib_compress(in[3].data(), in[3].size()).size() < 400);
    CHECK(zlib_compress(in[4].data(), in[4].size()).size() <= in[4].size() + 5 * (in[4].size() / 65535 + 1) + 16);
    const std::size_t text_z = zlib_compress(in[5].data(), in[5].size()).size();
    CHECK(text_z * 4 < in[5].size());
    // Higher levels search more and never lose much; level 0 stores.
    CHECK(zlib_compress(in[5].data(), in[5].size(), {9}).size() <= text_z + text_z / 50);
    CHECK(zlib_compress(in[5].data(), in[5].size(), {0}).size() > in[5].size());
}

TEST_CASE("each block takes the cheapest type: stored for noise, fixed for tiny, dynamic for text") {
    const auto in = sample_inputs();
    auto first_block_type = [](const std::vector<unsigned char>& input) {
        const auto raw = deflate_raw(input.data(), input.size());
        return (raw.at(0) >> 1) & 3;  // bit 0 is BFINAL, bits 1-2 BTYPE
    };
    CHECK(first_block_type(in[4]) == 0);
    CHECK(first_block_type(in[2]) == 1);
    CHECK(first_block_type(in[5]) == 2);
    CHECK(first_block_type(in[6]) == 2);
}

TEST_CASE("compression is deterministic") {
    const auto in = sample_inputs();
    for (const auto& input : in) CHECK(zlib_compress(input.data(), input.size()) == zlib_compress(input.data(), input.size()));
}

TEST_CASE("deflate rejects bad arguments") {
    CHECK_THROWS_AS(zlib_compress("abc", 3, {10}), Error);
    CHECK_THROWS_AS(zlib_compress("abc", 3, {-1}), Error);
    CHECK_THROWS_AS(deflate_raw(nullptr, 5), Error);
    CHECK_NOTHROW(deflate_raw(nullptr, 0));
}

TEST_CASE("round trip through our inflate at every level") {
    for (const auto& input : sample_inputs())
        for (int level = 0; level <= 9; ++level) {
            const auto z = zlib_compress(input.data(), input.size(), {level});
            CHECK(zlib_decompress(z.data(), z.size(), "test stream") == input);
            const auto raw = deflate_raw(input.data(), input.size(), {level});
            std::vector<unsigned char> out;
            CHECK(inflate_raw(raw.data(), raw.size(), out, "raw test stream") == raw.size());
            CHECK(out == input);
        }
}

TEST_CASE("round trip of many random inputs: sizes, alphabets and repetition structures") {
    Rng rng(2024);
    for (int trial = 0; trial < 300; ++trial) {
        const std::size_t n = std::size_t(rng.below(trial % 10 == 0 ? 200000 : 5000));
        const std::uint64_t alphabet = 1 + rng.below(trial % 3 == 0 ? 256 : 6);
        std::vector<unsigned char> input(n);
        for (std::size_t i = 0; i < n; ++i) {
            // Mix fresh symbols with copies from up to 40 000 bytes back (beyond the 32 KiB window).
            if (i > 0 && rng.below(3) == 0) input[i] = input[i - 1 - std::size_t(rng.below(std::min<std::uint64_t>(i, 40000)))];
            else input[i] = static_cast<unsigned char>(rng.below(alphabet));
        }
        const int level = int(rng.below(10));
        const auto z = zlib_compress(input.data(), input.size(), {level});
        REQUIRE_MESSAGE(zlib_decompress(z.data(), z.size(), "random trial") == input,
                        "trial " << trial << ", " << n << " bytes, level " << level);
    }
}

TEST_CASE("round trip through Python's zlib (an independent decoder)") {
    if (!test::python_zlib_available()) {
        MESSAGE("python3 with zlib not found: skipping the external decoder check");
        return;
    }
    const auto inputs = sample_inputs();
    const std::string dir = test::temp_path("deflate");
    int files = 0;
    for (std::size_t k = 0; k < inputs.size(); ++k)
        for (int level : {0, 1, 4, 6, 9}) {
            const auto z = zlib_compress(inputs[k].data(), inputs[k].size(), {level});
            std::ofstream(dir + std::to_string(files) + ".z", std::ios::binary)
                .write(reinterpret_cast<const char*>(z.data()), std::streamsize(z.size()));
            std::ofstream(dir + std::to_string(files) + ".raw", std::ios::binary)
                .write(reinterpret_cast<const char*>(inputs[k].data()), std::streamsize(inputs[k].size()));
            ++files;
        }
    const std::string cmd = "python3 -c \"import zlib,sys\nfor i in range(" + std::to_string(files) +
                            "):\n p=sys.argv[1]+str(i)\n assert zlib.decompress(open(p+'.z','rb').read())==open(p+'.raw','rb').read(), i\" '" +
                            dir + "' >/dev/null 2>&1";
    CHECK(std::system(cmd.c_str()) == 0);
    for (int i = 0; i < files; ++i) {
        std::remove((dir + std::to_string(i) + ".z").c_str());
        std::remove((dir + std::to_string(i) + ".raw").c_str());
    }
}
