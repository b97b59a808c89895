#!/usr/bin/env bash
# `n2d fit --augment` against the same fit without it: for each dataset and seed, one run with
# and one without augmentation (interleaved, so a machine whose load drifts treats both alike),
# then ACC / NMI / ARI as mean ± sd over the seeds and the autoencoder's seconds per epoch.
#
# usage: bench/augment_study.sh [-e EPOCHS] [-s SEEDS] [-t THREADS] [-b N2D_BINARY] [-o OUTDIR] [DATASET...]
#   -e EPOCHS   autoencoder epochs (default 50)
#   -s SEEDS    number of seeds, 0..SEEDS-1 (default 3)
#   -t THREADS  worker threads (default: all cores)
#   -b BINARY   the n2d tool (default: build/n2d)
#   -o OUTDIR   where the JSON lines go (default: $TMPDIR/n2d_augment_study)
#   DATASET...  default: usps (named image datasets: mnist, mnist-test, fashion, usps)
# Datasets come from $N2D_DATA_DIR (see datasets/).
set -euo pipefail

epochs=50
seeds=3
threads=""
n2d=build/n2d
out=${TMPDIR:-/tmp}/n2d_augment_study
while getopts "e:s:t:b:o:" opt; do
    case $opt in
        e) epochs=$OPTARG ;;
        s) seeds=$OPTARG ;;
        t) threads=$OPTARG ;;
        b) n2d=$OPTARG ;;
        o) out=$OPTARG ;;
        *) sed -n 2,13p "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
datasets=("$@")
[ ${#datasets[@]} -gt 0 ] || datasets=(usps)
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"

for data in "${datasets[@]}"; do
    for ((seed = 0; seed < seeds; seed++)); do
        for mode in off on; do
            args=(fit "$data" --epochs "$epochs" --seed "$seed" --json --quiet)
            [ -n "$threads" ] && args+=(--threads "$threads")
            [ "$mode" = on ] && args+=(--augment)
            "$n2d" "${args[@]}" | jq -c --arg mode "$mode" '. + {mode: $mode}' | tee -a "$results"
        done
    done
done

echo
printf "%-11s %-8s %5s %15s %15s %15s %12s\n" data augment seeds ACC NMI ARI "AE s/epoch"
jq -rs '
  def ms(f): (map(f) | add / length) as $m
    | [$m, (if length > 1 then (map((f - $m) * (f - $m)) | add / (length - 1) | sqrt) else 0 end)];
  group_by([.dataset, .mode])[]
  | [.[0].dataset, .[0].mode, length, ms(.acc), ms(.nmi), ms(.ari), (map(.seconds.autoencoder / .epochs) | add / length)]
  | "\(.[0]) \(.[1]) \(.[2]) \(.[3][0]) \(.[3][1]) \(.[4][0]) \(.[4][1]) \(.[5][0]) \(.[5][1]) \(.[6])"' "$results" |
    while read -r d m n a as b bs c cs e; do
        printf "%-11s %-8s %5d %7.3f ± %.3f %7.3f ± %.3f %7.3f ± %.3f %12.2f\n" "$d" "$m" "$n" "$a" "$as" "$b" "$bs" "$c" "$cs" "$e"
    done
