#!/bin/sh
# HDBSCAN speed against R dbscan::hdbscan in one run: the same 10-d data set (n points, five
# Gaussian blobs of different spread plus 5% uniform noise), minPts = 10, one thread each.
# Prints both times (clustering only, file reading excluded), the ratio and whether the labels
# agree (ARI of ours against R's, noise as a cluster). Needs Rscript with dbscan and a built
# ./build/n2d. Usage: bench/hdbscan_vs_r.sh [n]   (default 4000)
set -eu
n=${1:-4000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
Rscript -e "
suppressPackageStartupMessages(library(dbscan))
set.seed(1); n <- $n; k <- 5; m <- round(0.95 * n)
centre <- matrix(runif(k * 10, -10, 10), k); sd <- c(0.5, 1, 1.5, 0.8, 2)
g <- sample(k, m, TRUE)
x <- centre[g, ] + matrix(rnorm(m * 10), m) * sd[g]
x <- rbind(x, matrix(runif((n - m) * 10, -14, 14), n - m))
x <- round(x * 1024) / 1024  # exact in float32
write.table(x, '$dir/x.csv', sep = ',', row.names = FALSE, col.names = FALSE)
t <- system.time(res <- hdbscan(x, minPts = 10))[['elapsed']]
writeLines(as.character(res\$cluster), '$dir/r_labels.txt')
cat(sprintf('R dbscan::hdbscan %s: %.3f s (%d clusters, %d noise)\n', packageVersion('dbscan'), t, max(res\$cluster), sum(res\$cluster == 0)))
cat(t, file = '$dir/r_seconds')
"
./build/n2d fit "$dir/x.csv" --clusters 1 --embedder none --manifold none --cluster hdbscan --scale none \
    --min-cluster-size 10 --threads 1 --quiet --json --predictions "$dir/ours.txt" > "$dir/ours.json"
ours=$(sed 's/.*"cluster": \([0-9.e+-]*\).*/\1/' "$dir/ours.json")
# R writes noise as 0 and clusters from 1: shift ours (-1 noise) the same way for assess.
awk '{ print $1 + 1 }' "$dir/ours.txt" > "$dir/ours_shifted.txt"
ari=$(./build/n2d assess "$dir/r_labels.txt" "$dir/ours_shifted.txt" --json | sed 's/.*"ari": \([0-9.e+-]*\).*/\1/')
awk -v r="$(cat "$dir/r_seconds")" -v o="$ours" -v a="$ari" -v n="$n" 'BEGIN {
    printf "n2d Hdbscan: %.3f s\nn = %d x 10, minPts 10, 1 thread: n2d is %.1fx R; ARI(n2d, R) = %s\n", o, n, r / o, a }'
