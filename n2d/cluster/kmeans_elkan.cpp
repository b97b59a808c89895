// Elkan iterations (sklearn _kmeans_single_elkan): per-sample upper bounds, per sample ×
// centre lower bounds and half inter-centre distances let most distance computations be
// skipped by the triangle inequality. Same stopping rules and result as Lloyd.
#include <algorithm>
#include <cmath>
#include <limits>

#include "n2d/cluster/detail/kmeans_internal.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0::detail {

namespace {

float distance(const float* a, const float* b, std::size_t d) {
    double s = 0.0;
    for (std::size_t t = 0; t < d; ++t) {
        const double diff = double(a[t]) - double(b[t]);
        s += diff * diff;
    }
    return float(std::sqrt(s));
}

// Half distances between centres (k × k) and each centre's half distance to its nearest other.
void centre_geometry(const Matrix& centers, std::vector<float>& half, std::vector<float>& next_half) {
    const std::size_t k = centers.rows(), d = centers.cols();
    half.assign(k * k, 0.0f);
    next_half.assign(k, std::numeric_limits<float>::infinity());
    for (std::size_t a = 0; a < k; ++a)
        for (std::size_t b = a + 1; b < k; ++b) {
            const float h = distance(centers.row(a), centers.row(b), d) / 2.0f;
            half[a * k + b] = half[b * k + a] = h;
            next_half[a] = std::min(next_half[a], h);
            next_half[b] = std::min(next_half[b], h);
        }
}

}  // namespace

KMeansRun elkan_run(const KMeansData& data, Matrix centers, std::size_t max_iter, double tol, ThreadPool& pool) {
    const std::size_t k = centers.rows(), d = data.d, n = data.n;
    const std::size_t n_chunks = (n + kKMeansChunk - 1) / kKMeansChunk;
    std::vector<int> labels(n, 0), labels_old(n, -1);
    std::vector<float> upper(n), lower(n * k);
    std::vector<double> chunk_sums(n_chunks * k * d), chunk_weights(n_chunks * k);
    std::vector<double> sums(k * d), weights(k), shift(k, 0.0), dist2(n);
    std::vector<float> half, next_half;

    // Initial bounds: exact distances to every centre.
    pool.parallel_for(0, n, kKMeansChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
        for (std::size_t i = lo; i < hi; ++i) {
            float best = std::numeric_limits<float>::infinity();
            int label = 0;
            for (std::size_t j = 0; j < k; ++j) {
                const float dist = distance(data.x.row(i), centers.row(j), d);
                lower[i * k + j] = dist;
                if (dist < best) {
                    best = dist;
                    label = int(j);
                }
            }
            labels[i] = label;
            upper[i] = best;
        }
    });
    centre_geometry(centers, half, next_half);

    // One pass: tighten bounds, reassign, optionally accumulate per-chunk sums.
    auto pass = [&](bool accumulate) {
        pool.parallel_for(0, n, kKMeansChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            const std::size_t chunk = lo / kKMeansChunk;
            double* cs = &chunk_sums[chunk * k * d];
            double* cw = &chunk_weights[chunk * k];
            if (accumulate) {
                std::fill(cs, cs + k * d, 0.0);
                std::fill(cw, cw + k, 0.0);
            }
            for (std::size_t i = lo; i < hi; ++i) {
                const float* xi = data.x.row(i);
                float u = upper[i];
                std::size_t label = std::size_t(labels[i]);
                float* lb = &lower[i * k];
                if (!(next_half[label] >= u)) {
                    bool tight = false;
                    for (std::size_t j = 0; j < k; ++j) {
                        if (j == label || !(u > lb[j]) || !(u > half[label * k + j])) continue;
                        if (!tight) {
                            u = distance(xi, centers.row(label), d);
                            lb[label] = u;
                            tight = true;
                        }
                        if (u > lb[j] || u > half[label * k + j]) {
                            const float dist = distance(xi, centers.row(j), d);
                            lb[j] = dist;
                            if (dist < u) {
                                label = j;
                                u = dist;
                            }
                        }
                    }
                    labels[i] = int(label);
                    upper[i] = u;
                }
                if (accumulate) {
                    for (std::size_t t = 0; t < d; ++t) cs[label * d + t] += double(xi[t]);
                    cw[label] += 1.0;
                }
            }
        });
    };

    bool strict = false;
    std::size_t it = 0;
    for (; it < max_iter; ++it) {
        pass(true);
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(weights.begin(), weights.end(), 0.0);
        for (std::size_t c = 0; c < n_chunks; ++c) {
            for (std::size_t t = 0; t < k * d; ++t) sums[t] += chunk_sums[c * k * d + t];
            for (std::size_t j = 0; j < k; ++j) weights[j] += chunk_weights[c * k + j];
        }
        if (std::find(weights.begin(), weights.end(), 0.0) != weights.end()) {
            for (std::size_t i = 0; i < n; ++i) {
                const float dist = distance(data.x.row(i), centers.row(std::size_t(labels[i])), d);
                dist2[i] = double(dist) * double(dist);
            }
            relocate_empty_clusters(data, labels, dist2, sums, weights, k);
        }
        const double shift_total = update_centers(sums, weights, centers, shift);
        // Keep the bounds valid for the moved centres.
        pool.parallel_for(0, n, kKMeansChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            for (std::size_t i = lo; i < hi; ++i) {
                upper[i] += float(shift[std::size_t(labels[i])]);
                for (std::size_t j = 0; j < k; ++j) lower[i * k + j] = std::max(lower[i * k + j] - float(shift[j]), 0.0f);
            }
        });
        centre_geometry(centers, half, next_half);
        if (labels == labels_old) {
            strict = true;
            break;
        }
        if (shift_total <= tol) break;
        labels_old = labels;
    }
    if (!strict) pass(false);

    KMeansRun out;
    double inertia = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const float* xi = data.x.row(i);
        const float* c = centers.row(std::size_t(labels[i]));
        for (std::size_t t = 0; t < d; ++t) {
            const double diff = double(xi[t]) - double(c[t]);
            inertia += diff * diff;
        }
    }
    out.inertia = inertia;
    out.centers = std::move(centers);
    out.labels = std::move(labels);
    out.n_iter = std::min(it + 1, std::max<std::size_t>(max_iter, 1));
    return out;
}

}  // namespace n2d::detail
