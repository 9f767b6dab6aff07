#!/usr/bin/env bash
# Review benchmark: a gateway on the embedded SQLite store filled through its recorder with 100,000 sessions
# (1,000,000 events) while the sessions indexer runs, then the sessions list with filters and the first page
# of a connection's timeline timed through the HTTPS API. Arguments go to ReviewBench (--sessions N, ...).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$here/bin/jdk.sh"
gatehouse_find_jdk || exit 1
cd "$here"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package >/dev/null
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx2g -Dlogback.configurationFile=bench/logback.xml \
  -cp bench/target/gatehouse-bench.jar io.gatehouse.bench.ReviewBench "$@"
