#!/usr/bin/env bash
# Prepares .carry/ (gitignored) for a GPU machine that has no JDK and no Maven: a jlink'd JRE 25 and every
# jar the gpu-tagged tests and the benchmark need. Run from the repo root on the build machine, then pass
# ".carry" in the device tool's carry list and run ci/gpu-check.sh there.
#   ci/prepare-gpu-carry.sh            builds with `mvn -DskipTests package` (reactor: native-kernels,
#                                      engine-java, bindings; never install), then assembles .carry/
#   ERL_CARRY_SKIP_BUILD=1 ...         reuses the jars already under */target
#   ERL_CARRY_DESKTOP=1 ...            adds java.desktop to the JRE (only the report charts need it)
# jdk.zipfs is there because the JUnit console launcher scans the test jar as a zip file system.
# Layout: .carry/jre (java), .carry/lib/*.jar (engine, kernels with the fatbin, bindings, bindings' test
# classes as bindings-tests.jar, runtime dependencies incl. JCuda natives, the JUnit console launcher).
# Fails when the total is not below 64 MiB (the device tool's carry limit).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk.sh
carry=.carry
rm -rf "$carry"
mkdir -p "$carry/lib"
lib="$PWD/$carry/lib"

# Only JCuda and JCublas (with their natives) and Jackson (model files and configurations) among the runtime
# dependencies: the GPU tests and the benchmark never load the engine's CLI, report or Parquet/Hadoop dependencies
# (together ~30 MiB), and the carry is capped. ci/gpu-check.sh's dry run on the emulated driver checks the list.
carry_groups=org.jcuda,com.fasterxml.jackson.core
junit_version=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml | head -n 1)
if [ -z "${ERL_CARRY_SKIP_BUILD:-}" ]; then
  echo "== mvn -DskipTests package (bindings and what it needs)"
  mvn -B -q -ntp -DskipTests -pl bindings -am package \
    dependency:copy-dependencies -DincludeScope=runtime -DincludeGroupIds="$carry_groups" -DoutputDirectory="$lib"
else
  mvn -B -q -ntp -pl bindings -am dependency:copy-dependencies -DincludeScope=runtime \
    -DincludeGroupIds="$carry_groups" -DoutputDirectory="$lib"
fi
mvn -B -q -ntp dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_version" \
  -DoutputDirectory="$lib"

for m in engine-java native-kernels bindings; do
  jar=$(ls "$m"/target/"$m"-*.jar 2>/dev/null | grep -v -e sources -e tests | head -n 1 || true)
  [ -n "$jar" ] || { echo "error: no jar under $m/target (build failed?)" >&2; exit 1; }
  cp "$jar" "$lib/"
done
if ! unzip -l "$lib"/native-kernels-*.jar | grep -q enhancedrl.fatbin; then
  echo "WARNING: the native-kernels jar has no enhancedrl.fatbin (nvcc missing at build): the CUDA backend will report unavailable" >&2
fi
jar cf "$lib/bindings-tests.jar" -C bindings/target/test-classes .
# the shared test helpers (the tolerance rule) the GPU tests use
cp engine-java/target/engine-java-*-tests.jar "$lib/"

modules=java.base,java.logging,java.management,jdk.management,java.xml,jdk.unsupported,jdk.incubator.vector,jdk.zipfs
[ -n "${ERL_CARRY_DESKTOP:-}" ] && modules="$modules,java.desktop"
echo "== jlink ($modules)"
jlink --add-modules "$modules" --compress=zip-9 --strip-debug --no-header-files --no-man-pages \
  --output "$carry/jre"
# The JDK's libjvm.so keeps its symbol table (~5 MiB); the carry limit is tight, so strip what dlopen does not need.
find "$carry/jre" -name '*.so' -exec strip --strip-unneeded {} +
"$carry/jre/bin/java" -version 2>&1 | head -n 1

total=$(du -sb "$carry" | cut -f1)
printf '%-40s %8s\n' "part" "MiB"
printf '%-40s %8.1f\n' "jre" "$(echo "$(du -sb "$carry/jre" | cut -f1) / 1048576" | bc -l)"
for f in "$lib"/*.jar; do
  printf '%-40s %8.1f\n' "lib/$(basename "$f")" "$(echo "$(stat -c %s "$f") / 1048576" | bc -l)"
done
printf '%-40s %8.1f\n' "TOTAL .carry" "$(echo "$total / 1048576" | bc -l)"
if [ "$total" -ge $((64 * 1024 * 1024)) ]; then
  echo "error: .carry is $total bytes, not below 64 MiB" >&2
  exit 1
fi
