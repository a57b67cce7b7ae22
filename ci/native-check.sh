#!/usr/bin/env bash
# Native compile check (no GPU needed), run in CI:
#  1. compiles every kernel file for sm_80 and sm_90 (SASS) with -Xptxas -v and for compute_90 (PTX),
#  2. parses the ptxas resource report into a table (kernel, target, registers, smem, spill bytes, stack)
#     and FAILS if a forward kernel (erl_mlp_forward_f32, erl_mlp_ensemble_forward_f32,
#     erl_linear_forward_f32) has any spill or a stack frame; spills elsewhere are reported as warnings.
#     The kernels' tile sizes are compile-time constants, so this report is the one of the reference
#     sizes (actor 149-256-128-64-10, critics 159-256-128-64-1: every width <= 256 runs the same code);
#  3. builds the fatbin (native-kernels/build.sh) and lists its SASS and PTX targets when cuobjdump exists,
#  4. compiles the GPU harness (it runs only on a GPU machine: native-kernels/run-harness.sh),
#  5. compiles and runs the CPU-only self-test of the C reference.
# Exit status: 0 when everything passes; 1 on a failure; 0 with a warning when nvcc is absent (only step 5).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
nk="$root/native-kernels"
cuda="$nk/src/main/cuda"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0

NVCC="${NVCC:-$(command -v nvcc || true)}"
[ -z "$NVCC" ] && [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc
CC="${CC:-gcc}"

echo "== 5/5 first (no GPU, no nvcc needed): C reference self-test"
"$CC" -std=c11 -O2 -Wall -Wextra -Werror -ffp-contract=off "$nk/src/test/native/ref_selftest.c" \
  "$nk/src/main/c/reference.c" -lm -o "$work/ref_selftest"
if ! "$work/ref_selftest"; then
  echo "FAIL: C reference self-test" >&2
  fail=1
fi

if [ -z "$NVCC" ]; then
  echo "WARNING: nvcc not found (set NVCC): kernel compile checks SKIPPED" >&2
  exit $fail
fi
echo "== using $NVCC ($("$NVCC" --version | tail -n 1))"

forward_kernels=" erl_mlp_forward_f32 erl_mlp_ensemble_forward_f32 erl_linear_forward_f32 "
table="$work/table.tsv"
: > "$table"
for f in mlp_forward linear elementwise topk rl_losses; do
  for arch in 80 90; do
    log="$work/$f.sm_$arch.log"
    if ! "$NVCC" -std=c++17 -O3 -c -gencode "arch=compute_$arch,code=sm_$arch" -Xptxas -v \
        -o "$work/$f.sm_$arch.o" "$cuda/$f.cu" > "$log" 2>&1; then
      cat "$log" >&2
      echo "FAIL: $f.cu does not compile for sm_$arch" >&2
      fail=1
      continue
    fi
    # ptxas prints, per entry: Compiling entry function 'K' for 'sm_X' / N bytes stack frame, N bytes spill
    # stores, N bytes spill loads / Used N registers, ... N bytes smem
    awk -v file="$f.cu" '
      /Compiling entry function/ { match($0, /function .[A-Za-z0-9_]+./); k = substr($0, RSTART + 10, RLENGTH - 11);
                                   match($0, /for .sm_[0-9]+a?./); t = substr($0, RSTART + 5, RLENGTH - 6);
                                   stack = 0; st = 0; ld = 0; regs = 0; smem = 0 }
      /bytes stack frame/       { for (i = 1; i <= NF; i++) { if ($(i+1) == "bytes" && $(i+2) == "stack") stack = $i;
                                    if ($(i+2) == "spill" && $(i+3) ~ /^stores/) st = $i;
                                    if ($(i+2) == "spill" && $(i+3) ~ /^loads/) ld = $i } }
      /Used [0-9]+ registers/   { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^registers/) regs = $i;
                                    if ($(i+1) == "bytes" && $(i+2) ~ /^smem/) smem = $i }
                                  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k, t, regs, smem, st + ld, stack, file }
    ' "$log" >> "$table"
  done
  if ! "$NVCC" -std=c++17 -O3 -ptx -arch=compute_90 -o "$work/$f.ptx" "$cuda/$f.cu" > "$work/$f.ptx.log" 2>&1; then
    cat "$work/$f.ptx.log" >&2
    echo "FAIL: $f.cu does not compile to PTX for compute_90" >&2
    fail=1
  else
    for k in $(grep -o '^.visible .entry [A-Za-z0-9_]*' "$work/$f.ptx" | awk '{print $3}'); do
      printf "%s\tcompute_90\t-\t-\t-\t-\t%s\n" "$k" "$f.cu" >> "$table"
    done
  fi
done

echo "== 2/5 ptxas resource report (static smem; the fused forward adds dynamic smem, see erl_kernels.h)"
printf "%-32s %-11s %5s %6s %6s %6s  %s\n" kernel target regs smem spill stack verdict
sort -t$'\t' -k1,1 -k2,2 "$table" | while IFS=$'\t' read -r k t regs smem spill stack file; do
  verdict=ok
  if [ "$t" = compute_90 ]; then verdict="ptx ok"
  elif [ "$spill" != 0 ] || [ "$stack" != 0 ]; then
    case "$forward_kernels" in *" $k "*) verdict="FAIL (forward kernel spills/stack)";; *) verdict="warning (spill/stack)";; esac
  fi
  printf "%-32s %-11s %5s %6s %6s %6s  %s\n" "$k" "$t" "$regs" "$smem" "$spill" "$stack" "$verdict"
done | tee "$work/report.txt"
if grep -q "FAIL" "$work/report.txt"; then fail=1; fi
nk_count=$(cut -f1 "$table" | sort -u | wc -l)
echo "$nk_count kernels checked"

echo "== 3/5 fatbin"
if bash "$nk/build.sh"; then
  fb="$nk/target/classes/io/enhancedrl/native/enhancedrl.fatbin"
  if command -v cuobjdump > /dev/null; then
    elf=$(cuobjdump -lelf "$fb" | grep -o 'sm_[0-9]*' | sort -u | tr '\n' ' ')
    ptx=$(cuobjdump -lptx "$fb" | grep -o 'sm_[0-9]*\|compute_[0-9]*' | sort -u | tr '\n' ' ')
    echo "fatbin SASS: $elf; PTX: $ptx"
    case "$elf" in *sm_80*sm_90*) ;; *) echo "FAIL: fatbin lacks sm_80 or sm_90 SASS" >&2; fail=1;; esac
    [ -n "$ptx" ] || { echo "FAIL: fatbin has no PTX" >&2; fail=1; }
  fi
else
  echo "FAIL: build.sh" >&2
  fail=1
fi

echo "== 4/5 harness compiles"
if ! "$NVCC" -std=c++17 -O2 -gencode arch=compute_90,code=sm_90 -Xcompiler -ffp-contract=off \
    "$nk/src/test/native/harness.cu" "$cuda/erl_module.cu" "$nk/src/main/c/reference.c" -o "$work/harness" \
    > "$work/harness.log" 2>&1; then
  cat "$work/harness.log" >&2
  echo "FAIL: harness does not compile" >&2
  fail=1
else
  echo "harness compiled (run it on a GPU machine: native-kernels/run-harness.sh)"
fi

if [ $fail -ne 0 ]; then echo "native-check: FAILED" >&2; exit 1; fi
echo "native-check: all passed"
