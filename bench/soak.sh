#!/usr/bin/env bash
# Load and soak (issue 7): N concurrent sessions (default 1,000) run a mixed workload for S seconds (default 600)
# through one gateway on its embedded store, half fail-closed and half best-effort; prints the gateway's RSS curve
# and checks that every statement was recorded, every row in the database has its record, and the log verifies.
# Arguments go to SoakBench (--sessions N, --seconds S, --think-ms MS, --sample S). Exits 1 if a check fails.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$here/bin/jdk.sh"
gatehouse_find_jdk || exit 1
ulimit -n 65536 2>/dev/null || true # a socket per client and one per upstream
cd "$here"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package >/dev/null
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile=bench/logback.xml \
  -cp bench/target/gatehouse-bench.jar io.gatehouse.bench.SoakBench "$@"
