#!/usr/bin/env bash
# Builds the emulated CUDA driver (emulated_libcuda.c + the kernels' C reference) as OUT_DIR/libcuda.so.1, the
# emulated cuBLAS (emulated_libcublas.c) as OUT_DIR/libcublas.so.12, cuBLASLt (emulated_libcublasLt.c) as
# OUT_DIR/libcublasLt.so.13 and cuDNN (emulated_libcudnn.c) as OUT_DIR/libcudnn.so.9, for the bindings'
# "emulated-cuda" test execution (see bindings/pom.xml). Run by Maven in the
# process-test-resources phase; also runnable by hand: build-emulated-cuda.sh OUT_DIR.
# Without a C compiler it warns and builds nothing; the emulated-cuda tests then skip with that reason.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out_dir="${1:?usage: build-emulated-cuda.sh OUT_DIR}"
ref_dir="$here/../../../../native-kernels/src/main/c"
cc_bin="${CC:-$(command -v gcc || command -v cc || true)}"
mkdir -p "$out_dir"
if [ -n "$cc_bin" ] && ! command -v "$cc_bin" > /dev/null; then
  echo "WARNING: C compiler '$cc_bin' not found." >&2
  cc_bin=""
fi
if [ -z "$cc_bin" ]; then
  echo "WARNING: no C compiler (gcc/cc, or CC); the emulated CUDA driver is NOT built and its tests will skip." >&2
  rm -f "$out_dir/libcuda.so.1"
  exit 0
fi
out="$out_dir/libcuda.so.1"
blas="$out_dir/libcublas.so.12"
lt="$out_dir/libcublasLt.so.13"
dnn="$out_dir/libcudnn.so.9"
if [ -f "$out" ] && [ -f "$blas" ] && [ -f "$lt" ] && [ -f "$dnn" ] \
    && [ -z "$(find "$here" "$ref_dir" -newer "$out" -type f | head -n 1)" ] \
    && [ -z "$(find "$here" -newer "$blas" -type f | head -n 1)" ] \
    && [ -z "$(find "$here" -newer "$lt" -type f | head -n 1)" ] \
    && [ -z "$(find "$here" -newer "$dnn" -type f | head -n 1)" ]; then
  echo "emulated libcuda.so.1, libcublas.so.12, libcublasLt.so.13 and libcudnn.so.9 are up to date ($out_dir)"
  exit 0
fi
# -ffp-contract=off: the reference's rounding is the Java reference's (no fused multiply-adds).
"$cc_bin" -std=c11 -D_DEFAULT_SOURCE -O2 -fPIC -shared -ffp-contract=off -Wall -Wextra -Werror \
  -Wno-unused-parameter -I"$ref_dir" -Wl,-soname,libcuda.so.1 \
  -o "$out.tmp" "$here/emulated_libcuda.c" "$ref_dir/reference.c" -lm -lpthread
mv "$out.tmp" "$out"
# libJCublas2 needs the symbol version "libcublas.so.12" (libcublas.map); the GEMM checks its operands against
# the emulated driver's allocations (erl_emu_inside), hence the link to it.
"$cc_bin" -std=c11 -O2 -fPIC -shared -ffp-contract=off -Wall -Wextra -Werror \
  -Wl,-soname,libcublas.so.12 -Wl,--version-script="$here/libcublas.map" \
  -o "$blas.tmp" "$here/emulated_libcublas.c" -L"$out_dir" -l:libcuda.so.1
mv "$blas.tmp" "$blas"
# cuBLASLt is reached through FFM (dlopen + dlsym by plain name), so no symbol versions are needed.
"$cc_bin" -std=c11 -O2 -fPIC -shared -ffp-contract=off -Wall -Wextra -Werror \
  -Wl,-soname,libcublasLt.so.13 -o "$lt.tmp" "$here/emulated_libcublasLt.c" -L"$out_dir" -l:libcuda.so.1
mv "$lt.tmp" "$lt"
"$cc_bin" -std=c11 -O2 -fPIC -shared -ffp-contract=off -Wall -Wextra -Werror \
  -Wl,-soname,libcudnn.so.9 -o "$dnn.tmp" "$here/emulated_libcudnn.c" -L"$out_dir" -l:libcuda.so.1 -lm
mv "$dnn.tmp" "$dnn"
echo "built the emulated CUDA driver $out, cuBLAS $blas, cuBLASLt $lt and cuDNN $dnn"
