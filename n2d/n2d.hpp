// n2d — Not Too Deep clustering: autoencoder → UMAP → Gaussian mixture, in portable C++20.
// The C++ umbrella header: the pipeline and its stage interfaces, each component with its
// options, the metrics, the dataset readers and the plots. Everything under a `detail/`
// folder is internal and not installed. The C API is n2d/n2d.h.
#pragma once

#include "n2d/core/error.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/core/version.hpp"
#include "n2d/blas/gemm.hpp"
#include "n2d/blas/simd.hpp"
#include "n2d/device/devices.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/data/writers.hpp"
#include "n2d/knn/knn.hpp"
#include "n2d/nn/autoencoder.hpp"
#include "n2d/umap/umap.hpp"
#include "n2d/manifold/tsne.hpp"
#include "n2d/manifold/isomap.hpp"
#include "n2d/manifold/lle.hpp"
#include "n2d/cluster/gaussian_mixture.hpp"
#include "n2d/cluster/kmeans.hpp"
#include "n2d/cluster/spectral_clustering.hpp"
#include "n2d/cluster/hdbscan.hpp"
#include "n2d/metrics/metrics.hpp"
#include "n2d/plot/scatter.hpp"
#include "n2d/pipeline/stage.hpp"
#include "n2d/pipeline/builtin_stages.hpp"
#include "n2d/pipeline/n2d_pipeline.hpp"
#include "n2d/pipeline/options_text.hpp"
#include "n2d/pipeline/baselines.hpp"
