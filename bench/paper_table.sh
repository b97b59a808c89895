#!/usr/bin/env bash
# Reproduces the N2D paper's table (McConville et al., ICPR 2020, Table 2: ACC / NMI of N2D on
# six datasets) with `n2d fit DATASET --json`, printing ours (mean ± sd over seeds) beside the
# paper's numbers, with the time of each stage.
#
# usage: bench/paper_table.sh [-e EPOCHS] [-s SEEDS] [-t THREADS] [-b N2D_BINARY] [-o OUTDIR] [DATASET...]
#   -e EPOCHS   autoencoder epochs (default 50; the paper trains 1000)
#   -s SEEDS    number of seeds, 0..SEEDS-1 (default 5)
#   -t THREADS  worker threads (default: all cores)
#   -b BINARY   the n2d tool (default: build/n2d)
#   -o OUTDIR   where the per-run JSON lines go (default: bench/paper_table_results)
#   DATASET...  default: mnist mnist-test usps fashion pendigits har
# Everything else uses the paper's settings (n2d fit's defaults): AE 500,500,2000 with
# latent = #classes, batch 256, Adam; UMAP n_neighbors 20, min_dist 0, dim = #classes; GMM full.
# Datasets come from --data-dir / $N2D_DATA_DIR / ../shared/datasets (see datasets/).
set -euo pipefail

epochs=50
seeds=5
threads=""
bin=build/n2d
outdir=bench/paper_table_results
while getopts "e:s:t:b:o:h" opt; do
    case $opt in
        e) epochs=$OPTARG ;;
        s) seeds=$OPTARG ;;
        t) threads=$OPTARG ;;
        b) bin=$OPTARG ;;
        o) outdir=$OPTARG ;;
        h) sed -n '2,17p' "$0"; exit 0 ;;
        *) sed -n '2,17p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
datasets=("$@")
[ ${#datasets[@]} -gt 0 ] || datasets=(mnist mnist-test usps fashion pendigits har)
[ -x "$bin" ] || { echo "paper_table.sh: $bin not found; run \`make\` first or pass -b" >&2; exit 1; }
mkdir -p "$outdir"

# The paper's N2D results (Table 2): ACC NMI.
paper() {
    case $1 in
        mnist) echo "0.979 0.942" ;;
        mnist-test) echo "0.948 0.882" ;;
        usps) echo "0.958 0.901" ;;
        fashion) echo "0.672 0.684" ;;
        pendigits) echo "0.885 0.863" ;;
        har) echo "0.801 0.683" ;;
        *) echo "- -" ;;
    esac
}

# field NAME < json-line: the number after "NAME":
field() { grep -o "\"$1\": [-0-9.eE+]*" | head -1 | awk '{print $2}'; }

# mean ± sd of the numbers on stdin (sample sd; "-" for one value)
stats() {
    awk '{ s += $1; q += $1 * $1; n++ }
         END { if (n == 0) { print "-"; exit }
               m = s / n; sd = (n > 1) ? sqrt((q - n * m * m) / (n - 1)) : 0;
               if (sd < 0 || sd != sd) sd = 0;
               if (n > 1) printf "%.3f ± %.3f", m, sd; else printf "%.3f", m }'
}
mean() { awk '{ s += $1; n++ } END { if (n) printf "%.1f", s / n; else print "-" }'; }

for ds in "${datasets[@]}"; do
    log="$outdir/$ds-e$epochs.jsonl"
    : > "$log"
    for ((seed = 0; seed < seeds; seed++)); do
        echo "== $ds seed $seed ($epochs epochs)" >&2
        args=(fit "$ds" --epochs "$epochs" --seed "$seed" --json)
        [ -n "$threads" ] && args+=(--threads "$threads")
        if ! "$bin" "${args[@]}" >> "$log"; then
            echo "paper_table.sh: n2d fit $ds failed (seed $seed); skipping the rest of $ds" >&2
            break
        fi
    done
done

printf '\n| dataset | n | epochs | seeds | ACC (ours) | NMI (ours) | ARI (ours) | ACC (paper) | NMI (paper) | AE s | UMAP s | GMM s | total s |\n'
printf '|---|---:|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|\n'
for ds in "${datasets[@]}"; do
    log="$outdir/$ds-e$epochs.jsonl"
    [ -s "$log" ] || continue
    read -r pacc pnmi <<< "$(paper "$ds")"
    runs=$(wc -l < "$log")
    n=$(head -1 "$log" | field n)
    acc=$(while read -r l; do field acc <<< "$l"; done < "$log" | stats)
    nmi=$(while read -r l; do field nmi <<< "$l"; done < "$log" | stats)
    ari=$(while read -r l; do field ari <<< "$l"; done < "$log" | stats)
    ae=$(while read -r l; do field autoencoder <<< "$l"; done < "$log" | mean)
    um=$(while read -r l; do field umap <<< "$l"; done < "$log" | mean)
    gm=$(while read -r l; do field cluster <<< "$l"; done < "$log" | mean)
    tot=$(while read -r l; do field total <<< "$l"; done < "$log" | mean)
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$ds" "$n" "$epochs" "$runs" "$acc" "$nmi" "$ari" "$pacc" "$pnmi" "$ae" "$um" "$gm" "$tot"
done
