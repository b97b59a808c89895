#!/bin/sh
# UMAP speed against R's uwot in one run, on the N2D manifold case: MNIST (70000 × 784, /255)
# through a fixed Gaussian projection to 10-d, embedded into 10 dimensions with n_neighbors 20
# and min_dist 0, 2 threads on both sides (uwot: n_threads = n_sgd_threads = 2, its fastest
# setting; its defaults otherwise — Annoy kNN, spectral init, 200 epochs — as ours are).
# Times are the whole fit (kNN, fuzzy graph, initialisation, SGD) without file reading: ours
# is fit --json's seconds.manifold. Runs each side `runs` times alternately and prints the
# medians and their ratio. Needs Rscript with uwot (Debian r-cran-uwot), the MNIST files in
# $N2D_DATA_DIR/mnist (else ../shared/datasets) and a built ./build/n2d.
# Usage: bench/umap_vs_uwot.sh [runs]   (default 3)
set -eu
runs=${1:-3}
data=${N2D_DATA_DIR:-../shared/datasets}/mnist
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
Rscript -e "
images <- function(f) { con <- gzfile(f, 'rb'); on.exit(close(con))
  h <- readBin(con, 'integer', 4, size = 4, endian = 'big')
  matrix(readBin(con, 'integer', h[2] * h[3] * h[4], size = 1, signed = FALSE), h[2], byrow = TRUE) / 255 }
labels <- function(f) { con <- gzfile(f, 'rb'); on.exit(close(con))
  h <- readBin(con, 'integer', 2, size = 4, endian = 'big')
  readBin(con, 'integer', h[2], size = 1, signed = FALSE) }
x <- rbind(images('$data/train-images-idx3-ubyte.gz'), images('$data/t10k-images-idx3-ubyte.gz'))
y <- c(labels('$data/train-labels-idx1-ubyte.gz'), labels('$data/t10k-labels-idx1-ubyte.gz'))
set.seed(1234)
p <- round(x %*% matrix(rnorm(784 * 10), 784) / sqrt(10) * 4096) / 4096  # exact in float32
write.table(p, '$dir/x.csv', sep = ',', row.names = FALSE, col.names = FALSE)
writeLines(as.character(y), '$dir/y.txt')
"
for i in $(seq "$runs"); do
  ./build/n2d fit "$dir/x.csv" --labels "$dir/y.txt" --embedder none --manifold umap --manifold-dim 10 \
    --umap-neighbors 20 --umap-min-dist 0 --clusters 10 --scale none --seed "$i" --quiet --json > "$dir/n2d.json"
  python3 -c 'import json, sys; print(json.load(sys.stdin)["seconds"]["manifold"])' < "$dir/n2d.json" >> "$dir/ours"
  Rscript -e "
suppressPackageStartupMessages(library(uwot))
x <- as.matrix(read.csv('$dir/x.csv', header = FALSE))
set.seed($i)
t <- system.time(e <- umap(x, n_neighbors = 20, n_components = 10, min_dist = 0, n_threads = 2, n_sgd_threads = 2))[['elapsed']]
cat(sprintf('%.3f\n', t), file = '$dir/peer', append = TRUE)
"
  printf 'run %s: n2d %.2f s, uwot %.2f s\n' "$i" "$(tail -1 "$dir/ours")" "$(tail -1 "$dir/peer")"
done
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ours=$(median "$dir/ours"); peer=$(median "$dir/peer")
echo "UMAP 70000 x 10 -> 10, 2 threads, median of $runs: n2d $ours s, uwot $(Rscript -e "cat(as.character(packageVersion('uwot')))") $peer s, speed-up $(awk "BEGIN { printf \"%.2f\", $peer / $ours }")x"
