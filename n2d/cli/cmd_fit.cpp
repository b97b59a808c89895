// `n2d fit DATA`: runs N2D on a dataset, prints the scores, and optionally saves the model,
// the predictions, the autoencoder weights and a scatter plot.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <utility>
#if !defined(_WIN32)
#include <unistd.h>
#endif

#include "n2d/cli/args.hpp"
#include "n2d/cli/commands.hpp"
#include "n2d/cli/fit_outputs.hpp"
#include "n2d/cli/fit_options.hpp"
#include "n2d/cli/fit_plot.hpp"
#include "n2d/cli/json.hpp"
#include "n2d/cli/output.hpp"
#include "n2d/cli/progress_printer.hpp"
#include "n2d/core/detail/timing.hpp"
#include "n2d/n2d.hpp"

namespace n2d::inline v0::cli {

namespace {

// The paper's output folder when --visualize is given without --save-dir.
constexpr const char* kSaveDir = "results/n2d";

const CommandSpec kFit{
    "fit",
    "DATA [GPU] [options]",
    "Clusters DATA the N2D way: trains an autoencoder, learns the manifold of its codes with\n"
    "UMAP and clusters that with a Gaussian mixture. DATA is a named dataset (mnist, mnist-test,\n"
    "fashion, usps, pendigits, har, synthetic) or a file (.csv, .tsv, .txt, .npy, IDX). With labels\n"
    "known (named datasets, or --labels) ACC, NMI and ARI are printed. Progress goes to stderr.\n"
    "Default epochs: 1000 (the paper's), 10 for `synthetic`. The N2D paper's command lines run as\n"
    "they are (`n2d fit mnist 0 --umap_dim=10 ...`, see the aliases below); its GPU argument is\n"
    "accepted and ignored: --device chooses where to run.",
    {"DATA", "GPU"},
    1,
    {{"--labels", "FILE", "true labels for a data file (one integer per line, or .npy)"},
     {"--clusters", "K|auto", "number of clusters (default: the number of classes when labels are known); auto chooses "
                             "k in --k-range by --k-criterion"},
     {"--k-range", "MIN:MAX", "with --clusters auto: the k to choose from (default 2:30)"},
     {"--k-criterion", "C", "with --clusters auto: silhouette (of the clusters on the manifold, the default) or bic "
                            "(the Gaussian mixture's; gmm only)"},
     {"--scale", "none|minmax|standard", "per-column scaling of the input before the autoencoder, fitted on this data "
                                         "and kept in the model for predict: minmax into [0, 1], standard to zero mean "
                                         "and unit variance (default: minmax for a data file; none for named datasets, "
                                         "which have the paper's preprocessing, and with --augment)"},
     {"--epochs", "N", "autoencoder training epochs (default 1000; 10 for synthetic)"},
     {"--batch-size", "B", "autoencoder batch size (default 256)"},
     {"--architecture", "W1,W2,..", "autoencoder hidden layer widths (default 500,500,2000)"},
     {"--latent-dim", "K", "autoencoder code width (default: --clusters; 10 with --clusters auto)"},
     {"--embedder", "ae|none", "ae trains the autoencoder; none clusters the raw data (default ae)"},
     {"--manifold", "LEARNER", "umap, tsne, isomap, lle, or none to cluster the codes directly (default umap)"},
     {"--manifold-dim", "K", "the manifold's dimensions, for every learner (default: --clusters, 10 with --clusters "
                             "auto; t-SNE: 2)"},
     {"--umap-neighbors", "N", "UMAP n_neighbors (default 20)"},
     {"--umap-min-dist", "D", "UMAP min_dist (default 0)"},
     {"--umap-metric", "M", "UMAP metric: euclidean, cosine, correlation, manhattan, chebyshev (default euclidean)"},
     {"--tsne-perplexity", "P", "t-SNE perplexity (default 30)"},
     {"--tsne-iterations", "N", "t-SNE optimisation iterations (default 1000, >= 250)"},
     {"--isomap-neighbors", "N", "Isomap n_neighbors (default 5, as the paper)"},
     {"--lle-neighbors", "N", "LLE n_neighbors (default: --umap-neighbors, as the paper)"},
     {"--cluster", "METHOD", "gmm, kmeans, sc (spectral clustering), hdbscan or dec (default gmm); hdbscan finds its own "
                             "number of clusters, noise = -1; dec labels with DEC's fine-tuned clustering layer on the "
                             "codes (implies --finetune dec and --manifold none)"},
     {"--finetune", "none|dec|idec", "DEC self-training of the autoencoder before the manifold: dec (KL of the "
                                     "Student-t assignments to their sharpened target, the encoder), idec (plus the "
                                     "reconstruction loss, the whole autoencoder); default none"},
     {"--dec-max-iter", "N", "fine-tuning: optimiser steps at most (default 20000)"},
     {"--dec-update-interval", "N", "fine-tuning: steps between target updates (default 140)"},
     {"--dec-tol", "T", "fine-tuning: stop when fewer than this fraction of labels change between updates (default 0.001)"},
     {"--dec-gamma", "G", "idec: weight of the clustering loss (default 0.1)"},
     {"--sc-neighbors", "N", "spectral clustering: kNN affinity neighbours (default 10)"},
     {"--min-cluster-size", "N", "hdbscan: smallest cluster (default 5, >= 2)"},
     {"--min-samples", "M", "hdbscan: core distance to the M-th nearest point, itself counted (default: --min-cluster-size)"},
     {"--gmm-n-init", "N", "GMM initialisations, the best lower bound wins (default 10)"},
     {"--gmm-covariance", "TYPE", "full, tied, diag or spherical (default full)"},
     {"--patience", "P", "stop autoencoder training after P epochs without improvement (default 0 = off)"},
     {"--augment", "", "augment the autoencoder's training images as DEC-DA: every sample of every batch shifted and "
                       "rotated at random (bilinear, zero filled), reproducible from --seed; the image shape is known "
                       "for mnist, mnist-test, fashion and usps, else give --image-shape; predict does not augment"},
     {"--image-shape", "HxW", "with --augment: the images' height x width (one channel, row-major), e.g. 28x28"},
     {"--augment-shift", "F", "with --augment: the largest shift, as a fraction of the image's height and width "
                              "(default 0.1, at most 0.5)"},
     {"--augment-rotate", "DEG", "with --augment: the largest rotation in degrees (default 10)"},
     {"--seed", "S", "seed of every stage (default 0)"},
     {"--threads", "T", "worker threads (default: $N2D_NUM_THREADS, else all cores)"},
     {"--device", "NAME", "where the stages run: cpu, opencl[:N], cuda[:N] or auto (the first GPU, else cpu); default cpu; `n2d info` lists them"},
     {"--weights", "FILE", "use these pretrained autoencoder weights instead of training: n2d's (--save-weights) or "
                           "the paper's Keras .h5 (looked for in weights/ too, as its --ae_weights)"},
     {"--save-weights", "FILE", "write the trained autoencoder weights here"},
     {"--checkpoint", "FILE", "save the autoencoder's training state here every --checkpoint-every epochs, at the end "
                              "and on Ctrl-C/SIGTERM (then exit 130/143); continue with --resume FILE"},
     {"--checkpoint-every", "N", "epochs between checkpoints (default 10)"},
     {"--resume", "FILE", "continue the training saved in this checkpoint (same options; --epochs may be raised); "
                          "keeps checkpointing to FILE unless --checkpoint names another"},
     {"--model-out", "FILE", "save the fitted model (.n2d) for `n2d predict`"},
     {"--predictions", "FILE", "write the cluster of each sample, one integer per line"},
     {"--embedding-out", "FILE", "write the manifold embedding (.npy, or .csv/.tsv text), one row per sample in input order"},
     {"--latent-out", "FILE", "write the autoencoder codes (.npy, or .csv/.tsv text), one row per sample in input order"},
     {"--plot", "FILE.png", "scatter of the manifold coloured by cluster (and by class when known)"},
     {"--save-dir", "DIR", "the paper's output folder: args.txt, DATASET-clusters.txt, DATASET.n2d and, with "
                           "--visualize, DATASET-n2d.png"},
     {"--visualize", "", "plot the manifold to DIR/DATASET-n2d.png (DIR: --save-dir, else results/n2d as the paper)"},
     {"--eval-all", "", "also run the paper's ablation: k-means, GMM and spectral clustering on the raw data, on UMAP "
                        "of it, on the AE codes and on UMAP, Isomap, t-SNE and LLE of the codes"},
     {"--data-dir", "DIR", "where named datasets live (default: $N2D_DATA_DIR, else ~/.n2d/datasets)"},
     {"--synthetic-samples", "N", "DATA synthetic: number of samples (default 6000, at least 6)"},
     {"--synthetic-dim", "D", "DATA synthetic: number of features (default 32, at least 3)"},
     {"--quiet", "", "no progress on stderr"},
     {"--json", "", "print one JSON object (dataset, n, dim, clusters, acc, nmi, ari, finetune, seconds, peak_rss_bytes; k_selection "
                    "with --clusters auto; dec with --finetune; augment) on stdout"}},
    {{"--n_clusters", "--clusters"},
     {"--umap_dim", "--manifold-dim"},
     {"--umap-dim", "--manifold-dim"},
     {"--umap_neighbors", "--umap-neighbors"},
     {"--umap_min_dist", "--umap-min-dist"},
     {"--umap_metric", "--umap-metric"},
     {"--pretrain_epochs", "--epochs"},
     {"--batch_size", "--batch-size"},
     {"--ae_weights", "--weights"},
     {"--manifold_learner", "--manifold", {{"UMAP", "umap"}, {"LLE", "lle"}, {"tSNE", "tsne"}, {"isomap", "isomap"}}},
     {"--cluster", "--cluster", {{"GMM", "gmm"}, {"KM", "kmeans"}, {"SC", "sc"}}},
     {"--save_dir", "--save-dir"},
     {"--eval_all", "--eval-all"},
     {"--plot_all", "--visualize", {}, true}},
    "the N2D paper's spellings; --flag=value works for every option"};

// Set by SIGINT/SIGTERM while a checkpointed fit runs; the progress callback then cancels at
// the end of the current epoch, after the library has written the checkpoint. The handler
// only stores the signal, restores the default action and (POSIX) says so with write(2) — all
// async-signal-safe — so a second Ctrl-C stops at once; the last checkpoint stays intact.
volatile std::sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) {
    g_stop_signal = sig;
    std::signal(sig, SIG_DFL);
#if !defined(_WIN32)
    static const char note[] = "\nn2d fit: stopping after this epoch to save the checkpoint (Ctrl-C again stops at once)\n";
    [[maybe_unused]] const auto written = ::write(2, note, sizeof note - 1);
#endif
}

// The outputs a fit writes; each is checked before the data is loaded.
constexpr const char* kOutputOptions[] = {"--model-out", "--predictions", "--embedding-out", "--latent-out",
                                          "--plot",      "--save-weights", "--checkpoint"};

// DATA, with --synthetic-samples/--synthetic-dim sizing the built-in synthetic set. Running out
// of memory says which data set needed it.
Dataset load_data(const Args& a) {
    const std::string& name = a.positionals()[0];
    const bool sized = a.has("--synthetic-samples") || a.has("--synthetic-dim");
    if (sized && name != "synthetic")
        throw UsageError("n2d fit: --synthetic-samples and --synthetic-dim size the built-in `synthetic` data set, "
                         "but DATA is '" + name + "'; drop them or fit synthetic");
    try {
        if (!sized) return load_dataset(name, a.get_string("--data-dir", ""));
        SyntheticOptions s;
        s.n_samples = a.get_uint("--synthetic-samples", s.n_samples, s.n_clusters, std::uint64_t(1) << 40);
        s.dim = a.get_uint("--synthetic-dim", s.dim, 3, std::uint64_t(1) << 24);
        return make_synthetic(s);
    } catch (const OutOfMemory& e) {
        throw OutOfMemory("n2d fit: loading '" + name + "': " + without_prefix(e.what()), e.bytes());
    }
}

// The learner's own measure of its fit, as scikit-learn reports it: t-SNE's final KL divergence,
// Isomap's and LLE's reconstruction error.
std::optional<std::pair<const char*, double>> manifold_quality(const N2D& model) {
    const ManifoldLearner& m = model.manifold();
    if (const auto* t = dynamic_cast<const TsneManifold*>(&m)) return std::pair{"kl_divergence", t->tsne().kl_divergence()};
    if (const auto* i = dynamic_cast<const IsomapManifold*>(&m))
        return std::pair{"reconstruction_error", i->isomap().reconstruction_error()};
    if (const auto* l = dynamic_cast<const LleManifold*>(&m))
        return std::pair{"reconstruction_error", l->lle().reconstruction_error()};
    return std::nullopt;
}

// What ran, for the text summary: the paper's N2D, DEC alone (its clustering layer labels the
// codes) or N2D after DEC/IDEC fine-tuning.
std::string pipeline_title(const N2DOptions& o) {
    if (o.clusterer == ClustererKind::dec) return "DEC";
    if (o.finetune == FinetuneKind::dec) return "N2D+DEC";
    if (o.finetune == FinetuneKind::idec) return "N2D+IDEC";
    return "N2D";
}

}  // namespace

