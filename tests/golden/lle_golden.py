#!/usr/bin/python3
"""Goldens for tests/manifold/test_lle.cpp: scikit-learn 1.2.1 LocallyLinearEmbedding (method
"standard", eigen_solver "dense" for an exact reference) on small data sets.

Writes into tests/golden/lle/, per case NAME:
  NAME_x.csv          training points (float32 values, as n2d reads them)
  NAME_new.csv        held-out points for transform
  NAME_embedding.csv  embedding_ (eigenvector signs are the solver's: compare up to sign/rotation)
  NAME_transform.csv  transform(NAME_new)
and meta.csv: name,n_neighbors,n_components,reg,reconstruction_error.
Run with /usr/bin/python3 (scikit-learn 1.2.1); fixed seeds, deterministic.
"""
import os

import numpy as np
from sklearn.datasets import load_digits, make_s_curve, make_swiss_roll
from sklearn.manifold import LocallyLinearEmbedding

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lle")


def save(name, a):
    np.savetxt(os.path.join(OUT, name), a, fmt="%.10g", delimiter=",")


def case(name, x, new, n_neighbors, n_components, meta, reg=1e-3):
    x = x.astype(np.float32).astype(np.float64)  # n2d reads float32
    new = new.astype(np.float32).astype(np.float64)
    m = LocallyLinearEmbedding(n_neighbors=n_neighbors, n_components=n_components, reg=reg,
                               eigen_solver="dense", random_state=0)
    e = m.fit_transform(x)
    save(f"{name}_x.csv", x)
    save(f"{name}_new.csv", new)
    save(f"{name}_embedding.csv", e)
    save(f"{name}_transform.csv", m.transform(new))
    meta.append(f"{name},{n_neighbors},{n_components},{reg!r},{m.reconstruction_error_!r}")


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = ["name,n_neighbors,n_components,reg,reconstruction_error"]
    x, _ = make_swiss_roll(330, random_state=0)
    case("swiss", x[:300], x[300:], 10, 2, meta)
    x, _ = make_s_curve(330, random_state=1)
    case("scurve", x[:300], x[300:], 8, 2, meta)
    d = load_digits().data
    rng = np.random.RandomState(2)
    idx = rng.permutation(len(d))[:180]
    case("digits", d[idx[:160]], d[idx[160:]], 12, 3, meta)
    with open(os.path.join(OUT, "meta.csv"), "w") as f:
        f.write("\n".join(meta) + "\n")


if __name__ == "__main__":
    main()
