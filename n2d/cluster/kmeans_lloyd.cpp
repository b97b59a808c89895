// Lloyd iterations (sklearn _kmeans_single_lloyd): assignment by GEMM on 256-row chunks
// (score = ‖c‖² − 2 x·c), per-chunk double sums reduced in chunk order, empty-cluster
// relocation, convergence on unchanged labels or on the total squared centre shift.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "n2d/blas/gemm.hpp"
#include "n2d/cluster/detail/kmeans_internal.hpp"
#include "n2d/core/thread_pool.hpp"

namespace n2d::inline v0::detail {

void relocate_empty_clusters(const KMeansData& data, const std::vector<int>& labels, const std::vector<double>& dist2,
                             std::vector<double>& sums, std::vector<double>& weights, std::size_t k) {
    std::vector<std::size_t> empty;
    for (std::size_t j = 0; j < k; ++j)
        if (weights[j] == 0.0) empty.push_back(j);
    if (empty.empty()) return;
    const std::size_t d = data.d;
    const std::size_t m = std::min(empty.size(), data.n);
    // The m samples farthest from their centres (ties: lower index first, so runs are reproducible).
    std::vector<std::size_t> order(data.n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(m), order.end(), [&](std::size_t a, std::size_t b) {
        return dist2[a] > dist2[b] || (dist2[a] == dist2[b] && a < b);
    });
    for (std::size_t e = 0; e < m; ++e) {
        const std::size_t s = order[e], to = empty[e], from = std::size_t(labels[s]);
        const float* xs = data.x.row(s);
        for (std::size_t t = 0; t < d; ++t) {
            sums[from * d + t] -= double(xs[t]);
            sums[to * d + t] = double(xs[t]);
        }
        weights[from] -= 1.0;
        weights[to] = 1.0;
    }
}

double update_centers(const std::vector<double>& sums, const std::vector<double>& weights, Matrix& centers,
                      std::vector<double>& shift) {
    const std::size_t k = centers.rows(), d = centers.cols();
    shift.assign(k, 0.0);
    double total = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
        double s2 = 0.0;
        for (std::size_t t = 0; t < d; ++t) {
            const float c = weights[j] > 0 ? float(sums[j * d + t] / weights[j]) : 0.0f;
            const double diff = double(c) - double(centers(j, t));
            s2 += diff * diff;
            centers(j, t) = c;
        }
        shift[j] = std::sqrt(s2);
        total += s2;
    }
    return total;
}

namespace {

// Assigns every sample to its nearest centre; optionally accumulates per-chunk sums/weights.
// Returns nothing; writes labels and squared distances.
struct LloydPass {
    const KMeansData& data;
    ThreadPool& pool;
    std::size_t k;
    std::vector<std::vector<float>> scratch;     // per worker: chunk × k scores
    std::vector<double> chunk_sums, chunk_weights;  // per chunk: k × d and k

    Buffer centers_dev, labels_dev, dist2_dev;      // with a device: its assignment's arguments

    LloydPass(const KMeansData& dt, ThreadPool& p, std::size_t kk)
        : data(dt), pool(p), k(kk), scratch(dt.device ? 0 : p.num_threads(), std::vector<float>(kKMeansChunk * kk)) {
        const std::size_t n_chunks = (dt.n + kKMeansChunk - 1) / kKMeansChunk;
        chunk_sums.resize(n_chunks * kk * dt.d);
        chunk_weights.resize(n_chunks * kk);
        if (dt.device) {
            centers_dev = Buffer(*dt.device, DType::f32, kk * dt.d);
            labels_dev = Buffer(*dt.device, DType::i32, dt.n);
            dist2_dev = Buffer(*dt.device, DType::f64, dt.n);
        }
    }

    void run(const Matrix& centers, std::vector<int>& labels, std::vector<double>& dist2, bool accumulate) {
        if (data.device) return run_device(centers, labels, dist2, accumulate);
        const std::size_t d = data.d;
        std::vector<float> c_norms(k);
        for (std::size_t j = 0; j < k; ++j) {
            double s = 0.0;
            for (std::size_t t = 0; t < d; ++t) s += double(centers(j, t)) * centers(j, t);
            c_norms[j] = float(s);
        }
        const SimdTarget target = active_target();
        pool.parallel_for(0, data.n, kKMeansChunk, [&](std::size_t lo, std::size_t hi, std::size_t w) {
            float* score = scratch[w].data();
            const std::size_t rows = hi - lo;
            // score = x · cᵀ, then ‖c‖² − 2 score.
            // On this pool: inside one of its chunks the GEMM runs inline (no cross-pool contention).
            sgemm(target, pool, Trans::N, Trans::T, rows, k, d, 1.0f, data.x.row(lo), data.x.stride, centers.data(), d,
                  0.0f, score, k);
            const std::size_t chunk = lo / kKMeansChunk;
            double* sums = accumulate ? &chunk_sums[chunk * k * d] : nullptr;
            double* weights = accumulate ? &chunk_weights[chunk * k] : nullptr;
            if (accumulate) {
                std::fill(sums, sums + k * d, 0.0);
                std::fill(weights, weights + k, 0.0);
            }
            for (std::size_t r = 0; r < rows; ++r) {
                const float* s = score + r * k;
                std::size_t best = 0;
                float best_score = c_norms[0] - 2.0f * s[0];
                for (std::size_t j = 1; j < k; ++j) {
                    const float v = c_norms[j] - 2.0f * s[j];
                    if (v < best_score) {
                        best_score = v;
                        best = j;
                    }
                }
                const std::size_t i = lo + r;
                labels[i] = int(best);
                dist2[i] = std::max(0.0, double(data.sq_norms[i]) + double(best_score));
                if (accumulate) {
                    const float* xi = data.x.row(i);
                    double* sb = sums + best * d;
                    for (std::size_t t = 0; t < d; ++t) sb[t] += double(xi[t]);
                    weights[best] += 1.0;
                }
            }
        });
    }

