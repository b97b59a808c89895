// DEC/IDEC fine-tuning: the KL gradient (codes, centres, every network parameter) against
// central differences of a double-precision reference, the tol stop rule, thread-count
// independence, the effect on easy blobs, and option errors.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/metrics/metrics.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "n2d/nn/dec.hpp"
#include "n2d/nn/detail/dec.hpp"
#include "finite_differences.hpp"
#include "test_util.hpp"

namespace n2d::inline v0::test {

namespace {

// KL(P‖Q) of codes z (rows × d) against centres mu (k × d), all in double.
double kl_reference(const std::vector<double>& z, const std::vector<double>& mu, const std::vector<double>& p,
                    std::size_t rows, std::size_t d, std::size_t k, double alpha) {
    double loss = 0.0;
    for (std::size_t i = 0; i < rows; ++i) {
        std::vector<double> q(k);
        double sum = 0.0;
        for (std::size_t j = 0; j < k; ++j) {
            double d2 = 0.0;
            for (std::size_t e = 0; e < d; ++e) d2 += (z[i * d + e] - mu[j * d + e]) * (z[i * d + e] - mu[j * d + e]);
            q[j] = std::pow(1.0 + d2 / alpha, -(alpha + 1.0) / 2.0);
            sum += q[j];
        }
        for (std::size_t j = 0; j < k; ++j)
            if (p[i * k + j] > 0) loss += p[i * k + j] * std::log(p[i * k + j] / (q[j] / sum));
    }
    return loss / static_cast<double>(rows);
}

// Central differences of f over the entries of v, against `analytic`, on real (non-zero) gradients.
template <class F>
void check_fd(std::vector<double>& v, const std::vector<double>& analytic, F&& f, double h, double abs_tol,
              double rel_tol, const char* what) {
    CHECK(check_central_differences(v, analytic, f, h, abs_tol, rel_tol, what) > 1e-3);
}

std::vector<double> to_double(const float* v, std::size_t n) { return {v, v + n}; }

// Random rows of p ≥ 0, normalised (or not) per row.
Matrix random_targets(std::size_t rows, std::size_t k, Rng& rng, bool normalised) {
    Matrix p(rows, k);
    for (std::size_t i = 0; i < rows; ++i) {
        double s = 0.0;
        for (std::size_t j = 0; j < k; ++j) s += p(i, j) = static_cast<float>(rng.uniform(0.05, 1.0));
        if (normalised)
            for (std::size_t j = 0; j < k; ++j) p(i, j) = static_cast<float>(p(i, j) / s);
    }
    return p;
}

Matrix random_matrix(std::size_t rows, std::size_t cols, Rng& rng, double lo, double hi) {
    Matrix m(rows, cols);
    for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(rng.uniform(lo, hi));
    return m;
}

// The autoencoder's forward pass in double from its flat parameters (tanh hidden layers, linear
// latent and output): the codes, and the reconstruction when `full`.
struct RefNet {
    std::vector<std::size_t> sizes;  // layer widths [in, ..., latent, ..., in]
    std::size_t encoder_layers;
    std::vector<double> forward(const std::vector<double>& params, const std::vector<double>& x, std::size_t rows,
                                bool full) const {
        std::vector<double> cur = x;
        std::size_t off = 0;
        const std::size_t layers = full ? sizes.size() - 1 : encoder_layers;
        for (std::size_t l = 0; l < sizes.size() - 1; ++l) {
            const std::size_t in = sizes[l], out = sizes[l + 1];
            if (l < layers) {
                std::vector<double> next(rows * out);
                for (std::size_t i = 0; i < rows; ++i)
                    for (std::size_t o = 0; o < out; ++o) {
                        double z = params[off + in * out + o];
                        for (std::size_t c = 0; c < in; ++c) z += cur[i * in + c] * params[off + c * out + o];
                        const bool linear = l + 1 == encoder_layers || l + 2 == sizes.size();
                        next[i * out + o] = linear ? z : std::tanh(z);
                    }
                cur = std::move(next);
            }
            off += in * out + out;
        }
        return cur;
    }
};

AutoencoderOptions small_ae(std::size_t latent) {
    AutoencoderOptions o;
    o.architecture = {7};
    o.latent_dim = latent;
    o.hidden_activation = Activation::tanh;
    o.seed = 5;
    return o;
}

}  // namespace

TEST_CASE("DEC: the KL gradient w.r.t. codes and centres matches central differences") {
    const std::size_t rows = 4, d = 3, k = 3;
    Rng rng(11);
    for (double alpha : {1.0, 2.5}) {
        for (bool normalised : {true, false}) {
            CAPTURE(alpha);
            CAPTURE(normalised);
            const Matrix z = random_matrix(rows, d, rng, -2, 2), mu = random_matrix(k, d, rng, -2, 2);
            const Matrix p = random_targets(rows, k, rng, normalised);
            Matrix dz(rows, d);
            std::vector<double> dmu(k * d, 0.0);
            const double loss = nn::kl_loss_gradient(z, mu, p, alpha, 1.0, dz, dmu);
            std::vector<double> zd = to_double(z.data(), z.size()), md = to_double(mu.data(), mu.size());
            const std::vector<double> pd = to_double(p.data(), p.size());
            const auto f = [&] { return kl_reference(zd, md, pd, rows, d, k, alpha); };
            CHECK(loss == doctest::Approx(f()).epsilon(1e-9));
            check_fd(zd, to_double(dz.data(), dz.size()), f, 1e-6, 1e-6, 1e-4, "codes");
            check_fd(md, dmu, f, 1e-6, 1e-8, 1e-6, "centres");
            // The weight scales both gradients (IDEC's gamma).
            Matrix dz2(rows, d);
            std::vector<double> dmu2(k * d, 0.0);
            nn::kl_loss_gradient(z, mu, p, alpha, 0.1, dz2, dmu2);
            CHECK(dz2(1, 2) == doctest::Approx(0.1 * dz(1, 2)).epsilon(1e-6));
            CHECK(dmu2[4] == doctest::Approx(0.1 * dmu[4]).epsilon(1e-9));
        }
    }
}

TEST_CASE("DEC and IDEC: gradients of every network parameter and the centres match central differences") {
    const std::size_t in = 6, latent = 3, k = 3, rows = 5;
    Rng rng(3);
    const Matrix x = random_matrix(rows, in, rng, 0, 1);
    const Matrix p = random_targets(rows, k, rng, true);
    const Matrix mu = random_matrix(k, latent, rng, -1, 1);
    for (DecMode mode : {DecMode::dec, DecMode::idec}) {
        const std::string mode_name = to_string(mode);
        CAPTURE(mode_name);
        Autoencoder ae(in, small_ae(latent));
        DecOptions o;
        o.mode = mode;
        o.n_clusters = k;
        o.gamma = 0.3;
        nn::DecTrainer trainer(ae, o, rows);
        Matrix center_grad;
        const double loss = trainer.gradients(x, p, mu, center_grad);
        const std::vector<float> pg = trainer.parameter_gradients();

        const RefNet net{ae.layer_sizes(), 2};
        std::vector<double> params = to_double(ae.parameters().data(), ae.parameter_count());
        std::vector<double> md = to_double(mu.data(), mu.size());
        const std::vector<double> xd = to_double(x.data(), x.size()), pd = to_double(p.data(), p.size());
        const auto f = [&] {
            const auto z = net.forward(params, xd, rows, false);
            double l = kl_reference(z, md, pd, rows, latent, k, 1.0);
            if (mode == DecMode::dec) return l;
            const auto r = net.forward(params, xd, rows, true);
            double mse = 0.0;
            for (std::size_t i = 0; i < r.size(); ++i) mse += (r[i] - xd[i]) * (r[i] - xd[i]);
            return mse / static_cast<double>(r.size()) + o.gamma * l;
        };
        CHECK(loss == doctest::Approx(f()).epsilon(1e-4));
        REQUIRE(pg.size() == params.size());
        // Float forward/backward against a double reference: a small absolute slack.
        check_fd(params, to_double(pg.data(), pg.size()), f, 1e-5, 2e-5, 2e-3, "network parameters");
        check_fd(md, to_double(center_grad.data(), center_grad.size()), f, 1e-5, 2e-5, 2e-3, "centres");
        // DEC leaves the decoder alone: its gradients are zero; IDEC trains it.
        const std::size_t encoder_params = in * 7 + 7 + 7 * latent + latent;
        double decoder = 0.0;
        for (std::size_t i = encoder_params; i < pg.size(); ++i) decoder += std::fabs(pg[i]);
        if (mode == DecMode::dec) CHECK(decoder == 0.0);
        else CHECK(decoder > 0.0);
    }
}

TEST_CASE("DEC: soft assignment, target distribution and predict") {
    Rng rng(4);
    const Matrix z = random_matrix(20, 2, rng, -3, 3), mu = random_matrix(4, 2, rng, -3, 3);
    const Matrix q = dec_soft_assignment(z, mu, 1.0);
    const Matrix p = dec_target_distribution(q);
    for (std::size_t i = 0; i < q.rows(); ++i) {
        double sq = 0, sp = 0, maxq = 0, maxp = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            sq += q(i, j);
            sp += p(i, j);
            maxq = std::max<double>(maxq, q(i, j));
            maxp = std::max<double>(maxp, p(i, j));
        }
        CHECK(sq == doctest::Approx(1.0).epsilon(1e-6));
        CHECK(sp == doctest::Approx(1.0).epsilon(1e-6));
        // The nearest centre has the largest q: (1 + d²)^-1 falls with the distance.
        int nearest = 0;
        double best = 1e30;
        for (std::size_t j = 0; j < 4; ++j) {
            const double dx = z(i, 0) - mu(j, 0), dy = z(i, 1) - mu(j, 1);
            if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, nearest = int(j);
        }
        CHECK(q(i, nearest) == doctest::Approx(maxq));
        (void)maxp;
    }
    // Squaring sharpens: over all rows, the targets are more confident than q.
    double conf_q = 0, conf_p = 0;
    for (std::size_t i = 0; i < q.rows(); ++i) {
        conf_q += *std::max_element(q.row(i), q.row(i) + 4);
        conf_p += *std::max_element(p.row(i), p.row(i) + 4);
    }
    CHECK(conf_p > conf_q);
}

