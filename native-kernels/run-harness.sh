#!/usr/bin/env bash
# Builds and runs the native kernel harness on a GPU machine (one command):
#   native-kernels/run-harness.sh [--quick]
# Every kernel is checked against the C reference over odd sizes (worst element printed, non-zero exit on
# any mismatch) and timed with CUDA events; a short table comes last. --quick checks fewer rows of the
# N = 65,536 cases (the CPU reference is the slow part). ARCH overrides the SASS target (default: the
# first GPU's compute capability via nvidia-smi, else 90).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
NVCC="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
arch="${ARCH:-$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n 1 | tr -d '.' || true)}"
arch="${arch:-90}"
out="$here/target/harness"
mkdir -p "$out"
"$NVCC" -std=c++17 -O2 -gencode "arch=compute_$arch,code=sm_$arch" -Xcompiler -ffp-contract=off \
  "$here/src/test/native/harness.cu" "$here/src/main/cuda/erl_module.cu" "$here/src/main/c/reference.c" \
  -o "$out/harness"
exec "$out/harness" "$@"
