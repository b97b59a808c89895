// Every compiled variant of every SIMD kernel table against the scalar reference, on each
// target this CPU can run (others are reported and skipped), at awkward sizes: 1, odd, and
// lengths that leave tails after every vector width. Tolerances follow the kernels' contracts:
// bit-exact where the variant does the scalar operations lane-wise, a few ulps scaled by the
// sum of |terms| where it reassociates a sum or fuses multiply-adds (GCC contracts a * b + c
// into an FMA wherever the target has one, in the scalar tails too).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "n2d/blas/gemm.hpp"
#include "n2d/blas/detail/vector.hpp"
#include "n2d/cluster/gaussian_mixture.hpp"
#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/knn/detail/metric.hpp"
#include "n2d/metrics/detail/pairwise.hpp"
#include "n2d/umap/detail/sgd_kernels.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {

const std::size_t kSizes[] = {1, 2, 3, 5, 7, 8, 9, 15, 17, 31, 33, 63, 65, 100};

// The SIMD targets to compare with scalar; compiled but unusable ones are reported once.
std::vector<SimdTarget> simd_targets() {
    static bool reported = false;
    std::vector<SimdTarget> out;
    for (SimdTarget t : compiled_targets()) {
        if (t == SimdTarget::scalar) continue;
        if (target_usable(t)) out.push_back(t);
        else if (!reported)
            MESSAGE("SIMD target " << std::string(to_string(t)) << " is compiled but not usable on this CPU: its kernels are skipped");
    }
    reported = true;
    return out;
}

// Forces a target for the scope (sites that dispatch on the active target).
struct ActiveTarget {
    SimdTarget before = active_target();
    explicit ActiveTarget(SimdTarget t) { set_active_target(t); }
    ~ActiveTarget() { set_active_target(before); }
};

// |got − want| within `ulps` float ulps of `scale` (the sum of |terms| behind want).
void check_close(float got, float want, double scale, double ulps) {
    CHECK(std::fabs(double(got) - double(want)) <= ulps * 1.2e-7 * (scale + 1e-30));
}

}  // namespace

TEST_CASE("vector kernels: every target matches scalar on tails") {
    const VectorKernels& ref = vector_kernels(SimdTarget::scalar);
    for (SimdTarget t : simd_targets()) {
        const VectorKernels& k = vector_kernels(t);
        for (std::size_t n : kSizes) {
            INFO("target " << std::string(to_string(t)) << ", n = " << n);
            const auto x = test::random_floats(n, 1 + n, -2, 2), y = test::random_floats(n, 2 + n, -2, 2);
            double scale = 0.0;
            for (std::size_t i = 0; i < n; ++i) scale += std::fabs(x[i] * y[i]);
            check_close(k.dot(n, x.data(), y.data()), ref.dot(n, x.data(), y.data()), scale, 2.0 * double(n));
            // axpy may fuse its multiply-add (the compiler contracts the tails): within an ulp.
            std::vector<float> a = y, b = y;
            k.axpy(n, 0.37f, x.data(), a.data());
            ref.axpy(n, 0.37f, x.data(), b.data());
            for (std::size_t i = 0; i < n; ++i) check_close(a[i], b[i], std::fabs(y[i]) + std::fabs(0.37 * x[i]), 2.0);
            a = b;
            k.scale(n, -1.5f, a.data());
            ref.scale(n, -1.5f, b.data());
            CHECK(a == b);
            k.relu_forward(n, x.data(), a.data());
            ref.relu_forward(n, x.data(), b.data());
            CHECK(a == b);
            k.relu_backward(n, x.data(), y.data(), a.data());
            ref.relu_backward(n, x.data(), y.data(), b.data());
            CHECK(a == b);
            // Rows × cols with a row stride, both ways round.
            const std::size_t rows = 3, ld = n + 3;
            const auto m = test::random_floats(rows * ld, 3 + n, -1, 1);
            std::vector<float> ca(n), cb(n), na(rows), nb(rows);
            k.col_sums(m.data(), rows, n, ld, ca.data());
            ref.col_sums(m.data(), rows, n, ld, cb.data());
            CHECK(ca == cb);
            k.sq_row_norms(m.data(), rows, n, ld, na.data());
            ref.sq_row_norms(m.data(), rows, n, ld, nb.data());
            for (std::size_t i = 0; i < rows; ++i) check_close(na[i], nb[i], double(nb[i]), 2.0 * double(n));
            std::vector<float> ya = m, yb = m;
            k.bias_add(ya.data(), rows, n, ld, x.data());
            ref.bias_add(yb.data(), rows, n, ld, x.data());
            CHECK(ya == yb);
            std::vector<float> w1 = x, w2 = x, m1(n, 0.1f), m2 = m1, v1(n, 0.2f), v2 = v1;
            const AdamStep step{1e-3f, 0.9f, 0.999f, 1e-7f};
            k.adam_update(n, w1.data(), y.data(), m1.data(), v1.data(), step);
            ref.adam_update(n, w2.data(), y.data(), m2.data(), v2.data(), step);
            for (std::size_t i = 0; i < n; ++i) check_close(w1[i], w2[i], std::fabs(double(w2[i])), 2.0);
        }
    }
}

