// Seeded synthetic data: interleaved spiral-arm ribbons (the demo's data) and Gaussian blobs.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "n2d/core/error.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/data/dataset.hpp"

namespace n2d::inline v0 {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Independent RNG streams per purpose, so changing one part never shifts the others.
enum Stream : std::uint64_t { kRotation = 1, kPoints = 2, kNoise = 3, kShuffle = 4, kCenters = 5 };

// `dim` × 3 matrix with orthonormal columns (Gram–Schmidt of Gaussian vectors): a random
// rotation of R^3 into R^dim.
std::vector<double> random_frame(std::size_t dim, Rng& rng) {
    std::vector<double> q(dim * 3);
    for (std::size_t c = 0; c < 3; ++c) {
        for (;;) {
            for (std::size_t i = 0; i < dim; ++i) q[i * 3 + c] = rng.normal();
            for (std::size_t prev = 0; prev < c; ++prev) {
                double dot = 0;
                for (std::size_t i = 0; i < dim; ++i) dot += q[i * 3 + c] * q[i * 3 + prev];
                for (std::size_t i = 0; i < dim; ++i) q[i * 3 + c] -= dot * q[i * 3 + prev];
            }
            double norm = 0;
            for (std::size_t i = 0; i < dim; ++i) norm += q[i * 3 + c] * q[i * 3 + c];
            norm = std::sqrt(norm);
            if (norm < 1e-6) continue;  // degenerate draw: try again
            for (std::size_t i = 0; i < dim; ++i) q[i * 3 + c] /= norm;
            break;
        }
    }
    return q;
}

// Labels 0,0,..,1,1,.. with sizes as even as possible (the first n % k classes one larger).
std::vector<int> balanced_labels(std::size_t n, std::size_t k) {
    std::vector<int> labels(n);
    std::size_t i = 0;
    for (std::size_t c = 0; c < k; ++c)
        for (std::size_t j = 0; j < n / k + (c < n % k ? 1 : 0); ++j) labels[i++] = static_cast<int>(c);
    return labels;
}

// Applies one random permutation to the rows of `x` and to `labels`.
void shuffle_rows(Matrix& x, std::vector<int>& labels, std::uint64_t seed) {
    std::vector<std::size_t> order(labels.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    Rng rng(seed, kShuffle);
    rng.shuffle(order);
    Matrix shuffled(x.rows(), x.cols());
    std::vector<int> new_labels(labels.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        std::copy(x.row(order[i]), x.row(order[i]) + x.cols(), shuffled.row(i));
        new_labels[i] = labels[order[i]];
    }
    x = std::move(shuffled);
    labels = std::move(new_labels);
}

std::vector<std::string> numbered_names(const char* prefix, std::size_t k) {
    std::vector<std::string> names;
    for (std::size_t c = 0; c < k; ++c) names.push_back(prefix + std::to_string(c));
    return names;
}

}  // namespace

Dataset make_synthetic(const SyntheticOptions& o) {
    N2D_REQUIRE(o.n_clusters >= 2 && o.n_clusters <= 64,
                "SyntheticOptions::n_clusters is " + std::to_string(o.n_clusters) + "; use 2..64");
    N2D_REQUIRE(o.dim >= 3, "SyntheticOptions::dim is " + std::to_string(o.dim) + "; use at least 3");
    N2D_REQUIRE(o.n_samples >= o.n_clusters, "SyntheticOptions::n_samples (" + std::to_string(o.n_samples) +
                                                 ") must be at least n_clusters (" + std::to_string(o.n_clusters) + ")");
    N2D_REQUIRE(std::isfinite(o.noise) && o.noise >= 0,
                "SyntheticOptions::noise must be a finite number >= 0, got " + std::to_string(o.noise));

    // Arm c of a K-arm Archimedean spiral over 0.6 of a turn: angle 2π(c/K + 0.6 s), radius
    // r0 + (1 - r0) s, for s in [0, 1]. At any angle about three arms pass, (1 - r0)/(0.6 K)
    // apart in radius, so the arms wrap around each other and no straight cut separates them.
    // The third coordinate spreads each arm into a sheet (height 2 × 0.4, plus a wave along the
    // arm), so each class is a curved 2-d manifold whose UMAP image is a compact patch rather
    // than a thin string that a Gaussian mixture would cut apart.
    constexpr double r0 = 0.25, turns = 0.6, half_height = 0.4, wave = 0.2;
    const std::size_t n = o.n_samples, k = o.n_clusters;
    const double gap = (1.0 - r0) / (double(k) * turns);
    const double thickness = 0.1 * gap;  // radial jitter (sd) well below the gap

    // The matrix first: it is the largest block, so a data set too large for memory fails at
    // once with an OutOfMemory naming its shape, before anything else is allocated or computed.
    Dataset d;
    d.x = Matrix(n, o.dim);
    d.name = "synthetic";
    d.labels = balanced_labels(n, k);
    d.class_names = numbered_names("arm ", k);
    std::vector<double> p3(n * 3);
    Rng rng(o.seed, kPoints);
    const double a = (1.0 - r0) / 2.0;  // arc length ∝ r0 s + a s²: sample s uniform in arc length
    for (std::size_t i = 0; i < n; ++i) {
        const double u = rng.uniform();
        const double s = (-r0 + std::sqrt(r0 * r0 + 4.0 * a * u * (r0 + a))) / (2.0 * a);
        const double theta = 2.0 * kPi * (double(d.labels[i]) / double(k) + turns * s);
        const double r = r0 + (1.0 - r0) * s + thickness * rng.normal();
        p3[i * 3 + 0] = r * std::cos(theta);
        p3[i * 3 + 1] = r * std::sin(theta);
        p3[i * 3 + 2] = half_height * rng.uniform(-1.0, 1.0) + wave * std::sin(2.0 * theta) * r;
    }

    Rng rotation_rng(o.seed, kRotation);
    const std::vector<double> q = random_frame(o.dim, rotation_rng);
    // Coordinate j of point i in R^dim; computed twice (for the scale, then for the values)
    // rather than stored, which would take twice the matrix's memory.
    const auto rotated = [&q, &p3](std::size_t i, std::size_t j) {
        return q[j * 3] * p3[i * 3] + q[j * 3 + 1] * p3[i * 3 + 1] + q[j * 3 + 2] * p3[i * 3 + 2];
    };
    double max_abs = 1e-12;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < o.dim; ++j) max_abs = std::max(max_abs, std::fabs(rotated(i, j)));
    // Into [0.05, 0.95] before noise, so values stay roughly within [0, 1].
    const double scale = 0.45 / max_abs;
    Rng noise_rng(o.seed, kNoise);
    for (std::size_t i = 0; i < n; ++i) {
        float* row = d.x.row(i);
        for (std::size_t j = 0; j < o.dim; ++j)
            row[j] = static_cast<float>(0.5 + scale * rotated(i, j) + o.noise * noise_rng.normal());
    }
    shuffle_rows(d.x, d.labels, o.seed);
    return d;
}

Dataset make_blobs(std::size_t n, std::size_t dim, std::size_t centers, double spread, std::uint64_t seed) {
    N2D_REQUIRE(dim >= 1, "make_blobs: dim must be at least 1");
    N2D_REQUIRE(centers >= 1 && centers <= n, "make_blobs: centers (" + std::to_string(centers) +
                                                  ") must be between 1 and n (" + std::to_string(n) + ")");
    N2D_REQUIRE(std::isfinite(spread) && spread >= 0, "make_blobs: spread must be a finite number >= 0");
    Rng center_rng(seed, kCenters);
    std::vector<double> c(centers * dim);
    for (double& v : c) v = center_rng.uniform(-10.0, 10.0);
    Dataset d;
    d.name = "blobs";
    d.labels = balanced_labels(n, centers);
    d.class_names = numbered_names("blob ", centers);
    d.x = Matrix(n, dim);
    Rng rng(seed, kPoints);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < dim; ++j)
            d.x(i, j) = static_cast<float>(c[std::size_t(d.labels[i]) * dim + j] + spread * rng.normal());
    shuffle_rows(d.x, d.labels, seed);
    return d;
}

}  // namespace n2d
