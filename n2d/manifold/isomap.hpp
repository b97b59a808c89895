// Isomap (Tenenbaum, de Silva & Langford 2000) with scikit-learn 1.2.1's semantics
// (REFERENCE.md §11): the exact k nearest other points of each sample form an undirected
// graph, geodesics are its shortest paths, and the embedding is classical MDS of the geodesic
// distances (kernel PCA of the double-centred K = −½D²).
//
// Exact mode (n <= landmark_threshold, or landmark_threshold = 0). Geodesics fill an n × n
// float32 matrix (4 n² bytes: 400 MB at n = 10000, as sklearn's float32 path; 1.6 GB at the
// default threshold of 20000), which is symmetrised and double-centred in place into Kc;
// nothing else of size n² is allocated. Dijkstra (indexed 4-ary heap, path sums in double) runs
// from a vertex cover of the graph; the rows of the complementary independent set follow exactly
// from their neighbours' rows, D[v, ·] = min over neighbours u of (w(v, u) + D[u, ·]).
// The top n_components eigenpairs of Kc come from our Lanczos (dense Jacobi for n <= 128)
// with a dense symmetric matvec; eigenvalues are checked as sklearn's _check_psd_eigenvalues
// with its float32 thresholds (the input is float32): significant negatives throw n2d::Error,
// small negatives and tiny positives become 0. Each eigenvector's largest-|·| entry is made
// positive; embedding = V·sqrt(λ). reconstruction_error() = sqrt(‖Kc‖²_F − Σλ²)/n (clamped
// at 0, never NaN).
//
// Disconnected graphs are completed as sklearn 1.2.1 does (it warns; we report the count in
// n_graph_components()): every pair of components is joined by an edge between its closest
// pair of points, so geodesics are always finite.
//
// Landmark mode (de Silva & Tenenbaum 2003, n > landmark_threshold and n_landmarks < n).
// n_landmarks points drawn uniformly without replacement (from `seed`) are the only Dijkstra
// sources (n_landmarks × n float32: 560 MB for 2000 landmarks of 70000 points). Classical MDS
// runs on the landmark-to-landmark geodesics; every point, landmarks included, is then placed
// by the landmark MDS triangulation x = −½ L#(δ − δ̄) (δ: its squared geodesics to the
// landmarks, δ̄: their mean over the landmarks), which is the kernel-PCA transform below
// restricted to the landmarks. What is approximated: the eigenvectors are those of the landmark
// kernel, not of all points' (exact when the geodesics are euclidean in n_components
// dimensions and the landmarks span them, close otherwise); the embedding is centred on the
// landmarks, not on all points; reconstruction_error() is that of the landmark kernel
// (sqrt(‖Kc_L‖² − Σλ²)/n_landmarks).
//
// transform(x), sklearn's way (§11.3): a query's geodesic to training point j is
// min over its k nearest training points m (no self exclusion) of d(x, m) + D[m, j]. We get
// all of them with one Dijkstra from a virtual source joined to those m by edges of length
// d(x, m) — the same minimum, k times cheaper than k rows of D. The saved model therefore holds
// the training graph (and the KnnIndex with the data) instead of the n × n geodesic matrix;
// landmark-mode queries stop once every landmark is settled. Then Kc = K − col_mean −
// mean(K) + all_mean and the result is Kc·V/sqrt(λ) (0 for λ = 0). Each row depends on that
// row only; transform of the training points reproduces the embedding up to rounding.
//
// Reproducibility: one seed; bit-identical at any thread count (Dijkstra sources in fixed
// chunks, each row written by one task; matvec rows in fixed chunks; reductions in fixed order).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "n2d/core/bytes.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"

namespace n2d::inline v0 {

class ThreadPool;
struct IsomapModel;

struct IsomapOptions {
    std::size_t n_neighbors = 5;   // sklearn's default (and the paper's)
    std::size_t n_components = 2;
    // Landmark Isomap above this many points; 0 = never (exact, O(n²) memory).
    std::size_t landmark_threshold = 20000;
    std::size_t n_landmarks = 2000;  // must exceed n_components; n_landmarks >= n runs exact Isomap
    std::uint64_t seed = 0;          // eigensolver start vector, landmark choice
    ProgressCallback progress;       // stage "isomap": one step per block of Dijkstra sources, then eigen, embed
    ThreadPool* pool = nullptr;      // nullptr = default_pool()
};

class Isomap {
public:
    explicit Isomap(IsomapOptions options = {});

    // Fits on the rows of x (n × d, finite) and returns the n × n_components embedding. Throws
    // n2d::Error for empty or non-finite data, n_neighbors = 0 or >= n, n_components = 0 or > n,
    // n_landmarks <= n_components in landmark mode, or significant negative eigenvalues.
    Matrix fit_transform(ConstMatrixView x);
    // New points (m × input_dim()) → m × n_components, sklearn's transform (see above). Safe
    // to call from many threads at once.
    Matrix transform(ConstMatrixView x) const;

    const Matrix& embedding() const;          // of the training points
    double reconstruction_error() const;      // sklearn's reconstruction_error()
    std::size_t input_dim() const;
    const IsomapOptions& options() const;

    bool fitted() const noexcept { return model_ != nullptr; }
    bool landmark_mode() const;                  // whether the fit used landmarks
    std::size_t n_graph_components() const;     // components of the kNN graph before joining (1: connected)
    const std::vector<double>& eigenvalues() const;  // n_components, descending, after the PSD check

    // Everything transform needs (the KnnIndex with the training data, the training graph,
    // centring means, eigenpairs) and the embedding; not the geodesic matrix.
    void save(ByteWriter& out) const;
    static Isomap load(ByteReader& in);

private:
    const IsomapModel& model(const char* what) const;

    IsomapOptions options_;
    std::shared_ptr<const IsomapModel> model_;  // immutable once fitted; copies share it
};

}  // namespace n2d
