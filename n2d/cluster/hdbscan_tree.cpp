// R dbscan 1.1-11's cluster tree, selection and GLOSH (REFERENCE.md §14.7), iteratively.
// Walking the merges from the highest, a cluster ends only where both parts have at least
// min_cluster_size points; otherwise both parts stay in it and each point is recorded when it
// leaves as a singleton, at that merge's height (or at the cluster's death if it split first).
// The floating-point expressions follow R's so that ties and 0/0 resolve the same way.
#include <algorithm>
#include <cmath>
#include <limits>

#include "n2d/cluster/detail/hdbscan_internal.hpp"
#include "n2d/core/error.hpp"

namespace n2d::inline v0::detail {

namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

struct Cluster {
    double birth = 0.0, death = 0.0;  // heights (R's eps_birth, eps_death)
    bool split = false;               // R's "processed": died by splitting into two clusters
    std::size_t parent = kNone, left = kNone, right = kNone;
    std::size_t n_children = 0;       // points handed to the two children (0 for a leaf)
    long double sum = 0.0L;           // Σ (1/eps_p − 1/birth), accumulated as R's sum() does
    bool leaf() const noexcept { return left == kNone; }
    double stability() const noexcept {
        const double nc = static_cast<double>(n_children);
        return static_cast<double>(sum) + (nc / death - nc / birth);  // R: nc * 1/death − nc * 1/birth
    }
};

}  // namespace

Extraction extract_clusters(const MergeTree& tree, std::size_t min_cluster_size) {
    const std::size_t m = tree.height.size(), n = m + 1;
    Extraction out;
    out.labels.assign(n, -1);
    out.outlier_scores.assign(n, 0.0);
    if (m == 0) return out;

    // The root is born at the top merge; its death stays 0 unless it splits (R's map default).
    std::vector<Cluster> cl(1);
    cl[0].birth = tree.height[m - 1];
    std::vector<std::size_t> owner(m, 0);         // cluster of each merge (R's cl_tracker)
    std::vector<std::size_t> point_cluster(n, 0);
    std::vector<double> point_eps(n, 0.0);
    auto record = [&](std::size_t p, std::size_t c, double eps) {
        point_cluster[p] = c, point_eps[p] = eps;
        cl[c].sum += 1.0 / eps - 1.0 / cl[c].birth;
    };
    for (std::size_t k = m; k-- > 0;) {
        const std::size_t c = owner[k], l = tree.left[k], r = tree.right[k];
        const double h = tree.height[k];
        const double eps = cl[c].split ? cl[c].death : h;
        if (l < n && r < n) {
            record(l, c, eps), record(r, c, eps);
            if (!cl[c].split) cl[c].death = std::min(h, cl[c].death);
        } else if (l < n || r < n) {
            record(l < n ? l : r, c, eps);
            owner[(l < n ? r : l) - n] = c;
        } else if (tree.size[l - n] >= min_cluster_size && tree.size[r - n] >= min_cluster_size) {
            cl[c].death = h, cl[c].split = true;
            cl[c].n_children = tree.size[l - n] + tree.size[r - n];
            for (const std::size_t child : {l, r}) {
                Cluster d;
                d.birth = h, d.death = tree.height[child - n], d.parent = c;
                owner[child - n] = cl.size();
                (child == l ? cl[c].left : cl[c].right) = cl.size();
                cl.push_back(d);
            }
        } else {
            owner[l - n] = c, owner[r - n] = c;
        }
    }

    // FOSC bottom-up (children have larger ids): keep the children only if their summed score
    // beats the cluster's stability (ties and NaN keep the parent); the root never replaces them.
    const std::size_t nc = cl.size();
    std::vector<double> score(nc);
    std::vector<char> chosen(nc, 0);  // selected over its descendants
    for (std::size_t c = nc; c-- > 0;) {
        const double s = cl[c].stability();
        if (cl[c].leaf()) {
            score[c] = s, chosen[c] = c != 0;
            continue;
        }
        const double children = static_cast<double>(static_cast<long double>(score[cl[c].left]) + score[cl[c].right]);
        if (s < children) {
            score[c] = children;
        } else {
            score[c] = s, chosen[c] = c != 0;
        }
    }
    // Top-down: a cluster's selected ancestor (itself included), kNone if none.
    std::vector<std::size_t> selected(nc, kNone);
    for (std::size_t c = 0; c < nc; ++c) {
        const std::size_t up = cl[c].parent == kNone ? kNone : selected[cl[c].parent];
        selected[c] = up != kNone ? up : (chosen[c] ? c : kNone);
    }
    std::vector<int> label_of(nc, -1);
    for (std::size_t p = 0; p < n; ++p) {
        const std::size_t s = selected[point_cluster[p]];
        if (s == kNone) continue;
        if (label_of[s] < 0) {
            label_of[s] = static_cast<int>(out.cluster_birth.size());
            out.cluster_birth.push_back(cl[s].birth);
        }
        out.labels[p] = label_of[s];
    }

    // GLOSH: eps_max = the smallest death among the leaves below (or the cluster's own).
    std::vector<double> eps_max(nc);
    for (std::size_t c = nc; c-- > 0;)
        eps_max[c] = cl[c].leaf() ? cl[c].death : std::min(eps_max[cl[c].left], eps_max[cl[c].right]);
    for (std::size_t p = 0; p < n; ++p) {
        const double score_p = 1.0 - eps_max[point_cluster[p]] / point_eps[p];
        out.outlier_scores[p] = std::isnan(score_p) ? 0.0 : score_p;  // 0/0 → 0 as R
    }
    return out;
}

}  // namespace n2d::detail
