#!/usr/bin/python3
"""Goldens for tests/manifold/test_isomap.cpp from scikit-learn 1.2.1's Isomap.

Run with /usr/bin/python3 (scikit-learn 1.2.1, SciPy 1.10); writes tests/golden/isomap/<case>.csv:
  line 1: n_neighbors,n_components,n_train,n_test,dim,reconstruction_error,n_graph_components
  line 2: those values
  then n_train rows "x_1..x_dim,embedding_1..embedding_k" and n_test rows
  "query_1..query_dim,transform_1..transform_k".
Inputs are float32 (what n2d sees), written with 9 significant digits (exact round trip); sklearn
fits their float64 values, so its geodesics and eigensolver run in double.
"""
import os
import warnings

import numpy as np
import sklearn
from scipy.sparse.csgraph import connected_components
from sklearn.datasets import load_digits, make_blobs, make_s_curve, make_swiss_roll
from sklearn.manifold import Isomap
from sklearn.neighbors import kneighbors_graph

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "isomap")


def write_case(name, x, n_train, n_neighbors, n_components):
    x = np.asarray(x, dtype=np.float32)
    train, test = x[:n_train].astype(np.float64), x[n_train:].astype(np.float64)
    np.random.seed(0)  # Isomap gives KernelPCA no random_state: ARPACK's v0 is NumPy's global RNG
    iso = Isomap(n_neighbors=n_neighbors, n_components=n_components)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        emb = iso.fit_transform(train)
    tr = iso.transform(test)
    graph = kneighbors_graph(train, n_neighbors, mode="distance", include_self=False)
    n_comp = connected_components(graph, directed=False)[0]
    with open(os.path.join(OUT, name + ".csv"), "w") as f:
        f.write("n_neighbors,n_components,n_train,n_test,dim,reconstruction_error,n_graph_components\n")
        f.write("%d,%d,%d,%d,%d,%.17g,%d\n" % (n_neighbors, n_components, len(train), len(test), x.shape[1],
                                              iso.reconstruction_error(), n_comp))
        for rows, out in ((x[:n_train], emb), (x[n_train:], tr)):
            for xi, ei in zip(rows, out):
                f.write(",".join("%.9g" % v for v in xi) + "," + ",".join("%.10g" % v for v in ei) + "\n")
    print("%-8s n=%d k=%d comps=%d components=%d err=%.6g" % (name, n_train, n_neighbors, n_comp, n_components,
                                                           iso.reconstruction_error()))


def main():
    assert sklearn.__version__ == "1.2.1", sklearn.__version__
    os.makedirs(OUT, exist_ok=True)
    x, _ = make_swiss_roll(330, noise=0.05, random_state=0)
    write_case("swiss", x, 300, 10, 2)
    x, _ = make_s_curve(280, noise=0.02, random_state=1)
    write_case("scurve", x, 250, 8, 3)
    # Three well-separated blobs: a disconnected 5-NN graph, completed by sklearn's joining.
    x, _ = make_blobs(200, n_features=4, centers=3, cluster_std=0.5, center_box=(-20, 20), random_state=2)
    write_case("blobs", x, 180, 5, 2)
    # The first 220 digits projected on their top 10 principal axes (integer pixels would tie
    # kNN distances; 10 dimensions, like the autoencoder codes, keep the file small).
    d = load_digits().data[:220]
    d = d - d.mean(axis=0)
    d = d @ np.linalg.svd(d, full_matrices=False)[2][:10].T
    write_case("digits", d, 200, 5, 2)
    # Small enough for the dense eigensolver on both sides.
    x, _ = make_s_curve(100, noise=0.01, random_state=4)
    write_case("tiny", x, 90, 6, 2)


if __name__ == "__main__":
    main()
