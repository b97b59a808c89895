#!/usr/bin/python3
"""scikit-learn side of bench/bench_tsne.cpp (run by it; prints one JSON line).

usage: sklearn_tsne.py CODES.npy EMBEDDING_OUT.npy [N_JOBS]
Fits TSNE(n_components=2, perplexity=30, early_exaggeration=12, learning_rate="auto", n_iter=1000,
init="pca", method="barnes_hut", angle=0.5, random_state=0, n_jobs=N_JOBS (default 2)) to the
float32 codes, writes the embedding (float32) to EMBEDDING_OUT.npy and prints wall and process
CPU seconds of the fit, kl_divergence_ and n_iter_.
"""
import json
import sys
import time

import numpy as np
from sklearn.manifold import TSNE


def main():
    codes, out = sys.argv[1], sys.argv[2]
    n_jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    x = np.load(codes).astype(np.float32)
    t = TSNE(n_components=2, perplexity=30.0, early_exaggeration=12.0, learning_rate="auto", n_iter=1000,
             init="pca", method="barnes_hut", angle=0.5, random_state=0, n_jobs=n_jobs)
    w0, c0 = time.perf_counter(), time.process_time()
    y = t.fit_transform(x)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    np.save(out, y.astype(np.float32))
    print(json.dumps({"seconds": wall, "cpu_seconds": cpu, "kl": float(t.kl_divergence_), "n_iter": int(t.n_iter_),
                      "n": int(x.shape[0]), "d": int(x.shape[1])}))


if __name__ == "__main__":
    main()