TEST_CASE("sgemm: every target matches scalar on odd shapes, both transpositions") {
    ThreadPool pool(1);
    for (SimdTarget t : simd_targets())
        for (std::size_t m : {1, 3, 7, 13, 33})
            for (std::size_t n : {1, 5, 12, 17, 35})
                for (std::size_t k : {1, 9, 31})
                    for (Trans ta : {Trans::N, Trans::T})
                        for (Trans tb : {Trans::N, Trans::T}) {
                            INFO("target " << std::string(to_string(t)) << ", m n k = " << m << " " << n << " " << k);
                            const auto A = test::random_floats(m * k, 5 + m, -1, 1);
                            const auto B = test::random_floats(k * n, 6 + n, -1, 1);
                            std::vector<float> C = test::random_floats(m * n, 7, -1, 1), R = C;
                            const std::size_t lda = ta == Trans::N ? k : m, ldb = tb == Trans::N ? n : k;
                            sgemm(t, pool, ta, tb, m, n, k, 0.5f, A.data(), lda, B.data(), ldb, 0.25f, C.data(), n);
                            sgemm(SimdTarget::scalar, pool, ta, tb, m, n, k, 0.5f, A.data(), lda, B.data(), ldb,
                                  0.25f, R.data(), n);
                            // |terms| ≤ 0.5·k + 0.25: a few ulps per term for FMA vs separate rounding.
                            for (std::size_t i = 0; i < m * n; ++i)
                                check_close(C[i], R[i], 0.5 * double(k) + 0.25, 4.0 * double(k + 1));
                        }
}

TEST_CASE("kNN distance kernels: every target matches scalar; batched and single distances agree bit for bit") {
    using knn_detail::Kernel;
    for (SimdTarget t : simd_targets())
        for (Kernel kernel : {Kernel::sqeuclidean, Kernel::manhattan, Kernel::chebyshev, Kernel::minkowski})
            for (std::size_t dim : {8, 16, 24, 72}) {
                INFO("target " << std::string(to_string(t)) << ", kernel " << int(kernel) << ", dim " << dim);
                const auto& k = knn_detail::distance_kernels(kernel, t);
                const auto& ref = knn_detail::distance_kernels(kernel, SimdTarget::scalar);
                const std::size_t count = 7;  // one 4-row batch and a tail of 3
                const auto data = test::random_floats((count + 1) * dim, dim, -3, 3);
                std::vector<const float*> rows;
                for (std::size_t j = 1; j <= count; ++j) rows.push_back(data.data() + j * dim);
                std::vector<float> many(count), many_ref(count);
                k.many(data.data(), rows.data(), count, dim, 1.5f, many.data());
                ref.many(data.data(), rows.data(), count, dim, 1.5f, many_ref.data());
                for (std::size_t j = 0; j < count; ++j) {
                    CHECK(many[j] == k.one(data.data(), rows[j], dim, 1.5f));
                    const float want = many_ref[j];
                    if (kernel == Kernel::chebyshev) CHECK(many[j] == want);
                    else check_close(many[j], want, double(want), 2.0 * double(dim));
                }
            }
}

