#include "n2d/plot/detail/huffman.hpp"

#include <algorithm>
#include <cstddef>
#include <string>

#include "n2d/core/error.hpp"

namespace n2d::inline v0 {

std::vector<std::uint8_t> huffman_code_lengths(const std::vector<std::uint32_t>& freq, int max_bits) {
    N2D_REQUIRE(max_bits >= 1 && max_bits <= 15,
                "huffman_code_lengths: max_bits is " + std::to_string(max_bits) + "; use 1 to 15");
    const std::size_t n = freq.size();
    std::vector<std::uint32_t> leaves;  // symbols that occur, ascending frequency, ties by symbol
    for (std::size_t s = 0; s < n; ++s)
        if (freq[s] > 0) leaves.push_back(static_cast<std::uint32_t>(s));
    std::stable_sort(leaves.begin(), leaves.end(), [&](std::uint32_t a, std::uint32_t b) { return freq[a] < freq[b]; });
    const std::size_t m = leaves.size();
    std::vector<std::uint8_t> lengths(n, 0);
    if (m == 0) return lengths;
    if (m == 1) {
        lengths[leaves[0]] = 1;
        return lengths;
    }
    N2D_REQUIRE(m <= (std::size_t(1) << max_bits), "huffman_code_lengths: " + std::to_string(m) +
                                                       " symbols do not fit in codes of at most " +
                                                       std::to_string(max_bits) + " bits");

    // Package-merge. The list of the deepest level holds the leaves; each shallower level's list
    // merges the leaves with "packages" (sums of adjacent pairs) of the level below, by weight.
    // Choosing the 2m-2 lightest items of the top list, and for every chosen package its two
    // parts one level down, gives each symbol a length equal to the number of times its leaf is
    // chosen. Within any list the leaves appear lightest first, so the leaves chosen from a
    // prefix are always the lightest ones: only how many leaves each chosen prefix holds matters.
    const std::size_t levels = std::size_t(max_bits);
    std::vector<std::vector<bool>> is_leaf(levels);
    std::vector<std::uint64_t> below, list;
    for (std::size_t i = 0; i < m; ++i) below.push_back(freq[leaves[i]]);
    is_leaf[levels - 1].assign(m, true);
    for (std::size_t d = levels - 1; d-- > 0;) {
        list.clear();
        std::vector<bool>& flags = is_leaf[d];
        std::size_t leaf = 0, pair = 0;
        const std::size_t pairs = below.size() / 2;
        while (leaf < m || pair < pairs) {
            const bool take_leaf =
                pair == pairs || (leaf < m && freq[leaves[leaf]] <= below[2 * pair] + below[2 * pair + 1]);
            if (take_leaf) {
                list.push_back(freq[leaves[leaf++]]);
            } else {
                list.push_back(below[2 * pair] + below[2 * pair + 1]);
                ++pair;
            }
            flags.push_back(take_leaf);
        }
        below.swap(list);
    }
    std::vector<std::uint8_t> leaf_length(m, 0);
    std::size_t take = 2 * m - 2;
    for (std::size_t d = 0; d < levels && take > 0; ++d) {
        const std::vector<bool>& flags = is_leaf[d];
        take = std::min(take, flags.size());
        std::size_t chosen_leaves = 0;
        for (std::size_t i = 0; i < take; ++i) chosen_leaves += flags[i];
        for (std::size_t j = 0; j < chosen_leaves; ++j) ++leaf_length[j];
        take = 2 * (take - chosen_leaves);
    }
    for (std::size_t i = 0; i < m; ++i) lengths[leaves[i]] = leaf_length[i];
    return lengths;
}

}  // namespace n2d
