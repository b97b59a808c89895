// n2d — Not Too Deep clustering: autoencoder → UMAP → Gaussian mixture, in portable C++20.
// The one public header: everything the library offers.
#pragma once

#include "n2d/blas/activation.hpp"
#include "n2d/blas/gemm.hpp"
#include "n2d/blas/simd.hpp"
#include "n2d/blas/vector.hpp"
#include "n2d/cluster/kmeans.hpp"
#include "n2d/core/aligned.hpp"
#include "n2d/core/bytes.hpp"
#include "n2d/core/checksum.hpp"
#include "n2d/core/error.hpp"
#include "n2d/core/file.hpp"
#include "n2d/core/matrix.hpp"
#include "n2d/core/progress.hpp"
#include "n2d/core/rng.hpp"
#include "n2d/core/thread_pool.hpp"
#include "n2d/core/version.hpp"
#include "n2d/data/dataset.hpp"
#include "n2d/data/inflate.hpp"
#include "n2d/data/readers.hpp"
#include "n2d/device/device.hpp"
#include "n2d/metrics/metrics.hpp"
