#!/usr/bin/env bash
# N2D vs N2D+DEC vs DEC alone on named datasets: per seed, one autoencoder is trained and saved
# (--save-weights), then reused (--weights) by the three pipelines so that they differ only in
# what follows the autoencoder:
#   n2d       AE -> UMAP -> GMM                       (the paper)
#   n2d+dec   AE -> DEC fine-tuning -> UMAP -> GMM    (--finetune dec)
#   dec       AE -> DEC fine-tuning -> its own layer  (--cluster dec)
#   ae+km     AE -> k-means on the codes              (DEC's starting point, --manifold none --cluster kmeans)
# Prints one line per (dataset, seed, pipeline): ACC, NMI and the seconds of the stages after the
# autoencoder (fine-tuning + manifold + clustering); the JSON lines stay in OUTDIR.
#
# usage: bench/dec_study.sh [-e EPOCHS] [-s SEEDS] [-m MODE] [-i MAX_ITER] [-b N2D_BINARY] [-o OUTDIR] DATASET...
#   -e EPOCHS    autoencoder epochs (default 20)
#   -s SEEDS     number of seeds, 0..SEEDS-1 (default 1)
#   -m MODE      dec or idec (default dec)
#   -i MAX_ITER  fine-tuning steps at most (default 20000, DEC's)
#   -b BINARY    the n2d tool (default: build/n2d); the datasets come from $N2D_DATA_DIR
#   -o OUTDIR    where the weights and JSON lines go (default: $TMPDIR/n2d_dec_study)
set -euo pipefail

epochs=20
seeds=1
mode=dec
max_iter=20000
n2d=build/n2d
out=${TMPDIR:-/tmp}/n2d_dec_study
while getopts "e:s:m:i:b:o:" opt; do
    case $opt in
        e) epochs=$OPTARG ;;
        s) seeds=$OPTARG ;;
        m) mode=$OPTARG ;;
        i) max_iter=$OPTARG ;;
        b) n2d=$OPTARG ;;
        o) out=$OPTARG ;;
        *) sed -n 2,19p "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { sed -n 2,19p "$0"; exit 2; }
mkdir -p "$out"

summary() {  # dataset seed pipeline json-file
    python3 - "$@" <<'PY'
import json, sys
name, seed, pipe, path = sys.argv[1:5]
j = json.loads(open(path).read().strip().splitlines()[-1])
s = j["seconds"]
after = s.get("finetune", 0.0) + s["manifold"] + s["cluster"]
extra = ""
if "dec" in j:
    d = j["dec"]
    extra = " (%d steps, %s)" % (d["iterations"], "converged" if d["converged"] else "max_iter")
print("%-10s seed %s  %-8s ACC %.4f  NMI %.4f  AE %6.1f s  after AE %6.1f s%s"
      % (name, seed, pipe, j["acc"], j["nmi"], s["autoencoder"], after, extra))
PY
}

for data in "$@"; do
    for ((seed = 0; seed < seeds; seed++)); do
        w="$out/$data-s$seed.weights"
        common=(fit "$data" --seed "$seed" --quiet --json)
        "$n2d" "${common[@]}" --epochs "$epochs" --save-weights "$w" > "$out/$data-s$seed-n2d.json"
        summary "$data" "$seed" n2d "$out/$data-s$seed-n2d.json"
        "$n2d" "${common[@]}" --weights "$w" --manifold none --cluster kmeans > "$out/$data-s$seed-ae+km.json"
        summary "$data" "$seed" ae+km "$out/$data-s$seed-ae+km.json"
        "$n2d" "${common[@]}" --weights "$w" --finetune "$mode" --dec-max-iter "$max_iter" \
            > "$out/$data-s$seed-n2d+$mode.json"
        summary "$data" "$seed" "n2d+$mode" "$out/$data-s$seed-n2d+$mode.json"
        "$n2d" "${common[@]}" --weights "$w" --cluster dec --finetune "$mode" --dec-max-iter "$max_iter" \
            > "$out/$data-s$seed-$mode.json"
        summary "$data" "$seed" "$mode" "$out/$data-s$seed-$mode.json"
    done
done