namespace {

struct BlobRun {
    Matrix x;
    std::vector<int> truth;
    Autoencoder ae;
};

BlobRun blob_autoencoder(ThreadPool* pool, std::size_t epochs) {
    BlobRun r;
    r.x = blobs(600, 12, 4, 2.5, 21, &r.truth);
    AutoencoderOptions o;
    o.architecture = {32, 32};
    o.latent_dim = 4;
    o.epochs = epochs;
    o.batch_size = 64;
    o.seed = 9;
    o.pool = pool;
    r.ae = Autoencoder(o);
    r.ae.fit(r.x);
    return r;
}

DecOptions blob_dec(ThreadPool* pool) {
    DecOptions o;
    o.n_clusters = 4;
    o.update_interval = 20;
    o.max_iter = 200;
    o.batch_size = 64;
    o.kmeans_n_init = 4;
    o.seed = 2;
    o.pool = pool;
    return o;
}

}  // namespace

TEST_CASE("DEC: the tol rule stops at the first update whose label change is below tol") {
    BlobRun r = blob_autoencoder(nullptr, 3);
    DecOptions o = blob_dec(nullptr);
    o.tol = 1.0;  // every change is below 100 %: stop at the first update after step 0
    std::vector<std::size_t> steps;
    o.progress = [&](const Progress& pr) {
        CHECK(std::string(pr.stage) == "dec");
        steps.push_back(pr.step);
        return true;
    };
    const DecResult a = fit_dec(r.ae, r.x, o);
    CHECK(a.converged);
    CHECK(a.iterations == o.update_interval);
    CHECK(a.target_updates == 2);
    CHECK(steps == std::vector<std::size_t>{0, o.update_interval});
    CHECK(a.last_delta < 1.0);
    // tol 0 never stops early: max_iter steps, the final q from the final weights.
    o.tol = 0.0;
    o.progress = nullptr;
    o.max_iter = 50;
    const DecResult b = fit_dec(r.ae, r.x, o);
    CHECK_FALSE(b.converged);
    CHECK(b.iterations == 50);
    CHECK(b.target_updates == 4);  // steps 0, 20, 40 and the final one at 50
    CHECK(b.labels == dec_predict(r.ae, r.x, b.centers));
    // Cancelling from the callback throws n2d::Cancelled.
    o.progress = [](const Progress& pr) { return pr.step == 0; };
    CHECK_THROWS_AS(fit_dec(r.ae, r.x, o), Cancelled);
}

