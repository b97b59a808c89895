// Isomap model serialisation: everything transform needs, every count and value validated.
#include <cmath>
#include <string>

#include "n2d/core/error.hpp"
#include "n2d/manifold/detail/isomap_model.hpp"
#include "n2d/manifold/isomap.hpp"

namespace n2d::inline v0 {

namespace {
constexpr std::uint64_t kIsomapMagic = 0x504D4F534944324Eull;  // "N2DISOMP"
constexpr std::uint32_t kIsomapVersion = 1;

bool all_finite(const std::vector<double>& v) {
    for (double x : v)
        if (!std::isfinite(x)) return false;
    return true;
}
}  // namespace

void Isomap::save(ByteWriter& out) const {
    const IsomapModel& m = model("save");
    out.put<std::uint64_t>(kIsomapMagic);
    out.put<std::uint32_t>(kIsomapVersion);
    out.put<std::uint64_t>(options_.n_neighbors);
    out.put<std::uint64_t>(options_.n_components);
    out.put<std::uint64_t>(options_.landmark_threshold);
    out.put<std::uint64_t>(options_.n_landmarks);
    out.put<std::uint64_t>(options_.seed);
    out.put<std::uint64_t>(m.n);
    out.put<std::uint64_t>(m.dim);
    out.put<std::uint64_t>(m.n_graph_components);
    m.index.save(out);
    out.put_vector(m.graph.offsets);
    std::vector<std::int32_t> to(m.graph.edges.size());
    std::vector<float> w(m.graph.edges.size());
    for (std::size_t e = 0; e < to.size(); ++e) {
        to[e] = m.graph.edges[e].to;
        w[e] = m.graph.edges[e].weight;
    }
    out.put_vector(to);
    out.put_vector(w);
    out.put_vector(m.landmarks);
    out.put_vector(m.col_mean);
    out.put<double>(m.all_mean);
    out.put_vector(m.eigenvalues);
    out.put_vector(m.eigenvectors);
    out.put_array(m.embedding.data(), m.embedding.size());
    out.put<double>(m.reconstruction_error);
}

Isomap Isomap::load(ByteReader& in) {
    in.expect(in.get<std::uint64_t>() == kIsomapMagic, "not an Isomap model (bad magic)");
    const auto version = in.get<std::uint32_t>();
    in.expect(version == kIsomapVersion, "Isomap format version " + std::to_string(version) + " is not supported (expected " +
                                       std::to_string(kIsomapVersion) + ")");
    IsomapOptions o;
    o.n_neighbors = std::size_t(in.get<std::uint64_t>());
    o.n_components = std::size_t(in.get<std::uint64_t>());
    o.landmark_threshold = std::size_t(in.get<std::uint64_t>());
    o.n_landmarks = std::size_t(in.get<std::uint64_t>());
    o.seed = in.get<std::uint64_t>();
    auto m = std::make_shared<IsomapModel>();
    m->n = std::size_t(in.get<std::uint64_t>());
    m->dim = std::size_t(in.get<std::uint64_t>());
    m->n_graph_components = std::size_t(in.get<std::uint64_t>());
    const std::size_t n = m->n, k = o.n_components;
    in.expect(n >= 2 && n <= std::size_t(1) << 31, "Isomap training size " + std::to_string(n) + " is invalid");
    in.expect(o.n_neighbors >= 1 && o.n_neighbors < n, "Isomap n_neighbors " + std::to_string(o.n_neighbors) +
                                                           " is invalid for " + std::to_string(n) + " points");
    in.expect(k >= 1 && k <= n, "Isomap n_components " + std::to_string(k) + " is invalid");
    in.expect(m->n_graph_components >= 1 && m->n_graph_components <= n, "Isomap component count is invalid");
    m->n_components = k;
    m->index = KnnIndex::load(in);
    in.expect(m->index.size() == n && m->index.dim() == m->dim && m->dim >= 1,
              "Isomap kNN index does not match the model's training shape");
    m->graph.n = n;
    m->graph.offsets = in.get_vector<std::uint64_t>();
    const auto to = in.get_vector<std::int32_t>();
    const auto w = in.get_vector<float>();
    in.expect(m->graph.offsets.size() == n + 1 && m->graph.offsets[0] == 0 && m->graph.offsets[n] == to.size() &&
                  w.size() == to.size(),
              "Isomap graph offsets do not match its edges");
    for (std::size_t i = 0; i < n; ++i) in.expect(m->graph.offsets[i] <= m->graph.offsets[i + 1], "Isomap graph offsets not ascending");
    m->graph.edges.resize(to.size());
    for (std::size_t e = 0; e < to.size(); ++e) {
        in.expect(to[e] >= 0 && std::size_t(to[e]) < n, "Isomap graph edge target out of range");
        in.expect(std::isfinite(w[e]) && w[e] >= 0.0f, "Isomap graph edge length is negative or not finite");
        m->graph.edges[e] = {to[e], w[e]};
    }
    m->landmarks = in.get_vector<std::int32_t>();
    if (!m->landmarks.empty()) {
        in.expect(m->landmarks.size() > k && m->landmarks.size() < n, "Isomap landmark count is invalid");
        for (std::size_t i = 0; i < m->landmarks.size(); ++i)
            in.expect(m->landmarks[i] >= 0 && std::size_t(m->landmarks[i]) < n &&
                          (i == 0 || m->landmarks[i - 1] < m->landmarks[i]),
                      "Isomap landmarks out of range or not ascending");
    }
    const std::size_t r = m->n_reference();
    m->col_mean = in.get_vector<double>();
    m->all_mean = in.get<double>();
    m->eigenvalues = in.get_vector<double>();
    m->eigenvectors = in.get_vector<double>();
    in.expect(m->col_mean.size() == r && m->eigenvalues.size() == k && m->eigenvectors.size() == r * k,
              "Isomap kernel arrays do not match the model's shape");
    in.expect(all_finite(m->col_mean) && std::isfinite(m->all_mean) && all_finite(m->eigenvectors),
              "Isomap kernel arrays hold non-finite values");
    for (double l : m->eigenvalues) in.expect(std::isfinite(l) && l >= 0.0, "Isomap eigenvalue negative or not finite");
    m->embedding = Matrix(n, k);
    in.get_array(m->embedding.data(), m->embedding.size());
    for (std::size_t i = 0; i < m->embedding.size(); ++i)
        in.expect(std::isfinite(m->embedding.data()[i]), "Isomap embedding holds non-finite values");
    m->reconstruction_error = in.get<double>();
    in.expect(std::isfinite(m->reconstruction_error) && m->reconstruction_error >= 0.0,
              "Isomap reconstruction error is negative or not finite");
    Isomap out(o);
    out.model_ = std::move(m);
    return out;
}

}  // namespace n2d