TEST_CASE("UMAP SGD kernels: every target's forces and powers match scalar to 1e-6 relative") {
    const ForceCurve f(1.577, 0.8951, 1.0f);
    const float d2[kForceBatch] = {0.5f, 1e-3f, 3.0f, 17.0f, 0.0f, 2e2f, 7e-2f, 1.0f};
    float want_s[kForceBatch], want_r[kForceBatch];
    sample_forces_fn(SimdTarget::scalar)(f, d2, want_s);
    repel_forces_fn(SimdTarget::scalar)(f, d2, want_r);
    for (SimdTarget t : simd_targets()) {
        INFO("target " << std::string(to_string(t)));
        float got_s[kForceBatch], got_r[kForceBatch];
        sample_forces_fn(t)(f, d2, got_s);
        repel_forces_fn(t)(f, d2, got_r);
        for (int i = 0; i < kForceBatch; ++i) {
            check_close(got_s[i], want_s[i], std::fabs(double(want_s[i])), 10.0);
            check_close(got_r[i], want_r[i], std::fabs(double(want_r[i])), 10.0);
        }
        for (std::size_t n : kSizes) {
            const auto x = test::random_floats(n, 9 + n, 1e-3, 50);
            std::vector<float> got(n), want(n);
            pow_batch(t, x.data(), 0.8951f, got.data(), n);
            pow_batch(SimdTarget::scalar, x.data(), 0.8951f, want.data(), n);
            for (std::size_t i = 0; i < n; ++i) check_close(got[i], want[i], double(want[i]), 10.0);
        }
    }
}

TEST_CASE("pairwise kernels: every target matches scalar bit for bit") {
    for (std::size_t n : kSizes) {
        const std::size_t d = 3;
        const Matrix x = test::blobs(n, d, 2, 1.0, 11 + n);
        const std::vector<double> xt = detail::feature_major(x);
        const double p[d] = {0.5, -1.0, 2.0};
        std::vector<double> ref(n), got(n);
        {
            ActiveTarget scalar(SimdTarget::scalar);
            detail::distances_to_point(xt.data(), n, d, p, ref.data(), true);
        }
        for (SimdTarget t : simd_targets()) {
            INFO("target " << std::string(to_string(t)) << ", n = " << n);
            ActiveTarget use(t);
            detail::distances_to_point(xt.data(), n, d, p, got.data(), true);
            CHECK(got == ref);
            double s_ref, s_got;
            std::size_t c_ref, c_got;
            {
                ActiveTarget scalar(SimdTarget::scalar);
                s_ref = detail::range_sum(ref.data(), n);
                c_ref = detail::count_below(ref.data(), n, ref[n / 2]);
            }
            s_got = detail::range_sum(ref.data(), n);
            c_got = detail::count_below(ref.data(), n, ref[n / 2]);
            CHECK(s_got == s_ref);
            CHECK(c_got == c_ref);
        }
    }
}

TEST_CASE("k-means++ seeding and the GMM block kernel: every target matches scalar") {
    const Matrix x = test::blobs(301, 5, 4, 0.8, 3);
    std::vector<std::size_t> seeds_ref;
    double bound_ref = 0.0;
    const auto run = [&](std::vector<std::size_t>& seeds, double& bound) {
        Rng rng(17);
        seeds = kmeans_plusplus(x, 7, rng);
        GaussianMixtureOptions o;
        o.n_components = 4;
        o.tol = 0;
        o.max_iter = 5;
        GaussianMixture g(o);
        g.fit(x);
        bound = g.lower_bound();
    };
    {
        ActiveTarget scalar(SimdTarget::scalar);
        run(seeds_ref, bound_ref);
    }
    for (SimdTarget t : simd_targets()) {
        INFO("target " << std::string(to_string(t)));
        ActiveTarget use(t);
        std::vector<std::size_t> seeds;
        double bound = 0.0;
        run(seeds, bound);
        CHECK(seeds == seeds_ref);
        CHECK(bound == doctest::Approx(bound_ref).epsilon(1e-12));
    }
}
