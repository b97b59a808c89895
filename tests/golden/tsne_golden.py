#!/usr/bin/python3
"""Goldens for tests/manifold/test_tsne.cpp: scikit-learn 1.2.1 TSNE on three small data sets.

Run with /usr/bin/python3 (scikit-learn 1.2.1, scipy 1.10); writes tests/golden/tsne/:
  <name>.csv          the input (float32, shortest round-trip text) and a fixed initial layout y0
                      (columns x0..x{d-1}, y0_0, y0_1), so both sides start from the same point
  <name>_p.csv        sklearn's joint probabilities P (Barnes–Hut, kNN with k = min(n-1, 3*perplexity+1)):
                      every row's sum, and the full rows 0..2 (row, col, p)
  <name>_summary.csv  KL divergence, n_iter_ and trustworthiness (k = 12) of sklearn's embeddings:
                      bh_fixed (Barnes–Hut from y0), bh_pca (default init="pca", random_state=0),
                      exact_fixed (method="exact" from y0)
"""
import os

import numpy as np
from sklearn.datasets import load_digits, make_blobs, make_swiss_roll
from sklearn.manifold import TSNE, trustworthiness
from sklearn.manifold._t_sne import _joint_probabilities_nn
from sklearn.neighbors import NearestNeighbors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tsne")
PERPLEXITY = 30.0


def fmt(v):
    """Shortest text that reads back as the same float32 (integers without a trailing '.0')."""
    return np.format_float_positional(np.float32(v), unique=True, trim="-")


def datasets():
    x, _ = make_blobs(n_samples=300, n_features=10, centers=5, random_state=0)
    yield "blobs", np.round(x.astype(np.float32), 3)
    x, _ = make_swiss_roll(n_samples=400, noise=0.05, random_state=0)
    yield "swiss_roll", np.round(x.astype(np.float32), 3)
    yield "digits", load_digits().data[:300].astype(np.float32)


def fixed_init(x):
    """A deterministic start both sides read from the CSV: the two widest centred columns, the first at std 1e-4."""
    cols = np.argsort(-x.var(axis=0), kind="stable")[:2]
    y = (x[:, cols] - x[:, cols].mean(axis=0)).astype(np.float32)
    y = (y / np.std(y[:, 0]) * np.float32(1e-4)).astype(np.float32)
    return np.array([[np.float32(fmt(v)) for v in row] for row in y], dtype=np.float32)


def joint_p(x):
    n = x.shape[0]
    k = min(n - 1, int(3.0 * PERPLEXITY + 1))
    knn = NearestNeighbors(n_neighbors=k, metric="euclidean").fit(x)
    d = knn.kneighbors_graph(mode="distance")
    d.data **= 2
    return _joint_probabilities_nn(d, PERPLEXITY, 0).tocsr()


def run(x, y0, **kw):
    t = TSNE(n_components=2, perplexity=PERPLEXITY, learning_rate="auto", random_state=0, **kw)
    y = t.fit_transform(x)
    return t.kl_divergence_, t.n_iter_, trustworthiness(x, y, n_neighbors=12)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, x in datasets():
        n, d = x.shape
        y0 = fixed_init(x)
        with open(os.path.join(OUT, name + ".csv"), "w") as f:
            f.write(",".join([f"x{j}" for j in range(d)] + ["y0_0", "y0_1"]) + "\n")
            for i in range(n):
                f.write(",".join([fmt(v) for v in x[i]] + [fmt(v) for v in y0[i]]) + "\n")
        p = joint_p(x)
        with open(os.path.join(OUT, name + "_p.csv"), "w") as f:
            f.write("row,sum\n")
            sums = np.asarray(p.sum(axis=1)).ravel()
            for i in range(n):
                f.write(f"{i},{sums[i]!r}\n")
            f.write("row,col,p\n")
            for i in range(3):
                for t in range(p.indptr[i], p.indptr[i + 1]):
                    f.write(f"{i},{p.indices[t]},{p.data[t]!r}\n")
        rows = {"n": n, "d": d, "perplexity": PERPLEXITY}
        for key, kw in (("bh_fixed", dict(init=y0, method="barnes_hut")),
                        ("bh_pca", dict(init="pca", method="barnes_hut")),
                        ("exact_fixed", dict(init=y0, method="exact"))):
            kl, it, tw = run(x, y0, **kw)
            rows[key + "_kl"], rows[key + "_n_iter"], rows[key + "_trust"] = kl, it, tw
        with open(os.path.join(OUT, name + "_summary.csv"), "w") as f:
            f.write("key,value\n")
            for key, v in rows.items():
                f.write(f"{key},{v!r}\n")
        print(name, rows)


if __name__ == "__main__":
    main()
