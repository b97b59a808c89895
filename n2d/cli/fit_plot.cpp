#include "n2d/cli/fit_plot.hpp"

#include <algorithm>

#include "n2d/core/rng.hpp"
#include "n2d/metrics/metrics.hpp"
#include "n2d/plot/scatter.hpp"
#include "n2d/umap/umap.hpp"

namespace n2d::inline v0::cli {

namespace {

Matrix points_2d(const N2D& model) {
    const Matrix& m = model.manifold_embedding();
    if (m.cols() == 2) return Matrix::copy_of(m);
    if (m.cols() == 1) {  // a line: spread by the cluster id so clusters stay apart
        Matrix p(m.rows(), 2);
        for (std::size_t i = 0; i < m.rows(); ++i) {
            p(i, 0) = m(i, 0);
            p(i, 1) = static_cast<float>(model.labels()[i]);
        }
        return p;
    }
    UmapOptions u;
    u.n_components = 2;
    // Wider neighbourhoods than the clustering UMAP: the min_dist-0 manifold is made of tight
    // clumps, and 20 neighbours scatter each cluster into many fragments in the picture.
    u.n_neighbors = 50;
    u.n_epochs = 200;  // a picture only: umap-learn's large-data schedule is plenty
    u.seed = derive_seed(model.options().seed, 200);
    return Umap(u).fit_transform(m);
}

}  // namespace

void write_fit_plot(const std::string& path, const N2D& model, const Dataset& data) {
    const Matrix points = points_2d(model);
    const auto& pred = model.labels();
    std::vector<ScatterPanel> panels(1);
    panels[0].title = "N2D clusters (" + data.name + ")";
    panels[0].labels = pred;
    // HDBSCAN noise (-1) is drawn as one more label named "noise", after the clusters.
    const int noise = static_cast<int>(model.n_clusters());
    if (std::find(pred.begin(), pred.end(), -1) != pred.end()) {
        for (int& l : panels[0].labels)
            if (l < 0) l = noise;
        panels[0].label_names.assign(std::size_t(noise) + 1, std::string());
        panels[0].label_names.back() = "noise";
    }
    if (!data.labels.empty()) {
        // Colour each cluster like the class the Hungarian mapping matches it to; unmatched
        // clusters take slots after the classes.
        const auto match = cluster_accuracy(data.labels, pred);
        const int n_classes = static_cast<int>(data.n_classes());
        panels[0].color_of_label.resize(match.mapping.size());
        for (std::size_t c = 0; c < match.mapping.size(); ++c)
            panels[0].color_of_label[c] = match.mapping[c] >= 0 ? match.mapping[c] : n_classes + static_cast<int>(c);
        ScatterPanel truth;
        truth.title = "true classes";
        truth.labels = data.labels;
        truth.label_names = data.class_names;
        truth.unnamed_prefix = "class ";
        panels.push_back(std::move(truth));
    }
    write_scatter_png(path, points, panels);
}

}  // namespace n2d::cli