    // The assignment on the device (exact squared distances, first centre on ties), then the
    // per-chunk sums on the host, in the host pass's layout.
    void run_device(const Matrix& centers, std::vector<int>& labels, std::vector<double>& dist2, bool accumulate) {
        static_assert(sizeof(int) == sizeof(std::int32_t), "labels are downloaded as i32");
        Device& dev = *data.device;
        const std::size_t d = data.d;
        dev.upload(centers_dev.view(), centers.data());
        KmeansAssignArgs a;
        a.n = data.n;
        a.d = d;
        a.k = k;
        a.x = data.x_dev;
        a.centers = centers_dev.view();
        a.labels = labels_dev.view();
        a.dist2 = dist2_dev.view();
        dev.kmeans_assign(a);
        dev.download(labels.data(), labels_dev.view());
        dev.download(dist2.data(), dist2_dev.view());
        if (!accumulate) return;
        pool.parallel_for(0, data.n, kKMeansChunk, [&](std::size_t lo, std::size_t hi, std::size_t) {
            const std::size_t chunk = lo / kKMeansChunk;
            double* sums = &chunk_sums[chunk * k * d];
            double* weights = &chunk_weights[chunk * k];
            std::fill(sums, sums + k * d, 0.0);
            std::fill(weights, weights + k, 0.0);
            for (std::size_t i = lo; i < hi; ++i) {
                const std::size_t best = std::size_t(labels[i]);
                N2D_ASSERT(best < k, "kmeans_assign returned a label out of range");
                const float* xi = data.x.row(i);
                double* sb = sums + best * d;
                for (std::size_t t = 0; t < d; ++t) sb[t] += double(xi[t]);
                weights[best] += 1.0;
            }
        });
    }

    void reduce(std::vector<double>& sums, std::vector<double>& weights) const {
        const std::size_t kd = k * data.d;
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(weights.begin(), weights.end(), 0.0);
        for (std::size_t c = 0; c < chunk_weights.size() / k; ++c) {
            for (std::size_t t = 0; t < kd; ++t) sums[t] += chunk_sums[c * kd + t];
            for (std::size_t j = 0; j < k; ++j) weights[j] += chunk_weights[c * k + j];
        }
    }
};

double exact_inertia(const KMeansData& data, const Matrix& centers, const std::vector<int>& labels) {
    double total = 0.0;
    for (std::size_t i = 0; i < data.n; ++i) {
        const float* xi = data.x.row(i);
        const float* c = centers.row(std::size_t(labels[i]));
        for (std::size_t t = 0; t < data.d; ++t) {
            const double diff = double(xi[t]) - double(c[t]);
            total += diff * diff;
        }
    }
    return total;
}

}  // namespace

KMeansRun lloyd_run(const KMeansData& data, Matrix centers, std::size_t max_iter, double tol, ThreadPool& pool) {
    const std::size_t k = centers.rows(), d = data.d;
    LloydPass pass(data, pool, k);
    std::vector<int> labels(data.n, 0), labels_old(data.n, -1);
    std::vector<double> dist2(data.n), sums(k * d), weights(k), shift;
    bool strict = false;
    std::size_t it = 0;
    for (; it < max_iter; ++it) {
        pass.run(centers, labels, dist2, true);
        pass.reduce(sums, weights);
        relocate_empty_clusters(data, labels, dist2, sums, weights, k);
        const double shift_total = update_centers(sums, weights, centers, shift);
        if (labels == labels_old) {
            strict = true;
            break;
        }
        if (shift_total <= tol) break;
        labels_old = labels;
    }
    if (!strict) pass.run(centers, labels, dist2, false);
    KMeansRun out;
    out.inertia = exact_inertia(data, centers, labels);
    out.centers = std::move(centers);
    out.labels = std::move(labels);
    out.n_iter = std::min(it + 1, std::max<std::size_t>(max_iter, 1));
    return out;
}

}  // namespace n2d::detail
