#!/usr/bin/env bash
# The test command (README): builds every module and runs the test suite on the CPU.
# GPU tests are tagged "gpu" and skipped here with their reason; ci/gpu-check.sh runs them on a GPU machine.
# Extra arguments go to Maven (e.g. ci/test.sh -pl engine-java -Dtest=MlpTest).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk.sh
echo "using JDK at $JAVA_HOME ($(java -version 2>&1 | head -n 1))"
mvn -B -ntp install "$@"
