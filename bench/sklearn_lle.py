#!/usr/bin/python3
"""scikit-learn side of bench/bench_lle.cpp (run by it; prints one JSON line).

usage: sklearn_lle.py CODES.npy N N_NEIGHBORS N_COMPONENTS [N_COMPONENTS ...]
Fits LocallyLinearEmbedding(n_neighbors, n_components, method "standard", default
eigen_solver "auto", n_jobs=2, random_state=0) on the first N rows of CODES.npy for each
N_COMPONENTS, once each (a fit takes minutes), and reports wall-clock and process CPU seconds
(all threads) and reconstruction_error_. "auto" picks ARPACK shift-invert (sparse LU) when
n_components + 1 < 10 and a dense O(n³) eigh otherwise, as a user gets it. BLAS threads are
capped at 2 like the n2d side.
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "2"

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.manifold import LocallyLinearEmbedding  # noqa: E402


def main():
    path, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    x = np.load(path)[:n]
    out = {}
    for c in (int(a) for a in sys.argv[4:]):
        w0, c0 = time.perf_counter(), time.process_time()
        m = LocallyLinearEmbedding(n_neighbors=k, n_components=c, n_jobs=2, random_state=0).fit(x)
        out[f"c{c}_seconds"] = time.perf_counter() - w0
        out[f"c{c}_cpu"] = time.process_time() - c0
        out[f"c{c}_error"] = float(m.reconstruction_error_)
        print(json.dumps(out), file=sys.stderr, flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
