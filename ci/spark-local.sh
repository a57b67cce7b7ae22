#!/usr/bin/env bash
# The spark/ module's three jobs end to end through Spark's own launcher (org.apache.spark.deploy.SparkSubmit,
# which is what the spark-submit script runs), on the shaded application jar with Spark supplied on the class
# path as a cluster supplies it; only the master differs from docs/scale.md's cluster example (local[N] here).
# Then the same data through the single-machine CLI, and checks that both agree:
#   1. spark collect   N sessions in P partitions           == erl simulate --out (same seeds): step counts
#   2. erl train       a small policy on the Spark-collected data
#   3. spark score     every candidate of every step         -> scored steps == collected steps
#   4. spark evaluate  offline metrics (MTF-GAUC and counts) == erl evaluate --data, exactly
# Usage: ci/spark-local.sh [out-dir (default /tmp/erl-spark-local)] [sessions (2000)] [partitions (4)] [cores (2)]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/ci/jdk.sh"
out="${1:-/tmp/erl-spark-local}"
sessions="${2:-2000}"
parts="${3:-4}"
cores="${4:-2}"
rm -rf "$out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$root"

echo "== build: engine and the shaded Spark application jar"
mvn -B -q -ntp -pl spark -am install -DskipTests
mvn -B -q -ntp -pl engine-java dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
# Spark and its dependencies only (scope provided): the cluster's class path, not the application's
mvn -B -q -ntp -pl spark dependency:build-classpath -Dmdep.includeScope=provided -Dmdep.outputFile="$out/spark-classpath.txt"
app="$root/spark/target/enhancedrl-spark-0.1.0-SNAPSHOT-app.jar"
[ -f "$app" ] || { echo "error: the application jar $app was not built" >&2; exit 1; }
flags="$(cat engine-java/target/classes/io/enhancedrl/jvm-flags.txt) $(sed -n 's:.*<erl.spark.jvm.flags>\(.*\)</erl.spark.jvm.flags>.*:\1:p' pom.xml)"

submit() {  # the JVM spark-submit would start in client mode; the driver runs the main class in it
  # shellcheck disable=SC2086
  java $flags -Xmx3g -Derl.backend=scalar -cp "$(cat "$out/spark-classpath.txt")" org.apache.spark.deploy.SparkSubmit \
    --master "local[$cores]" --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 \
    --class io.enhancedrl.spark.SparkJobs "$app" "$@"
}
erl() { ERL_JAVA_OPTS="-Derl.backend=scalar" "$root/ci/erl" "$@"; }

echo "== 1. spark collect: $sessions sessions in $parts partitions"
submit collect --sessions "$sessions" --partitions "$parts" --out "$out/logs" 2>"$out/collect.err" | tee "$out/collect.out"
erl simulate --sessions "$sessions" --out "$out/single" 2>"$out/simulate.err" | tee "$out/simulate.out"
spark_steps=$(sed -n 's/^wrote \([0-9]*\) steps.*/\1/p' "$out/collect.out")
single_steps=$(sed -n 's/^wrote \([0-9]*\) logged steps.*/\1/p' "$out/simulate.out")

echo "== 2. erl train on the Spark-collected data"
erl train --data "$out/logs" --out "$out/policy.safetensors" --updates 200 2>"$out/train.err" | tail -n 3

echo "== 3. spark score"
submit score --model "$out/policy.safetensors" --data "$out/logs" --out "$out/scores" --backend scalar \
  2>"$out/score.err" | tee "$out/score.out"
scored_steps=$(sed -n 's/^scored \([0-9]*\) steps.*/\1/p' "$out/score.out")

echo "== 4. spark evaluate and erl evaluate --data"
submit evaluate --model "$out/policy.safetensors" --data "$out/logs" --partitions 3 --backend scalar \
  2>"$out/evaluate.err" | tee "$out/evaluate.out"
erl evaluate --model "$out/policy.safetensors" --data "$out/logs" --seeds 1 --sessions 20 2>"$out/erl-evaluate.err" \
  | tee "$out/erl-evaluate.out"
spark_metrics=$(grep '^offline metrics: ' "$out/evaluate.out")
single_metrics=$(grep '^offline metrics: ' "$out/erl-evaluate.out")

echo "== checks"
fail=0
check() {  # name, expected, actual
  if [ -n "$2" ] && [ "$2" = "$3" ]; then echo "ok    $1: $3"; else echo "FAIL  $1: expected '$2' but got '$3'"; fail=1; fi
}
check "steps, Spark collect vs erl simulate" "$single_steps" "$spark_steps"
check "steps scored vs collected" "$spark_steps" "$scored_steps"
check "offline metrics, Spark vs erl evaluate" "$single_metrics" "$spark_metrics"
echo "logs under $out"
exit $fail