TEST_CASE("DEC and IDEC: bit-identical results with 1 and 4 threads") {
    for (DecMode mode : {DecMode::dec, DecMode::idec}) {
        const std::string mode_name = to_string(mode);
        CAPTURE(mode_name);
        ThreadPool one(1), four(4);
        BlobRun a = blob_autoencoder(&one, 2), b = blob_autoencoder(&four, 2);
        DecOptions oa = blob_dec(&one), ob = blob_dec(&four);
        oa.mode = ob.mode = mode;
        oa.max_iter = ob.max_iter = 60;
        const DecResult ra = fit_dec(a.ae, a.x, oa), rb = fit_dec(b.ae, b.x, ob);
        CHECK(ra.labels == rb.labels);
        CHECK(ra.iterations == rb.iterations);
        CHECK(std::equal(ra.centers.data(), ra.centers.data() + ra.centers.size(), rb.centers.data()));
        CHECK(a.ae.parameters() == b.ae.parameters());
        CHECK(std::equal(ra.soft_assignments.data(), ra.soft_assignments.data() + ra.soft_assignments.size(),
                         rb.soft_assignments.data()));
    }
}

TEST_CASE("DEC keeps or improves the accuracy of k-means on the codes of easy blobs") {
    BlobRun r = blob_autoencoder(nullptr, 5);
    DecOptions o = blob_dec(nullptr);
    KMeansOptions ko;
    ko.n_clusters = 4;
    ko.n_init = 4;
    ko.seed = 2;
    const double before = cluster_accuracy(r.truth, KMeans(ko).fit_predict(r.ae.encode(r.x))).accuracy;
    for (DecMode mode : {DecMode::dec, DecMode::idec}) {
        const std::string mode_name = to_string(mode);
        CAPTURE(mode_name);
        BlobRun run = blob_autoencoder(nullptr, 5);
        o.mode = mode;
        const DecResult d = fit_dec(run.ae, run.x, o);
        const double after = cluster_accuracy(run.truth, d.labels).accuracy;
        CAPTURE(before);
        CHECK(after >= before - 0.01);
        CHECK(after > 0.9);
        CHECK(d.loss_history.size() + 1 == d.target_updates);
    }
}

