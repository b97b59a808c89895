#!/usr/bin/env python3
"""Peer for bench_knn: pynndescent builds a k-NN graph of a float32 .npy matrix.

Usage: pynndescent_knn.py INPUT.npy OUTPUT.npy K
Warms numba up on a small copy first (the issue's figures are warm), then times NNDescent
construction + neighbor_graph with NNDescent's own defaults (as the issue measured), writes the
int32 neighbour indices to OUTPUT.npy and prints one line:
    pynndescent wall_s=<seconds> cpu_s=<process CPU seconds, all threads> version=<v>
Threads: NUMBA_NUM_THREADS (bench_knn sets it to its own thread count).
"""
import sys
import time

import numpy as np
import pynndescent


def main():
    src, dst, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
    x = np.load(src).astype(np.float32, copy=False)
    warm = pynndescent.NNDescent(x[:2000], n_neighbors=k, random_state=1)
    warm.neighbor_graph  # compiles the numba kernels
    w0, c0 = time.perf_counter(), time.process_time()
    index = pynndescent.NNDescent(x, n_neighbors=k)
    idx, _ = index.neighbor_graph
    w1, c1 = time.perf_counter(), time.process_time()
    np.save(dst, idx.astype(np.int32))
    print(f"pynndescent wall_s={w1 - w0:.3f} cpu_s={c1 - c0:.3f} version={pynndescent.__version__}", flush=True)


if __name__ == "__main__":
    main()
