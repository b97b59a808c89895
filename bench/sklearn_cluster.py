#!/usr/bin/python3
"""scikit-learn side of bench/bench_cluster.cpp (run by it; prints one JSON line).

usage: sklearn_cluster.py DATA LABELS N D K INIT_OUT EM_ITERS
DATA is N*D float32 raw, LABELS N int32 raw. Writes the initial GMM parameters it derives from
LABELS (weights K, means K*D, precisions K*D*D; float64 raw) to INIT_OUT so both sides start EM
from the same point, then times: EM_ITERS full-covariance EM iterations from those parameters,
a default GaussianMixture fit (k-means init, tol 1e-3), and KMeans(n_init=20). Times are the best
of a few repeats, wall clock and process CPU time (all threads: robust on a loaded machine).
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters


def best_of(repeats, fn):
    """Best wall-clock and best process CPU time (all threads) over `repeats` calls."""
    wall, cpu, result = None, None, None
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        dw, dc = time.perf_counter() - w0, time.process_time() - c0
        wall = dw if wall is None else min(wall, dw)
        cpu = dc if cpu is None else min(cpu, dc)
    return (wall, cpu), result


def main():
    data, labels_path, n, d, k, init_out, em_iters = sys.argv[1:8]
    n, d, k, em_iters = int(n), int(d), int(k), int(em_iters)
    x = np.fromfile(data, dtype=np.float32).reshape(n, d)
    labels = np.fromfile(labels_path, dtype=np.int32)
    resp = np.zeros((n, k))
    resp[np.arange(n), labels] = 1
    nk, means, cov = _estimate_gaussian_parameters(x.astype(np.float64), resp, 1e-6, "full")
    weights = nk / n
    prec = np.array([np.linalg.inv(c) for c in cov])
    np.concatenate([weights.ravel(), means.ravel(), prec.ravel()]).astype(np.float64).tofile(init_out)
    warnings.simplefilter("ignore")

    def em():
        g = GaussianMixture(n_components=k, covariance_type="full", tol=0.0, max_iter=em_iters,
                            init_params="random_from_data", weights_init=weights, means_init=means,
                            precisions_init=prec, random_state=0)
        return g.fit(x)
    t_em, g = best_of(3, em)

    t_default, gd = best_of(2, lambda: GaussianMixture(n_components=k, random_state=0).fit(x))
    t_km, km = best_of(2, lambda: KMeans(n_clusters=k, n_init=20, random_state=0).fit(x))
    print(json.dumps({
        "em_seconds_per_iter": t_em[0] / em_iters, "em_cpu_per_iter": t_em[1] / em_iters,
        "em_lower_bound": float(g.lower_bound_),
        "default_fit_seconds": t_default[0], "default_n_iter": int(gd.n_iter_),
        "default_lower_bound": float(gd.lower_bound_),
        "kmeans_seconds_per_run": t_km[0] / 20, "kmeans_cpu_per_run": t_km[1] / 20,
        "kmeans_inertia": float(km.inertia_),
    }))


if __name__ == "__main__":
    main()
