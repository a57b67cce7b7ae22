#!/usr/bin/env bash
# The GPU check, run on the device machine from the repo root with .carry/ present (ci/prepare-gpu-carry.sh):
#   1. nvidia-smi summary
#   2. native-kernels/run-harness.sh --quick (every kernel vs the C reference; needs nvcc there)
#   3. the gpu-tagged JUnit tests (bindings: CUDA op parity at odd sizes, 100-step MLP+Adam GPU vs CPU)
#      through the JUnit console launcher on the carried JRE
#   4. a short benchmark (GpuBench: linearForward per backend)
# Logs go to $OUT (default out/gpu-check); a short table comes last. Each step has a timeout so the whole
# run stays under 8 minutes. Exit status: non-zero when any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-out/gpu-check}"
mkdir -p "$out"
java=.carry/jre/bin/java
lib=.carry/lib
declare -a rows=()
failed=0

step() {  # step NAME TIMEOUT_S LOGFILE CMD...
  local name=$1 limit=$2 log=$3
  shift 3
  local t0=$SECONDS rc
  echo "== $name (limit ${limit}s, log $log)"
  timeout "$limit" "$@" >"$log" 2>&1
  rc=$?
  tail -n 25 "$log"
  rows+=("$(printf '%-22s %-6s %5ss  %s' "$name" "$([ $rc -eq 0 ] && echo ok || echo FAIL:$rc)" $((SECONDS - t0)) "$log")")
  [ $rc -eq 0 ] || failed=1
}

if [ ! -x "$java" ] || [ ! -d "$lib" ]; then
  echo "error: .carry/jre and .carry/lib are missing; run ci/prepare-gpu-carry.sh on the build machine and carry .carry" >&2
  exit 2
fi

step nvidia-smi 30 "$out/nvidia-smi.log" bash -c \
  'nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv && nvidia-smi'

if command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ]; then
  step harness-quick 200 "$out/harness.log" native-kernels/run-harness.sh --quick
else
  rows+=("$(printf '%-22s %-6s %5ss  %s' harness-quick skip 0 'no nvcc on this machine')")
fi

cp=$(ls "$lib"/*.jar | grep -v junit-platform-console-standalone | paste -sd: -)
console=$(ls "$lib"/junit-platform-console-standalone-*.jar | head -n 1)
jvm=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m -Derl.gpu.tests=true)
# cuBLAS(Lt) and cuDNN come inside Python wheels on the device machine: search their lib folders too
wheel_libs=$(python3 -c 'import glob, site, os
dirs = []
for sp in site.getsitepackages() + [site.getusersitepackages()]:
    dirs += sorted(glob.glob(os.path.join(sp, "nvidia", "*", "lib")))
print(":".join(dirs))' 2>/dev/null || true)
if [ -n "$wheel_libs" ]; then
  jvm+=("-Derl.cuda.libpath=$wheel_libs")
  # JCublas's JNI library finds libcublas.so.12 through the dynamic linker, which reads LD_LIBRARY_PATH at start
  export LD_LIBRARY_PATH="$wheel_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "vendor libraries searched in: $wheel_libs"
fi
step junit-gpu 200 "$out/junit-gpu.log" "$java" "${jvm[@]}" -jar "$console" execute \
  --class-path "$cp" --scan-class-path "$lib/bindings-tests.jar" --include-tag gpu \
  --details=tree --disable-banner --reports-dir "$out/junit-reports"

# On a machine where nvidia-smi works, a gpu test that aborted because the CUDA probe failed is a failure too
# (tests that skip for a missing vendor library, cuBLASLt or JCublas's libcublas.so.12, are not).
if grep -q '^name' "$out/nvidia-smi.log" 2>/dev/null && grep -q 'cuda skipped: ' "$out/junit-gpu.log"; then
  rows+=("$(printf '%-22s %-6s %5ss  %s' junit-gpu-aborted FAIL 0 'a GPU is present but the cuda probe failed (see junit-gpu.log)')")
  failed=1
fi

step bench 90 "$out/bench.log" "$java" "${jvm[@]}" -cp "$cp" io.enhancedrl.bindings.gpu.GpuBench

echo
echo "== summary"
printf '%s\n' "${rows[@]}"
if [ -f "$out/bench.log" ]; then
  echo "-- bench (linearForward 149->256; host arrays in/out, then device-resident: cuda-dev/cublasLt relu, cuda-id/jcublas identity)"
  grep -E '^(backend|scalar|vector|cuda|cuda-dev|cublasLt|cuda-id|jcublas) ' "$out/bench.log" || true
fi
exit $failed
