#!/usr/bin/python3
"""scikit-learn side of bench/bench_spectral.cpp (run by it; prints one JSON line).

usage: sklearn_spectral.py CODES.npy N_CLUSTERS LABELS_OUT

Times SpectralClustering(n_clusters, affinity="nearest_neighbors", n_neighbors=10, n_jobs=2,
random_state=0) on CODES (best wall clock of two fits; process CPU time over all threads too) and
writes the labels of the last fit to LABELS_OUT (int32 raw) for the quality comparison.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.cluster import SpectralClustering


def main():
    codes, k, labels_out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    x = np.load(codes)
    warnings.simplefilter("ignore")  # "Graph is not fully connected" on some inputs
    wall, cpu, labels = None, None, None
    for _ in range(2):
        w0, c0 = time.perf_counter(), time.process_time()
        labels = SpectralClustering(n_clusters=k, affinity="nearest_neighbors", n_neighbors=10, n_jobs=2,
                                    random_state=0).fit(x).labels_
        dw, dc = time.perf_counter() - w0, time.process_time() - c0
        wall = dw if wall is None else min(wall, dw)
        cpu = dc if cpu is None else min(cpu, dc)
    labels.astype(np.int32).tofile(labels_out)
    print(json.dumps({"seconds": wall, "cpu_seconds": cpu, "n": int(x.shape[0])}))


if __name__ == "__main__":
    main()
