#!/bin/sh
# Model files written by an n2d build from before options version 3 (k chosen by fit), kept so
# that every later build is tested loading them (tests/pipeline/test_k_selection.cpp).
# Usage: make_model_fixtures.sh PATH/TO/OLD/n2d   (run in this folder)
set -e
N2D=${1:?pass the n2d binary of the build that writes the fixtures}
python3 - <<'PY'
import random
random.seed(7)
centres = [(-4.0, 0.0), (4.0, 1.0), (0.0, 6.0)]
with open("points.csv", "w") as f:
    for i in range(24):
        cx, cy = centres[i % 3]
        f.write("%.4f,%.4f\n" % (cx + random.gauss(0, 0.6), cy + random.gauss(0, 0.6)))
PY
"$N2D" fit points.csv --clusters 3 --embedder none --manifold none --cluster kmeans --quiet --model-out v1_kmeans.n2d
"$N2D" fit points.csv --clusters 3 --embedder none --manifold none --cluster sc --sc-neighbors 5 --quiet --model-out v2_spectral.n2d
"$N2D" predict v1_kmeans.n2d points.csv > v1_kmeans_predictions.txt
"$N2D" predict v2_spectral.n2d points.csv > v2_spectral_predictions.txt