TEST_CASE("DEC: bad options and inputs give clear errors") {
    const auto with = [](auto change) {
        DecOptions o;
        change(o);
        return error_of([&] { validate(o); });
    };
    CHECK(contains(with([](DecOptions& o) { o.n_clusters = 1; }), "at least 2 clusters"));
    CHECK(contains(with([](DecOptions& o) { o.alpha = 0; }), "alpha"));
    CHECK(contains(with([](DecOptions& o) { o.update_interval = 0; }), "update_interval"));
    CHECK(contains(with([](DecOptions& o) { o.tol = 1.5; }), "tol"));
    CHECK(contains(with([](DecOptions& o) { o.batch_size = 0; }), "batch_size"));
    CHECK(contains(with([](DecOptions& o) { o.gamma = -1; }), "gamma"));
    CHECK(contains(with([](DecOptions& o) { o.kmeans_n_init = 0; }), "kmeans_n_init"));
    CHECK(contains(with([](DecOptions& o) { o.optimizer = OptimizerOptions::sgd(-1); }), "learning_rate"));
    CHECK(contains(error_of([] { parse_dec_mode("kmeans"); }), "use dec or idec"));
    CHECK(parse_dec_mode("idec") == DecMode::idec);

    const Matrix x = blobs(30, 5, 3, 1.0, 1);
    Autoencoder unfitted(small_ae(3));
    DecOptions o;
    o.n_clusters = 3;
    CHECK(contains(error_of([&] { fit_dec(unfitted, x, o); }), "fit it (or load one)"));
    Autoencoder ae(4, small_ae(3));
    CHECK(contains(error_of([&] { fit_dec(ae, x, o); }), "5 columns but the autoencoder takes 4"));
    Autoencoder ae5(5, small_ae(3));
    o.n_clusters = 31;
    CHECK(contains(error_of([&] { fit_dec(ae5, x, o); }), "30 rows cannot form 31 clusters"));
}

}  // namespace n2d::test
