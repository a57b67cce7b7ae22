#!/usr/bin/env bash
# Builds native-kernels/target/classes/io/enhancedrl/native/enhancedrl.fatbin from src/main/cuda:
# SASS for sm_80 and sm_90 plus PTX for compute_90 (JIT-compiled by the driver on newer GPUs).
# Run by Maven (exec-maven-plugin, phase generate-resources) so that `mvn package` puts the fatbin in the
# jar; also runnable by hand. Without nvcc it warns and exits 0, so a CPU-only checkout still builds
# (the jar then has no fatbin and the CUDA backend reports that it is unavailable).
# Environment: NVCC (default: nvcc on PATH, then /usr/local/cuda/bin/nvcc, /usr/local/bin/nvcc).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
nvcc_bin="${NVCC:-}"
if [ -z "$nvcc_bin" ]; then
  for c in "$(command -v nvcc || true)" /usr/local/cuda/bin/nvcc /usr/local/bin/nvcc; do
    if [ -n "$c" ] && [ -x "$c" ]; then nvcc_bin="$c"; break; fi
  done
fi
if [ -z "$nvcc_bin" ]; then
  echo "WARNING: nvcc not found (set NVCC or put it on PATH); enhancedrl.fatbin NOT built, the jar will have no CUDA kernels." >&2
  exit 0
fi
out_dir="$here/target/classes/io/enhancedrl/native"
mkdir -p "$out_dir"
src="$here/src/main/cuda/erl_module.cu"
out="$out_dir/enhancedrl.fatbin"
# Skip the rebuild when the fatbin is newer than every source (Maven runs this on every build).
if [ -f "$out" ] && [ -z "$(find "$here/src/main/cuda" -newer "$out" -type f | head -n 1)" ]; then
  echo "enhancedrl.fatbin is up to date ($out)"
  exit 0
fi
echo "building $out with $nvcc_bin ($("$nvcc_bin" --version | tail -n 1))"
start=$(date +%s)
"$nvcc_bin" -fatbin -std=c++17 -O3 \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -o "$out.tmp" "$src"
mv "$out.tmp" "$out"
echo "built $out ($(stat -c %s "$out") bytes, $(( $(date +%s) - start )) s)"
