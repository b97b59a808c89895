// Quick start: cluster the built-in synthetic manifolds with N2D, score, save and reload.
#include <cstdio>

#include <n2d/n2d.hpp>

int main() {
    const n2d::Dataset data = n2d::make_synthetic();  // 6000 points on 6 intertwined curved arms

    n2d::N2DOptions options;                          // the paper's pipeline: AE -> UMAP -> GMM
    options.n_clusters = 6;
    options.autoencoder.epochs = 20;
    options.progress = [](const n2d::Progress& p) {   // one callback for every stage
        if (p.step == p.total) std::fprintf(stderr, "%s done (%zu steps)\n", p.stage, p.total);
        return true;                                   // false would cancel
    };

    n2d::N2D model(options);
    const std::vector<int> labels = model.fit_predict(data.x);
    const n2d::Assessment score = n2d::assess(data.labels, labels);
    std::printf("ACC %.3f  NMI %.3f  ARI %.3f\n", score.accuracy, score.nmi, score.ari);

    model.save("synthetic.n2d");                                 // one file, written atomically
    const n2d::N2D loaded = n2d::N2D::load("synthetic.n2d");
    std::printf("reloaded model agrees: %s\n", loaded.predict(data.x) == model.predict(data.x) ? "yes" : "no");
}
