#!/usr/bin/python3
"""Golden values from scikit-learn 1.2.1 SpectralClustering for tests/cluster/test_spectral_clustering.cpp.

Regenerate (Debian python3-sklearn 1.2.1, numpy, scipy) from the repository root with

    /usr/bin/python3 tests/golden/spectral_golden.py [path/to/mnist_test_ae10.npy]

Each tests/golden/spectral/<name>.csv starts with a line "# n_clusters,affinity,n_neighbors,gamma"
of values, then a header, then one row per point: the input (rounded to float32, what n2d
stores), sklearn's label and its spectral embedding (spectral_embedding with the same
random_state, as SpectralClustering.fit computes it). With the codes file (users make it with
`n2d fit mnist-test --epochs 50 --manifold none --latent-out codes.npy`; mnist_test_labels.txt
beside it), mnist2000.csv holds, for its first 2000 rows, the true class and sklearn's labels
for random_state 0 … 4; the test reads the rows from N2D_AE_CODES.
"""
import os
import sys

import numpy as np
from sklearn.cluster import SpectralClustering
from sklearn.datasets import make_blobs, make_circles, make_moons
from sklearn.manifold import spectral_embedding
from sklearn.neighbors import kneighbors_graph
from sklearn.metrics.pairwise import rbf_kernel

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "golden", "spectral")


def fit(x, k, affinity, n_neighbors=10, gamma=1.0):
    sc = SpectralClustering(n_clusters=k, affinity=affinity, n_neighbors=n_neighbors, gamma=gamma, random_state=0)
    labels = sc.fit(x).labels_
    if affinity == "nearest_neighbors":
        c = kneighbors_graph(x, n_neighbors=n_neighbors, include_self=True)
        a = 0.5 * (c + c.T)
    else:
        a = rbf_kernel(x, gamma=gamma)
    emb = spectral_embedding(a, n_components=k, random_state=np.random.RandomState(0), drop_first=False)
    return labels, emb


def write(name, x, k, affinity, n_neighbors=10, gamma=1.0, with_embedding=True):
    x = np.asarray(x, dtype=np.float32).astype(np.float64)
    labels, emb = fit(x, k, affinity, n_neighbors, gamma)
    d = x.shape[1]
    with open(os.path.join(OUT, name + ".csv"), "w") as f:
        f.write("# %d,%s,%d,%r\n" % (k, affinity, n_neighbors, gamma))
        cols = ["x%d" % j for j in range(d)] + ["label"]
        if with_embedding:
            cols += ["e%d" % j for j in range(k)]
        f.write(",".join(cols) + "\n")
        for i in range(x.shape[0]):
            row = ["%.9g" % v for v in x[i]] + [str(labels[i])]
            if with_embedding:
                row += ["%.7g" % v for v in emb[i]]
            f.write(",".join(row) + "\n")
    print(name, x.shape, "clusters", np.bincount(labels))


def main():
    os.makedirs(OUT, exist_ok=True)
    x, _ = make_blobs(n_samples=400, centers=4, cluster_std=1.8, random_state=3)
    write("blobs", x, 4, "nearest_neighbors")
    x, _ = make_moons(n_samples=300, noise=0.06, random_state=1)
    write("moons", x, 2, "nearest_neighbors")
    x, _ = make_circles(n_samples=300, factor=0.5, noise=0.05, random_state=2)
    write("circles", x, 2, "nearest_neighbors")
    x, _ = make_blobs(n_samples=150, centers=3, cluster_std=1.5, n_features=3, random_state=5)
    write("rbf", x, 3, "rbf", gamma=0.2)  # n <= 256: the dense Jacobi solver
    x, _ = make_blobs(n_samples=300, centers=3, cluster_std=1.5, n_features=3, random_state=6)
    write("rbf300", x, 3, "rbf", gamma=0.2)  # Lanczos on the dense operator
    if len(sys.argv) > 1:
        # MNIST-test codes: sklearn's k-means landscape on this embedding is flat (its own seeds
        # disagree with each other, ARI about 0.9), so the golden keeps five seeds' labels and the
        # true classes, and the test compares against that spread.
        codes = np.load(sys.argv[1]).astype(np.float32).astype(np.float64)[:2000]
        truth = np.loadtxt(os.path.join(os.path.dirname(sys.argv[1]), "mnist_test_labels.txt"), dtype=int)[:2000]
        runs = [SpectralClustering(n_clusters=10, affinity="nearest_neighbors", n_neighbors=10,
                                   random_state=seed).fit(codes).labels_ for seed in range(5)]
        with open(os.path.join(OUT, "mnist2000.csv"), "w") as f:
            f.write("# 10,nearest_neighbors,10,1.0\n")
            f.write("truth,seed0,seed1,seed2,seed3,seed4\n")
            for i in range(codes.shape[0]):
                f.write(",".join(str(v) for v in [truth[i]] + [r[i] for r in runs]) + "\n")
        print("mnist2000 clusters", np.bincount(runs[0]))

if __name__ == "__main__":
    main()
