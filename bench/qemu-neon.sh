#!/usr/bin/env bash
# NEON against scalar on aarch64 under qemu-user: cross-builds bench/qemu/simd_timing.cpp against
# the aarch64 library (build-aarch64/libn2d.a, from .ci/cross-aarch64) and runs it with
# N2D_SIMD=scalar and N2D_SIMD=neon. qemu translates every guest instruction, so the times are
# emulation times: they show how many (and which) instructions each path executes, not how fast
# an aarch64 CPU would be. Usage: bench/qemu-neon.sh [aarch64-build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-aarch64}"
sysroot=/usr/aarch64-linux-gnu
for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "qemu-neon: $tool not found (apt-get install g++-aarch64-linux-gnu qemu-user)" >&2; exit 1; }
done
[ -f "$build/libn2d.a" ] || { echo "qemu-neon: $build/libn2d.a missing; run .ci/cross-aarch64 first" >&2; exit 1; }
exe="$build/simd_timing"
aarch64-linux-gnu-g++ -std=c++20 -O2 -I. bench/qemu/simd_timing.cpp "$build/libn2d.a" -pthread -o "$exe"
for target in scalar neon; do
  echo "== N2D_SIMD=$target (qemu-aarch64 $(qemu-aarch64 --version | head -1 | awk '{print $3}'), wall time under emulation)"
  N2D_SIMD=$target qemu-aarch64 -L "$sysroot" "$exe"
done
