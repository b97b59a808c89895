#!/usr/bin/python3
"""scikit-learn side of bench/bench_isomap.cpp (run by it; prints one JSON line).

usage: sklearn_isomap.py CODES_NPY N_NEIGHBORS N_COMPONENTS EMBEDDING_OUT
Fits Isomap(n_neighbors, n_components, n_jobs=2) once on the .npy array as loaded (float32, as a
user would pass it: sklearn then keeps its geodesic matrix in float32 and picks its eigensolver
by its "auto" rule: dense eigh when n_components >= 10, else ARPACK), writes the embedding as
raw float32 to EMBEDDING_OUT and prints wall and process CPU seconds, the reconstruction error
and the peak resident memory. Threads: set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS=2 outside.
"""
import json
import resource
import sys
import time
import warnings

import numpy as np
from sklearn.manifold import Isomap


def main():
    path, n_neighbors, n_components, emb_out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    x = np.load(path)
    np.random.seed(0)  # ARPACK's start vector comes from NumPy's global RNG
    warnings.simplefilter("ignore")
    iso = Isomap(n_neighbors=n_neighbors, n_components=n_components, n_jobs=2)
    w0, c0 = time.perf_counter(), time.process_time()
    emb = iso.fit_transform(x)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    err = iso.reconstruction_error()
    np.asarray(emb, dtype=np.float32).tofile(emb_out)
    print(json.dumps({"fit_seconds": wall, "fit_cpu": cpu, "reconstruction_error": float(err),
                      "dtype": str(iso.dist_matrix_.dtype),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))


if __name__ == "__main__":
    main()
