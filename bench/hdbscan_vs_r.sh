#!/bin/sh
# HDBSCAN speed against R dbscan::hdbscan in one run, minPts = 10, one thread each. The data:
# by default a 10-d set of n points (five Gaussian blobs of different spread plus 5% uniform
# noise); with -f, the numeric CSV FILE (no header), e.g. a manifold from
# `n2d fit ... --embedding-out FILE.csv`. Its values are rounded to float32 first (n2d reads
# float32) and handed to both in 17 digits, so both cluster exactly the same numbers.
# The two run alternately, RUNS times each; prints each time (clustering only, file reading
# excluded), the medians, their ratio and whether the labels agree (ARI of ours against R's,
# noise as a cluster, from the last run). Needs Rscript with dbscan and a built ./build/n2d
# (N2D=path picks another binary).
# Usage: bench/hdbscan_vs_r.sh [-f FILE] [-r RUNS] [n]   (defaults: n = 4000, RUNS = 3)
set -eu
file= runs=3
while getopts f:r: opt; do
    case $opt in
        f) file=$OPTARG ;;
        r) runs=$OPTARG ;;
        *) echo "usage: $0 [-f FILE] [-r RUNS] [n]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
n=${1:-4000}
n2d=${N2D:-./build/n2d}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ -n "$file" ]; then
    [ -r "$file" ] || { echo "$0: cannot read $file" >&2; exit 2; }
    data="x <- as.matrix(read.csv('$file', header = FALSE))
# Round to float32 as n2d reads it (writeBin with size 4 stores single precision).
x[] <- readBin(writeBin(as.double(x), raw(), size = 4), 'double', n = length(x), size = 4)"
    what="$(basename "$file")"
else
    data="set.seed(1); n <- $n; k <- 5; m <- round(0.95 * n)
centre <- matrix(runif(k * 10, -10, 10), k); sd <- c(0.5, 1, 1.5, 0.8, 2)
g <- sample(k, m, TRUE)
x <- centre[g, ] + matrix(rnorm(m * 10), m) * sd[g]
x <- rbind(x, matrix(runif((n - m) * 10, -14, 14), n - m))
x <- round(x * 1024) / 1024  # exact in float32"
    what="blobs + noise"
fi
Rscript -e "
$data
storage.mode(x) <- 'double'
saveRDS(x, '$dir/x.rds')
writeLines(apply(x, 1, function(r) paste(sprintf('%.17g', r), collapse = ',')), '$dir/x.csv')
cat(nrow(x), ncol(x), '\n', file = '$dir/shape')
"
read rows cols < "$dir/shape"
: > "$dir/r_times"
: > "$dir/ours_times"
i=1
while [ "$i" -le "$runs" ]; do
    Rscript -e "
suppressPackageStartupMessages(library(dbscan))
x <- readRDS('$dir/x.rds')
t <- system.time(res <- hdbscan(x, minPts = 10))[['elapsed']]
writeLines(as.character(res\$cluster), '$dir/r_labels.txt')
cat(t, '\n', file = '$dir/r_times', append = TRUE)
cat(sprintf('R dbscan::hdbscan %s: %.3f s (%d clusters, %d noise)\n', packageVersion('dbscan'), t, max(res\$cluster), sum(res\$cluster == 0)))
"
    "$n2d" fit "$dir/x.csv" --clusters 1 --embedder none --manifold none --cluster hdbscan --scale none \
        --min-cluster-size 10 --threads 1 --quiet --json --predictions "$dir/ours.txt" > "$dir/ours.json"
    ours=$(sed 's/.*"seconds": {[^}]*"cluster": \([0-9.e+-]*\).*/\1/' "$dir/ours.json")
    echo "$ours" >> "$dir/ours_times"
    echo "n2d Hdbscan: $ours s"
    i=$((i + 1))
done
# R writes noise as 0 and clusters from 1: shift ours (-1 noise) the same way for assess.
awk '{ print $1 + 1 }' "$dir/ours.txt" > "$dir/ours_shifted.txt"
ari=$("$n2d" assess "$dir/r_labels.txt" "$dir/ours_shifted.txt" --json | sed 's/.*"ari": \([0-9.e+-]*\).*/\1/')
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
awk -v r="$(median "$dir/r_times")" -v o="$(median "$dir/ours_times")" -v a="$ari" -v rows="$rows" -v cols="$cols" \
    -v runs="$runs" -v what="$what" 'BEGIN {
    printf "%s, %d x %d, minPts 10, 1 thread, median of %d: R %.3f s, n2d %.3f s: n2d is %.2fx R; ARI(n2d, R) = %s\n",
        what, rows, cols, runs, r, o, r / o, a }'
