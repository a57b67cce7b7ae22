#!/usr/bin/env bash
# Bounded fuzz run (docs/reliability.md): fuzzes each Jazzer @FuzzTest of engine-java for
# FUZZ_SECONDS (default 60) and prints the executions per target. Exits non-zero when a target finds an input
# that breaks its property; Jazzer then writes that input as crash-<sha1> into the target's committed inputs
# directory (src/test/resources/.../<Class>Inputs/<method>/), where every later `mvn test` replays it: fix the
# code, keep the file, commit both.
#
# Jazzer fuzzes one @FuzzTest per JVM, so each target is its own Maven run. The fork's heap is capped
# (FUZZ_HEAP, default 1g) so that a huge allocation driven by a length field in the input is an
# OutOfMemoryError (a finding) rather than a slow success on a large machine. Coverage instrumentation covers
# the engine and the parsing libraries underneath it (Jackson for model headers, Parquet and its shaded Thrift).
# Per-input hangs: a JUnit @Timeout cannot be used (under JUnit 6 it bounds the whole fuzzing invocation, not
# one input), so each run is bounded as a whole (LIMIT below).
# Usage: ci/fuzz.sh [seconds per target]
set -uo pipefail
cd "$(dirname "$0")/.."
source ci/jdk.sh
SECONDS_PER_TARGET="${1:-${FUZZ_SECONDS:-60}}"
HEAP="${FUZZ_HEAP:-1g}"
# A run that overruns its budget by 10 minutes (JVM start and instrumentation take about one) is a hang:
# an input the target never finishes. Reported as a failure with exit 124.
LIMIT=$((SECONDS_PER_TARGET + 600))
TARGETS=(
  "model-file  io.enhancedrl.model.io.ModelFileFuzzTargetTest"
  "logged-data io.enhancedrl.data.LoggedDataFuzzTargetTest"
  "rank-request io.enhancedrl.api.RankerFuzzTargetTest"
)
LOGS=engine-java/target/fuzz
mkdir -p "$LOGS"
echo "using JDK at $JAVA_HOME; ${SECONDS_PER_TARGET}s per target, fork heap $HEAP, logs in $LOGS"

# Compile once (main and test classes); the runs below then only fork the fuzzing JVM.
mvn -B -ntp -q -pl engine-java test-compile || { echo "fuzz: build failed"; exit 2; }

status=0
summary=()
for entry in "${TARGETS[@]}"; do
  read -r name class <<<"$entry"
  log="$LOGS/$name.log"
  start=$(date +%s)
  JAZZER_FUZZ=1 \
  JAZZER_MAX_DURATION="${SECONDS_PER_TARGET}s" \
  JAZZER_INSTRUMENTATION_INCLUDES='io.enhancedrl.**:com.fasterxml.jackson.**:org.apache.parquet.**:shaded.parquet.**' \
  JAVA_TOOL_OPTIONS="-Xmx$HEAP" \
    timeout --kill-after=30 "$LIMIT" mvn -B -ntp -pl engine-java surefire:test -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1
  rc=$?
  wall=$(( $(date +%s) - start ))
  # libFuzzer's last line: "Done <runs> runs in <s> second(s)"; "#<n> DONE cov: .. corp: <entries>/<size>".
  runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
  secs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log" | tail -n 1)
  corpus=$(sed -n 's/.*DONE .*corp: \([0-9]*\)\/.*/\1/p' "$log" | tail -n 1)
  if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
    result="ok"
  else
    status=1
    crash=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -n 1)
    result="FAILED (exit $rc)${crash:+, input kept as $crash}"
    echo "---- $name: last lines of $log ----"
    grep -v -E '^(WARNING|INFO: (Loaded|Instrumented))|(NEW|REDUCE|pulse) +cov:' "$log" | tail -n 40
  fi
  summary+=("$(printf '%-13s %10s %7s %8s %8s  %s' "$name" "${runs:-?}" "${secs:-?}" "${corpus:-?}" "${wall}" "$result")")
done

echo
printf '%-13s %10s %7s %8s %8s  %s\n' target executions fuzz_s corpus wall_s result
printf '%s\n' "${summary[@]}"
exit $status