int run_fit(int argc, const char* const* argv) {
    const Args args = Args::parse(kFit, argc, argv, 2);
    if (args.help()) {
        std::fputs(help_text(kFit).c_str(), stdout);
        return 0;
    }
    if (args.has("--threads")) set_num_threads(static_cast<std::size_t>(args.get_uint("--threads", 0, 1, 4096)));
    const bool json = args.has("--json");
    ProgressPrinter progress(!args.has("--quiet"));

    for (const char* out : kOutputOptions)
        if (auto path = args.value(out)) require_output_file("fit", args.spelling(out), *path);
    if (args.has("--save-dir") || args.has("--visualize")) create_save_dir(args.get_string("--save-dir", kSaveDir));
    const auto t_load = std::chrono::steady_clock::now();
    Dataset data = load_data(args);
    if (auto lab = args.value("--labels")) attach_labels(data, load_labels(*lab), *lab);
    const double load_seconds = seconds_since(t_load);
    const std::size_t load_peak_bytes = peak_resident_bytes();
    const bool labelled = !data.labels.empty();
    if (!args.has("--clusters") && !labelled)
        throw UsageError("n2d fit: the number of clusters is unknown for '" + args.positionals()[0] +
                         "' (no labels); pass --clusters K");
    const bool auto_k = args.get_string("--clusters", "") == "auto";
    const std::size_t k = auto_k ? 0 : args.get_uint("--clusters", data.n_classes(), 1, 1 << 16);
    if (data.x.rows() < k)
        throw Error("n2d fit: '" + args.positionals()[0] + "' has " + std::to_string(data.x.rows()) +
                    " samples, fewer than the " + std::to_string(k) + " clusters asked for; lower --clusters");

    for (const char* out : {"--embedding-out", "--latent-out"})
        if (auto path = args.value(out)) require_matrix_extension(*path);
    N2DOptions options = options_from(args, data, k);
    const KSelectionOptions& ks = options.k_selection;
    if (auto_k && options.clusterer != ClustererKind::hdbscan && data.x.rows() < ks.max_k)
        throw Error("n2d fit: '" + args.positionals()[0] + "' has " + std::to_string(data.x.rows()) +
                    " samples, fewer than the largest k of --k-range " + std::to_string(ks.min_k) + ":" +
                    std::to_string(ks.max_k) + "; lower its MAX");
    const std::string clusters_asked =
        !auto_k ? std::to_string(k) + " clusters"
        : options.clusterer == ClustererKind::hdbscan
            ? "clusters found by hdbscan"
            : "k chosen in " + std::to_string(ks.min_k) + ".." + std::to_string(ks.max_k) + " by " + to_string(ks.criterion);
    if (args.positionals().size() > 1)
        progress.note("the paper's GPU argument '" + args.positionals()[1] +
                      "' is accepted and ignored; n2d runs where --device says (" + options.device + ")");
    const std::string& checkpoint = options.autoencoder.checkpoint_path;
    if (!checkpoint.empty()) {
        std::signal(SIGINT, on_stop_signal);
        std::signal(SIGTERM, on_stop_signal);
    }
    options.progress = [&progress](const Progress& p) { return g_stop_signal == 0 && progress(p); };
    progress.note("n2d fit: " + data.name + " (" + std::to_string(data.x.rows()) + " x " + std::to_string(data.x.cols()) +
                  ", " + clusters_asked + "), pipeline " + to_string(options.embedder) + " -> " +
                  to_string(options.manifold) + " -> " + to_string(options.clusterer) +
                  (options.finetune != FinetuneKind::none ? ", fine-tuned by " + std::string(to_string(options.finetune)) : "") +
                  (options.scaling != Scaling::none ? ", input scaled " + std::string(to_string(options.scaling)) : "") +
                  (options.autoencoder.augmentation.enabled ? ", training images augmented" : "") +
                  (options.embedder == EmbedderKind::autoencoder && options.pretrained_weights.empty()
                       ? ", " + std::to_string(options.autoencoder.epochs) + " autoencoder epochs"
                       : std::string()));

    if (options.embedder == EmbedderKind::autoencoder && options.pretrained_weights.empty() && !args.has("--epochs") &&
        options.autoencoder.epochs == kPaperEpochs)
        progress.note("training the paper's " + std::to_string(kPaperEpochs) +
                      " autoencoder epochs; pass --epochs N for a shorter run (e.g. --epochs 50)");
    if (!options.resume_checkpoint.empty()) progress.note("resuming the autoencoder training saved in " + options.resume_checkpoint);
    N2D model(options);
    model.set_dataset_name(data.name);
    try {
        model.fit(data.x);
    } catch (const Cancelled&) {
        if (!g_stop_signal) throw;
        progress.finish_line();
        const bool sigint = g_stop_signal == SIGINT;
        std::fprintf(stderr,
                     "n2d fit: interrupted (%s); the autoencoder's training state is saved in %s. Continue with the "
                     "same arguments plus --resume %s\n",
                     sigint ? "SIGINT" : "SIGTERM", checkpoint.c_str(), checkpoint.c_str());
        return sigint ? 130 : 143;  // the shell's convention: 128 + signal number
    }
    const auto& labels = model.labels();

    if (auto path = args.value("--model-out")) {
        model.save(*path);
        progress.note("saved model to " + *path);
    }
    if (auto path = args.value("--predictions")) write_text(*path, labels_text(labels));
    if (auto path = args.value("--embedding-out")) write_matrix(*path, model.manifold_embedding().view());
    if (auto path = args.value("--latent-out")) write_matrix(*path, model.latent().view());
    if (args.has("--save-dir") || args.has("--visualize")) {
        const std::string dir = args.get_string("--save-dir", kSaveDir);
        for (const auto& f : write_save_dir(dir, argc, argv, model, data, args.has("--visualize")))
            progress.note("wrote " + f);
    }

    std::vector<AblationCell> ablation;
    if (args.has("--eval-all")) {
        progress.note("running the paper's ablation (--eval-all)");
        ablation = run_ablation(data.x, model);
    }
    if (auto path = args.value("--plot")) {
        progress.note("plotting to " + *path);
        write_fit_plot(*path, model, data);
    }
    progress.finish_line();

    const auto& sec = model.seconds();
    const Assessment score = labelled ? assess(data.labels, labels) : Assessment{};
    if (json) {
        JsonObject j;
        j.add("dataset", data.name).add("n", static_cast<std::uint64_t>(data.x.rows()));
        j.add("dim", static_cast<std::uint64_t>(data.x.cols())).add("clusters", static_cast<std::uint64_t>(model.n_clusters()));
        if (labelled) j.add("acc", score.accuracy).add("nmi", score.nmi).add("ari", score.ari);
        if (!model.k_selection().scores.empty()) j.add("k_selection", k_selection_json(model.k_selection()));
        j.add("scale", to_string(options.scaling));
        if (const ImageAugmentation& aug = options.autoencoder.augmentation; aug.enabled)
            j.add("augment", JsonObject()
                                 .add("height", static_cast<std::uint64_t>(aug.height))
                                 .add("width", static_cast<std::uint64_t>(aug.width))
                                 .add("max_shift", aug.max_shift)
                                 .add("max_rotation", aug.max_rotation));
        else
            j.add("augment", false);
        j.add("seed", static_cast<std::uint64_t>(options.seed));
        j.add("device", model.device_name());
        // Epochs trained in this run: none when pretrained weights replace training.
        const bool trained = options.embedder == EmbedderKind::autoencoder && options.pretrained_weights.empty();
        j.add("epochs", static_cast<std::uint64_t>(trained ? options.autoencoder.epochs : 0));
        j.add("pipeline", std::string(to_string(options.embedder)) + "+" + to_string(options.manifold) + "+" +
                              to_string(options.clusterer));
        if (const auto q = manifold_quality(model)) j.add(q->first, q->second);
        const FinetuneReport& ft = model.finetune_report();
        j.add("finetune", to_string(options.finetune));
        if (ft.ran)
            j.add("dec", JsonObject()
                             .add("iterations", static_cast<std::uint64_t>(ft.iterations))
                             .add("target_updates", static_cast<std::uint64_t>(ft.target_updates))
                             .add("converged", ft.converged)
                             .add("last_delta", ft.last_delta));
        JsonObject seconds;
        seconds.add("load", load_seconds).add("autoencoder", sec.embedder);
        if (ft.ran) seconds.add("finetune", sec.finetune);
        j.add("seconds", seconds
                             .add("umap", sec.manifold)  // the manifold stage, whichever learner (kept for old readers)
                             .add("manifold", sec.manifold)
                             .add("cluster", sec.clusterer)
                             .add("total", sec.total));
        // The process's resident high-water mark when each step ended (0 where the system does not say).
        const StagePeakBytes& mem = model.peak_bytes();
        JsonObject peak;
        peak.add("load", static_cast<std::uint64_t>(load_peak_bytes)).add("autoencoder", static_cast<std::uint64_t>(mem.embedder));
        if (ft.ran) peak.add("finetune", static_cast<std::uint64_t>(mem.finetune));
        j.add("peak_rss_bytes", peak.add("manifold", static_cast<std::uint64_t>(mem.manifold))
                                    .add("cluster", static_cast<std::uint64_t>(mem.clusterer)));
        if (!ablation.empty()) {
            std::vector<JsonObject> b;
            for (const auto& r : baselines_from_ablation(ablation, data.x.cols())) {
                JsonObject o;
                o.add("name", r.name);
                if (labelled) {
                    const auto s = assess(data.labels, r.labels);
                    o.add("acc", s.accuracy).add("nmi", s.nmi).add("ari", s.ari);
                }
                o.add("seconds", r.seconds);
                b.push_back(o);
            }
            j.add("baselines", b);
            j.add("ablation", ablation_json(ablation, data));
        }
        std::printf("%s\n", j.str().c_str());
        return 0;
    }
    // HDBSCAN chooses its own number of clusters; the others have k.
    const KSelection& chosen = model.k_selection();
    const std::string by = chosen.scores.empty() ? "" : ", chosen by " + std::string(to_string(chosen.criterion));
    const std::string title = pipeline_title(options);
    std::printf("%s on %s (%zu x %zu, %zu clusters%s)\n", title.c_str(), data.name.c_str(), data.x.rows(), data.x.cols(),
                model.n_clusters(), by.c_str());
    if (!chosen.scores.empty()) print_k_selection(chosen);
    if (labelled) std::printf("  %-22s %s\n", title.c_str(), score_line(score).c_str());
    if (const auto q = manifold_quality(model)) std::printf("  %-22s %s %.6g\n", to_string(options.manifold), q->first, q->second);
    if (!ablation.empty()) print_ablation(ablation, data);
    if (const FinetuneReport& ft = model.finetune_report(); ft.ran)
        std::printf("fine-tuning (%s): %zu steps, %zu target updates, %s (%.4f of labels changed at the last), %.1f s\n",
                    to_string(options.finetune), ft.iterations, ft.target_updates,
                    ft.converged ? "converged" : "stopped at --dec-max-iter", ft.last_delta, sec.finetune);
    std::printf("time: autoencoder %.1f s, %s %.1f s, cluster %.1f s, total %.1f s (+ %.1f s loading)\n", sec.embedder,
                to_string(options.manifold), sec.manifold, sec.clusterer, sec.total, load_seconds);
    if (const StagePeakBytes& mem = model.peak_bytes(); mem.clusterer > 0) {
        constexpr double kMiB = 1024.0 * 1024.0;
        std::printf("peak memory (resident): %.0f MiB after loading, %.0f MiB after the autoencoder, %.0f MiB after %s, "
                    "%.0f MiB at the end\n",
                    double(load_peak_bytes) / kMiB, double(mem.embedder) / kMiB, double(mem.manifold) / kMiB,
                    to_string(options.manifold), double(mem.clusterer) / kMiB);
    }
    return 0;
}

}  // namespace n2d::cli
