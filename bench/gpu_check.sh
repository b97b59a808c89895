#!/usr/bin/env bash
# The GPU check, one script for a machine with an NVIDIA GPU (about 5 minutes on an H100):
#   1. configure and build with the CUDA backend (-DN2D_CUDA=ON; OpenCL is always built): the
#      CLI, the device test suite (parity of every device with the CPU) and bench/device_ops;
#      check that the CLI has no link-time CUDA dependency;
#   2. run the device tests (build/test_device) — every available device, CUDA included;
#   3. time an MNIST-70k autoencoder epoch through the whole fit (n2d fit mnist --epochs 1) on
#      the GPU and on the CPU;
#   4. time exact kNN (70000 × 784, k = 15) and 200 UMAP SGD epochs (70000 × 10) on the GPU
#      beside the CPU (bench/device_ops.cpp), with the ratios.
# Any failing step stops the script with a non-zero status.
#
# Environment: DEVICE (default cuda), BUILD (default build-cuda), NVCC (default
# /usr/local/cuda/bin/nvcc, else nvcc on PATH), N2D_DATA_DIR (default ../shared/datasets; step 3
# needs the dataset there), DATASET (default mnist), JOBS (default nproc), DEVICE_OPS_ARGS (replaces
# device_ops' arguments), GPU_CHECK_SKIP_FIT=1 skips step 3, GPU_CHECK_QUICK=1
# runs steps 3–4 on small sizes (pendigits) (to try the script without a GPU: DEVICE=cpu GPU_CHECK_QUICK=1).
set -euo pipefail
cd "$(dirname "$0")/.."

DEVICE=${DEVICE:-cuda}
BUILD=${BUILD:-build-cuda}
JOBS=${JOBS:-$(nproc)}
NVCC=${NVCC:-/usr/local/cuda/bin/nvcc}
[[ -x $NVCC ]] || NVCC=$(command -v nvcc) || { echo "gpu_check: nvcc not found (set NVCC)" >&2; exit 1; }
export N2D_DATA_DIR=${N2D_DATA_DIR:-$(cd .. && pwd)/shared/datasets}

step() { printf '\n== %s\n' "$*"; }
fail() { echo "gpu_check: FAILED: $*" >&2; exit 1; }
# Wall seconds of a command (its output shown); the command's failure ends the script.
timed() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" || fail "$*"
    t1=$(date +%s.%N)
    LAST_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

step "build ($BUILD, nvcc $NVCC)"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DN2D_CUDA=ON -DCMAKE_CUDA_COMPILER="$NVCC" >/dev/null \
    || fail "configure"
cmake --build "$BUILD" -j"$JOBS" --target n2d_cli test_device || fail "build"
# The bench program needs no Google Benchmark: built straight against the library.
"${CXX:-c++}" -std=c++20 -O2 -I. bench/device_ops.cpp "$BUILD/libn2d.a" -pthread -ldl -o "$BUILD/device_ops" \
    || fail "building bench/device_ops.cpp"
if ldd "$BUILD/n2d" | grep -Ei 'libcuda|libcudart|libnvrtc'; then fail "$BUILD/n2d links a CUDA library"; fi
echo "ldd $BUILD/n2d: no CUDA library"
info=$("$BUILD/n2d" info) || fail "n2d info"
sed -n '/^devices:/,$p' <<<"$info"
grep -Eq "^ *${DEVICE}(:0)? +available" <<<"$info" || fail "device $DEVICE is not available (see n2d info above)"

step "device tests ($BUILD/test_device)"
"$BUILD/test_device" || fail "test_device"

if [[ ${GPU_CHECK_QUICK:-0} == 1 ]]; then
    DATASET=${DATASET:-pendigits}
    OPS_ARGS=(--n 5000 --dim 784 --epochs 20 --cpu-queries 500)
else
    DATASET=${DATASET:-mnist}
    OPS_ARGS=(--n 70000 --dim 784 --k 15 --epochs 200 --cpu-queries 2000 --blocks 16,256)
fi
if [[ -n ${DEVICE_OPS_ARGS:-} ]]; then read -ra OPS_ARGS <<<"$DEVICE_OPS_ARGS"; fi

if [[ ${GPU_CHECK_SKIP_FIT:-0} != 1 ]]; then
    step "$DATASET fit, 1 autoencoder epoch: $DEVICE vs cpu"
    [[ -d $N2D_DATA_DIR/$DATASET ]] || fail "no $DATASET in $N2D_DATA_DIR (set N2D_DATA_DIR, or GPU_CHECK_SKIP_FIT=1)"
    timed "$BUILD/n2d" fit "$DATASET" --epochs 1 --quiet --device "$DEVICE"
    fit_dev=$LAST_SECONDS
    timed "$BUILD/n2d" fit "$DATASET" --epochs 1 --quiet --device cpu
    fit_cpu=$LAST_SECONDS
    echo "fit $DATASET --epochs 1: $DEVICE ${fit_dev} s, cpu ${fit_cpu} s, cpu/$DEVICE = $(awk -v a="$fit_cpu" -v b="$fit_dev" 'BEGIN { printf "%.1f", a / b }')x"
fi

step "device ops: $DEVICE vs cpu"
"$BUILD/device_ops" --device "$DEVICE" "${OPS_ARGS[@]}" || fail "device_ops"

step "gpu_check: all steps passed"
