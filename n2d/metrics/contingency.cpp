#include "n2d/metrics/detail/contingency.hpp"

#include <algorithm>
#include <string>

#include "n2d/core/error.hpp"

namespace n2d::inline v0::detail {

std::vector<std::uint32_t> encode_labels(const std::vector<int>& labels, std::vector<int>& ids) {
    ids = labels;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<std::uint32_t> code(labels.size());
    // Dense lookup when the id range is small (the usual case), binary search otherwise.
    if (!ids.empty() && static_cast<std::int64_t>(ids.back()) - ids.front() <= std::int64_t(4 * labels.size() + 64)) {
        std::vector<std::uint32_t> table(static_cast<std::size_t>(ids.back() - ids.front()) + 1);
        for (std::size_t i = 0; i < ids.size(); ++i) table[static_cast<std::size_t>(ids[i] - ids.front())] = std::uint32_t(i);
        for (std::size_t i = 0; i < labels.size(); ++i) code[i] = table[static_cast<std::size_t>(labels[i] - ids.front())];
    } else {
        for (std::size_t i = 0; i < labels.size(); ++i)
            code[i] = std::uint32_t(std::lower_bound(ids.begin(), ids.end(), labels[i]) - ids.begin());
    }
    return code;
}

void require_same_length(const std::vector<int>& truth, const std::vector<int>& pred, const char* who) {
    N2D_REQUIRE(truth.size() == pred.size(), std::string(who) + ": truth has " + std::to_string(truth.size()) +
                                                 " labels but pred has " + std::to_string(pred.size()) +
                                                 "; pass one label per sample in both");
}

Contingency make_contingency(const std::vector<int>& truth, const std::vector<int>& pred, const char* who) {
    require_same_length(truth, pred, who);
    Contingency t;
    t.n = truth.size();
    const auto rows = encode_labels(truth, t.class_ids);
    const auto cols = encode_labels(pred, t.cluster_ids);
    const std::uint64_t nc = t.cluster_ids.size();
    t.row_sums.assign(t.class_ids.size(), 0);
    t.col_sums.assign(t.cluster_ids.size(), 0);
    std::vector<std::uint64_t> keys(t.n);
    for (std::size_t i = 0; i < t.n; ++i) {
        keys[i] = rows[i] * nc + cols[i];
        ++t.row_sums[rows[i]];
        ++t.col_sums[cols[i]];
    }
    std::sort(keys.begin(), keys.end());
    for (std::size_t i = 0; i < keys.size();) {
        std::size_t j = i;
        while (j < keys.size() && keys[j] == keys[i]) ++j;
        t.cell_row.push_back(std::uint32_t(keys[i] / nc));
        t.cell_col.push_back(std::uint32_t(keys[i] % nc));
        t.cell_count.push_back(std::int64_t(j - i));
        i = j;
    }
    return t;
}

}  // namespace n2d::detail
