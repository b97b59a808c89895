// k-means and the GMM through the device interface: the CPU device's kmeans_assign op against a
// brute force, and fits on every test device (the opaque CPU device and each GPU) against the
// host path.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "device_test_util.hpp"
#include "n2d/cluster/gaussian_mixture.hpp"
#include "n2d/cluster/kmeans.hpp"
#include "n2d/data/dataset.hpp"
#include "test_util.hpp"

using namespace n2d;

namespace {

bool rel_close(double a, double b, double tol) { return std::abs(a - b) <= tol * std::max(1.0, std::abs(b)); }

void check_gmm_same(ConstMatrixView x, GaussianMixtureOptions o, Device& dev, const std::string& what) {
    INFO(what << " on " << dev.name());
    GaussianMixture host(o);
    const auto want = host.fit_predict(x);
    o.device = &dev;
    GaussianMixture on(o);
    const auto before = test::ops_run(dev);
    const auto got = on.fit_predict(x);
    if (before) CHECK(*test::ops_run(dev) > *before);  // the device path ran
    CHECK(rel_close(on.lower_bound(), host.lower_bound(), 1e-6));
    CHECK(on.n_iter() == host.n_iter());
    CHECK(got == want);
    const auto lp_host = host.score_samples(x), lp_on = on.score_samples(x);
    std::size_t far = 0;
    for (std::size_t i = 0; i < lp_host.size(); ++i) far += !rel_close(lp_on[i], lp_host[i], 1e-6);
    CHECK(far == 0);
    const auto p_host = host.predict_proba_double(x), p_on = on.predict_proba_double(x);
    double worst = 0.0;
    for (std::size_t i = 0; i < p_host.size(); ++i) worst = std::max(worst, std::abs(p_on[i] - p_host[i]));
    CHECK(worst < 1e-6);
}

void check_kmeans_same(ConstMatrixView x, KMeansOptions o, Device& dev, const std::string& what) {
    INFO(what << " on " << dev.name());
    KMeans host(o);
    host.fit(x);
    o.device = &dev;
    KMeans on(o);
    const auto before = test::ops_run(dev);
    on.fit(x);
    if (before) CHECK(*test::ops_run(dev) > *before);
    CHECK(on.labels() == host.labels());
    CHECK(rel_close(on.inertia(), host.inertia(), 1e-6));
    CHECK(on.n_iter() == host.n_iter());
}

}  // namespace

TEST_CASE("CPU kmeans_assign: nearest centre, first on ties, exact squared distance") {
    auto cpu = make_cpu_device();
    const std::size_t n = 500, d = 3, k = 4;
    const auto xv = test::random_floats(n * d, 1, -2, 2);
    std::vector<float> c = {0, 0, 0, 0, 0, 0, 1, 1, 1, -1, 0.5f, 2};  // centres 0 and 1 equal: ties
    const Buffer bx = upload_new(*cpu, xv.data(), xv.size()), bc = upload_new(*cpu, c.data(), c.size());
    const Buffer bl(*cpu, DType::i32, n), bd(*cpu, DType::f64, n);
    cpu->kmeans_assign({n, d, k, bx.view(), bc.view(), bl.view(), bd.view()});
    std::vector<std::int32_t> labels(n);
    std::vector<double> dist2(n);
    cpu->download(labels.data(), bl.view());
    cpu->download(dist2.data(), bd.view());
    for (std::size_t i = 0; i < n; ++i) {
        double best = 1e300;
        int arg = -1;
        for (std::size_t j = 0; j < k; ++j) {
            double s = 0;
            for (std::size_t t = 0; t < d; ++t) s += (double(xv[i * d + t]) - c[j * d + t]) * (double(xv[i * d + t]) - c[j * d + t]);
            if (s < best) { best = s; arg = int(j); }
        }
        REQUIRE(labels[i] == arg);
        REQUIRE(dist2[i] == best);
        REQUIRE(labels[i] != 1);
    }
}

TEST_CASE("k-means on a device equals the CPU path") {
    const Matrix x = test::blobs(3000, 6, 7, 1.5, 11);
    for (const auto& dev : test::stage_test_devices()) {
        for (auto algo : {KMeansAlgorithm::lloyd, KMeansAlgorithm::elkan}) {
            KMeansOptions o;
            o.n_clusters = 7;
            o.n_init = 3;
            o.algorithm = algo;
            o.seed = 5;
            check_kmeans_same(x.view(), o, *dev, algo == KMeansAlgorithm::lloyd ? "lloyd" : "elkan");
        }
        KMeansOptions o;  // an empty cluster to relocate: two identical starting centres
        o.n_clusters = 3;
        o.initial_centers = Matrix(3, 6);
        for (std::size_t t = 0; t < 6; ++t) o.initial_centers(2, t) = x(0, t);
        check_kmeans_same(x.view(), o, *dev, "relocation");
    }
}

TEST_CASE("GMM on a device equals the CPU path for every covariance type") {
    const Matrix x = test::blobs(2500, 5, 4, 1.0, 3);
    for (const auto& dev : test::stage_test_devices()) {
        if (!dev->supports_f64()) {
            MESSAGE(dev->name() << ": no double precision, the GMM stays on the CPU");
            continue;
        }
        for (auto type : {CovarianceType::full, CovarianceType::tied, CovarianceType::diag, CovarianceType::spherical}) {
            GaussianMixtureOptions o;
            o.n_components = 4;
            o.covariance_type = type;
            o.n_init = 2;
            o.seed = 9;
            check_gmm_same(x.view(), o, *dev, to_string(type));
        }
        GaussianMixtureOptions o;  // a component that empties and is re-seeded
        o.n_components = 6;
        o.init_params = InitParams::random_from_data;
        o.max_iter = 30;
        o.seed = 2;
        check_gmm_same(x.view(), o, *dev, "six components");
    }
}

TEST_CASE("pendigits: GMM and k-means on a device equal the CPU path") {
    const auto dir = test::shared_datasets();
    if (dir.empty() || !std::filesystem::exists(dir / "pendigits")) {
        MESSAGE("skipped: the shared pendigits dataset is absent (set N2D_DATA_DIR)");
        return;
    }
    const auto data = load_dataset("pendigits", dir.string());
    for (const auto& dev : test::stage_test_devices()) {
        KMeansOptions ko;
        ko.n_clusters = 10;
        ko.n_init = 2;
        check_kmeans_same(data.x.view(), ko, *dev, "pendigits k-means");
        if (!dev->supports_f64()) continue;
        GaussianMixtureOptions o;
        o.n_components = 10;
        o.covariance_type = CovarianceType::diag;
        o.max_iter = 40;
        check_gmm_same(data.x.view(), o, *dev, "pendigits diag GMM");
        o.covariance_type = CovarianceType::full;
        check_gmm_same(data.x.view(), o, *dev, "pendigits full GMM");
    }
}
