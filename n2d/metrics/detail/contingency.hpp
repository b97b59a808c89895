// Sparse contingency table of two labellings: the shared basis of the supervised metrics.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace n2d::inline v0::detail {

struct Contingency {
    std::size_t n = 0;                       // samples
    std::vector<int> class_ids;              // sorted distinct truth labels (row i ↔ class_ids[i])
    std::vector<int> cluster_ids;            // sorted distinct predicted labels (column j)
    std::vector<std::int64_t> row_sums;      // a_i
    std::vector<std::int64_t> col_sums;      // b_j
    // Nonzero cells in row-major order: (row, col, count).
    std::vector<std::uint32_t> cell_row, cell_col;
    std::vector<std::int64_t> cell_count;
};

// Builds the table; throws n2d::Error when the lengths differ. `who` names the caller.
Contingency make_contingency(const std::vector<int>& truth, const std::vector<int>& pred, const char* who);
// Throws n2d::Error (naming `who`) unless truth and pred have the same length.
void require_same_length(const std::vector<int>& truth, const std::vector<int>& pred, const char* who);

// Dense indices of `labels` into its sorted distinct values (returned in `ids`).
std::vector<std::uint32_t> encode_labels(const std::vector<int>& labels, std::vector<int>& ids);

}  // namespace n2d::detail
