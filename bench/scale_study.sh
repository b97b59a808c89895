#!/usr/bin/env bash
# `n2d fit --scale` on users' own data: writes pendigits (raw 0-100 features), pendigits with
# its x coordinates in other units (even columns × 1000) and USPS (raw, in [0, 2]) as CSV files
# with a labels file each, then fits each with --scale none, minmax and standard and prints
# ACC / NMI per seed.
#
# usage: bench/scale_study.sh [-e EPOCHS] [-s SEEDS] [-b N2D_BINARY] [-d DATA_DIR] [-o OUTDIR]
#   -e EPOCHS   autoencoder epochs (default 20)
#   -s SEEDS    number of seeds, 0..SEEDS-1 (default 1)
#   -b BINARY   the n2d tool (default: build/n2d)
#   -d DATA_DIR the shared datasets (default: $N2D_DATA_DIR, else ../shared/datasets)
#   -o OUTDIR   where the CSV files and JSON lines go (default: $TMPDIR/n2d_scale_study)
set -euo pipefail

epochs=20
seeds=1
n2d=build/n2d
data_dir=${N2D_DATA_DIR:-../shared/datasets}
out=${TMPDIR:-/tmp}/n2d_scale_study
while getopts "e:s:b:d:o:" opt; do
    case $opt in
        e) epochs=$OPTARG ;;
        s) seeds=$OPTARG ;;
        b) n2d=$OPTARG ;;
        d) data_dir=$OPTARG ;;
        o) out=$OPTARG ;;
        *) sed -n 2,12p "$0"; exit 2 ;;
    esac
done
mkdir -p "$out"

python3 - "$data_dir" "$out" <<'PY'
import gzip, sys
data, out = sys.argv[1], sys.argv[2]

def write(name, rows, labels):
    with open(f"{out}/{name}.csv", "w") as f:
        for r in rows:
            f.write(",".join("%.9g" % v for v in r) + "\n")
    with open(f"{out}/{name}_labels.txt", "w") as f:
        f.write("".join("%d\n" % y for y in labels))

x, y = [], []
for part in ("pendigits.tra", "pendigits.tes"):
    for line in open(f"{data}/pendigits/{part}"):
        v = [int(t) for t in line.split(",")]
        x.append([float(a) for a in v[:16]])
        y.append(v[16])
write("pendigits", x, y)
write("pendigits_mixed_units", [[a * 1000 if j % 2 == 0 else a for j, a in enumerate(r)] for r in x], y)

x, y = [], []
for part in ("usps_train.jf.gz", "usps_test.jf.gz"):
    for line in gzip.open(f"{data}/usps/{part}", "rt").read().split("\n")[1:]:
        t = line.split()
        if len(t) == 257:
            y.append(int(t[0]))
            x.append([float(a) for a in t[1:]])
write("usps", x, y)
PY

printf "%-22s %-9s %4s %6s %6s\n" data scale seed ACC NMI
for name in pendigits pendigits_mixed_units usps; do
    for scale in none minmax standard; do
        for ((seed = 0; seed < seeds; seed++)); do
            line=$("$n2d" fit "$out/$name.csv" --labels "$out/${name}_labels.txt" --epochs "$epochs" --seed "$seed" \
                   --scale "$scale" --json --quiet)
            echo "$line" >> "$out/results.jsonl"
            acc=$(echo "$line" | sed -n 's/.*"acc": \([0-9.]*\).*/\1/p')
            nmi=$(echo "$line" | sed -n 's/.*"nmi": \([0-9.]*\).*/\1/p')
            printf "%-22s %-9s %4d %6.3f %6.3f\n" "$name" "$scale" "$seed" "$acc" "$nmi"
        done
    done
done
